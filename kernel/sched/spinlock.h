/*
 * kernel/sched/spinlock.h - spinlocks.
 *
 * A spinlock protects data shared with other CPUs. With one CPU there is
 * nobody to spin against, but the same code is correct on SMP: taking the
 * lock disables preemption (spin_lock) or interrupts too
 * (spin_lock_irqsave), then claims the lock word atomically.
 *
 * Rule: data also touched by an interrupt handler must be locked with
 * spin_lock_irqsave, or the handler could interrupt the holder on the
 * same CPU and spin forever. Never sleep while holding a spinlock.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_SCHED_SPINLOCK_H
#define KERNEL_SCHED_SPINLOCK_H

#include "kernel/arch/cpu.h"
#include "kernel/sched/preempt.h"

struct spinlock {
	volatile unsigned int locked;
	const char *name;
};

#define SPINLOCK_INIT(n) \
	{                \
		0, #n    \
	}
#define DEFINE_SPINLOCK(n) struct spinlock n = SPINLOCK_INIT(n)

static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->name = name;
}

static inline void arch_spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

static inline void arch_spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline void spin_lock(struct spinlock *l)
{
	preempt_disable();
	arch_spin_lock(l);
}

static inline void spin_unlock(struct spinlock *l)
{
	arch_spin_unlock(l);
	preempt_enable();
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = local_irq_save();

	spin_lock(l);
	return flags;
}

/* Interrupts come back before preemption does, so that leaving the lock
 * is a preemption point (a thread woken inside it may run at once). */
static inline void spin_unlock_irqrestore(struct spinlock *l,
					  unsigned long flags)
{
	arch_spin_unlock(l);
	local_irq_restore(flags);
	preempt_enable();
}

#endif
