/* kernel/sched/hrtimer.c - see hrtimer.h. */
#include "kernel/sched/hrtimer.h"

#include <stddef.h>

#include "kernel/bh/softirq.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"

static LIST_HEAD(pending);
static DEFINE_SPINLOCK(hrtimer_lock);
static struct clock_event *clock_event;
static unsigned int clock_cpu; /* whose local APIC the device is */
static unsigned long run_count;
static void program_next(void);

/* On clock_cpu, asked by another CPU that armed a timer. */
static void reprogram_here(void *arg)
{
	unsigned long flags = spin_lock_irqsave(&hrtimer_lock);

	(void)arg;
	program_next();
	spin_unlock_irqrestore(&hrtimer_lock, flags);
}

static struct call_single_data reprogram_csd = { .fn = reprogram_here };

void hrtimer_init(struct hrtimer *t, void (*fn)(struct hrtimer *t))
{
	INIT_LIST_HEAD(&t->node);
	t->expires_ns = 0;
	t->function = fn;
}

bool hrtimer_active(const struct hrtimer *t)
{
	return !list_empty(&t->node);
}

static struct hrtimer *first_timer(void)
{
	return list_empty(&pending)
		       ? NULL
		       : list_first_entry(&pending, struct hrtimer, node);
}

/* Lock held: ask the device for an interrupt at the first expiry. */
static void program_next(void)
{
	struct hrtimer *first = first_timer();
	uint64_t now, delta;

	if (!first || !clock_event)
		return;
	if (smp_processor_id() != clock_cpu) {
		/* the device is another CPU's: it reprograms (if a request
		 * is already on its way, that one reads the new first) */
		smp_call_function_single_async(clock_cpu, &reprogram_csd);
		return;
	}
	now = ktime_get_ns();
	delta = first->expires_ns > now ? first->expires_ns - now : 0;
	if (delta < clock_event->min_delta_ns)
		delta = clock_event->min_delta_ns;
	if (delta > clock_event->max_delta_ns)
		delta = clock_event->max_delta_ns; /* wake, look, re-arm */
	clock_event->program(delta);
}

void hrtimer_start(struct hrtimer *t, uint64_t delta_ns)
{
	unsigned long flags = spin_lock_irqsave(&hrtimer_lock);
	struct list_head *pos;

	if (hrtimer_active(t))
		list_del(&t->node);
	t->expires_ns = ktime_get_ns() + delta_ns;
	for (pos = pending.next; pos != &pending; pos = pos->next)
		if (list_entry(pos, struct hrtimer, node)->expires_ns >
		    t->expires_ns)
			break;
	list_add_tail(&t->node, pos);
	if (first_timer() == t)
		program_next();
	spin_unlock_irqrestore(&hrtimer_lock, flags);
}

bool hrtimer_cancel(struct hrtimer *t)
{
	unsigned long flags = spin_lock_irqsave(&hrtimer_lock);
	bool was = hrtimer_active(t);

	if (was)
		list_del(&t->node);
	spin_unlock_irqrestore(&hrtimer_lock, flags);
	return was;
}

/* HRTIMER_SOFTIRQ: everything due, in order; then the next interrupt. */
static void run_hrtimers(void)
{
	unsigned long flags = spin_lock_irqsave(&hrtimer_lock);
	struct hrtimer *t;

	while ((t = first_timer()) && t->expires_ns <= ktime_get_ns()) {
		list_del(&t->node);
		spin_unlock_irqrestore(&hrtimer_lock, flags);
		t->function(t); /* may re-arm itself */
		run_count++;
		flags = spin_lock_irqsave(&hrtimer_lock);
	}
	program_next();
	spin_unlock_irqrestore(&hrtimer_lock, flags);
}

void hrtimer_interrupt(void)
{
	if (clock_event)
		clock_event->events++;
	raise_softirq_irqoff(HRTIMER_SOFTIRQ);
}

void hrtimer_tick(void)
{
	struct hrtimer *first;

	if (clock_event)
		return; /* the device interrupts on its own */
	first = first_timer();
	if (first && first->expires_ns <= ktime_get_ns())
		raise_softirq_irqoff(HRTIMER_SOFTIRQ);
}

void hrtimer_set_clock_event(struct clock_event *ce)
{
	clock_cpu = smp_processor_id();
	clock_event = ce;
}

const char *hrtimer_clock_name(void)
{
	return clock_event ? clock_event->name : "tick (no clock event)";
}

unsigned long hrtimer_clock_events(void)
{
	return clock_event ? clock_event->events : 0;
}

unsigned long hrtimers_run_count(void)
{
	return run_count;
}

unsigned int hrtimers_pending_count(void)
{
	unsigned long flags = spin_lock_irqsave(&hrtimer_lock);
	unsigned int n = list_count(&pending);

	spin_unlock_irqrestore(&hrtimer_lock, flags);
	return n;
}

void for_each_hrtimer(void (*fn)(const struct hrtimer *t, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&hrtimer_lock);
	struct hrtimer *t;

	list_for_each_entry (t, &pending, node)
		fn(t, arg);
	spin_unlock_irqrestore(&hrtimer_lock, flags);
}

void hrtimers_init(void)
{
	open_softirq(HRTIMER_SOFTIRQ, run_hrtimers);
}
