/*
 * test_sort.c - lib/sort: ascending order, duplicates, already sorted and
 * reversed input, and the median of odd and even counts.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/sort.h"

static int is_sorted(const uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return 0;
	return 1;
}

static void random_arrays_sort(void)
{
	unsigned int seed = 7;

	for (size_t n = 0; n < 60; n++) {
		uint64_t v[60], sum = 0, after = 0;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			v[i] = (seed >> 8) % 17; /* many duplicates */
			sum += v[i];
		}
		sort_u64(v, n);
		CHECK(is_sorted(v, n));
		for (size_t i = 0; i < n; i++)
			after += v[i];
		CHECK_EQ(sum, after); /* a permutation: nothing lost */
	}
}

static void sorted_and_reversed(void)
{
	uint64_t up[5] = { 1, 2, 3, 4, 5 }, down[5] = { 5, 4, 3, 2, 1 };

	sort_u64(up, 5);
	sort_u64(down, 5);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(up[i], (uint64_t)i + 1);
		CHECK_EQ(down[i], (uint64_t)i + 1);
	}
}

static void median(void)
{
	uint64_t odd[5] = { 900, 10, 30, 20, 1000000 }; /* one outlier */
	uint64_t even[4] = { 4, 1, 3, 2 };
	uint64_t one[1] = { 42 };

	CHECK_EQ(median_u64(odd, 5), 30);
	CHECK_EQ(median_u64(even, 4), 3); /* the upper middle */
	CHECK_EQ(median_u64(one, 1), 42);
	CHECK_EQ(median_u64(NULL, 0), 0);
}

static const struct test_case cases[] = {
	TEST_CASE(random_arrays_sort),
	TEST_CASE(sorted_and_reversed),
	TEST_CASE(median),
};

int main(void)
{
	return RUN_TESTS(cases);
}
