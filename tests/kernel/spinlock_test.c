/*
 * tests/kernel/spinlock_test.c - spinlocks know their owner.
 *
 * Taking a lock this CPU already holds used to spin for ever, silently.
 * Now it prints "BUG: spinlock recursion on NAME" naming both places and
 * returns as if it had the lock (spinlock.h): the code goes on unchanged,
 * two locks and two unlocks, and every count stays balanced.
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

/* Twice on one CPU: reported, not a hang. The second call counts as a
 * held lock but leaves the lock word and owner_pc to the first; the two
 * unlocks free it and balance the count. */
static void recursion_is_reported_not_a_hang(struct ktest *t)
{
	unsigned long bugs = spinlock_recursions;
	unsigned int count = preempt_count();
	unsigned long first_pc;

	KTEST_EXPECT_REPORT(t, "BUG: spinlock recursion on test_lock");
	spin_lock(&test_lock);
	first_pc = test_lock.owner_pc;
	spin_lock(&test_lock); /* the bug, on purpose */
	EXPECT_EQ(t, preempt_count(), count + 2 * SPIN_HELD);
	EXPECT_PTR_EQ(t, test_lock.owner, this_cpu());
	EXPECT_EQ(t, test_lock.owner_pc, first_pc);
	spin_unlock(&test_lock);
	EXPECT_PTR_EQ(t, test_lock.owner, NULL); /* the bug's price */
	spin_unlock(&test_lock);
	EXPECT_EQ(t, spinlock_recursions, bugs + 1);
	EXPECT_EQ(t, preempt_count(), count);
}

static void take_test_lock(void *arg)
{
	unsigned long flags = spin_lock_irqsave(&test_lock);

	*(bool *)arg = true;
	spin_unlock_irqrestore(&test_lock, flags);
}

/* The classic: a plain spin_lock holder interrupted by a handler that
 * takes the same lock (why such data needs spin_lock_irqsave). The
 * handler runs to its end instead of spinning for ever. */
static void recursion_from_interrupt_is_reported(struct ktest *t)
{
	unsigned int count = preempt_count();
	bool ran = false;

	KTEST_EXPECT_REPORT(t, "BUG: spinlock recursion on test_lock");
	spin_lock(&test_lock);
	irq_offload(take_test_lock, &ran);
	EXPECT_TRUE(t, ran);
	EXPECT_EQ(t, preempt_count(), count + SPIN_HELD);
	spin_unlock(&test_lock);
	EXPECT_PTR_EQ(t, test_lock.owner, NULL);
	EXPECT_EQ(t, preempt_count(), count);
}

KTEST_SUITE(spinlock, KTEST_CASE(owner_is_recorded),
	    KTEST_CASE(recursion_is_reported_not_a_hang),
	    KTEST_CASE(recursion_from_interrupt_is_reported));
