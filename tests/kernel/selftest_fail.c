/*
 * tests/kernel/selftest_fail.c - a suite that must fail.
 *
 * It is linked only into build/selftest/interlude.elf, the kernel the
 * harness self-test boots to prove that a failing in-kernel test makes
 * `make test` fail, and that ktest's strict checks (ktest.h) catch what
 * they promise. Never linked into the real kernel.
 * tests/harness/selftest.py lists which case must pass and which must
 * fail, with the diagnostic each failure must print.
 */
#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/panic.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/spinlock.h"
#include "kernel/test/ktest.h"

/* 1 + 1 is not 3: this check fails on purpose. */
static void must_fail(struct ktest *t)
{
	EXPECT_EQ(t, 1 + 1, 3);
}

static void must_pass(struct ktest *t)
{
	EXPECT_EQ(t, 1 + 1, 2);
}

/* Fails: a WARNING nobody declared. */
static void undeclared_warning(struct ktest *t)
{
	(void)t;
	WARN_ON(1);
}

/* Passes: the same WARNING, declared. */
static void declared_warning(struct ktest *t)
{
	KTEST_EXPECT_REPORT(t, "WARNING: at tests/kernel/selftest_fail.c");
	WARN_ON(1);
}

/* Fails: a declared report that never came. */
static void declared_but_missing(struct ktest *t)
{
	KTEST_EXPECT_REPORT(t, "BUG: never printed");
}

/* Fails: returns holding a spinlock (the lock is this case's own). */
static void leaves_spinlock_held(struct ktest *t)
{
	static DEFINE_SPINLOCK(left_held);

	(void)t;
	spin_lock(&left_held);
}

/* Fails: returns with bottom halves disabled. */
static void leaves_bh_disabled(struct ktest *t)
{
	(void)t;
	local_bh_disable();
}

/* Fails: returns with IRQs off. */
static void leaves_irqs_off(struct ktest *t)
{
	(void)t;
	local_irq_disable();
}

/* Passes: ktest put the state back after the cases above. */
static void next_case_is_clean(struct ktest *t)
{
	EXPECT_EQ(t, preempt_count(), 0);
	EXPECT_FALSE(t, irqs_disabled());
}

KTEST_SUITE(selftest_fail, KTEST_CASE(must_pass), KTEST_CASE(must_fail),
	    KTEST_CASE(undeclared_warning), KTEST_CASE(declared_warning),
	    KTEST_CASE(declared_but_missing), KTEST_CASE(leaves_spinlock_held),
	    KTEST_CASE(leaves_bh_disabled), KTEST_CASE(leaves_irqs_off),
	    KTEST_CASE(next_case_is_clean));
