/*
 * tests/kernel/irq_core_test.c - the generic IRQ core on a fake line.
 *
 * The suite borrows the last line (TEST_IRQ), gives it a fake chip that
 * records mask/unmask/EOI, dispatches "interrupts" through irq_offload
 * (so handlers run in real hard-IRQ context), and puts the line back
 * exactly as it was afterwards.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/time.h"
#include "kernel/test/ktest.h"
#include "tests/kernel/fake_chip.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TEST_IRQ (NR_IRQS - 1)

static struct irq_desc saved_desc;
static struct irq_spurious_limits saved_limits;
static bool saved_force_threads;

/* These cases test the hard-IRQ chain itself: with "threadirqs" their
 * handlers would become threads, so forcing is off for the suite. */
static int irq_core_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	saved_limits = irq_spurious_limits;
	saved_force_threads = force_irqthreads;
	force_irqthreads = false;
	return 0;
}

static void irq_core_exit(void)
{
	irq_desc[TEST_IRQ] = saved_desc;
	irq_spurious_limits = saved_limits;
	force_irqthreads = saved_force_threads;
}

/* A clean fake line for each case: masked, no handlers, edge. */
static void fresh_line(void)
{
	struct irq_desc *d = &irq_desc[TEST_IRQ];

	memset(d, 0, sizeof(*d));
	irq_set_chip(TEST_IRQ, &fake_chip, IRQF_TRIGGER_RISING);
	memset(&fchip, 0, sizeof(fchip));
	fchip.masked = true;
}

/* Handlers that log their call order and return what they are told. */
static int call_log[8], calls;
static irqreturn_t answer[4];
static bool saw_hardirq;

static irqreturn_t logging_handler(int irq, void *dev_id)
{
	int id = (int)(uintptr_t)dev_id;

	(void)irq;
	saw_hardirq = in_hardirq();
	if (calls < 8)
		call_log[calls++] = id;
	return answer[id];
}

static void fire(void *arg)
{
	(void)arg;
	generic_handle_irq(TEST_IRQ);
}

static void *dev(int id)
{
	return (void *)(uintptr_t)id;
}

/* Every handler runs, in registration order; the line is handled if any
 * handler said so; each action counts its own "mine"; one EOI. */
static void chain_order_and_or(struct ktest *t)
{
	fresh_line();
	for (int id = 1; id <= 3; id++)
		ASSERT_EQ(t,
			  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED,
				      "t", dev(id)),
			  0);
	answer[1] = IRQ_NONE;
	answer[2] = IRQ_HANDLED;
	answer[3] = IRQ_NONE;
	calls = 0;
	irq_offload(fire, NULL);
	EXPECT_EQ(t, calls, 3);
	EXPECT_EQ(t, call_log[0], 1);
	EXPECT_EQ(t, call_log[1], 2);
	EXPECT_EQ(t, call_log[2], 3);
	EXPECT_TRUE(t, saw_hardirq);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].unhandled, 0);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].action->next->count, 1);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].action->count, 0);
	EXPECT_EQ(t, fchip.acks, 1); /* edge flow: ack first, no EOI */
	EXPECT_EQ(t, kstat_irqs(TEST_IRQ), 1);

	answer[2] = IRQ_NONE; /* now nobody claims it */
	irq_offload(fire, NULL);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].unhandled, 1);
	for (int id = 1; id <= 3; id++)
		free_irq(TEST_IRQ, dev(id));
}

/* The line opens with its first handler and closes with its last. */
static void mask_on_first_and_last(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "a",
			      dev(1)),
		  0);
	EXPECT_FALSE(t, fchip.masked); /* now irq open: one handler */
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "b",
			      dev(2)),
		  0);
	EXPECT_EQ(t, fchip.unmasks, 1); /* the second one changes nothing */
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(1)), "a");
	EXPECT_FALSE(t, fchip.masked); /* "b" still there */
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(2)), "b");
	EXPECT_TRUE(t, fchip.masked); /* last one gone: closed */
	EXPECT_PTR_EQ(t, irq_desc[TEST_IRQ].action, NULL);
}

