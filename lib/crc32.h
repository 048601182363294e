/*
 * lib/crc32.h - CRC-32 as used by zlib, PNG and Ethernet (reflected
 * polynomial 0xedb88320, initial value and final XOR 0xffffffff), so a
 * host tool can check what the kernel received (Python: zlib.crc32).
 *
 * Usage: crc = 0; crc = crc32_update(crc, buf, n); ... (chainable).
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

#endif
