/* lib/sort.c - see sort.h. */
#include "lib/sort.h"

void sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

uint64_t median_u64(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	sort_u64(v, n);
	return v[n / 2];
}
