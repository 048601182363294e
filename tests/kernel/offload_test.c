/* tests/kernel/offload_test.c - irq_offload runs a function in hard-IRQ
 * context, exactly like a device interrupt. */
#include "kernel/arch/cpu.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/preempt.h"
#include "kernel/test/ktest.h"

struct seen {
	int calls;
	bool hardirq, irqs_off, task;
	unsigned int count;
	void *arg;
};

static void record(void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->hardirq = in_hardirq();
	s->irqs_off = irqs_disabled();
	s->task = in_task();
	s->count = preempt_count();
	s->arg = arg;
}

/* The function runs once, in hard-IRQ context, with IRQs off. */
static void runs_in_hardirq(struct ktest *t)
{
	struct seen s = { 0 };

	irq_offload(record, &s);
	EXPECT_EQ(t, s.calls, 1);
	EXPECT_TRUE(t, s.hardirq);
	EXPECT_TRUE(t, s.irqs_off);
	EXPECT_FALSE(t, s.task);
	EXPECT_PTR_EQ(t, s.arg, &s);
	EXPECT_EQ(t, s.count & HARDIRQ_MASK, HARDIRQ_OFFSET);
}

/* Afterwards we are back in task context with IRQs as before. */
static void context_restored(struct ktest *t)
{
	struct seen s = { 0 };
	unsigned int before = preempt_count();

	irq_offload(record, &s);
	EXPECT_EQ(t, preempt_count(), before);
	EXPECT_TRUE(t, in_task());
	EXPECT_FALSE(t, irqs_disabled());
}

static void nested(void *arg)
{
	struct seen *outer = arg;

	irq_offload(record, outer); /* an interrupt inside an interrupt */
}

/* Nesting counts: inside a nested offload the hard-IRQ count is 2. */
static void nests(struct ktest *t)
{
	struct seen s = { 0 };

	irq_offload(nested, &s);
	EXPECT_EQ(t, s.calls, 1);
	EXPECT_EQ(t, s.count & HARDIRQ_MASK, 2 * HARDIRQ_OFFSET);
	EXPECT_EQ(t, preempt_count() & HARDIRQ_MASK, 0);
}

KTEST_SUITE(irq_offload, KTEST_CASE(runs_in_hardirq),
	    KTEST_CASE(context_restored), KTEST_CASE(nests));
