/*
 * lib/sort.h - sorting small arrays of measurements, and their median.
 *
 * Calibrations and benchmarks take a handful of samples and keep the
 * median, so that one window stretched by a busy host does not skew the
 * result. The arrays are small (5 to 51): insertion sort is enough.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_SORT_H
#define LIB_SORT_H

#include <stddef.h>
#include <stdint.h>

void sort_u64(uint64_t *v, size_t n); /* ascending, in place */
/* Sorts v and returns its middle element (n odd: the true median). */
uint64_t median_u64(uint64_t *v, size_t n);

#endif
