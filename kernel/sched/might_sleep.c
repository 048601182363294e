/* kernel/sched/might_sleep.c - see might_sleep.h. */
#include "kernel/sched/might_sleep.h"

#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"

unsigned long might_sleep_bugs;

int __might_sleep(const char *file, int line)
{
	unsigned int count = preempt_count();
	bool irqs_off = irqs_disabled();
	struct thread *cur = current_thread();

	if (count == 0 && !irqs_off)
		return 0;
	might_sleep_bugs++;
	printk(KERN_ERR
	       "BUG: sleeping function called from invalid context at %s:%d\n",
	       file, line);
	printk(KERN_ERR
	       "in_atomic(): %d, irqs_disabled(): %d, preempt_count: 0x%x (hardirq %u, softirq %u, preempt %u, spinlocks %u), name: %s\n",
	       count != 0, irqs_off, count,
	       (count & HARDIRQ_MASK) >> HARDIRQ_SHIFT,
	       (count & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT, count & PREEMPT_MASK,
	       (count & SPINLOCK_MASK) >> SPINLOCK_SHIFT,
	       cur ? cur->name : "(boot)");
	dump_stack();
	return -1;
}
