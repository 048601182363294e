/*
 * tests/kernel/static_key_test.c - static keys: a site is a 5-byte no-op
 * while its key is off and a jump once it is on; every site of a key is
 * patched, on every CPU, while the other CPUs are held still; the
 * tracer's events switch their sites; stop_machine refuses where it
 * would deadlock.
 */
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/static_key.h"
#include "kernel/percpu.h"
#include "kernel/sched/thread.h"
#include "kernel/smp/ipi.h"
#include "kernel/smp/stop_machine.h"
#include "kernel/test/ktest.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"

static struct static_key test_key;

/* Two sites of test_key, each in a function of its own. */
static __attribute__((noinline)) unsigned int probe_a(void)
{
	if (static_branch_unlikely(&test_key))
		return 1;
	return 0;
}

static __attribute__((noinline)) unsigned int probe_b(void)
{
	return static_branch_unlikely(&test_key) ? 2 : 0;
}

static void off_is_a_nop_on_is_a_jump(struct ktest *t)
{
	unsigned int sites, jumps;

	static_key_sites(&test_key, &sites, &jumps);
	EXPECT_EQ(t, sites, 2);
	EXPECT_EQ(t, jumps, 0);
	EXPECT_EQ(t, probe_a() + probe_b(), 0);

	ASSERT_EQ(t, static_key_enable(&test_key), 0);
	static_key_sites(&test_key, &sites, &jumps);
	EXPECT_EQ(t, jumps, 2);
	EXPECT_EQ(t, probe_a() + probe_b(), 3);
	EXPECT_TRUE(t, static_key_enabled(&test_key));

	ASSERT_EQ(t, static_key_disable(&test_key), 0);
	static_key_sites(&test_key, &sites, &jumps);
	EXPECT_EQ(t, jumps, 0);
	EXPECT_EQ(t, probe_a() + probe_b(), 0);
}

/* Another CPU runs the sites all along while this one switches the key
 * 100 times: it sees both states, never crashes on a half-written site,
 * and sees "off" once the key is off for good. */
static volatile bool spin_stop;
static volatile unsigned long seen_on, seen_off, after_off;
static volatile bool final_off;

static int site_runner(void *arg)
{
	(void)arg;
	while (!spin_stop) {
		unsigned int v = probe_a() + probe_b();

		if (v == 3)
			seen_on++;
		else if (v == 0)
			seen_off++;
		if (final_off && v == 0)
			after_off++;
	}
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static void patched_while_another_cpu_runs_the_sites(struct ktest *t)
{
	struct thread *th;

	KTEST_SKIP_UNLESS_SMP(t);
	spin_stop = final_off = false;
	seen_on = seen_off = after_off = 0;
	th = kthread_create_on_cpu(site_runner, NULL, 1, "keyrunner");
	ASSERT_TRUE(t, th != NULL);
	wake_up_new_thread(th);
	for (int i = 0; i < 100; i++) {
		ASSERT_EQ(t, static_key_enable(&test_key), 0);
		ASSERT_EQ(t, static_key_disable(&test_key), 0);
	}
	final_off = true;
	EXPECT_TRUE(t, KTEST_WAIT_FOR(after_off > 1000));
	spin_stop = true;
	EXPECT_EQ(t, kthread_stop(th), 0);
	EXPECT_GT(t, seen_on, 0);
	EXPECT_GT(t, seen_off, 0);
}

/* trace_enable turns on exactly its events' sites; trace_disable every
 * one off again. */
static void trace_events_switch_their_sites(struct ktest *t)
{
	unsigned int sites, jumps;

	ASSERT_EQ(t, trace_enable(1u << TRACE_SOFTIRQ_RAISE), 0);
	static_key_sites(&trace_keys[TRACE_SOFTIRQ_RAISE], &sites, &jumps);
	EXPECT_GE(t, sites, 1);
	EXPECT_EQ(t, jumps, sites);
	static_key_sites(&trace_keys[TRACE_SOFTIRQ_ENTRY], &sites, &jumps);
	EXPECT_GE(t, sites, 1);
	EXPECT_EQ(t, jumps, 0);

	ASSERT_EQ(t, trace_disable(), 0);
	for (unsigned int ev = 0; ev < NR_TRACE_EVENTS; ev++) {
		static_key_sites(&trace_keys[ev], &sites, &jumps);
		EXPECT_EQ(t, jumps, 0);
	}
	trace_clear();
}

static int count_call(void *arg)
{
	(*(unsigned int *)arg)++;
	return irqs_disabled() ? 7 : -1;
}

/* fn runs once, with IRQs off, and its value comes back; with IRQs off
 * the call is refused instead of waiting for CPUs that cannot answer. */
static void stop_machine_runs_fn_once_and_refuses_irqs_off(struct ktest *t)
{
	unsigned int calls = 0;
	unsigned long flags;

	EXPECT_EQ(t, stop_machine(count_call, &calls), 7);
	EXPECT_EQ(t, calls, 1);
	flags = local_irq_save();
	EXPECT_EQ(t, stop_machine(count_call, &calls), -EDEADLK);
	local_irq_restore(flags);
	EXPECT_EQ(t, calls, 1);
}

KTEST_SUITE(static_key, KTEST_CASE(off_is_a_nop_on_is_a_jump),
	    KTEST_CASE(patched_while_another_cpu_runs_the_sites),
	    KTEST_CASE(trace_events_switch_their_sites),
	    KTEST_CASE(stop_machine_runs_fn_once_and_refuses_irqs_off));
