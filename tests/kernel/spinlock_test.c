/*
 * tests/kernel/spinlock_test.c - spinlocks know their owner.
 *
 * Taking a lock this CPU already holds used to spin for ever, silently.
 * Now it prints "BUG: spinlock recursion on NAME" naming both places and
 * returns without the lock (and with the preempt count as before the
 * call), so these cases take a lock twice and unlock it once.
 */
#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/spinlock.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

static DEFINE_SPINLOCK(test_lock);

/* The lock word names this CPU, the lock this function, the preempt
 * count one held lock; all gone after the unlock. */
static void owner_is_recorded(struct ktest *t)
{
	unsigned int held = spinlocks_held();
	const char *where;

	spin_lock(&test_lock);
	where = ksym_lookup(test_lock.owner_pc, NULL);
	EXPECT_PTR_EQ(t, test_lock.owner, this_cpu());
	EXPECT_EQ(t, spinlocks_held(), held + 1);
	spin_unlock(&test_lock);
	EXPECT_STREQ(t, where, "owner_is_recorded");
	EXPECT_PTR_EQ(t, test_lock.owner, NULL);
	EXPECT_EQ(t, spinlocks_held(), held);
}

/* Twice on one CPU: reported (not a hang), the second call returns
 * without the lock and leaves the count alone, one unlock frees it. */
static void recursion_is_reported_not_a_hang(struct ktest *t)
{
	unsigned long bugs = spinlock_recursions;
	unsigned int count;

	KTEST_EXPECT_REPORT(t, "BUG: spinlock recursion on test_lock");
	spin_lock(&test_lock);
	count = preempt_count();
	spin_lock(&test_lock); /* the bug, on purpose */
	EXPECT_EQ(t, preempt_count(), count);
	EXPECT_PTR_EQ(t, test_lock.owner, this_cpu()); /* still the first */
	spin_unlock(&test_lock);
	EXPECT_EQ(t, spinlock_recursions, bugs + 1);
	EXPECT_PTR_EQ(t, test_lock.owner, NULL);
}

/* A handler that takes test_lock. After a reported recursion it did not
 * get the lock, so (the rule in spinlock.h) it must not unlock either:
 * that would free the lock its victim holds. */
static void take_test_lock(void *arg)
{
	unsigned long bugs = spinlock_recursions;
	unsigned long flags = spin_lock_irqsave(&test_lock);
	bool recursed = spinlock_recursions != bugs;

	*(bool *)arg = recursed;
	if (recursed)
		local_irq_restore(flags);
	else
		spin_unlock_irqrestore(&test_lock, flags);
}

/* The classic: a plain spin_lock holder interrupted by a handler that
 * takes the same lock (why such data needs spin_lock_irqsave). */
static void recursion_from_interrupt_is_reported(struct ktest *t)
{
	bool recursed = false;

	KTEST_EXPECT_REPORT(t, "BUG: spinlock recursion on test_lock");
	spin_lock(&test_lock);
	irq_offload(take_test_lock, &recursed);
	EXPECT_PTR_EQ(t, test_lock.owner, this_cpu()); /* still ours */
	spin_unlock(&test_lock);
	EXPECT_TRUE(t, recursed);
	EXPECT_PTR_EQ(t, test_lock.owner, NULL);
}

KTEST_SUITE(spinlock, KTEST_CASE(owner_is_recorded),
	    KTEST_CASE(recursion_is_reported_not_a_hang),
	    KTEST_CASE(recursion_from_interrupt_is_reported));
