/*
 * kernel/irq/handle.c - from a line number to the chain of handlers.
 *
 * An interrupt controller driver (drivers/irqchip/) turns its vector into
 * a line number and calls generic_handle_irq(), between irq_enter() and
 * irq_exit(), with interrupts off.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/backtrace.h"
#include "kernel/bh/softirq.h"
#include "kernel/printk.h"
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

static void report_bad_action(struct irq_desc *desc, struct irqaction *a)
{
	pr_err("BUG: irq %u: irqaction %p on the chain has magic 0x%08x, not 0x%08x (freed or never requested?): chain walk stopped\n",
	       desc->irq, (void *)a, a->magic, IRQACTION_MAGIC);
	dump_stack();
}

/*
 * Call every handler on the chain; the line's result is their OR.
 * IRQ_WAKE_THREAD wakes the action's irq/N-name thread (irqthread.c).
 * The next action is read after the handler returns: a handler may
 * free_irq itself (its next pointer stays good, and its slot is only
 * released after the walk) or another sharer (unlinked, so skipped).
 */
static irqreturn_t handle_irq_chain(struct irq_desc *desc)
{
	irqreturn_t ret = IRQ_NONE;

	for (struct irqaction *a = desc->action; a; a = a->next) {
		irqreturn_t r;

		if (a->magic != IRQACTION_MAGIC) {
			report_bad_action(desc, a);
			break;
		}
		r = a->handler((int)desc->irq, a->dev_id);
		if (r & IRQ_WAKE_THREAD)
			irq_wake_thread(desc, a);
		if (r != IRQ_NONE)
			a->count++;
		ret |= r;
	}
	return ret;
}

/* Run the chain for one interrupt, from a flow: called and returning
 * with the line's lock held, which it lets go while the handlers run
 * (they may disable_irq_nosync, free_irq or wake threads, which lock). */
void handle_irq_event(struct irq_desc *desc)
{
	irqreturn_t ret;

	desc->status &= ~IRQS_PENDING;
	desc->status |= IRQS_INPROGRESS;
	spin_unlock(&desc->lock);
	ret = handle_irq_chain(desc);
	spin_lock(&desc->lock);
	desc->status &= ~IRQS_INPROGRESS;
	note_interrupt(desc, desc->irq, ret);
	if (desc->retired)
		irq_release_retired(desc);
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
