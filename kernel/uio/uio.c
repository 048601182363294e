/* kernel/uio/uio.c - see uio.h. */
#include "kernel/uio/uio.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/sched/mutex.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define UIO_RELEASABLE_MAX 8
#define UIO_LINE_RELEASED  4 /* kernel handlers one line can give up */

struct uio_line {
	unsigned int irq;
	struct uio_client *owner;	    /* NULL: free */
	char action_name[UIO_NAME_LEN + 4]; /* "uio:NAME", shown by irqs */
	unsigned int flags;		    /* IRQ_ATTACH_* */
	volatile unsigned long events;	    /* top halves run */
	unsigned long seen;		    /* count the owner last got */
	unsigned long acks;
	volatile bool masked; /* by the top half, until irq_ack */
	uint64_t last_tsc;
	struct wait_queue_head wait;
	struct uio_releasable *released[UIO_LINE_RELEASED];
	int nr_released;
};

static struct uio_line lines[NR_IRQS];
static struct uio_releasable *releasables[UIO_RELEASABLE_MAX];
static DEFINE_MUTEX(uio_mutex); /* attach/detach, the tables above */

bool uio_may_complain(struct uio_client *c)
{
	if (c->complaints < UIO_COMPLAINTS_MAX) {
		c->complaints++;
		return true;
	}
	if (c->complaints++ == UIO_COMPLAINTS_MAX)
		pr_err("uio: %s: more refusals; no longer logged\n", c->name);
	return false;
}

/* Lines the kernel never gives away: the tick and the PIC cascade. */
static bool kernel_only_line(unsigned int irq)
{
	return irq == 0 || irq == 2;
}

int uio_register_releasable(struct uio_releasable *r)
{
	for (int i = 0; i < UIO_RELEASABLE_MAX; i++) {
		if (!releasables[i]) {
			releasables[i] = r;
			return 0;
		}
	}
	pr_err("uio: no room to register %s as releasable\n", r->name);
	return -ENOSPC;
}

static struct uio_releasable *find_releasable(unsigned int irq, void *dev_id)
{
	for (int i = 0; i < UIO_RELEASABLE_MAX; i++)
		if (releasables[i] && releasables[i]->irq == irq &&
		    releasables[i]->dev_id == dev_id)
			return releasables[i];
	return NULL;
}

/* ---- the top half -------------------------------------------------- */

/*
 * The kernel's whole share of a user-driven interrupt. It cannot ask the
 * device whether it interrupted (only the user driver knows the device),
 * so the line must be the driver's alone and the answer is always "mine".
 * Masking first is what makes a level-triggered device safe: its line
 * stays asserted until the user driver services it, and unmasked it
 * would interrupt again the moment we return.
 */
static irqreturn_t uio_top_half(int irq, void *dev_id)
{
	struct uio_line *l = dev_id;

	l->last_tsc = rdtsc(); /* first: the uio_wakeup benchmark starts here */
	/* Disable once per ack. The line's flow then keeps what comes before
	 * the ack from reaching this handler: a level line is masked at
	 * once; on an edge line a new edge is held and replayed at the ack,
	 * so no event is lost. */
	if (!(l->flags & IRQ_ATTACH_NOMASK) && !l->masked) {
		disable_irq_nosync((unsigned int)irq);
		l->masked = true;
	}
	l->events++;
	wake_up_all(&l->wait);
	return IRQ_HANDLED;
}

/* ---- attaching ------------------------------------------------------ */

/* Give the line back in the order it was released, so the kernel's
 * chain keeps its order (the hotkey must run after i8042). */
static void reclaim_line(struct uio_line *l)
{
	for (int i = 0; i < l->nr_released; i++) {
		struct uio_releasable *r = l->released[i];

		r->reclaim(r->dev_id);
		pr_info("uio: irq %u: %s is the kernel's again\n", l->irq,
			r->name);
	}
	l->nr_released = 0;
}

