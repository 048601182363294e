/*
 * test_bitmap.c - lib/bitmap: ranges set and cleared word-wise give the
 * same bitmap as one bit at a time, at every alignment; weights count.
 */
#include <stdint.h>
#include <string.h>

#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/bitmap.h"
#include "lib/bitops.h"
#include "lib/string.h"

#define NBITS 200
#define WORDS ((NBITS + BITS_PER_LONG - 1) / BITS_PER_LONG)

static void one_by_one(unsigned long *map, uint32_t s, uint32_t e, int set)
{
	for (uint32_t b = s; b < e; b++) {
		if (set)
			map[b / BITS_PER_LONG] |= 1UL << (b % BITS_PER_LONG);
		else
			map[b / BITS_PER_LONG] &= ~(1UL << (b % BITS_PER_LONG));
	}
}

/* Every range [s, e) of a 200-bit map, on a clear and on a full map. */
static void ranges_match_bit_by_bit(void)
{
	for (uint32_t s = 0; s <= NBITS; s++) {
		for (uint32_t e = s; e <= NBITS; e++) {
			unsigned long a[WORDS] = { 0 }, b[WORDS] = { 0 };

			bitmap_set_range(a, s, e);
			one_by_one(b, s, e, 1);
			CHECK(memcmp(a, b, sizeof(a)) == 0);
			memset(a, 0xff, sizeof(a));
			memset(b, 0xff, sizeof(b));
			bitmap_clear_range(a, s, e);
			one_by_one(b, s, e, 0);
			CHECK(memcmp(a, b, sizeof(a)) == 0);
		}
	}
}

static void empty_and_backwards_ranges_change_nothing(void)
{
	unsigned long a[WORDS] = { 0 };

	bitmap_set_range(a, 10, 10);
	bitmap_set_range(a, 50, 20);
	CHECK_EQ(bitmap_weight(a, NBITS), 0);
}

static void weight_counts_only_the_first_nbits(void)
{
	unsigned long a[WORDS];

	memset(a, 0xff, sizeof(a));
	CHECK_EQ(bitmap_weight(a, NBITS), NBITS);
	CHECK_EQ(bitmap_weight(a, 33), 33);
	CHECK_EQ(bitmap_weight(a, 0), 0);
	bitmap_clear_range(a, 5, 105);
	CHECK_EQ(bitmap_weight(a, NBITS), NBITS - 100);
}

static const struct test_case cases[] = {
	TEST_CASE(ranges_match_bit_by_bit),
	TEST_CASE(empty_and_backwards_ranges_change_nothing),
	TEST_CASE(weight_counts_only_the_first_nbits),
};

int main(void)
{
	return RUN_TESTS(cases);
}
