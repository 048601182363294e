/*
 * kernel/irq/chip.c - flow handlers: what one interrupt needs from the
 * controller, by the line's trigger type.
 *
 * An edge-triggered line reports an event once, as a rising edge; a
 * level-triggered line keeps asserting until the device is serviced.
 * The two need opposite care:
 *
 *   edge    Acknowledge first, so the controller can latch the next
 *           edge while the handlers run. An edge must never be lost:
 *           if it comes while the line cannot run its handlers
 *           (disabled, already running, held by a ONESHOT thread), it
 *           is marked PENDING, the line is masked, and the handlers run
 *           later (irq_replay). Masking is lazy: disable_irq leaves an
 *           edge line open, because a masked IOAPIC pin drops edges.
 *
 *   level   Mask and acknowledge first: the device still asserts, and
 *           an open line would interrupt again at once. Run the chain,
 *           then unmask - unless the line is disabled or a ONESHOT
 *           thread holds it; then it stays masked, and enable_irq or
 *           the thread opens it. Nothing needs replaying: a device that
 *           still wants service asserts again when the line opens.
 *
 *   fasteoi A level line on a controller with an EOI that ends the
 *           interrupt (the IOAPIC: its remote IRR bit holds the pin
 *           from delivery to EOI). Run the chain, mask if the line must
 *           stay shut, then one EOI.
 *
 * Every flow runs in hard-IRQ context with IRQs off, takes the line's
 * lock, and lets it go only while the handlers run (handle_irq_event).
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel/backtrace.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/trace/trace.h"
#include "kernel/irq/offload.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

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
		trace_event(TRACE_IRQ_HANDLER_ENTRY, desc->irq,
			    (uint32_t)(uintptr_t)a->name, 0);
		r = a->handler((int)desc->irq, a->dev_id);
		trace_event(TRACE_IRQ_HANDLER_EXIT, desc->irq, r != IRQ_NONE,
			    0);
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
static void handle_irq_event(struct irq_desc *desc)
{
	irqreturn_t ret;

	desc->status &= ~IRQS_PENDING;
	desc->running_cpu = smp_processor_id();
	desc->status |= IRQS_INPROGRESS;
	spin_unlock(&desc->lock);
	ret = handle_irq_chain(desc);
	spin_lock(&desc->lock);
	desc->status &= ~IRQS_INPROGRESS;
	note_interrupt(desc, ret);
	if (desc->retired)
		irq_release_retired(desc);
}

bool irq_line_may_open(const struct irq_desc *desc)
{
	return desc->action &&
	       !(desc->status & (IRQS_DISABLED | IRQS_ONESHOT_MASKED));
}

bool irq_line_may_run(const struct irq_desc *desc)
{
	return desc->action &&
	       !(desc->status &
		 (IRQS_DISABLED | IRQS_ONESHOT_MASKED | IRQS_INPROGRESS));
}

void irq_depth_inc(struct irq_desc *desc)
{
	if (desc->depth++ == 0)
		desc->status |= IRQS_DISABLED;
}

bool irq_depth_dec(struct irq_desc *desc)
{
	if (--desc->depth)
		return false;
	desc->status &= ~IRQS_DISABLED;
	return true;
}

void irq_mask_line(struct irq_desc *desc)
{
	if (desc->status & IRQS_MASKED)
		return;
	desc->status |= IRQS_MASKED;
	desc->chip->mask(desc->irq);
}

void irq_unmask_line(struct irq_desc *desc)
{
	if (!(desc->status & IRQS_MASKED))
		return;
	desc->status &= ~IRQS_MASKED;
	desc->chip->unmask(desc->irq);
}

static void count_interrupt(struct irq_desc *desc)
{
	desc->count[smp_processor_id()]++;
}

/* An interrupt the line cannot take now. An edge is remembered, and the
 * line masked so that it does not keep coming; a level device will
 * assert again when the line opens. */
static void defer_interrupt(struct irq_desc *desc)
{
	desc->deferred++;
	if (desc->status & IRQS_ONESHOT_MASKED)
		desc->oneshot_held++;
	if (!irq_is_level(desc))
		desc->status |= IRQS_PENDING;
	irq_mask_line(desc);
}

void handle_edge_irq(struct irq_desc *desc)
{
	spin_lock(&desc->lock);
	count_interrupt(desc);
	desc->chip->ack(desc->irq); /* the next edge may come in now */
	if (!irq_line_may_run(desc)) {
		defer_interrupt(desc);
		goto out_unlock;
	}
	handle_irq_event(desc);
	/* Another CPU took an edge while we ran, marked it PENDING and
	 * masked the line: open it again and run that edge here. */
	while ((desc->status & IRQS_PENDING) && irq_line_may_run(desc)) {
		irq_unmask_line(desc);
		handle_irq_event(desc);
	}
out_unlock:
	spin_unlock(&desc->lock);
}

void handle_level_irq(struct irq_desc *desc)
{
	spin_lock(&desc->lock);
	irq_mask_line(desc);
	desc->chip->ack(desc->irq);
	count_interrupt(desc);
	if (!irq_line_may_run(desc)) {
		defer_interrupt(desc); /* stays masked */
		goto out_unlock;
	}
	handle_irq_event(desc);
	if (irq_line_may_open(desc))
		irq_unmask_line(desc);
out_unlock:
	spin_unlock(&desc->lock);
}

void handle_fasteoi_irq(struct irq_desc *desc)
{
	spin_lock(&desc->lock);
	count_interrupt(desc);
	if (!irq_line_may_run(desc)) {
		defer_interrupt(desc);
		goto out_eoi;
	}
	handle_irq_event(desc);
	/* Disabled by a handler, or held for a ONESHOT thread: mask before
	 * the EOI, or the still-asserting device fires again at once. */
	if (!irq_line_may_open(desc))
		irq_mask_line(desc);
out_eoi:
	desc->chip->eoi(desc->irq);
	spin_unlock(&desc->lock);
}

const char *irq_flow_name(const struct irq_desc *desc)
{
	if (desc->handle_irq == handle_edge_irq)
		return "edge";
	if (desc->handle_irq == handle_level_irq)
		return "level";
	if (desc->handle_irq == handle_fasteoi_irq)
		return "fasteoi";
	return "none";
}

void irq_set_flow(struct irq_desc *desc)
{
	if (!desc->chip)
		desc->handle_irq = NULL;
	else if (!irq_is_level(desc))
		desc->handle_irq = handle_edge_irq;
	else if (desc->chip->level_flow)
		desc->handle_irq = desc->chip->level_flow;
	else
		desc->handle_irq = handle_level_irq;
}

bool irq_line_reopen(struct irq_desc *desc)
{
	if (!irq_line_may_open(desc))
		return false;
	irq_unmask_line(desc);
	if (!(desc->status & IRQS_PENDING))
		return false;
	desc->status &= ~IRQS_PENDING;
	return true;
}

/* The held edge, run now. The line may have been closed again between
 * irq_line_reopen and here: then the edge waits once more. */
static void replay_held_edge(void *arg)
{
	struct irq_desc *desc = arg;

	spin_lock(&desc->lock);
	if (irq_line_may_run(desc)) {
		desc->replayed++;
		handle_irq_event(desc);
	} else if (desc->action) {
		desc->status |= IRQS_PENDING;
	}
	spin_unlock(&desc->lock);
}

void irq_replay(unsigned int irq)
{
	if (irq < NR_IRQS)
		irq_offload(replay_held_edge, &irq_desc[irq]);
}
