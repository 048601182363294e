/*
 * tests/kernel/irq_flow_test.c - the flow handlers (kernel/irq/chip.c) on
 * a fake line: what each does with the chip, and what happens to an
 * interrupt that comes while the line cannot run it. Regression tests
 * for the defects of issue 11 are named after them.
 *
 * Like irq_core, the suite borrows the last line with the fake chip and
 * "fires" it with generic_handle_irq() from irq_offload (real hard-IRQ
 * context), and puts the line back afterwards.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/test/ktest.h"
#include "tests/kernel/fake_chip.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TEST_IRQ (NR_IRQS - 1)

static struct irq_desc saved_desc;
static bool saved_force_threads;

static int irq_flow_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	saved_force_threads = force_irqthreads;
	force_irqthreads = false; /* these are hard-IRQ chains */
	return 0;
}

static void irq_flow_exit(void)
{
	irq_desc[TEST_IRQ] = saved_desc;
	force_irqthreads = saved_force_threads;
}

static struct irq_desc *fresh_line(unsigned long trigger)
{
	struct irq_desc *d = &irq_desc[TEST_IRQ];

	memset(d, 0, sizeof(*d));
	irq_set_chip(TEST_IRQ, &fake_chip, trigger);
	memset(&fchip, 0, sizeof(fchip));
	fchip.masked = true;
	return d;
}

/* Per-device call counts; a device may free_irq itself or a sharer. */
struct fdev {
	int calls;
	void *free_on_call; /* dev_id to free_irq from inside the handler */
};
static struct fdev fdevs[4];

static irqreturn_t counting_handler(int irq, void *dev_id)
{
	struct fdev *fd = dev_id;
	void *victim = fd->free_on_call;

	fd->calls++;
	if (victim) {
		fd->free_on_call = NULL;
		free_irq((unsigned int)irq, victim);
	}
	return IRQ_HANDLED;
}

static void fire(void *arg)
{
	(void)arg;
	generic_handle_irq(TEST_IRQ);
}

static int request(int id, unsigned long flags)
{
	return request_irq(TEST_IRQ, counting_handler, flags, "flow",
			   &fdevs[id]);
}

/* Each trigger type gets its flow: edge -> edge, level on a chip with
 * no level_flow -> level, and the IOAPIC's level lines -> fasteoi. */
static void flow_follows_trigger(struct ktest *t)
{
	EXPECT_PTR_EQ(t, fresh_line(IRQF_TRIGGER_RISING)->handle_irq,
		      handle_edge_irq);
	EXPECT_PTR_EQ(t, fresh_line(IRQF_TRIGGER_HIGH)->handle_irq,
		      handle_level_irq);
	EXPECT_STREQ(t, irq_flow_name(&irq_desc[TEST_IRQ]), "level");
	fake_chip.level_flow = handle_fasteoi_irq;
	EXPECT_PTR_EQ(t, fresh_line(IRQF_TRIGGER_LOW)->handle_irq,
		      handle_fasteoi_irq);
	fake_chip.level_flow = NULL;
}

/* Edge: one ack, before the handlers; nothing masked. */
static void edge_flow_acks_first(struct ktest *t)
{
	fresh_line(IRQF_TRIGGER_RISING);
	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, 0), 0);
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 1);
	EXPECT_EQ(t, fchip.acks, 1);
	EXPECT_EQ(t, fchip.eois, 0);
	EXPECT_EQ(t, fchip.masks, 0);
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, &fdevs[1]);
}

/* Level: mask and ack first, unmask after; fasteoi: one EOI, no mask. */
static void level_and_fasteoi_flows(struct ktest *t)
{
	fresh_line(IRQF_TRIGGER_HIGH);
	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, 0), 0);
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 1);
	EXPECT_EQ(t, fchip.masks, 1);
	EXPECT_EQ(t, fchip.acks, 1);
	EXPECT_EQ(t, fchip.unmasks, 2); /* request_irq's, then the flow's */
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, &fdevs[1]);

	fake_chip.level_flow = handle_fasteoi_irq;
	fresh_line(IRQF_TRIGGER_LOW);
	fake_chip.level_flow = NULL;
	ASSERT_EQ(t, request(1, 0), 0);
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 2);
	EXPECT_EQ(t, fchip.eois, 1);
	EXPECT_EQ(t, fchip.acks, 0);
	EXPECT_EQ(t, fchip.masks, 0);
	free_irq(TEST_IRQ, &fdevs[1]);
}

