/*
 * kernel/bh/defer.h - one small job through every bottom half, for the
 * `defer` command: the single picture of where deferred work runs.
 *
 * Each mechanism is triggered from a top half: a handler on a borrowed,
 * software-fired line (DEFER_IRQ, fired from irq_offload: hard-IRQ
 * context and the IRQ core's whole path, as a device interrupt), so a
 * trace shows irq_handler_entry irq=DEFER_IRQ name=defer first. The job
 * notes, on its first
 * line, the TSC, then the context it runs in, the thread it runs on and
 * whether it may sleep:
 *
 *   softirq    a null-disk request completed by BLOCK_SOFTIRQ
 *   tasklet    tasklet_schedule -> TASKLET_SOFTIRQ
 *   bh         queue_work(system_bh_wq) -> a BH work queue (softirq)
 *   workqueue  queue_work(system_wq) -> a kworker thread
 *   threaded   the handler returns IRQ_WAKE_THREAD -> irq/N-defer
 *
 * Context: defer_run from task context (it sleeps until the job ran).
 */
#ifndef KERNEL_BH_DEFER_H
#define KERNEL_BH_DEFER_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/sched/thread.h"

enum defer_mech {
	DEFER_SOFTIRQ,
	DEFER_TASKLET,
	DEFER_BH_WORK,
	DEFER_WORKQUEUE,
	DEFER_THREADED,
	NR_DEFER_MECHS
};

#define DEFER_IRQ (NR_IRQS - 2) /* borrowed while `defer` runs */

struct defer_result {
	bool ran;
	bool hardirq, softirq, task; /* in_hardirq etc., on the first line */
	bool may_sleep;		     /* preempt count 0, IRQs on */
	unsigned int preempt_count;
	char thread[THREAD_NAME_LEN];
	uint64_t latency; /* TSC: trigger in the top half -> job's first line */
};

const char *defer_mech_name(enum defer_mech m);
int defer_mech_by_name(const char *name); /* -1 if unknown */
/* Run the job through m; 0, or -ETIMEDOUT / -EBUSY / -ENOMEM. */
int defer_run(enum defer_mech m, struct defer_result *r);

#endif
