/*
 * kernel/irq/manage.c - attaching and removing handlers: request_irq,
 * free_irq, and the sharing rules.
 *
 * Sharing rules (each failure is logged and returned, never silent):
 *  - every handler on a shared line must pass IRQF_SHARED      (-EBUSY)
 *  - all sharers must agree on the trigger type                (-EBUSY)
 *  - a shared handler needs a dev_id, unique on its line       (-EINVAL)
 *  - the line must exist and the handler must not be NULL      (-EINVAL)
 */
#include <stdbool.h>
#include <stddef.h>

#include "kernel/backtrace.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "lib/errno.h"

/* Until the kernel has a heap, actions come from a fixed pool. */
#define IRQ_ACTION_POOL 64
static struct irqaction action_pool[IRQ_ACTION_POOL];

static struct irqaction *action_alloc(void)
{
	for (int i = 0; i < IRQ_ACTION_POOL; i++)
		if (!action_pool[i].handler)
			return &action_pool[i];
	return NULL;
}

static void action_release(struct irqaction *a)
{
	a->handler = NULL;
	a->next = NULL;
}

void irq_set_chip(unsigned int irq, struct irq_chip *chip,
		  unsigned long trigger)
{
	if (irq >= NR_IRQS)
		return;
	irq_desc[irq].chip = chip;
	irq_desc[irq].hwirq = irq;
	irq_desc[irq].trigger = trigger;
	if (!irq_desc[irq].lock.name)
		spin_lock_init(&irq_desc[irq].lock, "irq_desc");
}

/* The trigger a request asks for; "none" means the line's own default. */
static unsigned long wanted_trigger(const struct irq_desc *desc,
				    unsigned long flags)
{
	unsigned long trig = flags & IRQF_TRIGGER_MASK;

	return trig ? trig : desc->trigger;
}

/* May a new handler with these flags join the line's existing chain? */
static int check_sharing(unsigned int irq, struct irq_desc *desc,
			 unsigned long flags, void *dev_id)
{
	struct irqaction *old = desc->action;

	if (!old)
		return 0;
	if (!(old->flags & IRQF_SHARED) || !(flags & IRQF_SHARED) ||
	    wanted_trigger(desc, flags) != desc->trigger ||
	    (old->flags & IRQF_ONESHOT) != (flags & IRQF_ONESHOT)) {
		pr_err("Flags mismatch irq %u. %08lx (new) vs. %08lx (%s)\n",
		       irq, flags, old->flags, old->name);
		return -EBUSY;
	}
	for (struct irqaction *a = old; a; a = a->next) {
		if (a->dev_id == dev_id) {
			pr_err("irq %u: dev_id %p already used by %s\n", irq,
			       dev_id, a->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* The first handler on a line may change its trigger type. */
static int set_trigger(unsigned int irq, struct irq_desc *desc,
		       unsigned long flags)
{
	unsigned long trig = wanted_trigger(desc, flags);
	int err;

	if (trig == desc->trigger)
		return 0;
	if (!desc->chip->set_type) {
		pr_err("irq %u: %s cannot change the trigger type\n", irq,
		       desc->chip->name);
		return -EINVAL;
	}
	err = desc->chip->set_type(irq, trig);
	if (!err)
		desc->trigger = trig;
	return err;
}

static void chain_append(struct irq_desc *desc, struct irqaction *new)
{
	struct irqaction **p = &desc->action;

	while (*p)
		p = &(*p)->next;
	*p = new;
}

static int check_request(unsigned int irq, irq_handler_t handler,
			 unsigned long flags, const char *name, void *dev_id)
{
	if (irq >= NR_IRQS || !irq_desc[irq].chip) {
		pr_err("request_irq: no interrupt line %u (for %s)\n", irq,
		       name);
		return -EINVAL;
	}
	if (!handler) {
		pr_err("request_irq: irq %u: %s has no handler\n", irq, name);
		return -EINVAL;
	}
	if ((flags & IRQF_SHARED) && !dev_id) {
		pr_err("request_irq: irq %u: shared handler %s needs a dev_id\n",
		       irq, name);
		return -EINVAL;
	}
	return 0;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction *a;
	unsigned long irqflags;
	int err = check_request(irq, handler, flags, name, dev_id);

	if (err)
		return err;
	desc = &irq_desc[irq];
	irqflags = spin_lock_irqsave(&desc->lock);
	err = check_sharing(irq, desc, flags, dev_id);
	if (!err && !desc->action)
		err = set_trigger(irq, desc, flags);
	if (err)
		goto out_unlock;
	a = action_alloc();
	if (!a) {
		pr_err("request_irq: irq %u: out of irqaction slots\n", irq);
		err = -ENOMEM;
		goto out_unlock;
	}
	*a = (struct irqaction){ handler, dev_id, name, flags, 0, NULL };
	chain_append(desc, a);
	if (!a->next && desc->action == a && !desc->depth)
		desc->chip->unmask(irq); /* first handler: open the line */
out_unlock:
	spin_unlock_irqrestore(&desc->lock, irqflags);
	return err;
}

const char *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction **p, *a;
	unsigned long flags;
	const char *name = NULL;

	if (irq >= NR_IRQS)
		return NULL;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	for (p = &desc->action; (a = *p) != NULL; p = &a->next)
		if (a->dev_id == dev_id)
			break;
	if (a) {
		*p = a->next;
		name = a->name;
		if (!desc->action)
			desc->chip->mask(irq);
		action_release(a);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
	if (!a) {
		pr_warn("Trying to free already-free IRQ %u\n", irq);
		dump_stack();
		return NULL;
	}
	if (!in_hardirq())
		synchronize_irq(irq); /* the handler may still be running */
	return name;
}

void disable_irq_nosync(unsigned int irq)
{
	struct irq_desc *desc;
	unsigned long flags;

	if (irq >= NR_IRQS)
		return;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	if (desc->depth++ == 0 && desc->chip)
		desc->chip->mask(irq);
	spin_unlock_irqrestore(&desc->lock, flags);
}

/* Wait until no handler of this line is running (on another CPU, or in an
 * interrupt that this CPU is nested inside - which would never end, so
 * that case is a bug and warns). */
void synchronize_irq(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return;
	if (WARN_ON(in_hardirq() && (irq_desc[irq].status & IRQS_INPROGRESS)))
		return;
	while (__atomic_load_n(&irq_desc[irq].status, __ATOMIC_ACQUIRE) &
	       IRQS_INPROGRESS)
		cpu_relax();
}

void disable_irq(unsigned int irq)
{
	disable_irq_nosync(irq);
	synchronize_irq(irq);
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *desc;
	unsigned long flags;

	if (irq >= NR_IRQS)
		return;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	if (desc->depth == 0) {
		spin_unlock_irqrestore(&desc->lock, flags);
		pr_warn("Unbalanced enable for IRQ %u\n", irq);
		dump_stack();
		return;
	}
	if (--desc->depth == 0) {
		desc->status &= ~IRQS_SPURIOUS_DISABLED;
		if (desc->action && desc->chip)
			desc->chip->unmask(irq);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
}
