/*
 * kernel/irq/manage.c - attaching and removing handlers:
 * request_threaded_irq (request_irq is its thread_fn == NULL case),
 * free_irq, the sharing rules, disable/enable. The threads themselves are
 * in irqthread.c.
 *
 * Sharing rules (each failure is logged and returned, never silent):
 *  - every handler on a shared line must pass IRQF_SHARED      (-EBUSY)
 *  - all sharers must agree on the trigger type                (-EBUSY)
 *  - all sharers must agree on IRQF_ONESHOT                    (-EBUSY)
 *  - a shared handler needs a dev_id, unique on its line       (-EINVAL)
 *  - the line must exist and there must be a handler           (-EINVAL)
 *  - no primary handler (handler NULL) needs IRQF_ONESHOT      (-EINVAL)
 *  - at most one ONESHOT bit per sharer, 32 in all             (-EBUSY)
 */
#include <stdbool.h>
#include <stddef.h>

#include "kernel/backtrace.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "lib/errno.h"

/* Until the kernel has a heap, actions come from a fixed pool. */
#define IRQ_ACTION_POOL 64
static struct irqaction action_pool[IRQ_ACTION_POOL];
static DEFINE_SPINLOCK(action_pool_lock);

/* A slot is taken while its handler is set. */
static struct irqaction *action_alloc(irq_handler_t handler)
{
	unsigned long flags = spin_lock_irqsave(&action_pool_lock);
	struct irqaction *a = NULL;

	for (int i = 0; i < IRQ_ACTION_POOL && !a; i++) {
		if (!action_pool[i].handler) {
			a = &action_pool[i];
			*a = (struct irqaction){ .handler = handler };
		}
	}
	spin_unlock_irqrestore(&action_pool_lock, flags);
	return a;
}

