/*
 * kernel/sched/oops.c - oops and stack-overflow recovery: a kernel thread
 * that faults, or overflows its stack, is ended and the kernel goes on.
 * See oops.h.
 */
#include "kernel/sched/oops.h"

#include <stdint.h>

#include "kernel/arch/trap.h"
#include "kernel/mm/fault.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"

unsigned long oops_count;

/*
 * An exception nobody expected, in a kernel thread in task context: print
 * an oops and end that thread; the rest of the kernel goes on. In
 * interrupt context, or in the idle thread, there is no one to kill:
 * return, and the caller panics.
 */
static void oops_kill_thread(struct trap_frame *f)
{
	struct thread *t = current_thread();

	if (!t || is_idle_thread(t) || in_interrupt() || (f->cs & 3))
		return;
	oops_count++;
	printk(KERN_ERR
	       "Oops: #%lu %s in thread '%s' (tid %d): thread killed, the kernel goes on\n",
	       (unsigned long)f->vector, exception_name(f->vector), t->name,
	       t->tid);
	if (preempt_count())
		printk(KERN_ERR
		       "Oops: it held preempt count 0x%x (locks?); reset\n",
		       preempt_count());
	trace_flight_dump(); /* what led here, per CPU (if tracing ran) */
	kthread_exit(-EFAULT);
}

/*
 * A thread ran off the bottom of its stack into the guard page. The
 * double-fault task (kernel/mm/double_fault.c) has reported it, on a
 * stack of its own, and asks where to go on: not back into the broken
 * stack, but into overflow_exit on a per-CPU spare stack, still as the
 * same thread, which then ends itself like any oops.
 */
#define OVERFLOW_STACK_SIZE 4096 /* printk, and the thread's exit hook */
static uint8_t overflow_stack[MAX_CPUS][OVERFLOW_STACK_SIZE]
	__attribute__((aligned(16)));

static void __attribute__((noreturn)) overflow_exit(void)
{
	struct thread *t = current_thread();

	oops_count++;
	printk(KERN_ERR
	       "Oops: stack overflow in thread '%s' (tid %d): thread killed, the kernel goes on\n",
	       t->name, t->tid);
	kthread_exit(-EFAULT);
}

static bool overflow_kill_thread(struct stack_overflow *so)
{
	struct thread *t = current_thread();
	uint32_t *top;

	if (!t || is_idle_thread(t) || in_interrupt() ||
	    so->stack.slot != t->kstack.slot)
		return false; /* nothing sensible to kill: panic */
	top = (uint32_t *)(overflow_stack[smp_processor_id()] +
			   OVERFLOW_STACK_SIZE);
	*--top = 0; /* overflow_exit's return address: ends backtraces */
	so->resume_eip = (uint32_t)overflow_exit;
	so->resume_esp = (uint32_t)top;
	return true;
}

void oops_recovery_init(void)
{
	trap_set_fault_hook(oops_kill_thread);
	stack_overflow_hook = overflow_kill_thread;
}