/* Sharing needs IRQF_SHARED from everyone: -EBUSY otherwise. */
static void sharing_requires_everyone(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t, request_irq(TEST_IRQ, logging_handler, 0, "alone", dev(1)),
		  0);
	EXPECT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "b",
			      dev(2)),
		  -EBUSY);
	free_irq(TEST_IRQ, dev(1));

	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "a",
			      dev(1)),
		  0);
	EXPECT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, 0, "greedy", dev(2)),
		  -EBUSY);
	EXPECT_PTR_EQ(t, irq_desc[TEST_IRQ].action->next, NULL);
	free_irq(TEST_IRQ, dev(1));
}

/* Sharers must agree on the trigger type and on ONESHOT. */
static void sharing_flags_must_match(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler,
			      IRQF_SHARED | IRQF_TRIGGER_RISING, "a", dev(1)),
		  0);
	EXPECT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler,
			      IRQF_SHARED | IRQF_TRIGGER_HIGH, "b", dev(2)),
		  -EBUSY);
	EXPECT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler,
			      IRQF_SHARED | IRQF_ONESHOT, "c", dev(3)),
		  -EBUSY);
	/* "no trigger given" means the line's own: accepted */
	EXPECT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "d",
			      dev(4)),
		  0);
	free_irq(TEST_IRQ, dev(4));
	free_irq(TEST_IRQ, dev(1));
}

/* A shared handler needs a dev_id, unique on its line: -EINVAL. */
static void shared_dev_id_rules(struct ktest *t)
{
	fresh_line();
	EXPECT_EQ(
		t,
		request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "a", NULL),
		-EINVAL);
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "a",
			      dev(1)),
		  0);
	EXPECT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "a2",
			      dev(1)),
		  -EINVAL);
	free_irq(TEST_IRQ, dev(1));
}

/* Out-of-range lines, lines with no chip, NULL handlers: -EINVAL. */
static void bad_arguments(struct ktest *t)
{
	fresh_line();
	EXPECT_EQ(t, request_irq(NR_IRQS, logging_handler, 0, "x", dev(1)),
		  -EINVAL);
	EXPECT_EQ(t, request_irq(1000, logging_handler, 0, "x", dev(1)),
		  -EINVAL);
	EXPECT_EQ(t, request_irq(TEST_IRQ, NULL, 0, "x", dev(1)), -EINVAL);
	irq_desc[TEST_IRQ].chip = NULL;
	EXPECT_EQ(t, request_irq(TEST_IRQ, logging_handler, 0, "x", dev(1)),
		  -EINVAL);
	EXPECT_PTR_EQ(t, free_irq(NR_IRQS, dev(1)), NULL);
}

/* free_irq of a dev_id that is not there warns and changes nothing. */
static void free_unknown_dev_id(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_SHARED, "a",
			      dev(1)),
		  0);
	EXPECT_PTR_EQ(t, free_irq(TEST_IRQ, dev(7)), NULL);
	EXPECT_PTR_EQ(t, irq_desc[TEST_IRQ].action->dev_id, dev(1));
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, dev(1));
}

/* disable_irq nests: the line is off from the first disable to the last
 * enable; an extra enable warns and leaves the depth at 0. This line is
 * edge-triggered, so the chip is not touched (lazy disable: chip.c). */
static void disable_depth_nests(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t, request_irq(TEST_IRQ, logging_handler, 0, "a", dev(1)), 0);
	disable_irq(TEST_IRQ);
	disable_irq_nosync(TEST_IRQ);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 2);
	EXPECT_FALSE(t, fchip.masked); /* edge: left open */
	enable_irq(TEST_IRQ);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 1); /* still off */
	enable_irq(TEST_IRQ);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	enable_irq(TEST_IRQ); /* unbalanced: warns */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, dev(1));
}

