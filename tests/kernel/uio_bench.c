/*
 * tests/kernel/uio_bench.c - what a user-space driver's wakeup costs.
 *
 *  uio_wakeup   from the uio top half's first look at the TSC (a real
 *               RTC interrupt on IRQ 8) to the instruction after int 0x80
 *               in the user process whose irq_wait it ended: mask, count,
 *               wake, EOI, preempt into the process, switch address
 *               space, return through the syscall path to ring 3.
 *
 * The measuring is done by the user program itself (user/irqstat.c,
 * -bench): it reads the TSC when irq_wait returns, asks irq_info for the
 * top half's TSC, keeps the median of BENCH_RUNS rounds and exits with
 * it - the process's exit code is the figure.
 */
#include "kernel/proc/proc.h"
#include "kernel/test/bench.h"

static uint64_t bench_uio_wakeup(void)
{
	char *argv[] = { "irqstat", "-bench" };
	struct process *p;
	int err, code;

	p = proc_spawn("irqstat", 2, argv, NULL, &err);
	if (!p)
		return 0; /* no user programs in this boot */
	code = proc_reap(p);
	return code > 0 ? (uint64_t)code : 0;
}
BENCH(uio_wakeup, bench_uio_wakeup,
      "RTC interrupt: uio top half -> user irq_wait returns (ring 3)");