static void action_release(struct irqaction *a)
{
	unsigned long flags = spin_lock_irqsave(&action_pool_lock);

	a->handler = NULL;
	a->next = NULL;
	spin_unlock_irqrestore(&action_pool_lock, flags);
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
			 unsigned long flags, const char *name, void *dev_id)
{
	struct irqaction *old = desc->action;

	if (!old)
		return 0;
	if (!(old->flags & IRQF_SHARED) || !(flags & IRQF_SHARED)) {
		pr_err("Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s): both must pass IRQF_SHARED\n",
		       irq, flags, name, old->flags, old->name);
		return -EBUSY;
	}
	if (wanted_trigger(desc, flags) != desc->trigger) {
		pr_err("Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s): trigger types differ\n",
		       irq, flags, name, old->flags, old->name);
		return -EBUSY;
	}
	if ((old->flags & IRQF_ONESHOT) != (flags & IRQF_ONESHOT)) {
		pr_err("Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s): IRQF_ONESHOT must match\n",
		       irq, flags, name, old->flags, old->name);
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

/* A ONESHOT action's bit in desc->threads_oneshot: the lowest free one. */
static int assign_oneshot_bit(unsigned int irq, struct irq_desc *desc,
			      struct irqaction *new)
{
	unsigned long used = 0;

	if (!(new->flags &IRQF_ONESHOT))
		return 0;
	for (struct irqaction *a = desc->action; a; a = a->next)
		used |= a->thread_mask;
	if (used == ~0ul) {
		pr_err("irq %u: %s: no ONESHOT bit left (32 sharers)\n", irq,
		       new->name);
		return -EBUSY;
	}
	new->thread_mask = ~used &(used + 1); /* lowest clear bit */
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
			 irq_handler_t thread_fn, unsigned long flags,
			 const char *name, void *dev_id)
{
	if (irq >= NR_IRQS || !irq_desc[irq].chip) {
		pr_err("request_irq: no interrupt line %u (for %s)\n", irq,
		       name);
		return -EINVAL;
	}
	if (!handler && !thread_fn) {
		pr_err("request_irq: irq %u: %s has no handler\n", irq, name);
		return -EINVAL;
	}
	if (!handler && !(flags & IRQF_ONESHOT)) {
		pr_err("request_threaded_irq: irq %u: %s has no primary handler and no IRQF_ONESHOT (the line would fire again before its thread ran)\n",
		       irq, name);
		return -EINVAL;
	}
	if ((flags & IRQF_SHARED) && !dev_id) {
		pr_err("request_irq: irq %u: shared handler %s needs a dev_id\n",
		       irq, name);
		return -EINVAL;
	}
	return 0;
}

/*
 * "threadirqs": an ordinary handler becomes the thread function of a
 * default primary, ONESHOT so the line stays quiet until it has run.
 * Handlers that must stay in hard-IRQ context say IRQF_NO_THREAD.
 */
static void force_threading(struct irqaction *a)
{
	if (!force_irqthreads || a->thread_fn || (a->flags & IRQF_NO_THREAD))
		return;
	a->thread_fn = a->handler;
	a->handler = irq_default_primary_handler;
	a->flags |= IRQF_ONESHOT;
	a->thread_flags |= IRQTF_FORCED;
}

/* Put the action on its line, if the sharing rules let it. */
static int attach_action(unsigned int irq, struct irq_desc *desc,
			 struct irqaction *a)
{
	unsigned long irqflags = spin_lock_irqsave(&desc->lock);
	int err = check_sharing(irq, desc, a->flags, a->name, a->dev_id);

	if (!err && !desc->action)
		err = set_trigger(irq, desc, a->flags);
	if (!err)
		err = assign_oneshot_bit(irq, desc, a);
	if (!err) {
		chain_append(desc, a);
		/* first handler: open the line, unless it is disabled or
		 * still waiting for a ONESHOT thread of a freed handler */
		if (desc->action == a && !desc->depth &&
		    !(desc->status & IRQS_ONESHOT_MASKED))
			desc->chip->unmask(irq);
	}
	spin_unlock_irqrestore(&desc->lock, irqflags);
	return err;
}

int request_threaded_irq(unsigned int irq, irq_handler_t handler,
			 irq_handler_t thread_fn, unsigned long flags,
			 const char *name, void *dev_id)
{
	struct irqaction *a;
	int err = check_request(irq, handler, thread_fn, flags, name, dev_id);

	if (err)
		return err;
	a = action_alloc(handler ? handler : irq_default_primary_handler);
	if (!a) {
		pr_err("request_irq: irq %u: out of irqaction slots\n", irq);
		return -ENOMEM;
	}
	a->thread_fn = thread_fn;
	a->dev_id = dev_id;
	a->name = name;
	a->flags = flags;
	a->irq = irq;
	force_threading(a);
	if (a->thread_fn && irq_threads_ready) {
		err = irq_setup_thread(a);
		if (err)
			goto out_release;
	}
	err = attach_action(irq, &irq_desc[irq], a);
	if (err)
		goto out_stop_thread;
	return 0;

out_stop_thread:
	if (a->thread)
		kthread_stop(a->thread);
out_release:
	action_release(a);
	return err;
}

/*
 * Drivers request their lines early in kmain, before the scheduler can
 * make threads. Their threads are made here, once it can. Until then a
 * forced-threaded handler runs in hard IRQ as it was written to, and a
 * real thread_fn's wakeup waits for its thread (irq_wake_thread).
 */
bool irq_threads_ready;

void irq_start_threads(void)
{
	irq_threads_ready = true;
	for (int i = 0; i < IRQ_ACTION_POOL; i++) {
		struct irqaction *a = &action_pool[i];

		if (a->handler && a->thread_fn && !a->thread)
			irq_setup_thread(a);
	}
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id)
{
	if (!handler) { /* else it would mean "threaded, default primary" */
		pr_err("request_irq: irq %u: %s has no handler\n", irq, name);
		return -EINVAL;
	}
	return request_threaded_irq(irq, handler, NULL, flags, name, dev_id);
}

const char *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction **p, *a;
	unsigned long flags;

	if (irq >= NR_IRQS)
		return NULL;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	for (p = &desc->action; (a = *p) != NULL; p = &a->next)
		if (a->dev_id == dev_id)
			break;
	if (a) {
		*p = a->next;
		if (!desc->action)
			desc->chip->mask(irq);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
	if (!a) {
		pr_warn("Trying to free already-free IRQ %u\n", irq);
		dump_stack();
		return NULL;
	}
	if (!in_hardirq())
		synchronize_hardirq(irq); /* the primary may still be running */
	if (a->thread) {
		if (in_interrupt() || irqs_disabled()) {
			pr_err("free_irq: irq %u: %s is threaded; its thread can only be stopped from task context (action leaked)\n",
			       irq, a->name);
			return a->name;
		}
		irq_stop_thread(desc, a);
	}
	action_release(a);
	return a->name;
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

/* Wait until no primary handler of this line is running (on another CPU,
 * or in an interrupt that this CPU is nested inside - which would never
 * end, so that case is a bug and warns). */
void synchronize_hardirq(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return;
	if (WARN_ON(in_hardirq() && (irq_desc[irq].status & IRQS_INPROGRESS)))
		return;
	while (__atomic_load_n(&irq_desc[irq].status, __ATOMIC_ACQUIRE) &
	       IRQS_INPROGRESS)
		cpu_relax();
}

/* ...and, from task context, until its woken threads have finished too
 * (so a thread_fn must not disable_irq() its own line: nosync there). */
void synchronize_irq(unsigned int irq)
{
	synchronize_hardirq(irq);
	if (irq < NR_IRQS && irq_desc[irq].threads_active && !in_interrupt() &&
	    !irqs_disabled() && !preempt_count())
		irq_wait_for_threads(&irq_desc[irq]);
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
		/* a line a ONESHOT thread holds shut stays shut: the
		 * thread opens it when it finishes */
		if (desc->action && desc->chip &&
		    !(desc->status & IRQS_ONESHOT_MASKED))
			desc->chip->unmask(irq);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
}
