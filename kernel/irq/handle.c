/*
 * kernel/irq/handle.c - from a line number to the chain of handlers.
 *
 * An interrupt controller driver (drivers/irqchip/) turns its vector into
 * a line number and calls generic_handle_irq(), between irq_enter() and
 * irq_exit(), with interrupts off.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/bh/softirq.h"
#include "kernel/sched/preempt.h"

struct irq_desc irq_desc[NR_IRQS];
unsigned long irq_spurious_count;

void irq_note_spurious(void)
{
	irq_spurious_count++;
}

void irq_enter(void)
{
	preempt_count_add(HARDIRQ_OFFSET);
}

/* Leaving the outermost interrupt is where raised softirqs run. */
void irq_exit(void)
{
	preempt_count_sub(HARDIRQ_OFFSET);
	invoke_softirq();
}

/* The line's flow does the rest (kernel/irq/chip.c). A line without a
 * controller has no flow: such a vector should never have been routed. */
void generic_handle_irq(unsigned int irq)
{
	struct irq_desc *desc;

	if (irq >= NR_IRQS)
		return;
	desc = &irq_desc[irq];
	if (desc->handle_irq)
		desc->handle_irq(desc);
}

void handle_irq(unsigned int irq)
{
	irq_enter();
	generic_handle_irq(irq);
	irq_exit();
}

unsigned long kstat_irqs(unsigned int irq)
{
	unsigned long sum = 0;

	if (irq >= NR_IRQS)
		return 0;
	for (unsigned int c = 0; c < nr_cpus; c++)
		sum += irq_desc[irq].count[c];
	return sum;
}
