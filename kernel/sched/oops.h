/*
 * kernel/sched/oops.h - oops and stack-overflow recovery for kernel threads.
 *
 * An exception nobody expected in a kernel thread, in task context, need
 * not stop the machine: the thread that took it is ended, as if it had
 * called kthread_exit(-EFAULT), with an "Oops:" line in the log, and the
 * rest of the kernel goes on. The same for a thread that ran off the
 * bottom of its stack into the guard page: the double-fault task reports
 * it and the thread ends on a per-CPU spare stack. In interrupt context,
 * in the idle thread, or for a fault from user space, there is no thread
 * to kill: the trap code (or the double-fault task) panics as before.
 *
 * oops_recovery_init() installs both hooks (trap_set_fault_hook and
 * stack_overflow_hook); sched_init() calls it.
 * Context: oops_recovery_init at boot, from sched_init (task context, one
 * CPU); the hooks run from the fault handler / double-fault task and do
 * not return when they kill a thread. oops_count may be read anywhere.
 */
#ifndef KERNEL_SCHED_OOPS_H
#define KERNEL_SCHED_OOPS_H

extern unsigned long oops_count; /* threads killed by an oops */

void oops_recovery_init(void);

#endif
