/*
 * kernel/bh/tasklet.h - tasklets: dynamically created bottom halves that
 * run in softirq context, one at a time each.
 *
 * A driver's top half calls tasklet_schedule(); the tasklet's function
 * runs soon after, when TASKLET_SOFTIRQ (or HI_SOFTIRQ for
 * tasklet_hi_schedule) runs on the same CPU. Two state bits and a count
 * give the guarantees:
 *
 *   SCHED  set by tasklet_schedule; already set -> the call does nothing,
 *          so scheduling it N times before it runs runs it once. Cleared
 *          just before the function is called, so the function (or an
 *          interrupt during it) may schedule it again.
 *   RUN    held while the function runs: a tasklet never runs twice at
 *          the same time, even on SMP.
 *   count  tasklet_disable nesting; a disabled tasklet stays scheduled
 *          (parked) and runs after the matching tasklet_enable.
 *
 *          schedule            softirq runs it         function returns
 *   idle --------> SCHED ---------------------> RUN ------------------> idle
 *                    ^  \ count > 0: parked       |  schedule inside:
 *                    |   `-- tasklet_enable --'   `----> SCHED|RUN
 *
 * Per CPU (kernel/bh/tasklet.c has the details):
 *  - A tasklet runs on the CPU whose tasklet_schedule queued it: each CPU
 *    has its own queues, and only its own softirq runs them.
 *  - It never runs on two CPUs at once. Scheduled on CPU 1 while its
 *    function still runs on CPU 0 (SCHED is clear by then), it is queued
 *    on CPU 1, whose softirq finds RUN set, puts it back and raises
 *    TASKLET again until CPU 0 is done: then it runs on CPU 1.
 *  - disable, enable and kill work from any CPU: tasklet_disable waits
 *    for a run on another CPU to end, tasklet_enable puts a parked
 *    tasklet back on its own CPU's queue and raises the softirq there
 *    (raise_softirq_on), tasklet_kill waits for its CPU to run it.
 *  - The state bits change only by atomic read-modify-writes, so two
 *    CPUs never both win SCHED or RUN.
 *
 * Rules: a tasklet's function must not sleep (might_sleep reports it).
 * Before freeing a tasklet, call tasklet_kill(). A tasklet that never
 * went through tasklet_init/TASKLET_INIT/DECLARE_TASKLET, or that was
 * freed (kfree poisons it), is refused by every call here with a
 * "BUG: ..." line and a backtrace (kernel/magic.h), and its function is
 * not called; the softirq checks too, before it runs one (a tasklet
 * freed while scheduled takes the rest of that run list with it: its
 * link to them is gone). Linux deprecated
 * tasklets in 6.9 for BH work queues (docs/tasklets.md says why).
 *
 * Context: tasklet_schedule/tasklet_hi_schedule/tasklet_disable_nosync/
 * tasklet_enable from any context; tasklet_disable waits for a running
 * function (not from that tasklet itself, nor from an interrupt on top
 * of it); tasklet_kill sleeps: task context only, and it gives up
 * (-ETIMEDOUT, with an error line) after tasklet_kill_timeout_ms.
 */
#ifndef KERNEL_BH_TASKLET_H
#define KERNEL_BH_TASKLET_H

#include <stdbool.h>

#include "kernel/magic.h"
#include "lib/list.h"

enum {
	TASKLET_STATE_SCHED = 1u << 0,	/* queued to run */
	TASKLET_STATE_RUN = 1u << 1,	/* its function is running */
	TASKLET_STATE_HI = 1u << 2,	/* queued on the HI list */
	TASKLET_STATE_PARKED = 1u << 3, /* queued but disabled: waits */
};

struct tasklet {
	unsigned int magic;   /* TASKLET_MAGIC once initialised */
	struct tasklet *next; /* on a per-CPU list while scheduled */
	volatile unsigned int state;
	volatile int count; /* disable nesting; runs only at 0 */
	void (*func)(struct tasklet *t);
	const char *name;
	unsigned int cpu;	   /* where it was last scheduled */
	unsigned long schedules;   /* tasklet_schedule calls (atomic) */
	unsigned long runs;	   /* times its function ran */
	struct list_head all_node; /* on the list the `tasklets` command walks */
};

/* A static initializer; var is the tasklet's own lvalue (for its list
 * node), name what the `tasklets` command shows. */
#define TASKLET_INIT(var, fn, nm)                                   \
	{                                                           \
		.magic = TASKLET_MAGIC, .func = (fn), .name = (nm), \
		.all_node = LIST_HEAD_INIT((var).all_node)          \
	}
#define DECLARE_TASKLET(n, fn) struct tasklet n = TASKLET_INIT(n, fn, #n)

void tasklet_init(struct tasklet *t, void (*func)(struct tasklet *t),
		  const char *name);
/* Show a statically initialised tasklet in `tasklets` before its first
 * tasklet_schedule (which registers it anyway). */
void tasklet_register(struct tasklet *t);
/* true if this call queued it; false if it was scheduled already (that
 * pending run serves this call too) or refused. */
bool tasklet_schedule(struct tasklet *t);
bool tasklet_hi_schedule(struct tasklet *t);
void tasklet_disable_nosync(struct tasklet *t);
void tasklet_disable(struct tasklet *t);
void tasklet_enable(struct tasklet *t);
/* Wait until t is neither scheduled nor running, then unlist it: 0.
 * Once it finds SCHED clear it holds SCHED itself, so every
 * tasklet_schedule(t) from then on - its function's too - does nothing;
 * but a tasklet that reschedules itself in every run may never show
 * SCHED clear (on one CPU it cannot): stop the source first. -ETIMEDOUT
 * after tasklet_kill_timeout_ms (t is still live: do not free it);
 * -EINVAL if refused (atomic context, bad magic). */
int tasklet_kill(struct tasklet *t);

#define TASKLET_KILL_TIMEOUT_MS 5000
extern unsigned int tasklet_kill_timeout_ms; /* tests shorten it */

void tasklets_init(void); /* opens HI and TASKLET softirqs */

/* For the `tasklets` command: walk every known tasklet. */
void for_each_tasklet(void (*fn)(const struct tasklet *t, void *arg),
		      void *arg);

#endif
