/*
 * kernel/sched/preempt.h - the preempt count: which context are we in?
 *
 * One per-CPU counter holds three nested counts, as in Linux:
 *
 *   bits  0-7   preemption disabled (preempt_disable nesting)
 *   bits  8-15  softirq: +1 while serving a softirq, +2 per local_bh_disable
 *   bits 16-23  hard IRQ nesting (irq_enter / irq_exit)
 *   bits 24-31  spinlocks held (spin_lock adds this and one preempt
 *               disable in a single add: counting them costs nothing)
 *
 * Softirq serving adds SOFTIRQ_OFFSET (an odd amount) while
 * local_bh_disable adds SOFTIRQ_DISABLE_OFFSET (an even amount), so
 * in_serving_softirq() can tell "running a softirq now" from "softirqs
 * merely disabled". Any non-zero count means atomic context: no sleeping.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_SCHED_PREEMPT_H
#define KERNEL_SCHED_PREEMPT_H

#include <stdbool.h>

#include "kernel/percpu.h"

#define PREEMPT_SHIFT	       0
#define SOFTIRQ_SHIFT	       8
#define HARDIRQ_SHIFT	       16
#define SPINLOCK_SHIFT	       24

#define PREEMPT_OFFSET	       (1u << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET	       (1u << SOFTIRQ_SHIFT)
#define SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET)
#define HARDIRQ_OFFSET	       (1u << HARDIRQ_SHIFT)
#define SPINLOCK_OFFSET	       (1u << SPINLOCK_SHIFT)

#define PREEMPT_MASK	       (0xffu << PREEMPT_SHIFT)
#define SOFTIRQ_MASK	       (0xffu << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK	       (0xffu << HARDIRQ_SHIFT)
#define SPINLOCK_MASK	       (0xffu << SPINLOCK_SHIFT)

static inline unsigned int preempt_count(void)
{
	return this_cpu()->preempt_count;
}

static inline void preempt_count_add(unsigned int val)
{
	this_cpu()->preempt_count += val;
	asm volatile("" : : : "memory"); /* keep the critical section inside */
}

static inline void preempt_count_sub(unsigned int val)
{
	asm volatile("" : : : "memory");
	this_cpu()->preempt_count -= val;
}

static inline unsigned int hardirq_count(void)
{
	return preempt_count() & HARDIRQ_MASK;
}

static inline unsigned int softirq_count(void)
{
	return preempt_count() & SOFTIRQ_MASK;
}

/* Spinlocks this CPU holds (each also counts one preempt disable). */
static inline unsigned int spinlocks_held(void)
{
	return (preempt_count() & SPINLOCK_MASK) >> SPINLOCK_SHIFT;
}

static inline bool in_hardirq(void)
{
	return hardirq_count() != 0;
}

/* Softirqs are being served or are disabled. */
static inline bool in_softirq(void)
{
	return softirq_count() != 0;
}

static inline bool in_serving_softirq(void)
{
	return (softirq_count() & SOFTIRQ_OFFSET) != 0;
}

static inline bool in_interrupt(void)
{
	return (preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK)) != 0;
}

static inline bool in_task(void)
{
	return !in_hardirq() && !in_serving_softirq();
}

static inline void preempt_disable(void)
{
	preempt_count_add(PREEMPT_OFFSET);
}

void preempt_schedule(void); /* kernel/sched/thread.c */

/* Leaving the last preempt-disabled section is a preemption point. */
static inline void preempt_enable(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
	if (this_cpu()->need_resched && preempt_count() == 0)
		preempt_schedule();
}

/* For the scheduler's own locks: no preemption point. */
static inline void preempt_enable_no_resched(void)
{
	preempt_count_sub(PREEMPT_OFFSET);
}

#endif
