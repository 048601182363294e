/*
 * tests/kernel/irq_bench.c - what reaching a top half costs.
 *
 *  irq_entry  from the instruction that raises the vector to the first
 *             line of the handler: the entry stub saving the trap frame,
 *             trap_dispatch, the IOAPIC's vector handler, irq_enter, the
 *             line's edge flow (lock, ack) and handle_irq_event. The
 *             vector is raised with a software "int" on the spare last
 *             line's IOAPIC vector: the same stub and C path a device's
 *             interrupt takes, started by one instruction instead of the
 *             APIC. The line gets the counting fake chip (an ack costs
 *             about what the local APIC's EOI write does).
 *
 * The line is restored afterwards. Needs APIC mode (the vector layout).
 */
#include "drivers/irqchip/irqchip.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/test/bench.h"
#include "lib/string.h"
#include "tests/kernel/fake_chip.h"

#define BENCH_IRQ    (NR_IRQS - 1)
#define BENCH_VECTOR (IOAPIC_VECTOR_BASE + BENCH_IRQ)

static volatile uint64_t handler_at;
static int bench_dev;

static irqreturn_t entry_handler(int irq, void *dev_id)
{
	handler_at = rdtsc(); /* first line */
	(void)irq;
	(void)dev_id;
	return IRQ_HANDLED;
}

/* Two back-to-back TSC reads: what the measurement itself adds. */
static uint64_t tsc_overhead(void)
{
	uint64_t a = rdtsc(), b = rdtsc();

	return b - a;
}

static uint64_t bench_irq_entry(void)
{
	struct irq_desc saved = irq_desc[BENCH_IRQ];
	uint64_t samples[BENCH_RUNS], overhead = tsc_overhead();
	unsigned long flags;

	if (strcmp(irqchip_mode(), "APIC"))
		return 0; /* the 8259's vectors stop at 0x2f */
	irq_set_chip(BENCH_IRQ, &fake_chip, IRQF_TRIGGER_RISING);
	if (request_irq(BENCH_IRQ, entry_handler, 0, "bench", &bench_dev))
		return 0;
	flags = local_irq_save(); /* as a device interrupt would find them */
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start = rdtsc();

		asm volatile("int %0" : : "i"(BENCH_VECTOR) : "memory");
		samples[i] = handler_at - start - overhead;
	}
	local_irq_restore(flags);
	free_irq(BENCH_IRQ, &bench_dev);
	irq_desc[BENCH_IRQ] = saved;
	return bench_median(samples, BENCH_RUNS);
}
BENCH(irq_entry, bench_irq_entry,
      "vector raised -> first line of the top half (stub, dispatch, edge flow)");
