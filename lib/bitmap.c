/* lib/bitmap.c - see bitmap.h. */
#include "lib/bitmap.h"

#include "lib/bitops.h"

/* The bits of word `w` that lie in [start, end). */
static unsigned long range_mask(uint32_t w, uint32_t start, uint32_t end)
{
	uint32_t lo = w * BITS_PER_LONG, hi = lo + BITS_PER_LONG;
	unsigned long mask = ~0UL;

	if (start > lo)
		mask &= ~0UL << (start - lo);
	if (end < hi)
		mask &= ~0UL >> (hi - end);
	return mask;
}

void bitmap_set_range(unsigned long *map, uint32_t start, uint32_t end)
{
	if (start >= end)
		return;
	for (uint32_t w = start / BITS_PER_LONG; w <= (end - 1) / BITS_PER_LONG;
	     w++)
		map[w] |= range_mask(w, start, end);
}

void bitmap_clear_range(unsigned long *map, uint32_t start, uint32_t end)
{
	if (start >= end)
		return;
	for (uint32_t w = start / BITS_PER_LONG; w <= (end - 1) / BITS_PER_LONG;
	     w++)
		map[w] &= ~range_mask(w, start, end);
}

static uint32_t word_weight(unsigned long x)
{
	uint32_t n = 0;

	for (; x; x &= x - 1) /* clears the lowest set bit */
		n++;
	return n;
}

uint32_t bitmap_weight(const unsigned long *map, uint32_t nbits)
{
	uint32_t n = 0, w;

	for (w = 0; w < nbits / BITS_PER_LONG; w++)
		n += word_weight(map[w]);
	if (nbits % BITS_PER_LONG)
		n += word_weight(map[w] & range_mask(w, 0, nbits));
	return n;
}
