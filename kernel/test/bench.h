/*
 * kernel/test/bench.h - benchmarks, measured in TSC cycles.
 *
 * Under QEMU's -icount shift=0,align=off,sleep=off the TSC advances by one
 * per guest instruction, so a benchmark's figure is an instruction count
 * that repeats exactly from run to run (`make bench` runs it that way).
 * On real time it is cycles, and varies.
 *
 * A benchmark registers itself like a test:
 *	static uint64_t bench_foo(void) { ...; return cycles; }
 *	BENCH(foo, bench_foo, "what one unit of foo is");
 * It returns the cost of ONE operation (typically the median of many),
 * or BENCH_SKIPPED when the machine cannot run it (no second CPU, say:
 * it prints why on a "# bench:" line and gets no BENCH line).
 * Booting with bench=all (or bench=NAME,NAME) runs them in a thread,
 * prints "BENCH name value what" lines and a table, and exits QEMU.
 * `make bench` boots two CPUs (tests/bench.py): the benchmarks of one
 * CPU run on CPU 0 while CPU 1 idles, and figure as at -smp 1.
 *
 * Context: benchmarks run in task context and may sleep.
 */
#ifndef KERNEL_TEST_BENCH_H
#define KERNEL_TEST_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct bench {
	const char *name;
	uint64_t (*run)(void);
	const char *what;
};

#define BENCH(bname, fn, what_str)                        \
	static const struct bench __bench_##bname         \
		__attribute__((used, section(".benches"), \
			       aligned(4))) = { #bname, fn, what_str }

#define BENCH_RUNS    51 /* odd: the median is one of the samples */
#define BENCH_SKIPPED UINT64_MAX

/* The median of n samples (sorts them). */
uint64_t bench_median(uint64_t *samples, int n);

bool bench_boot_requested(void);
int bench_thread(void *arg); /* runs the selection, exits QEMU */

#endif