/* The first handler may set the line's trigger through the chip. */
static void first_handler_sets_trigger(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, logging_handler, IRQF_TRIGGER_HIGH,
			      "lvl", dev(1)),
		  0);
	EXPECT_EQ(t, fchip.set_types, 1);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].trigger, IRQF_TRIGGER_HIGH);
	EXPECT_TRUE(t, irq_is_level(&irq_desc[TEST_IRQ]));
	free_irq(TEST_IRQ, dev(1));
}

static void fire_n(void *arg)
{
	for (int i = 0; i < (int)(uintptr_t)arg; i++)
		generic_handle_irq(TEST_IRQ);
}

/* A stuck line: 95 of 100 unclaimed (limits lowered from 99,900 of
 * 100,000) -> "nobody cared", the line is disabled and masked. */
static void nobody_cared_disables_line(struct ktest *t)
{
	fresh_line();
	irq_spurious_limits = (struct irq_spurious_limits){ 100, 90 };
	ASSERT_EQ(t, request_irq(TEST_IRQ, logging_handler, 0, "deaf", dev(1)),
		  0);
	answer[1] = IRQ_NONE;
	irq_offload(fire_n, (void *)99);
	EXPECT_FALSE(t, irq_desc[TEST_IRQ].status & IRQS_SPURIOUS_DISABLED);
	irq_offload(fire_n, (void *)1); /* the 100th: verdict */
	EXPECT_TRUE(t, irq_desc[TEST_IRQ].status & IRQS_SPURIOUS_DISABLED);
	EXPECT_TRUE(t, fchip.masked);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 1);
	enable_irq(TEST_IRQ); /* an administrator may switch it back on */
	EXPECT_FALSE(t, irq_desc[TEST_IRQ].status & IRQS_SPURIOUS_DISABLED);
	free_irq(TEST_IRQ, dev(1));
	irq_spurious_limits = saved_limits;
}

/* A line whose handler claims most interrupts is never disabled. */
static void mostly_handled_line_survives(struct ktest *t)
{
	fresh_line();
	irq_spurious_limits = (struct irq_spurious_limits){ 100, 90 };
	ASSERT_EQ(t, request_irq(TEST_IRQ, logging_handler, 0, "ok", dev(1)),
		  0);
	answer[1] = IRQ_NONE;
	irq_offload(fire_n, (void *)85);
	answer[1] = IRQ_HANDLED;
	irq_offload(fire_n, (void *)15);
	EXPECT_FALSE(t, irq_desc[TEST_IRQ].status & IRQS_SPURIOUS_DISABLED);
	EXPECT_FALSE(t, fchip.masked);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].window_count, 0); /* new window */
	free_irq(TEST_IRQ, dev(1));
	irq_spurious_limits = saved_limits;
}

/* Unclaimed interrupts far apart (> HZ/10) restart the count. */
static void rare_unhandled_restart_count(struct ktest *t)
{
	fresh_line();
	ASSERT_EQ(t, request_irq(TEST_IRQ, logging_handler, 0, "x", dev(1)), 0);
	answer[1] = IRQ_NONE;
	irq_offload(fire_n, (void *)5);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].window_unhandled, 5);
	irq_desc[TEST_IRQ].last_unhandled = jiffies - hz; /* a second ago */
	irq_offload(fire_n, (void *)1);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].window_unhandled, 1);
	free_irq(TEST_IRQ, dev(1));
}

KTEST_SUITE_FULL(irq_core, irq_core_init, irq_core_exit,
		 KTEST_CASE(chain_order_and_or),
		 KTEST_CASE(mask_on_first_and_last),
		 KTEST_CASE(sharing_requires_everyone),
		 KTEST_CASE(sharing_flags_must_match),
		 KTEST_CASE(shared_dev_id_rules), KTEST_CASE(bad_arguments),
		 KTEST_CASE(free_unknown_dev_id),
		 KTEST_CASE(disable_depth_nests),
		 KTEST_CASE(first_handler_sets_trigger),
		 KTEST_CASE(nobody_cared_disables_line),
		 KTEST_CASE(mostly_handled_line_survives),
		 KTEST_CASE(rare_unhandled_restart_count));
