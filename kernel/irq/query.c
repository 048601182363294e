/*
 * kernel/irq/query.c - snapshots of a line for whoever reports on it.
 *
 * The chain and the actions on it change under a reader: free_irq from
 * another thread, a ring-3 driver's exit, an oops in a thread_fn. So the
 * readers outside the IRQ core get copies, taken under the line's lock
 * (irq.h). Names are copied too: a handler's name may live in memory
 * that is freed with it (UIO's "uio:NAME").
 */
#include <stddef.h>

#include "kernel/irq/irqdesc.h"
#include "kernel/sched/thread.h"
#include "lib/errno.h"
#include "lib/string.h"

static void copy_name(char *dst, const char *src)
{
	strlcpy(dst, src ? src : "?", IRQ_INFO_NAME_LEN);
}

/* The action's thread: alive while a->thread is set (desc lock held). */
static void copy_thread(struct irq_action_info *ai, const struct irqaction *a)
{
	const struct thread *t = a->thread;

	ai->has_thread = t != NULL;
	if (!t)
		return;
	copy_name(ai->thread_name, t->name);
	ai->thread_tid = t->tid;
	ai->thread_fifo = t->policy == SCHED_FIFO;
	ai->thread_prio = t->rt_priority;
	ai->thread_state = thread_state_name(t->state);
	ai->thread_cpu = t->cpu;
}

static void copy_action(struct irq_action_info *ai, const struct irqaction *a)
{
	memset(ai, 0, sizeof(*ai));
	copy_name(ai->name, a->name);
	ai->dev_id = a->dev_id;
	ai->handler = (uintptr_t)a->handler;
	ai->flags = a->flags;
	ai->count = a->count;
	ai->threaded = a->thread_fn != NULL;
	ai->forced = a->thread_flags & IRQTF_FORCED;
	ai->thread_dead = a->thread_flags & IRQTF_DEAD;
	ai->thread_wakeups = a->thread_wakeups;
	ai->thread_runs = a->thread_runs;
	copy_thread(ai, a);
}

static void copy_line(struct irq_line_info *li, const struct irq_desc *desc)
{
	memset(li, 0, sizeof(*li));
	li->connected = desc->chip != NULL;
	if (!li->connected)
		return;
	li->chip = desc->chip->name;
	li->hwirq = desc->hwirq;
	li->trigger = desc->trigger;
	li->level = irq_is_level(desc);
	li->flow = irq_flow_name(desc);
	li->depth = desc->depth;
	li->spurious_disabled = desc->status & IRQS_SPURIOUS_DISABLED;
	li->masked = desc->status & IRQS_MASKED;
	li->pending = desc->status & IRQS_PENDING;
	li->oneshot_held = desc->status & IRQS_ONESHOT_MASKED;
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		li->count[c] = desc->count[c];
		li->total += desc->count[c];
	}
	li->unhandled = desc->unhandled;
	li->deferred = desc->deferred;
	li->replayed = desc->replayed;
	li->held_by_oneshot = desc->oneshot_held;
	li->threads_oneshot = desc->threads_oneshot;
	li->affinity = desc->affinity;
	li->affinity_fixed = !desc->chip->set_affinity;
	li->no_balancing = desc->no_balancing;
}

int irq_get_line(unsigned int irq, struct irq_line_info *line,
		 struct irq_action_info *acts, unsigned int max)
{
	struct irq_desc *desc;
	unsigned long flags;
	unsigned int n = 0;

	if (irq >= NR_IRQS)
		return -EINVAL;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	copy_line(line, desc);
	for (const struct irqaction *a = desc->action; a; a = a->next, n++)
		if (n < max)
			copy_action(&acts[n], a);
	line->nr_actions = n;
	spin_unlock_irqrestore(&desc->lock, flags);
	return 0;
}

bool irq_line_connected(unsigned int irq)
{
	return irq < NR_IRQS && irq_desc[irq].chip;
}

bool irq_line_in_use(unsigned int irq)
{
	return irq < NR_IRQS &&
	       __atomic_load_n(&irq_desc[irq].action, __ATOMIC_ACQUIRE) != NULL;
}

bool irq_line_level(unsigned int irq)
{
	return irq_line_connected(irq) && irq_is_level(&irq_desc[irq]);
}

const char *irq_trigger_name(unsigned long trigger, bool with_polarity)
{
	switch (trigger & IRQF_TRIGGER_MASK) {
	case IRQF_TRIGGER_RISING:
		return with_polarity ? "edge, rising" : "edge";
	case IRQF_TRIGGER_FALLING:
		return with_polarity ? "edge, falling" : "edge";
	case IRQF_TRIGGER_HIGH:
		return with_polarity ? "level, active high" : "level";
	case IRQF_TRIGGER_LOW:
		return with_polarity ? "level, active low" : "level";
	default:
		return "none";
	}
}
