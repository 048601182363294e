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

/* Call every handler on the chain; the line's result is their OR.
 * IRQ_WAKE_THREAD wakes the action's irq/N-name thread (irqthread.c). */
static irqreturn_t handle_irq_chain(struct irq_desc *desc, unsigned int irq)
{
	irqreturn_t ret = IRQ_NONE;

	for (struct irqaction *a = desc->action; a; a = a->next) {
		irqreturn_t r = a->handler((int)irq, a->dev_id);

		if (r & IRQ_WAKE_THREAD)
			irq_wake_thread(desc, a);
		if (r != IRQ_NONE)
			a->count++;
		ret |= r;
	}
	return ret;
}

void generic_handle_irq(unsigned int irq)
{
	struct irq_desc *desc;
	irqreturn_t ret;

	if (irq >= NR_IRQS)
		return;
	desc = &irq_desc[irq];
	desc->count[smp_processor_id()]++;

	desc->status |= IRQS_INPROGRESS;
	ret = handle_irq_chain(desc, irq);
	desc->status &= ~IRQS_INPROGRESS;
	note_interrupt(desc, irq, ret);

	/* The EOI comes after the handlers: for a level-triggered line the
	 * device has now stopped asserting, so the line does not fire again
	 * at once. */
	if (desc->chip && desc->chip->eoi)
		desc->chip->eoi(irq);
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
