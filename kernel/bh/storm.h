/*
 * kernel/bh/storm.h - the seed's "tasklet storm", on demand.
 *
 * storm_start(STORM_TASKLET, n) schedules, from a top half (irq_offload),
 * a tasklet that reschedules itself until it has run n times;
 * STORM_SOFTIRQ sends n demo packets through the loopback "lo", whose
 * NAPI poll (weight 1) takes one per NET_RX run and re-raises itself. Either way every pass of the
 * run loop finds new work: the loop spends its 10-pass budget, ksoftirqd
 * takes over, and the shell keeps answering. When the last run is done
 * the storm prints its report: runs (exactly n), and the loop's restarts,
 * budget exhaustions, ksoftirqd wakeups and passes it caused.
 *
 * On a chosen CPU: the storm is started by a `storm` thread bound to that
 * CPU (its top half, irq_offload, interrupts that CPU), so the tasklet is
 * queued there and reschedules itself there (NET_RX re-raises itself
 * there); the figures are that CPU's loop and ksoftirqd/N.
 *
 * Context: storm_start from task context (it starts a reporting thread).
 */
#ifndef KERNEL_BH_STORM_H
#define KERNEL_BH_STORM_H

#include <stdbool.h>

enum storm_kind { STORM_TASKLET, STORM_SOFTIRQ };

struct storm_report {
	enum storm_kind kind;
	unsigned int cpu; /* where it ran */
	unsigned long target, runs;
	unsigned long passes, restarts, budget_passes, budget_time,
		budget_resched, wakeups, ksoftirqd_passes;
	unsigned long long ns;
};

/* n runs on cpu: 0, or -EBUSY (a storm is running), -EINVAL (n is 0 or
 * too big), -ENXIO (cpu not online), -ENOMEM (no thread). */
int storm_start(enum storm_kind kind, unsigned long n, unsigned int cpu);
bool storm_running(void);
/* The last finished storm's report (valid once one has finished). */
const struct storm_report *storm_last(void);

#endif
