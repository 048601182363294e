/*
 * tests/kernel/irq_work_test.c - irq_work: an item queued from any
 * context runs once, in hard-IRQ context, on the CPU it was queued on
 * (or the one named), only once IRQs are on again; queued twice while
 * pending it runs once; it may queue itself again. In PIC mode (no
 * self-IPI) the tick runs it.
 */
#include <stdint.h>

#include "drivers/irqchip/lapic.h"
#include "kernel/arch/cpu.h"
#include "kernel/irq/irq_work.h"
#include "kernel/irq/offload.h"
#include "kernel/percpu.h"
#include "kernel/sched/preempt.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/ktest.h"

struct seen {
	struct irq_work work;
	volatile unsigned int runs;
	volatile unsigned int cpu;
	volatile bool in_irq, irqs_off;
	unsigned int again; /* queue itself this many more times */
};

static void note_run(struct irq_work *w)
{
	struct seen *s = (struct seen *)w; /* work is the first member */

	s->runs++;
	s->cpu = smp_processor_id();
	s->in_irq = in_hardirq();
	s->irqs_off = irqs_disabled();
	if (s->again) {
		s->again--;
		irq_work_queue(w);
	}
}

static void seen_init(struct seen *s)
{
	init_irq_work(&s->work, note_run);
	s->runs = 0;
	s->cpu = ~0u;
	s->in_irq = s->irqs_off = false;
	s->again = 0;
}

/* Queued with IRQs off it waits; once they are on it has run, once, in
 * hard-IRQ context here. A second queue while pending is refused. */
static void runs_once_in_hardirq_after_irqs_on(struct ktest *t)
{
	static struct seen s;
	unsigned long flags;

	seen_init(&s);
	flags = local_irq_save();
	EXPECT_TRUE(t, irq_work_queue(&s.work));
	EXPECT_FALSE(t, irq_work_queue(&s.work)); /* still pending */
	EXPECT_TRUE(t, irq_work_pending(&s.work));
	EXPECT_EQ(t, s.runs, 0); /* IRQs are off: not yet */
	local_irq_restore(flags);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(s.runs == 1));
	irq_work_sync(&s.work);
	EXPECT_FALSE(t, irq_work_pending(&s.work));
	EXPECT_EQ(t, s.runs, 1);
	EXPECT_EQ(t, s.cpu, smp_processor_id());
	EXPECT_TRUE(t, s.in_irq);
	EXPECT_TRUE(t, s.irqs_off);
}

/* An item that queues itself again runs again (not in the same loop). */
static void requeue_from_its_own_function(struct ktest *t)
{
	static struct seen s;

	seen_init(&s);
	s.again = 3;
	EXPECT_TRUE(t, irq_work_queue(&s.work));
	EXPECT_TRUE(t, KTEST_WAIT_FOR(s.runs == 4));
	irq_work_sync(&s.work);
	EXPECT_EQ(t, s.runs, 4);
}

/* irq_work_queue_on runs it on the CPU named, for every CPU; not on a
 * CPU that is not online. */
static void queue_on_runs_there(struct ktest *t)
{
	static struct seen s;

	for (unsigned int n = 0; n < nr_cpus; n++) {
		unsigned long ipis = cpus[n].ipi_irq_work;

		seen_init(&s);
		ASSERT_TRUE(t, irq_work_queue_on(&s.work, n));
		EXPECT_TRUE(t, KTEST_WAIT_FOR(s.runs == 1));
		irq_work_sync(&s.work);
		EXPECT_EQ(t, s.cpu, n);
		if (lapic_enabled()) /* else the tick ran it: no IPI */
			EXPECT_GT(t, cpus[n].ipi_irq_work, ipis);
	}
	seen_init(&s);
	EXPECT_FALSE(t, irq_work_queue_on(&s.work, nr_cpus));
	EXPECT_FALSE(t, irq_work_queue_on(&s.work, MAX_CPUS));
	EXPECT_FALSE(t, irq_work_pending(&s.work));
}

/* From inside another interrupt handler (irq_offload's hard IRQ): it
 * runs after that handler returned, not nested inside it. */
static struct seen from_irq;
static volatile unsigned int runs_inside;

static void queue_in_hardirq(void *arg)
{
	(void)arg;
	irq_work_queue(&from_irq.work);
	runs_inside = from_irq.runs;
}

static void queued_from_an_interrupt_handler(struct ktest *t)
{
	seen_init(&from_irq);
	runs_inside = ~0u;
	irq_offload(queue_in_hardirq, NULL);
	EXPECT_EQ(t, runs_inside, 0);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(from_irq.runs == 1));
	irq_work_sync(&from_irq.work);
}

KTEST_SUITE(irq_work, KTEST_CASE(runs_once_in_hardirq_after_irqs_on),
	    KTEST_CASE(requeue_from_its_own_function),
	    KTEST_CASE(queue_on_runs_there),
	    KTEST_CASE(queued_from_an_interrupt_handler));
