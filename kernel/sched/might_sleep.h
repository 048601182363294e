/*
 * kernel/sched/might_sleep.h - catch sleeping in atomic context.
 *
 * Every function that can sleep starts with might_sleep(). Sleeping is
 * only allowed in task context with preemption and interrupts enabled:
 * an interrupt handler, a softirq, a spinlock holder or code with IRQs
 * off must never wait, because the thing it waits for may need this CPU.
 * From such a context might_sleep() prints
 *
 *   BUG: sleeping function called from invalid context at FILE:LINE
 *
 * with the context and a backtrace, counts it, and returns non-zero so
 * the caller can return an error instead of sleeping: the kernel goes on.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_SCHED_MIGHT_SLEEP_H
#define KERNEL_SCHED_MIGHT_SLEEP_H

extern unsigned long might_sleep_bugs;

int __might_sleep(const char *file, int line);
#define might_sleep() __might_sleep(__FILE__, __LINE__)

#endif
