/*
 * test_bitops.c - lib/bitops.h on single words and on multi-word bitmaps.
 */
#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/bitops.h"

static void bitmap_set_clear(void)
{
	unsigned long map[3] = { 0, 0, 0 };
	unsigned int nr;

	set_bit(0, map);
	set_bit(BITS_PER_LONG - 1, map);
	set_bit(BITS_PER_LONG, map); /* first bit of word 1 */
	set_bit(2 * BITS_PER_LONG + 5, map);
	CHECK(map[0] == (BIT(0) | BIT(BITS_PER_LONG - 1)));
	CHECK(map[1] == BIT(0));
	CHECK(map[2] == BIT(5));
	for (nr = 0; nr < 3 * BITS_PER_LONG; nr++) {
		int want = nr == 0 || nr == BITS_PER_LONG - 1 ||
			   nr == BITS_PER_LONG || nr == 2 * BITS_PER_LONG + 5;

		CHECK_EQ(test_bit(nr, map), want);
	}
	clear_bit(BITS_PER_LONG, map);
	clear_bit(BITS_PER_LONG, map); /* clearing twice is fine */
	CHECK(map[1] == 0);
	CHECK(map[0] == (BIT(0) | BIT(BITS_PER_LONG - 1)));
}

static void test_and_modify(void)
{
	unsigned long map[2] = { 0, 0 };

	CHECK(!test_and_set_bit(40, map)); /* was clear */
	CHECK(test_and_set_bit(40, map));  /* now set */
	CHECK(test_bit(40, map));
	CHECK(test_and_clear_bit(40, map));
	CHECK(!test_and_clear_bit(40, map));
	CHECK(map[0] == 0 && map[1] == 0);
}

static void find_bits(void)
{
	unsigned int i;

	CHECK_EQ(__ffs(1), 0);
	CHECK_EQ(__ffs(0x80), 7);
	CHECK_EQ(__ffs(0x80000000UL), 31);
	CHECK_EQ(__ffs(~0UL), 0);
	CHECK_EQ(__ffs(BIT(BITS_PER_LONG - 1)), BITS_PER_LONG - 1);
	CHECK_EQ(fls(0), 0);
	CHECK_EQ(fls(1), 1);
	CHECK_EQ(fls(0x80000000u), 32);
	CHECK_EQ(fls(0x00f0), 8);
	for (i = 0; i < 32; i++) {
		CHECK_EQ(fls(1u << i), i + 1);
		CHECK_EQ(fls((1u << i) | 1), i + 1);
	}
}

static void population_count(void)
{
	CHECK_EQ(hweight32(0), 0);
	CHECK_EQ(hweight32(1), 1);
	CHECK_EQ(hweight32(0xffffffffu), 32);
	CHECK_EQ(hweight32(0xf0f0), 8);
	CHECK_EQ(hweight32(0x80000001u), 2);
}

static void walk_set_bits(void)
{
	static const unsigned int want[] = { 0, 3, 4, 31 };
	unsigned long word = BIT(0) | BIT(3) | BIT(4) | BIT(31);
	unsigned int bit, n = 0;

	for_each_set_bit (bit, word) {
		CHECK(n < ARRAY_SIZE(want));
		if (n < ARRAY_SIZE(want))
			CHECK_EQ(bit, want[n]);
		n++;
		word = 0; /* the loop walks its own copy */
	}
	CHECK_EQ(n, 4);
	n = 0;
	for_each_set_bit (bit, 0UL)
		n++;
	CHECK_EQ(n, 0);
}

static const struct test_case cases[] = {
	TEST_CASE(bitmap_set_clear), TEST_CASE(test_and_modify),
	TEST_CASE(find_bits),	     TEST_CASE(population_count),
	TEST_CASE(walk_set_bits),
};

int main(void)
{
	return RUN_TESTS(cases);
}