/*
 * Ask every kernel handler on the line to step aside. All or nothing:
 * one that cannot (not releasable, or refusing now) keeps the line, and
 * those already released get it back.
 */
static int release_kernel_handlers(struct uio_line *l, struct uio_client *c)
{
	struct irq_line_info line;
	struct irq_action_info first, *a = &first;

	/* one handler at a time, from a fresh snapshot: each release takes
	 * its handler off the chain */
	while (!irq_get_line(l->irq, &line, &first, 1) && line.nr_actions) {
		struct uio_releasable *r = find_releasable(l->irq, a->dev_id);
		int err;

		if (!r || l->nr_released == UIO_LINE_RELEASED) {
			if (uio_may_complain(c))
				pr_err("uio: irq %u stays with the kernel: %s cannot release it (asked by %s)\n",
				       l->irq, a->name, c->name);
			reclaim_line(l);
			return -EBUSY;
		}
		err = r->release(r->dev_id);
		if (err) {
			if (uio_may_complain(c))
				pr_err("uio: irq %u: %s refuses to release it (%d) for %s\n",
				       l->irq, r->name, err, c->name);
			reclaim_line(l);
			return -EBUSY;
		}
		l->released[l->nr_released++] = r;
		pr_info("uio: irq %u: %s released for %s\n", l->irq, r->name,
			c->name);
	}
	return 0;
}

static int free_handle(struct uio_client *c)
{
	for (int h = 0; h < UIO_HANDLES; h++)
		if (!c->lines[h])
			return h;
	return -1;
}

static int check_attach(struct uio_client *c, unsigned int irq,
			unsigned int flags)
{
	if (!irq_line_connected(irq)) {
		if (uio_may_complain(c))
			pr_err("uio: %s: no interrupt line %u\n", c->name, irq);
		return -EINVAL;
	}
	if (flags & ~IRQ_ATTACH_NOMASK)
		return -EINVAL;
	if (kernel_only_line(irq)) {
		if (uio_may_complain(c))
			pr_err("uio: %s: irq %u is the kernel's own; refused\n",
			       c->name, irq);
		return -EPERM;
	}
	if ((flags & IRQ_ATTACH_NOMASK) && irq_line_level(irq)) {
		if (uio_may_complain(c))
			pr_err("uio: %s: irq %u is level-triggered: it must stay masked until the ack (no NOMASK)\n",
			       c->name, irq);
		return -EINVAL;
	}
	if (lines[irq].owner) {
		if (uio_may_complain(c))
			pr_err("uio: %s: irq %u is already owned by %s\n",
			       c->name, irq, lines[irq].owner->name);
		return -EBUSY;
	}
	if (free_handle(c) < 0)
		return -ENOSPC;
	return 0;
}

int uio_attach(struct uio_client *c, unsigned int irq, unsigned int flags)
{
	struct uio_line *l;
	int h, err;

	if (mutex_lock(&uio_mutex))
		return -EINVAL;
	err = check_attach(c, irq, flags);
	if (err)
		goto out_unlock;
	l = &lines[irq];
	l->irq = irq;
	l->nr_released = 0;
	err = release_kernel_handlers(l, c);
	if (err)
		goto out_unlock;
	snprintf(l->action_name, sizeof(l->action_name), "uio:%s", c->name);
	l->flags = flags;
	l->events = l->seen = l->acks = 0;
	l->masked = false;
	l->last_tsc = 0;
	init_waitqueue_head(&l->wait);
	/* Never force-threaded (threadirqs): masking the line before the
	 * interrupt returns is what stops a level-triggered device storming. */
	err = request_irq(irq, uio_top_half, IRQF_NO_THREAD, l->action_name, l);
	if (err) {
		reclaim_line(l);
		goto out_unlock;
	}
	l->owner = c;
	h = free_handle(c);
	c->lines[h] = l;
	err = h;
	pr_info("uio: irq %u attached by %s (handle %d, %s)\n", irq, c->name, h,
		flags & IRQ_ATTACH_NOMASK ? "count only" : "masked until ack");
out_unlock:
	mutex_unlock(&uio_mutex);
	return err;
}

