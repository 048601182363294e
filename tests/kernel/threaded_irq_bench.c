/*
 * tests/kernel/threaded_irq_bench.c - what waking an irq thread costs.
 *
 *  irq_wake_thread  from the primary handler's "return IRQ_WAKE_THREAD"
 *                   to the first line of thread_fn in irq/23-bench: the
 *                   rest of the chain, note_interrupt, EOI, irq_exit,
 *                   the way out of the interrupt, and the switch to the
 *                   FIFO thread. The interrupt is raised with irq_offload
 *                   (IRQs off around it), so the switch happens when the
 *                   bench thread blocks right after, not at the
 *                   interrupt's exit: a few instructions more than a
 *                   device interrupt that arrives with IRQs on.
 *
 * The spare last line gets a do-nothing chip and is restored afterwards.
 */
#include "kernel/arch/cpu.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"
#include "kernel/test/bench.h"

#define BENCH_IRQ (NR_IRQS - 1)

static void nop_line_op(unsigned int irq)
{
	(void)irq;
}

static struct irq_chip bench_chip = {
	.name = "bench",
	.mask = nop_line_op,
	.unmask = nop_line_op,
	.ack = nop_line_op,
};

static volatile uint64_t primary_at, thread_at;
static struct completion ran;
static int bench_dev;

static irqreturn_t bench_primary(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	primary_at = rdtsc();
	return IRQ_WAKE_THREAD;
}

static irqreturn_t bench_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	thread_at = rdtsc(); /* first line */
	complete(&ran);
	return IRQ_HANDLED;
}

static void fire(void *arg)
{
	(void)arg;
	generic_handle_irq(BENCH_IRQ);
}

static uint64_t bench_irq_wake_thread(void)
{
	struct irq_desc saved = irq_desc[BENCH_IRQ];
	uint64_t samples[BENCH_RUNS];

	irq_set_chip(BENCH_IRQ, &bench_chip, IRQF_TRIGGER_RISING);
	init_completion(&ran);
	if (request_threaded_irq(BENCH_IRQ, bench_primary, bench_thread_fn, 0,
				 "bench", &bench_dev))
		return 0;
	for (int i = 0; i < BENCH_RUNS; i++) {
		irq_offload(fire, NULL);
		wait_for_completion(&ran); /* blocks: the irq thread runs */
		samples[i] = thread_at - primary_at;
	}
	free_irq(BENCH_IRQ, &bench_dev);
	irq_desc[BENCH_IRQ] = saved;
	return bench_median(samples, BENCH_RUNS);
}
BENCH(irq_wake_thread, bench_irq_wake_thread,
      "primary returns IRQ_WAKE_THREAD -> first line of thread_fn");
