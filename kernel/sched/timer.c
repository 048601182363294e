/* kernel/sched/timer.c - see timer.h. */
#include "kernel/sched/timer.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/magic.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"

static LIST_HEAD(pending);
static DEFINE_SPINLOCK(timer_lock);
/* The timer whose function runs now, and on which CPU. The timers all
 * run on CPU 0 (its tick raises TIMER_SOFTIRQ), so one is enough; code
 * on another CPU may be waiting for it in del_timer_sync. */
static struct timer_list *volatile running_timer;
static volatile unsigned int running_cpu;
/* The test's pretend "running on another CPU" (timer_test_set_running). */
static struct timer_list *volatile test_running_timer;
unsigned long timers_run_count;

static bool time_after_eq(unsigned long a, unsigned long b)
{
	return (long)(a - b) >= 0; /* correct across jiffies wraparound */
}

/* Out of line and cold: the fast path below is one compare. */
static __attribute__((noinline, cold)) bool timer_refused(struct timer_list *t,
							  const char *api)
{
	return bad_magic(api, "timer", "timer_setup", t, t->magic, t->function);
}

/* Every path checks: see kernel/magic.h. */
static inline bool timer_ok(struct timer_list *t, const char *api)
{
	return __builtin_expect(t->magic == TIMER_MAGIC, 1) ||
	       timer_refused(t, api);
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t))
{
	t->magic = TIMER_MAGIC;
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

static bool __mod_timer(struct timer_list *t, unsigned long expires)
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

bool mod_timer(struct timer_list *t, unsigned long expires)
{
	if (!timer_ok(t, "mod_timer"))
		return false;
	return __mod_timer(t, expires);
}

void add_timer(struct timer_list *t)
{
	if (timer_ok(t, "add_timer"))
		__mod_timer(t, t->expires);
}

bool del_timer(struct timer_list *t)
{
	unsigned long flags;
	bool was;

	if (!timer_ok(t, "del_timer"))
		return false;
	flags = spin_lock_irqsave(&timer_lock);
	was = timer_pending(t);

	if (was)
		list_del(&t->entry);
	spin_unlock_irqrestore(&timer_lock, flags);
	return was;
}

/* Wait until t's function is not running; the caller already took it off
 * the list, so it cannot start again unless it re-arms itself. */
bool del_timer_sync(struct timer_list *t)
{
	bool was;

	if (!timer_ok(t, "del_timer_sync"))
		return false;
	if (in_interrupt() && !in_serving_softirq()) {
		pr_err("timer: del_timer_sync from hard IRQ or with BHs disabled: cannot wait\n");
		return del_timer(t);
	}
	if (running_timer == t && in_serving_softirq() &&
	    running_cpu == smp_processor_id()) {
		pr_err("timer: del_timer_sync from its own function\n");
		return del_timer(t);
	}
	for (was = false;;) {
		was |= del_timer(t);
		if (running_timer != t && test_running_timer != t)
			return was;
		/* Running on another CPU (or, in the test, pretending to). */
		if (preempt_count() == 0)
			yield();
		else
			cpu_relax();
	}
}

void timer_test_set_running(struct timer_list *t)
{
	test_running_timer = t;
}

/* The head of the sorted list is all a tick needs to look at. */
bool timers_due(void)
{
	struct timer_list *first;

	if (list_empty(&pending))
		return false;
	first = list_first_entry(&pending, struct timer_list, entry);
	if (first->magic != TIMER_MAGIC)
		return true; /* run_timers takes it off */
	return time_after_eq(jiffies, first->expires);
}

/* A timer freed while it was pending: its links and expiry are garbage.
 * Report it, take it off through its neighbours, never call it. */
static void drop_broken_first(struct timer_list *t)
{
	timer_ok(t, "run_timers");
	list_del_first_broken(&pending);
}

/* TIMER_SOFTIRQ: run everything that is due, in expiry order. */
static void run_timers(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);

	while (!list_empty(&pending)) {
		struct timer_list *t =
			list_first_entry(&pending, struct timer_list, entry);

		if (t->magic != TIMER_MAGIC) {
			drop_broken_first(t);
			continue;
		}
		if (!time_after_eq(jiffies, t->expires))
			break;
		list_del(&t->entry);
		/* Unlocked while it runs: it may re-arm itself. */
		running_cpu = smp_processor_id();
		running_timer = t;
		spin_unlock_irqrestore(&timer_lock, flags);
		t->function(t);
		timers_run_count++;
		flags = spin_lock_irqsave(&timer_lock);
		running_timer = NULL;
	}
	spin_unlock_irqrestore(&timer_lock, flags);
}

void timers_init(void)
{
	open_softirq(TIMER_SOFTIRQ, run_timers);
}

unsigned int timers_pending_count(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	unsigned int n = list_count(&pending);

	spin_unlock_irqrestore(&timer_lock, flags);
	return n;
}

void for_each_timer(void (*fn)(const struct timer_list *t, void *arg),
		    void *arg)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	struct timer_list *t;

	list_for_each_entry (t, &pending, entry)
		fn(t, arg);
	spin_unlock_irqrestore(&timer_lock, flags);
}
