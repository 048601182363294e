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
			*a = (struct irqaction){ .magic = IRQACTION_MAGIC,
						 .handler = handler };
		}
	}
	spin_unlock_irqrestore(&action_pool_lock, flags);
	return a;
}

/* The magic goes first: a walker still holding the pointer (a bug)
 * then stops at it loudly instead of calling a stranger's handler. */
static void irq_action_release(struct irqaction *a)
{
	unsigned long flags = spin_lock_irqsave(&action_pool_lock);

	a->magic = 0;
	a->handler = NULL;
	a->next = NULL;
	spin_unlock_irqrestore(&action_pool_lock, flags);
}

void irq_release_retired(struct irq_desc *desc)
{
	while (desc->retired) {
		struct irqaction *a = desc->retired;

		desc->retired = a->retired_next;
		irq_action_release(a);
	}
}

void irq_set_chip(unsigned int irq, struct irq_chip *chip,
		  unsigned long trigger)
{
	struct irq_desc *desc = &irq_desc[irq];

	if (irq >= NR_IRQS)
		return;
	desc->irq = irq;
	desc->chip = chip;
	desc->hwirq = irq;
	desc->trigger = trigger;
	desc->status |= IRQS_MASKED; /* chips hand over their lines masked */
	desc->affinity = 0;	     /* ...and sending to the boot CPU */
	irq_set_flow(desc);
	if (!desc->lock.name)
		spin_lock_init(&desc->lock, "irq_desc");
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
		pr_err("Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s): IRQF_ONESHOT must match%s\n",
		       irq, flags, name, old->flags, old->name,
		       force_irqthreads
			       ? " (threadirqs makes every sharer without IRQF_NO_THREAD ONESHOT)"
			       : "");
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
	if (!err) {
		desc->trigger = trig;
		irq_set_flow(desc);
	}
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
		if (!desc->action) /* nobody to replay an old edge to */
			desc->status &= ~IRQS_PENDING;
		chain_append(desc, a);
		/* first handler: open the line, unless it is disabled or
		 * still waiting for a ONESHOT thread of a freed handler */
		if (desc->action == a)
			irq_line_reopen(desc);
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
	irq_action_release(a);
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

/* Take the action with dev_id off its chain. Desc lock held. */
static struct irqaction *chain_remove(struct irq_desc *desc, void *dev_id)
{
	struct irqaction **p, *a;

	for (p = &desc->action; (a = *p) != NULL; p = &a->next) {
		if (a->dev_id == dev_id) {
			*p = a->next; /* a->next stays: a walker may be on a */
			return a;
		}
	}
	return NULL;
}

/*
 * From hard-IRQ context - the line's own handler, or a handler of
 * another line - the chain may be being walked right now, on this CPU,
 * below us: the action's slot is released when that walk is over
 * (handle_irq_event). Returns true if it was retired so.
 */
static bool retire_if_running(struct irq_desc *desc, struct irqaction *a)
{
	if (!in_hardirq() || !(desc->status & IRQS_INPROGRESS))
		return false;
	a->retired_next = desc->retired;
	desc->retired = a;
	return true;
}

const char *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction *a;
	unsigned long flags;
	const char *name;
	bool retired = false;

	if (irq >= NR_IRQS)
		return NULL;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	a = chain_remove(desc, dev_id);
	if (a) {
		if (!desc->action)
			irq_mask_line(desc);
		if (!a->thread)
			retired = retire_if_running(desc, a);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
	if (!a) {
		pr_warn("Trying to free already-free IRQ %u\n", irq);
		dump_stack();
		return NULL;
	}
	name = a->name; /* the slot may be reused once released */
	if (retired)
		return name;
	if (!in_hardirq())
		synchronize_hardirq(irq); /* the primary may still be running */
	if (a->thread) {
		if (in_interrupt() || irqs_disabled()) {
			pr_err("free_irq: irq %u: %s is threaded; its thread can only be stopped from task context (action leaked)\n",
			       irq, a->name);
			return name;
		}
		irq_stop_thread(desc, a);
	}
	irq_action_release(a);
	return name;
}

/*
 * A level line is masked at once: the device keeps asserting, so
 * nothing is lost, and it cannot interrupt in vain. An edge line is left
 * open (lazy disable): a masked IOAPIC pin would drop an edge, so an
 * interrupt that comes while disabled is caught by the edge flow, which
 * masks the line then and replays the edge at enable_irq.
 */
void disable_irq_nosync(unsigned int irq)
{
	struct irq_desc *desc;
	unsigned long flags;

	if (irq >= NR_IRQS || !irq_desc[irq].chip)
		return;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	irq_depth_inc(desc);
	if (irq_is_level(desc))
		irq_mask_line(desc);
	spin_unlock_irqrestore(&desc->lock, flags);
}

/* Is this CPU, in an interrupt, nested inside the line's own chain? */
static bool running_below_us(const struct irq_desc *desc)
{
	return in_hardirq() && (desc->status & IRQS_INPROGRESS) &&
	       desc->running_cpu == smp_processor_id();
}

/* Wait until no primary handler of this line is running (on another CPU,
 * or in an interrupt that this CPU is nested inside - which would never
 * end, so that case is a bug and warns). */
void synchronize_hardirq(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return;
	/* Waiting for a chain this CPU is walking below us never ends; one
	 * walked on another CPU ends by itself. */
	if (WARN_ON(running_below_us(&irq_desc[irq])))
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
	bool replay = false;

	if (irq >= NR_IRQS || !irq_desc[irq].chip)
		return;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	if (desc->depth == 0) {
		spin_unlock_irqrestore(&desc->lock, flags);
		pr_warn("Unbalanced enable for IRQ %u\n", irq);
		dump_stack();
		return;
	}
	if (irq_depth_dec(desc)) {
		desc->status &= ~IRQS_SPURIOUS_DISABLED;
		/* a line a ONESHOT thread holds stays shut: the thread
		 * opens it when it finishes */
		replay = irq_line_reopen(desc);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
	if (replay)
		irq_replay(irq); /* an edge that came while it was shut */
}