/* Defect 2: an interrupt in flight when disable_irq() returned reached
 * the handler. On an edge line it is now held (masked, PENDING) and
 * replayed at enable_irq - run once, never lost. */
static void disabled_edge_line_runs_no_handler(struct ktest *t)
{
	struct irq_desc *d = fresh_line(IRQF_TRIGGER_RISING);

	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, 0), 0);
	disable_irq(TEST_IRQ);
	EXPECT_FALSE(t, fchip.masked); /* lazy: still open */
	irq_offload(fire, NULL);       /* the one in flight */
	irq_offload(fire, NULL);       /* and another edge */
	EXPECT_EQ(t, fdevs[1].calls, 0);
	EXPECT_TRUE(t, fchip.masked); /* the flow masked it */
	EXPECT_TRUE(t, d->status & IRQS_PENDING);
	EXPECT_EQ(t, d->deferred, 2);
	EXPECT_EQ(t, fchip.acks, 2); /* each was acknowledged */
	enable_irq(TEST_IRQ);
	EXPECT_EQ(t, fdevs[1].calls, 1); /* replayed once */
	EXPECT_EQ(t, d->replayed, 1);
	EXPECT_FALSE(t, fchip.masked);
	EXPECT_FALSE(t, d->status & IRQS_PENDING);
	EXPECT_EQ(t, kstat_irqs(TEST_IRQ), 2); /* deliveries, not runs */
	free_irq(TEST_IRQ, &fdevs[1]);
}

/* Defect 2, level: masked at disable_irq; one in flight runs nothing,
 * and nothing is replayed (the device asserts again when it opens). */
static void disabled_level_line_runs_no_handler(struct ktest *t)
{
	struct irq_desc *d = fresh_line(IRQF_TRIGGER_HIGH);

	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, 0), 0);
	disable_irq(TEST_IRQ);
	EXPECT_TRUE(t, fchip.masked); /* level: masked at once */
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 0);
	EXPECT_TRUE(t, fchip.masked);
	EXPECT_FALSE(t, d->status & IRQS_PENDING);
	enable_irq(TEST_IRQ);
	EXPECT_EQ(t, fdevs[1].calls, 0);
	EXPECT_EQ(t, d->replayed, 0);
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, &fdevs[1]);
}

/* Defect 2, nobody cared: a line switched off runs no handler either. */
static void spurious_disabled_line_runs_no_handler(struct ktest *t)
{
	struct irq_desc *d = fresh_line(IRQF_TRIGGER_RISING);

	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, 0), 0);
	d->status |= IRQS_SPURIOUS_DISABLED; /* as note_interrupt does */
	irq_depth_inc(d);
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 0);
	enable_irq(TEST_IRQ);
	EXPECT_FALSE(t, d->status & IRQS_SPURIOUS_DISABLED);
	EXPECT_EQ(t, fdevs[1].calls, 1); /* its edge, replayed */
	free_irq(TEST_IRQ, &fdevs[1]);
}

/* Defect 6: free_irq from a line's own handler cut the chain (the
 * action's next pointer was cleared while the walk stood on it). */
static void free_irq_in_own_handler_keeps_chain(struct ktest *t)
{
	struct irq_desc *d = fresh_line(IRQF_TRIGGER_RISING);

	memset(fdevs, 0, sizeof(fdevs));
	for (int id = 1; id <= 3; id++)
		ASSERT_EQ(t, request(id, IRQF_SHARED), 0);
	fdevs[1].free_on_call = &fdevs[1]; /* the first frees itself */
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 1);
	EXPECT_EQ(t, fdevs[2].calls, 1); /* the chain went on */
	EXPECT_EQ(t, fdevs[3].calls, 1);
	EXPECT_PTR_EQ(t, d->retired, NULL); /* released after the walk */
	EXPECT_PTR_EQ(t, d->action->dev_id, &fdevs[2]);

	fdevs[2].free_on_call = &fdevs[3]; /* now one frees the next */
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[2].calls, 2);
	EXPECT_EQ(t, fdevs[3].calls, 1); /* gone before its turn */
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 1);
	EXPECT_EQ(t, fdevs[2].calls, 3);
	EXPECT_EQ(t, fdevs[3].calls, 1);
	free_irq(TEST_IRQ, &fdevs[2]);
	EXPECT_PTR_EQ(t, d->action, NULL);
	EXPECT_TRUE(t, fchip.masked);
}

/* The last handler leaving from inside the walk: the line is masked and
 * the action's slot comes back (a new request can have it). */
