/*
 * lib/bitmap.h - whole ranges of a bitmap at once (bit numbering as in
 * lib/bitops.h): set or clear bits [start, end), count the set bits.
 *
 * NOT atomic: plain read-modify-writes of each word, for bitmaps that
 * nobody else touches meanwhile (the page allocator's, built at boot).
 * Whole words are written at once, so a 128 MiB memory map is 1024 word
 * stores rather than 32768 locked bit operations.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_BITMAP_H
#define LIB_BITMAP_H

#include <stdint.h>

void bitmap_set_range(unsigned long *map, uint32_t start, uint32_t end);
void bitmap_clear_range(unsigned long *map, uint32_t start, uint32_t end);
uint32_t bitmap_weight(const unsigned long *map, uint32_t nbits);

#endif