static struct uio_line *handle_line(struct uio_client *c, int handle)
{
	if (handle < 0 || handle >= UIO_HANDLES)
		return NULL;
	return c->lines[handle];
}

bool uio_client_holds(struct uio_client *c, unsigned int irq)
{
	for (int h = 0; h < UIO_HANDLES; h++)
		if (c->lines[h] && c->lines[h]->irq == irq)
			return true;
	return false;
}

/* ---- waiting and acknowledging -------------------------------------- */

static bool interrupted(struct uio_client *c)
{
	return c->interrupted && *c->interrupted;
}

long uio_wait(struct uio_client *c, int handle, unsigned int flags)
{
	struct uio_line *l = handle_line(c, handle);
	unsigned long now;

	if (!l)
		return -EBADF;
	if (flags & IRQ_WAIT_NONBLOCK) {
		if (l->events == l->seen)
			return -EAGAIN;
	} else {
		wait_event(l->wait, l->events != l->seen || interrupted(c));
	}
	now = l->events;
	if (now == l->seen)
		return -EINTR;
	trace_event(TRACE_UIO_WAIT, l->irq, (uint32_t)now, 0);
	l->seen = now;
	return (long)(now & 0x7fffffff);
}

/* Unmask what the top half masked. A second ack before the next event
 * has nothing to undo: returns 0 and changes nothing. */
int uio_ack(struct uio_client *c, int handle)
{
	struct uio_line *l = handle_line(c, handle);
	unsigned long flags;
	bool unmask;

	if (!l)
		return -EBADF;
	flags = local_irq_save();
	unmask = l->masked;
	l->masked = false;
	trace_event(TRACE_UIO_ACK, l->irq, unmask, 0);
	if (unmask) {
		l->acks++;
		enable_irq(l->irq);
	}
	local_irq_restore(flags);
	return 0;
}

int uio_info(struct uio_client *c, int handle, struct irq_info *out)
{
	struct uio_line *l = handle_line(c, handle);

	if (!l)
		return -EBADF;
	memset(out, 0, sizeof(*out));
	out->irq = l->irq;
	out->events = l->events;
	out->acks = l->acks;
	out->masked = l->masked;
	out->last_tsc = l->last_tsc;
	out->level = irq_line_level(l->irq);
	return 0;
}

/* ---- detaching ---------------------------------------------------------- */

/*
 * Off the line: free_irq masks it (no handler left), then the top half's
 * disable is undone so the depth is 0 again - the line stays masked (no
 * action) until a driver requests it, which unmasks it.
 */
static void detach_line(struct uio_client *c, int handle)
{
	struct uio_line *l = c->lines[handle];

	free_irq(l->irq, l);
	if (l->masked) {
		l->masked = false;
		enable_irq(l->irq);
	}
	pr_info("uio: irq %u detached from %s after %lu events, %lu acks\n",
		l->irq, c->name, l->events, l->acks);
	l->owner = NULL;
	c->lines[handle] = NULL;
	reclaim_line(l);
}

int uio_detach(struct uio_client *c, int handle)
{
	if (mutex_lock(&uio_mutex))
		return -EINVAL;
	if (!handle_line(c, handle)) {
		mutex_unlock(&uio_mutex);
		return -EBADF;
	}
	detach_line(c, handle);
	mutex_unlock(&uio_mutex);
	return 0;
}

void uio_detach_all(struct uio_client *c)
{
	for (int h = 0; h < UIO_HANDLES; h++)
		if (c->lines[h])
			uio_detach(c, h);
}

const char *uio_owner_name(unsigned int irq)
{
	if (irq >= NR_IRQS || !lines[irq].owner)
		return "";
	return lines[irq].owner->name;
}