static void last_handler_freed_in_handler_masks_line(struct ktest *t)
{
	fresh_line(IRQF_TRIGGER_RISING);
	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, 0), 0);
	fdevs[1].free_on_call = &fdevs[1];
	irq_offload(fire, NULL);
	EXPECT_EQ(t, fdevs[1].calls, 1);
	EXPECT_PTR_EQ(t, irq_desc[TEST_IRQ].action, NULL);
	EXPECT_TRUE(t, fchip.masked);
	irq_offload(fire, NULL); /* nobody: deferred, no handler */
	EXPECT_EQ(t, fdevs[1].calls, 1);
	ASSERT_EQ(t, request(2, 0), 0); /* the PENDING edge is dropped */
	EXPECT_EQ(t, fdevs[2].calls, 0);
	free_irq(TEST_IRQ, &fdevs[2]);
}

/* An action whose magic is wrong (freed, or never requested) stops the
 * walk with a BUG line instead of calling whatever is in the slot. */
static void bad_action_magic_stops_walk(struct ktest *t)
{
	struct irq_desc *d = fresh_line(IRQF_TRIGGER_RISING);

	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, IRQF_SHARED), 0);
	ASSERT_EQ(t, request(2, IRQF_SHARED), 0);
	d->action->next->magic = 0x6b6b6b6b; /* as if freed */
	KTEST_EXPECT_REPORT(t, "has magic 0x6b6b6b6b");
	irq_offload(fire, NULL); /* prints a BUG: line on purpose */
	EXPECT_EQ(t, fdevs[1].calls, 1);
	EXPECT_EQ(t, fdevs[2].calls, 0);
	d->action->next->magic = IRQACTION_MAGIC;
	free_irq(TEST_IRQ, &fdevs[1]);
	free_irq(TEST_IRQ, &fdevs[2]);
}

/* Defect 8: irqs and irq N walked the live chain from the preemptible
 * shell. The report API copies under the lock: what it returns does not
 * change, or go away, with the line. */
static void irq_report_snapshot_survives_free_irq(struct ktest *t)
{
	struct irq_line_info li;
	struct irq_action_info ai[2];

	fresh_line(IRQF_TRIGGER_HIGH);
	memset(fdevs, 0, sizeof(fdevs));
	ASSERT_EQ(t, request(1, IRQF_SHARED), 0);
	ASSERT_EQ(t, request(2, IRQF_SHARED), 0);
	irq_offload(fire, NULL);
	ASSERT_EQ(t, irq_get_line(TEST_IRQ, &li, ai, 1), 0);
	EXPECT_EQ(t, li.nr_actions, 2); /* all counted, one copied */
	EXPECT_STREQ(t, li.chip, "fake");
	EXPECT_STREQ(t, li.flow, "level");
	EXPECT_TRUE(t, li.level);
	EXPECT_EQ(t, li.total, 1);
	EXPECT_STREQ(t, ai[0].name, "flow");
	EXPECT_PTR_EQ(t, ai[0].dev_id, &fdevs[1]);
	EXPECT_EQ(t, ai[0].count, 1);
	free_irq(TEST_IRQ, &fdevs[1]);
	EXPECT_PTR_EQ(t, ai[0].dev_id, &fdevs[1]); /* the copy stays */
	EXPECT_TRUE(t, irq_line_level(TEST_IRQ));
	EXPECT_TRUE(t, irq_line_in_use(TEST_IRQ));
	free_irq(TEST_IRQ, &fdevs[2]);
	EXPECT_FALSE(t, irq_line_in_use(TEST_IRQ));
	EXPECT_EQ(t, irq_get_line(NR_IRQS, &li, ai, 1), -EINVAL);
}

KTEST_SUITE_FULL(irq_flow, irq_flow_init, irq_flow_exit,
		 KTEST_CASE(flow_follows_trigger),
		 KTEST_CASE(edge_flow_acks_first),
		 KTEST_CASE(level_and_fasteoi_flows),
		 KTEST_CASE(disabled_edge_line_runs_no_handler),
		 KTEST_CASE(disabled_level_line_runs_no_handler),
		 KTEST_CASE(spurious_disabled_line_runs_no_handler),
		 KTEST_CASE(free_irq_in_own_handler_keeps_chain),
		 KTEST_CASE(last_handler_freed_in_handler_masks_line),
		 KTEST_CASE(bad_action_magic_stops_walk),
		 KTEST_CASE(irq_report_snapshot_survives_free_irq));
