/*
 * tests/kernel/irq_smp_test.c - the IRQ core when a line's handlers run
 * on another CPU: disable_irq() and synchronize_hardirq() wait for a
 * chain being walked there (and only warn when the caller is nested
 * inside the chain on its own CPU); free_irq() from task context does
 * not release an action another CPU is running.
 *
 * The suite borrows the last line (TEST_IRQ) with the fake chip
 * (fake_chip.h) and "fires" it on CPU 1 from a call IPI there, which runs
 * in hard-IRQ context like a device's interrupt. Every case needs a
 * second CPU.
 */
#include <stdint.h>
#include "lib/string.h"

#include "kernel/arch/cpu.h"
#include "kernel/irq/irq.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/ktest.h"
#include "tests/kernel/fake_chip.h"

#define TEST_IRQ    (NR_IRQS - 1)
#define HOLD_MAX_MS 2000 /* a held handler lets go after this, anyway */
#define HOLD_MS	    30	 /* how long the releasing thread waits */

static struct irq_desc saved_desc;

static int irq_smp_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	return 0;
}

static void irq_smp_exit(void)
{
	irq_desc[TEST_IRQ] = saved_desc;
}

/* The handler on CPU 1: inside until released (or HOLD_MAX_MS). */
static volatile bool inside, release, finished;
static volatile unsigned int ran_on;
static volatile unsigned int hold_ms = HOLD_MAX_MS; /* lets go after this */

static irqreturn_t held_handler(int irq, void *dev_id)
{
	uint64_t start = ktime_get_ns();

	(void)irq;
	(void)dev_id;
	ran_on = smp_processor_id();
	inside = true;
	while (!release && ktime_get_ns() - start < (uint64_t)hold_ms * 1000000)
		cpu_relax();
	finished = true;
	inside = false;
	return IRQ_HANDLED;
}

static void fire_here(void *arg)
{
	(void)arg;
	generic_handle_irq(TEST_IRQ);
}

static struct call_single_data fire_csd = { .fn = fire_here };

/* A fresh fake edge line with the held handler, fired on CPU 1 and
 * running there when this returns true. */
static bool held_on_cpu1(struct ktest *t)
{
	struct irq_desc *d = &irq_desc[TEST_IRQ];

	memset(d, 0, sizeof(*d));
	irq_set_chip(TEST_IRQ, &fake_chip, IRQF_TRIGGER_RISING);
	memset(&fchip, 0, sizeof(fchip));
	fchip.masked = true;
	inside = release = finished = false;
	ran_on = ~0u;
	hold_ms = HOLD_MAX_MS;
	if (request_irq(TEST_IRQ, held_handler, 0, "held", NULL)) {
		ktest_fail_msg(t, __FILE__, __LINE__, "request_irq refused");
		return false;
	}
	if (smp_call_function_single_async(1, &fire_csd) ||
	    !KTEST_WAIT_FOR(inside)) {
		ktest_fail_msg(t, __FILE__, __LINE__,
			       "the handler never ran on CPU 1");
		release = true;
		return false;
	}
	return true;
}

static int releaser(void *arg)
{
	(void)arg;
	msleep(HOLD_MS);
	release = true;
	return 0;
}

/* disable_irq() on CPU 0 returns only after CPU 1's handler finished. */
static void disable_irq_waits_for_a_handler_on_another_cpu(struct ktest *t)
{
	bool done_at_return;

	KTEST_SKIP_UNLESS_SMP(t);
	if (!held_on_cpu1(t))
		return;
	EXPECT_EQ(t, ran_on, 1);
	ASSERT_TRUE(t, kthread_run(releaser, NULL, "releaser") != NULL);
	disable_irq(TEST_IRQ);
	done_at_return = finished;
	EXPECT_TRUE(t, done_at_return);
	EXPECT_FALSE(t, inside);
	enable_irq(TEST_IRQ);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(!csd_busy(&fire_csd)));
	free_irq(TEST_IRQ, NULL);
}

/* From a hard IRQ on CPU 0 (another line's handler, as irq_offload runs
 * it), waiting for the line's chain on CPU 1 is legitimate: no WARNING,
 * and it returns once that handler is done (it lets go by itself after
 * SYNC_HOLD_MS - nothing on CPU 0 can release it meanwhile). */
#define SYNC_HOLD_MS 50
static volatile bool inside_when_syncing, finished_when_synced;

static void sync_in_hardirq(void *arg)
{
	(void)arg;
	inside_when_syncing = inside; /* the case really waits */
	synchronize_hardirq(TEST_IRQ);
	finished_when_synced = finished;
}

static void synchronize_from_hardirq_waits_for_another_cpu(struct ktest *t)
{
	KTEST_SKIP_UNLESS_SMP(t);
	if (!held_on_cpu1(t))
		return;
	finished_when_synced = false;
	hold_ms = SYNC_HOLD_MS;
	irq_offload(sync_in_hardirq, NULL);
	EXPECT_TRUE(t, inside_when_syncing);
	EXPECT_TRUE(t, finished_when_synced);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(!csd_busy(&fire_csd)));
	free_irq(TEST_IRQ, NULL);
}

/* free_irq() in task context while CPU 1 walks the chain: it returns
 * only after the handler is done (the action is not released under it). */
static void free_irq_waits_for_a_handler_on_another_cpu(struct ktest *t)
{
	KTEST_SKIP_UNLESS_SMP(t);
	if (!held_on_cpu1(t))
		return;
	ASSERT_TRUE(t, kthread_run(releaser, NULL, "releaser") != NULL);
	EXPECT_STREQ(t, free_irq(TEST_IRQ, NULL), "held");
	EXPECT_TRUE(t, finished);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(!csd_busy(&fire_csd)));
}

KTEST_SUITE_FULL(irq_smp, irq_smp_init, irq_smp_exit,
		 KTEST_CASE(disable_irq_waits_for_a_handler_on_another_cpu),
		 KTEST_CASE(synchronize_from_hardirq_waits_for_another_cpu),
		 KTEST_CASE(free_irq_waits_for_a_handler_on_another_cpu));
