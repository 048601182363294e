/*
 * tests/kernel/trace_bench.c - what a record costs when tracing is on.
 *
 *  trace_record   one trace_event() with its event enabled: the test of
 *                 the mask, IRQs off, the 32-byte record, IRQs back
 *                 (and the current thread's name kept). Off, the same
 *                 call is the load, the test and a branch not taken:
 *                 docs/tracing.md, "What it costs".
 */
#include "kernel/arch/cpu.h"
#include "kernel/test/bench.h"
#include "kernel/trace/trace.h"

#define RECORDS 1000 /* half a ring: nothing is overwritten */

static uint64_t bench_trace_record(void)
{
	uint32_t was = trace_mask;
	uint64_t start, cycles;

	trace_disable();
	trace_clear();
	trace_enable(1u << TRACE_SOFTIRQ_RAISE);
	start = rdtsc();
	for (uint32_t i = 0; i < RECORDS; i++)
		trace_event(TRACE_SOFTIRQ_RAISE, 7, i, 0);
	cycles = rdtsc() - start;
	trace_disable();
	trace_clear();
	trace_enable(was);
	return cycles / RECORDS;
}
BENCH(trace_record, bench_trace_record,
      "one trace_event() with its event on (a 32-byte record in this CPU's ring)");
