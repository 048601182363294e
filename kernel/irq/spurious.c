/*
 * kernel/irq/spurious.c - notice a line that nobody handles.
 *
 * A level-triggered line whose device has no (working) handler asserts
 * forever: every return from the interrupt re-enters it, and the machine
 * does nothing else. note_interrupt() counts, per line, the interrupts no
 * handler claimed. If, in a window of 100,000 interrupts, more than 99,900
 * were unclaimed, the line is declared stuck: "irq N: nobody cared" is
 * printed with the line's handlers, and the line is disabled. Unclaimed
 * interrupts that come rarely (more than HZ/10 apart) restart the count,
 * so a few stray interrupts over a long time never add up to a verdict.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/backtrace.h"
#include "kernel/printk.h"
#include "kernel/sched/time.h"

struct irq_spurious_limits irq_spurious_limits = { 100000, 99900 };

static void report_nobody_cared(struct irq_desc *desc, unsigned int irq)
{
	printk(KERN_ERR
	       "irq %u: nobody cared (%lu of the last %lu interrupts unhandled)\n",
	       irq, desc->window_unhandled, desc->window_count);
	printk(KERN_ERR "handlers:\n");
	for (struct irqaction *a = desc->action; a; a = a->next) {
		uint32_t off;
		const char *fn = ksym_lookup((uint32_t)a->handler, &off);

		printk(KERN_ERR "[<%08lx>] %s (%s)\n",
		       (unsigned long)(uint32_t)a->handler, fn ? fn : "?",
		       a->name);
	}
	printk(KERN_ERR "Disabling IRQ #%u\n", irq);
}

/* Called after every chain run on the line, desc lock held. */
void note_interrupt(struct irq_desc *desc, irqreturn_t ret)
{
	if (ret == IRQ_NONE) {
		desc->unhandled++;
		if (jiffies - desc->last_unhandled > hz / 10)
			desc->window_unhandled = 1; /* a fresh start */
		else
			desc->window_unhandled++;
		desc->last_unhandled = jiffies;
	}
	if (++desc->window_count < irq_spurious_limits.window)
		return;
	if (desc->window_unhandled > irq_spurious_limits.unhandled) {
		report_nobody_cared(desc, desc->irq);
		desc->status |= IRQS_SPURIOUS_DISABLED;
		irq_depth_inc(desc);
		irq_mask_line(desc);
	}
	desc->window_count = 0;
	desc->window_unhandled = 0;
}

bool irq_is_level(const struct irq_desc *desc)
{
	return desc->trigger & (IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW);
}
