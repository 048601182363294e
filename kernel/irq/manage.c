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
	irq_desc[irq].trigger = trigger;
	if (!irq_desc[irq].lock.name)
		spin_lock_init(&irq_desc[irq].lock, "irq_desc");
}

/* May a new handler with these flags join the line's existing chain? */
static int check_sharing(unsigned int irq, struct irq_desc *desc,
			 unsigned long flags, void *dev_id)
{
	struct irqaction *old = desc->action;
	unsigned long trig = flags & IRQF_TRIGGER_MASK;

	if (!old)
		return 0;
	if (!(old->flags & IRQF_SHARED) || !(flags & IRQF_SHARED) ||
	    (trig && trig != (old->flags & IRQF_TRIGGER_MASK) &&
	     (old->flags & IRQF_TRIGGER_MASK))) {
		pr_err("Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s)\n",
		       irq, flags, "new", old->flags, old->name);
		return -EBUSY;
	}
	for (struct irqaction *a = old; a; a = a->next) {
		if (a->dev_id == dev_id) {
			pr_err("irq %u: dev_id already used by %s\n", irq,
			       a->name);
			return -EINVAL;
		}
	}
	return 0;
}

static void chain_append(struct irq_desc *desc, struct irqaction *new)
{
	struct irqaction **p = &desc->action;

	while (*p)
		p = &(*p)->next;
	*p = new;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction *a;
	unsigned long irqflags;
	bool first;
	int err;

	if (irq >= NR_IRQS || !handler || !irq_desc[irq].chip)
		return -EINVAL;
	if ((flags & IRQF_SHARED) && !dev_id) {
		pr_err("irq %u: shared handler %s needs a dev_id\n", irq, name);
		return -EINVAL;
	}
	desc = &irq_desc[irq];
	irqflags = spin_lock_irqsave(&desc->lock);
	err = check_sharing(irq, desc, flags, dev_id);
	if (err)
		goto out_unlock;
	a = action_alloc();
	if (!a) {
		err = -ENOMEM;
		goto out_unlock;
	}
	*a = (struct irqaction){ handler, dev_id, name, flags, 0, NULL };
	first = !desc->action;
	chain_append(desc, a);
	if (first && !desc->depth)
		desc->chip->unmask(irq);
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
	}
	return name;
}

void disable_irq(unsigned int irq)
{
	struct irq_desc *desc = &irq_desc[irq];
	unsigned long flags;

	if (irq >= NR_IRQS)
		return;
	flags = spin_lock_irqsave(&desc->lock);
	if (desc->depth++ == 0 && desc->chip)
		desc->chip->mask(irq);
	spin_unlock_irqrestore(&desc->lock, flags);
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *desc = &irq_desc[irq];
	unsigned long flags;

	if (irq >= NR_IRQS)
		return;
	flags = spin_lock_irqsave(&desc->lock);
	if (desc->depth == 0) {
		spin_unlock_irqrestore(&desc->lock, flags);
		WARN_ON(1); /* "Unbalanced enable for IRQ" */
		pr_warn("Unbalanced enable for IRQ %u\n", irq);
		return;
	}
	if (--desc->depth == 0 && desc->action && desc->chip)
		desc->chip->unmask(irq);
	spin_unlock_irqrestore(&desc->lock, flags);
}
