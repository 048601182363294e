/*
 * kernel/sched/spinlock.h - spinlocks that know their owner.
 *
 * A spinlock protects data shared with other CPUs. With one CPU there is
 * nobody to spin against, but the same code is correct on SMP: taking the
 * lock disables preemption (spin_lock) or interrupts too
 * (spin_lock_irqsave), then claims the lock word atomically.
 *
 * Rules:
 *  - Data also touched by an interrupt handler must be locked with
 *    spin_lock_irqsave, or the handler could interrupt the holder on the
 *    same CPU and spin forever. Never sleep while holding a spinlock.
 *  - A spinlock is not recursive. The lock word holds the owner (its
 *    struct cpu, NULL = free) and the lock records the code address that
 *    took it (the instruction inside the function that inlined spin_lock).
 *    Taking a lock this CPU already holds would spin for ever; instead it
 *    prints "BUG: spinlock recursion on NAME" with both places and a
 *    backtrace, and returns as if it had taken the lock: the preempt
 *    count says one more lock held, the lock word and owner_pc still
 *    name the first owner. So the broken caller's code runs on unchanged
 *    and every count stays balanced: its unlock frees the lock word, and
 *    the first owner's unlock frees it again, harmlessly. What is lost is
 *    the exclusion between the two unlocks (another CPU may enter the
 *    section): the kernel goes on, the bug must still be fixed. A test
 *    (or an interrupt handler) that locks twice unlocks twice.
 *  - Every CPU counts the spinlocks it holds (spinlocks_held(), bits
 *    24-31 of the preempt count, see preempt.h): a ktest case must return
 *    holding none, and might_sleep names them.
 *  - arch_spin_lock/arch_spin_unlock are the bare lock word (no preempt
 *    count): for code that manages the count itself.
 *
 * The owner checks cost nothing on the fast path: the lock word is
 * claimed with one compare-and-exchange of NULL -> this CPU, and only a
 * failed claim (the slow path, out of line) looks at who holds it.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_SCHED_SPINLOCK_H
#define KERNEL_SCHED_SPINLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/sched/preempt.h"

struct spinlock {
	struct cpu *volatile owner; /* NULL = free, else the holding CPU */
	const char *name;
	unsigned long owner_pc; /* where the owner took it */
};

#define SPINLOCK_INIT(n)    \
	{                   \
		.name = #n, \
	}
#define DEFINE_SPINLOCK(n) struct spinlock n = SPINLOCK_INIT(n)

static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	l->owner = NULL;
	l->name = name;
	l->owner_pc = 0;
}

/* The address of this very spot in the code that inlined us: the place
 * that takes the lock (spin_lock is inline, so __builtin_return_address
 * would name our caller's caller). One instruction: a store of a
 * constant. */
#define SPIN_SET_PC(where) asm volatile("movl $1f, %0\n1:" : "=m"(where))

/* What holding a spinlock adds to the preempt count: one preempt
 * disable and one held lock, in one instruction. */
#define SPIN_HELD	   (PREEMPT_OFFSET + SPINLOCK_OFFSET)

/* Out of line (kernel/sched/spinlock.c): the lock was not free. Spins
 * until it is and returns true (now ours), or reports recursion and
 * returns false (still the first owner's). */
bool spin_lock_contended(struct spinlock *l);
extern unsigned long spinlock_recursions; /* reports so far */

/* The lock word holds the owner's struct cpu: as cheap to write as a 1
 * (a constant, or one per-CPU load on SMP) and it names the owner. */
static inline bool arch_spin_trylock(struct spinlock *l)
{
	struct cpu *free = NULL;

	return __atomic_compare_exchange_n(&l->owner, &free, this_cpu(), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Claim the lock word (on recursion: reported, left to its owner). */
static inline void arch_spin_lock(struct spinlock *l)
{
	if (__builtin_expect(!arch_spin_trylock(l), 0) &&
	    !spin_lock_contended(l))
		return;
	SPIN_SET_PC(l->owner_pc);
}

static inline void arch_spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELEASE);
}

static inline void spin_lock(struct spinlock *l)
{
	preempt_count_add(SPIN_HELD);
	arch_spin_lock(l);
}

/* Leaving the last atomic section is a preemption point. */
static inline void spin_held_end(void)
{
	asm volatile("" : : : "memory"); /* keep the critical section inside */
	/* the count first: its subtraction sets the flags the test needs */
	if ((this_cpu()->preempt_count -= SPIN_HELD) == 0 &&
	    this_cpu()->need_resched)
		preempt_schedule();
}

static inline void spin_unlock(struct spinlock *l)
{
	arch_spin_unlock(l);
	spin_held_end();
}

/* For the scheduler (a dying thread's last unlock): no preemption
 * point. */
static inline void spin_unlock_no_resched(struct spinlock *l)
{
	arch_spin_unlock(l);
	preempt_count_sub(SPIN_HELD);
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
	spin_held_end();
}

#endif
