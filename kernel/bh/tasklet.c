/* kernel/bh/tasklet.c - see tasklet.h. */
#include "kernel/bh/tasklet.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/might_sleep.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"

/* A FIFO of scheduled tasklets, linked through tasklet->next. */
struct tasklet_queue {
	struct tasklet *head;
	struct tasklet **tail;
};

enum { QUEUE_NORMAL, QUEUE_HI };

struct tasklet_cpu {
	struct spinlock lock;	       /* the queues and the parked list */
	struct tasklet_queue queue[2]; /* QUEUE_NORMAL, QUEUE_HI */
	struct tasklet *parked;	       /* scheduled while disabled */
	struct tasklet *running;       /* whose function runs now */
};

static struct tasklet_cpu tasklet_cpus[MAX_CPUS];

static LIST_HEAD(all_tasklets);
static DEFINE_SPINLOCK(all_tasklets_lock);

/* Out of line and cold: the fast path below is one compare. */
static __attribute__((noinline, cold)) bool tasklet_refused(struct tasklet *t,
							    const char *api)
{
	return bad_magic(api, "tasklet", "tasklet_init", t, t->magic, t->func);
}

/* Every path checks: see kernel/magic.h. The hot paths test
 * tasklet_bad() and call tasklet_refused() on the way out, so the check
 * costs them a compare and nothing else. */
static inline bool tasklet_bad(const struct tasklet *t)
{
	return __builtin_expect(t->magic != TASKLET_MAGIC, 0);
}

static inline bool tasklet_ok(struct tasklet *t, const char *api)
{
	return !tasklet_bad(t) || tasklet_refused(t, api);
}

static unsigned int test_and_set_state(struct tasklet *t, unsigned int bit)
{
	return __atomic_fetch_or(&t->state, bit, __ATOMIC_ACQUIRE) & bit;
}

static void clear_state(struct tasklet *t, unsigned int bit)
{
	__atomic_fetch_and(&t->state, ~bit, __ATOMIC_RELEASE);
}

static void queue_reset(struct tasklet_queue *q)
{
	q->head = NULL;
	q->tail = &q->head;
}

static void queue_add(struct tasklet_queue *q, struct tasklet *t)
{
	t->next = NULL;
	*q->tail = t;
	q->tail = &t->next;
}

/* The `tasklets` command lists every tasklet it knows of. */
void tasklet_register(struct tasklet *t)
{
	unsigned long flags = spin_lock_irqsave(&all_tasklets_lock);

	if (list_empty(&t->all_node))
		list_add_tail(&t->all_node, &all_tasklets);
	spin_unlock_irqrestore(&all_tasklets_lock, flags);
}

static void forget_tasklet(struct tasklet *t)
{
	unsigned long flags = spin_lock_irqsave(&all_tasklets_lock);

	list_del(&t->all_node) /* leaves it empty */;
	spin_unlock_irqrestore(&all_tasklets_lock, flags);
}

void tasklet_init(struct tasklet *t, void (*func)(struct tasklet *t),
		  const char *name)
{
	t->magic = TASKLET_MAGIC;
	t->next = NULL;
	t->state = 0;
	t->count = 0;
	t->func = func;
	t->name = name;
	t->cpu = 0;
	t->schedules = 0;
	t->runs = 0;
	INIT_LIST_HEAD(&t->all_node);
	tasklet_register(t);
}

