/*
 * lib/inet_csum.h - the Internet checksum (RFC 1071), used by IPv4, ICMP
 * and UDP: the ones' complement of the ones' complement sum of the data
 * taken as big-endian 16-bit words (an odd last byte is padded with a
 * zero byte).
 *
 * Sums can be built in pieces: inet_csum_add() a pseudo-header, then a
 * header, then a payload (each piece but the last of even length), and
 * inet_csum_fold() the total. A receiver sums everything including the
 * checksum field: a correct message folds to 0.
 *
 * Values are in host byte order; store them with put_be16().
 * Context: any; pure functions.
 */
#ifndef LIB_INET_CSUM_H
#define LIB_INET_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes at data to a running 32-bit sum (no folding yet). */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);
/* Fold the carries back in and complement: the checksum to send. */
uint16_t inet_csum_fold(uint32_t sum);
/* Both at once, for one buffer. */
uint16_t inet_csum(const void *data, size_t len);

#endif
