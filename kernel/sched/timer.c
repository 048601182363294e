/* kernel/sched/timer.c - see timer.h. */
#include "kernel/sched/timer.h"

#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"

static LIST_HEAD(pending);
static DEFINE_SPINLOCK(timer_lock);

static bool time_after_eq(unsigned long a, unsigned long b)
{
	return (long)(a - b) >= 0; /* correct across jiffies wraparound */
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t))
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->expires = 0;
}

bool timer_pending(const struct timer_list *t)
{
	return !list_empty(&t->entry);
}

/* Insert keeping the list sorted; equal expiry times keep arrival order. */
static void enqueue_timer(struct timer_list *t)
{
	struct list_head *pos;

	for (pos = pending.next; pos != &pending; pos = pos->next) {
		struct timer_list *o =
			list_entry(pos, struct timer_list, entry);

		if (!time_after_eq(t->expires, o->expires))
			break;
	}
	list_add_tail(&t->entry, pos);
}

bool mod_timer(struct timer_list *t, unsigned long expires)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	bool was = timer_pending(t);

	if (was)
		list_del(&t->entry);
	t->expires = expires;
	enqueue_timer(t);
	spin_unlock_irqrestore(&timer_lock, flags);
	return was;
}

void add_timer(struct timer_list *t)
{
	mod_timer(t, t->expires);
}

bool del_timer(struct timer_list *t)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	bool was = timer_pending(t);

	if (was)
		list_del(&t->entry);
	spin_unlock_irqrestore(&timer_lock, flags);
	return was;
}

void run_timers(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);

	while (!list_empty(&pending)) {
		struct timer_list *t =
			list_first_entry(&pending, struct timer_list, entry);

		if (!time_after_eq(jiffies, t->expires))
			break;
		list_del(&t->entry);
		/* Unlocked while it runs: it may re-arm itself. */
		spin_unlock_irqrestore(&timer_lock, flags);
		t->function(t);
		flags = spin_lock_irqsave(&timer_lock);
	}
	spin_unlock_irqrestore(&timer_lock, flags);
}

unsigned int timers_pending_count(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	unsigned int n = list_count(&pending);

	spin_unlock_irqrestore(&timer_lock, flags);
	return n;
}