/* Put t on this CPU's queue and raise its softirq. */
static void enqueue_here(struct tasklet *t, bool hi)
{
	struct tasklet_cpu *tc = &tasklet_cpus[smp_processor_id()];
	unsigned long flags = spin_lock_irqsave(&tc->lock);

	t->cpu = smp_processor_id();
	if (hi)
		__atomic_fetch_or(&t->state, TASKLET_STATE_HI,
				  __ATOMIC_RELAXED);
	else
		clear_state(t, TASKLET_STATE_HI);
	queue_add(&tc->queue[hi ? QUEUE_HI : QUEUE_NORMAL], t);
	raise_softirq_irqoff(hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
	spin_unlock_irqrestore(&tc->lock, flags);
}

static void schedule_common(struct tasklet *t, bool hi)
{
	if (tasklet_bad(t)) {
		tasklet_refused(t, hi ? "tasklet_hi_schedule"
				      : "tasklet_schedule");
		return;
	}
	if (list_empty(&t->all_node)) /* a DECLARE_TASKLET one, first use */
		tasklet_register(t);
	t->schedules++;
	if (test_and_set_state(t, TASKLET_STATE_SCHED))
		return; /* already queued: it will run once */
	enqueue_here(t, hi);
}

void tasklet_schedule(struct tasklet *t)
{
	schedule_common(t, false);
}

void tasklet_hi_schedule(struct tasklet *t)
{
	schedule_common(t, true);
}

/* ---- running -------------------------------------------------------------- */

/* Disabled: keep it scheduled, on the side, until tasklet_enable. */
static void park(struct tasklet_cpu *tc, struct tasklet *t)
{
	__atomic_fetch_or(&t->state, TASKLET_STATE_PARKED, __ATOMIC_RELAXED);
	t->next = tc->parked;
	tc->parked = t;
}

/* Seen disabled: park it - unless tasklet_enable ran meanwhile (under
 * the lock it finds nothing parked yet, so it is ours to run). */
static bool park_if_disabled(struct tasklet_cpu *tc, struct tasklet *t)
{
	unsigned long flags = spin_lock_irqsave(&tc->lock);
	bool disabled = t->count;

	if (disabled) {
		park(tc, t);
		clear_state(t, TASKLET_STATE_RUN);
	}
	spin_unlock_irqrestore(&tc->lock, flags);
	return disabled;
}

/* Run t if it is enabled and not running elsewhere; true if handled. */
static bool try_run(struct tasklet_cpu *tc, struct tasklet *t)
{
	if (test_and_set_state(t, TASKLET_STATE_RUN))
		return false; /* running on another CPU: try again later */
	/* RUN is set before count is read, and tasklet_disable raises
	 * count before it waits for RUN to clear: either it sees us
	 * running and waits, or we see it disabled. Only then is the lock
	 * needed (park_if_disabled). */
	if (__atomic_load_n(&t->count, __ATOMIC_ACQUIRE) &&
	    park_if_disabled(tc, t))
		return true;

	if (!(t->state & TASKLET_STATE_SCHED))
		pr_err("tasklet %s: running but not scheduled\n", t->name);
	clear_state(t, TASKLET_STATE_SCHED);
	t->runs++;
	tc->running = t;
	t->func(t);
	tc->running = NULL;
	clear_state(t, TASKLET_STATE_RUN); /* t may be freed from here on */
	return true;
}

/* The action of HI_SOFTIRQ and TASKLET_SOFTIRQ: run this CPU's queue as it
 * was when the pass started; tasklets scheduled meanwhile wait for the
 * next pass. */
static void run_queue(int which, unsigned int softirq)
{
	struct tasklet_cpu *tc = &tasklet_cpus[smp_processor_id()];
	unsigned long flags = spin_lock_irqsave(&tc->lock);
	struct tasklet *list = tc->queue[which].head;

	queue_reset(&tc->queue[which]);
	spin_unlock_irqrestore(&tc->lock, flags);

	while (list) {
		struct tasklet *t = list;

		if (!tasklet_ok(t, "tasklet_action"))
			break; /* freed while scheduled: t->next is gone too */
		list = t->next;
		if (try_run(tc, t))
			continue;
		flags = spin_lock_irqsave(&tc->lock);
		queue_add(&tc->queue[which], t);
		raise_softirq_irqoff(softirq);
		spin_unlock_irqrestore(&tc->lock, flags);
	}
}

static void tasklet_action(void)
{
	run_queue(QUEUE_NORMAL, TASKLET_SOFTIRQ);
}

static void tasklet_hi_action(void)
{
	run_queue(QUEUE_HI, HI_SOFTIRQ);
}

/* ---- disable, enable, kill ------------------------------------------------ */

void tasklet_disable_nosync(struct tasklet *t)
{
	if (tasklet_ok(t, "tasklet_disable_nosync"))
		__atomic_fetch_add(&t->count, 1, __ATOMIC_ACQUIRE);
}

void tasklet_disable(struct tasklet *t)
{
	struct tasklet_cpu *tc = &tasklet_cpus[smp_processor_id()];

	if (!tasklet_ok(t, "tasklet_disable"))
		return;
	__atomic_fetch_add(&t->count, 1, __ATOMIC_ACQUIRE);
	if (tc->running == t) {
		pr_err("tasklet %s: tasklet_disable from its own function\n",
		       t->name);
		return; /* waiting for ourselves would never end */
	}
	while (t->state & TASKLET_STATE_RUN)
		cpu_relax();
}

/* Take t off its CPU's parked list; true if it was there. */
static bool unpark(struct tasklet_cpu *tc, struct tasklet *t)
{
	for (struct tasklet **pp = &tc->parked; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			clear_state(t, TASKLET_STATE_PARKED);
			return true;
		}
	}
	return false;
}

void tasklet_enable(struct tasklet *t)
{
	struct tasklet_cpu *tc;
	unsigned long flags;

	if (!tasklet_ok(t, "tasklet_enable"))
		return;
	tc = &tasklet_cpus[t->cpu];
	flags = spin_lock_irqsave(&tc->lock);

	if (t->count <= 0) {
		pr_err("tasklet %s: tasklet_enable without disable\n", t->name);
	} else if (__atomic_sub_fetch(&t->count, 1, __ATOMIC_RELEASE) == 0 &&
		   unpark(tc, t)) {
		bool hi = t->state & TASKLET_STATE_HI;

		queue_add(&tc->queue[hi ? QUEUE_HI : QUEUE_NORMAL], t);
		raise_softirq_irqoff(hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
	}
	spin_unlock_irqrestore(&tc->lock, flags);
}

void tasklet_kill(struct tasklet *t)
{
	struct tasklet_cpu *tc;

	if (might_sleep() || !tasklet_ok(t, "tasklet_kill"))
		return;
	tc = &tasklet_cpus[t->cpu];
	/* Wait until it has run, or take it back if it is parked. */
	while (t->state & TASKLET_STATE_SCHED) {
		unsigned long flags = spin_lock_irqsave(&tc->lock);
		bool was_parked = unpark(tc, t);

		if (was_parked)
			clear_state(t, TASKLET_STATE_SCHED);
		spin_unlock_irqrestore(&tc->lock, flags);
		if (!was_parked)
			yield();
	}
	while (t->state & TASKLET_STATE_RUN)
		yield();
	forget_tasklet(t);
}

void for_each_tasklet(void (*fn)(const struct tasklet *t, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&all_tasklets_lock);
	struct tasklet *t;

	list_for_each_entry (t, &all_tasklets, all_node)
		fn(t, arg);
	spin_unlock_irqrestore(&all_tasklets_lock, flags);
}

void tasklets_init(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		spin_lock_init(&tasklet_cpus[c].lock, "tasklet_cpu");
		queue_reset(&tasklet_cpus[c].queue[QUEUE_NORMAL]);
		queue_reset(&tasklet_cpus[c].queue[QUEUE_HI]);
	}
	open_softirq(HI_SOFTIRQ, tasklet_hi_action);
	open_softirq(TASKLET_SOFTIRQ, tasklet_action);
}
