/*
 * tests/kernel/softirq_smp_test.c - softirqs per CPU: each CPU runs what
 * was raised on it, counts it in its own column, and nothing serialises
 * one softirq across CPUs - the same slot runs on two CPUs at once.
 * raise_softirq_on() raises on another CPU (by irq_work).
 *
 * The cases borrow the BLOCK slot, as tests/kernel/softirq_test.c does
 * (nothing raises it during a test boot with no disk), and put the
 * block layer's action back afterwards. They need a second CPU and skip without one.
 */
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/irq/offload.h"
#include "kernel/percpu.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/kernel/klog_search.h"

#define SLOT	    BLOCK_SOFTIRQ
#define MEET_MAX_MS 1000 /* how long an action waits for its twin */

static void (*saved)(void);

static struct {
	int inside, max_inside; /* actions running now, most at once */
	unsigned long runs_on[MAX_CPUS];
	unsigned int last_cpu;
	bool hardirq, serving;
	volatile bool meet; /* wait (bounded) for a second CPU inside */
} seen;

static void slot_action(void)
{
	unsigned int cpu = smp_processor_id();
	int in = __atomic_add_fetch(&seen.inside, 1, __ATOMIC_SEQ_CST);
	uint64_t end = rdtsc() + ns_to_tsc(MEET_MAX_MS * 1000000ull);

	int max = __atomic_load_n(&seen.max_inside, __ATOMIC_SEQ_CST);

	while (in > max &&
	       !__atomic_compare_exchange_n(&seen.max_inside, &max, in, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	seen.last_cpu = cpu;
	seen.hardirq = in_hardirq();
	seen.serving = in_serving_softirq();
	/* Both CPUs wait here until the other one is in too: if the slot
	 * were serialised, each would wait alone until the bound. */
	while (seen.meet && rdtsc() < end &&
	       __atomic_load_n(&seen.max_inside, __ATOMIC_SEQ_CST) < 2)
		cpu_relax();
	__atomic_fetch_add(&seen.runs_on[cpu], 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&seen.inside, 1, __ATOMIC_SEQ_CST);
}

static unsigned long runs_on(unsigned int cpu)
{
	return __atomic_load_n(&seen.runs_on[cpu], __ATOMIC_SEQ_CST);
}

static void raise_here(void *arg)
{
	(void)arg;
	raise_softirq(SLOT);
}

static unsigned int other_cpu(void)
{
	return (smp_processor_id() + 1) % nr_cpus;
}

static int suite_init(void)
{
	saved = softirq_test_set_action(SLOT, slot_action);
	return 0;
}

static void suite_exit(void)
{
	softirq_test_set_action(SLOT, saved);
}

/*
 * Raised from a top half on this CPU and from one on another CPU at the
 * same moment: both actions are inside at once (each waits for the
 * other, bounded). A softirq is not a tasklet: nothing serialises a slot
 * across CPUs, so its data needs a lock of its own.
 */
static void same_softirq_runs_on_two_cpus_at_once(struct ktest *t)
{
	static struct call_single_data csd = { .fn = raise_here };
	unsigned int there;

	KTEST_SKIP_UNLESS_SMP(t);
	there = other_cpu();
	memset(&seen, 0, sizeof(seen));
	seen.meet = true;
	/* there: its call IPI raises, its irq_exit runs the action */
	ASSERT_EQ(t, smp_call_function_single_async(there, &csd), 0);
	irq_offload(raise_here, NULL); /* here: the same, at once */
	ASSERT_TRUE(t, KTEST_WAIT_FOR(runs_on(there) == 1 && !csd_busy(&csd)));
	EXPECT_EQ(t, runs_on(smp_processor_id()), 1);
	EXPECT_EQ(t, seen.max_inside, 2);
}

/*
 * Raised on CPU k, it runs on k and is counted in k's column only (the
 * per-CPU statistics `softirqs` prints), for every other CPU k; and
 * raise_softirq_on(k) from here does the same through an irq_work IPI
 * (IWI) to k - never on this CPU.
 */
static void raised_on_a_cpu_runs_and_counts_there(struct ktest *t)
{
	unsigned int here = smp_processor_id();

	KTEST_SKIP_UNLESS_SMP(t);
	memset(&seen, 0, sizeof(seen));
	for (unsigned int k = 0; k < nr_cpus; k++) {
		unsigned long col_here = softirq_stat(here, SLOT)->runs;
		unsigned long col_k = softirq_stat(k, SLOT)->runs;
		unsigned long iwi = cpus[k].ipi_irq_work;

		if (k == here)
			continue;
		ASSERT_EQ(t,
			  smp_call_function_single(k, raise_here, NULL, true),
			  0);
		ASSERT_TRUE(t, KTEST_WAIT_FOR(runs_on(k) == 1));
		EXPECT_EQ(t, seen.last_cpu, k);
		EXPECT_TRUE(t, seen.serving);
		ASSERT_EQ(t, raise_softirq_on(k, SLOT), 0);
		ASSERT_TRUE(t, KTEST_WAIT_FOR(runs_on(k) == 2));
		EXPECT_EQ(t, seen.last_cpu, k);
		EXPECT_GT(t, cpus[k].ipi_irq_work, iwi);
		EXPECT_EQ(t, softirq_stat(k, SLOT)->runs, col_k + 2);
		EXPECT_EQ(t, softirq_stat(here, SLOT)->runs, col_here);
		EXPECT_EQ(t, runs_on(here), 0);
		seen.runs_on[k] = 0;
	}
}

/* raise_softirq_on: to this CPU it is raise_softirq; to a CPU that is
 * not online it is refused with a message. */
static void raise_softirq_on_here_and_refused(struct ktest *t)
{
	unsigned int here = smp_processor_id();
	char line[64];

	memset(&seen, 0, sizeof(seen));
	local_bh_disable();
	EXPECT_EQ(t, raise_softirq_on(here, SLOT), 0);
	EXPECT_TRUE(t, local_softirq_pending() & (1u << SLOT));
	local_bh_enable(); /* runs it, here */
	EXPECT_EQ(t, runs_on(here), 1);
	EXPECT_EQ(t, raise_softirq_on(MAX_CPUS, SLOT), -ENXIO);
	snprintf(line, sizeof(line),
		 "softirq: cannot raise BLOCK on CPU %u: not online", MAX_CPUS);
	EXPECT_TRUE(t, klog_contains(line));
	EXPECT_EQ(t, raise_softirq_on(here, NR_SOFTIRQS), -EINVAL);
}

KTEST_SUITE_FULL(softirq_smp, suite_init, suite_exit,
		 KTEST_CASE(same_softirq_runs_on_two_cpus_at_once),
		 KTEST_CASE(raised_on_a_cpu_runs_and_counts_there),
		 KTEST_CASE(raise_softirq_on_here_and_refused));
