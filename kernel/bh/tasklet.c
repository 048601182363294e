/*
 * kernel/bh/tasklet.c - see tasklet.h.
 *
 * On SMP four rules keep the guarantees; each is explained where it is
 * used:
 *  1. SCHED and RUN are claimed by an atomic test-and-set (one `lock or`
 *     on x86): of two CPUs that try at the same moment, exactly one sees
 *     the bit clear and wins it.
 *  2. A tasklet is on at most one list at a time - the run queue or the
 *     parked list of CPU t->cpu - because only the CPU that won SCHED
 *     queues it, and SCHED stays set until it is off every list. That
 *     CPU's lock guards the list and t->next.
 *  3. Two pairs must not miss each other: a CPU taking RUN and one
 *     disabling (RUN against count), a CPU parking and one enabling
 *     (PARKED against count). Each side writes its own word, then reads
 *     the other's, both as sequentially consistent atomics: at least one
 *     of the two sees the other's write.
 *  4. Only a CPU raises its own softirqs: tasklet_enable on another CPU
 *     asks the tasklet's CPU, with raise_softirq_on().
 */
#include "kernel/bh/tasklet.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/might_sleep.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"

unsigned int tasklet_kill_timeout_ms = TASKLET_KILL_TIMEOUT_MS;

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
	/* whose function runs on this CPU now; set and cleared together
	 * with RUN, IRQs off, so an interrupt here sees both or neither */
	struct tasklet *running;
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

/* ---- the state word and the count ---------------------------------------- */

/* Rule 1: set bit, say whether it was set already. Sequentially
 * consistent for rule 3 (on x86 a locked instruction is that anyway). */
static bool test_and_set_state(struct tasklet *t, unsigned int bit)
{
	return __atomic_fetch_or(&t->state, bit, __ATOMIC_SEQ_CST) & bit;
}

/* Release: what this CPU wrote before (the function's work, the list
 * links) is seen by the next CPU that wins the bit. */
static void clear_state(struct tasklet *t, unsigned int bit)
{
	__atomic_fetch_and(&t->state, ~bit, __ATOMIC_RELEASE);
}

static unsigned int state_now(const struct tasklet *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_SEQ_CST);
}

static bool disabled_now(const struct tasklet *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_SEQ_CST) != 0;
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

/* ---- scheduling ----------------------------------------------------------- */

/* We won SCHED, so t is on no list (rule 2): put it on this CPU's queue
 * and raise this CPU's softirq. t->cpu changes only here, and not again
 * while t is on one of this CPU's lists. */
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

/* A tasklet tracepoint: which tasklet, its name, its function. */
static inline __attribute__((always_inline)) void
trace_tasklet(enum trace_event_id ev, struct tasklet *t)
{
	trace_event(ev, (uint32_t)(uintptr_t)t, (uint32_t)(uintptr_t)t->name,
		    (uint32_t)(uintptr_t)t->func);
}

static bool schedule_common(struct tasklet *t, bool hi)
{
	if (tasklet_bad(t)) {
		tasklet_refused(t, hi ? "tasklet_hi_schedule"
				      : "tasklet_schedule");
		return false;
	}
	if (list_empty(&t->all_node)) /* a DECLARE_TASKLET one, first use */
		tasklet_register(t);
	/* atomic: several CPUs may count at once */
	__atomic_fetch_add(&t->schedules, 1, __ATOMIC_RELAXED);
	if (test_and_set_state(t, TASKLET_STATE_SCHED))
		return false; /* already queued: it will run once */
	trace_tasklet(TRACE_TASKLET_SCHEDULE, t);
	enqueue_here(t, hi);
	return true;
}

bool tasklet_schedule(struct tasklet *t)
{
	return schedule_common(t, false);
}

bool tasklet_hi_schedule(struct tasklet *t)
{
	return schedule_common(t, true);
}

/* ---- running -------------------------------------------------------------- */

/* Disabled: keep it scheduled, on the side, until tasklet_enable. */
static void park(struct tasklet_cpu *tc, struct tasklet *t)
{
	t->next = tc->parked;
	tc->parked = t;
	test_and_set_state(t, TASKLET_STATE_PARKED); /* a full barrier */
}

/* Take t off this CPU's parked list; true if it was there. */
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

/*
 * Seen disabled (we hold RUN): park it, then look at count again. Rule 3:
 * tasklet_enable on another CPU may bring count to 0 at this moment; it
 * lowers count before it looks for PARKED, we set PARKED before we look
 * at count. So either it finds t parked and queues it, or we find count
 * at 0, take t back and run it ourselves. (If it finds PARKED during our
 * look, it waits for our lock and then finds t gone: we run it.)
 */
static bool park_if_still_disabled(struct tasklet_cpu *tc, struct tasklet *t)
{
	unsigned long flags = spin_lock_irqsave(&tc->lock);
	bool parked;

	park(tc, t);
	parked = disabled_now(t);
	if (parked)
		clear_state(t, TASKLET_STATE_RUN);
	else
		unpark(tc, t);
	spin_unlock_irqrestore(&tc->lock, flags);
	return parked;
}

enum claim { CLAIM_RUN, CLAIM_PARKED, CLAIM_BUSY };

/*
 * Claim t for a run on this CPU, IRQs off throughout, so that an
 * interrupt here finds t either not claimed or claimed with `running`
 * set (tasklet_disable counts on it):
 *   RUN set already   its function runs on another CPU: CLAIM_BUSY
 *   disabled          parked, RUN given back: CLAIM_PARKED
 *   else              SCHED cleared, `running` = t: CLAIM_RUN
 * Rule 3: RUN is set before count is read; tasklet_disable raises count
 * before it reads RUN. Either it sees us running and waits, or we see
 * it disabled.
 */
/* LAB tasklet-bits BEGIN */
static enum claim claim(struct tasklet_cpu *tc, struct tasklet *t)
{
	unsigned long flags = local_irq_save();
	enum claim got = CLAIM_RUN;

	if (test_and_set_state(t, TASKLET_STATE_RUN)) {
		got = CLAIM_BUSY;
	} else if (disabled_now(t) && park_if_still_disabled(tc, t)) {
		got = CLAIM_PARKED;
	} else {
		if (!(state_now(t) & TASKLET_STATE_SCHED))
			pr_err("tasklet %s: running but not scheduled\n",
			       t->name);
		/* From here a tasklet_schedule queues it anew (rule 2:
		 * it is on no list now), on whichever CPU calls it. */
		clear_state(t, TASKLET_STATE_SCHED);
		tc->running = t;
	}
	local_irq_restore(flags);
	return got;
}
/* LAB tasklet-bits END */
/* LAB tasklet-bits STUB: the starter tree has this instead */
#if 0
static enum claim claim(struct tasklet_cpu *tc, struct tasklet *t)
{
	unsigned long flags = local_irq_save();
	enum claim got = CLAIM_RUN;

	/* Your code: the RUN bit - a tasklet running on another CPU must
	 * not start here too, and tasklet_disable/kill wait for it
	 * (docs/labs/04-tasklet-bits.md). */
	if (disabled_now(t) && park_if_still_disabled(tc, t)) {
		got = CLAIM_PARKED;
	} else {
		clear_state(t, TASKLET_STATE_SCHED);
		tc->running = t;
	}
	local_irq_restore(flags);
	return got;
}
#endif /* LAB tasklet-bits STUB END */

static void release_run(struct tasklet_cpu *tc, struct tasklet *t)
{
	unsigned long flags = local_irq_save();

	tc->running = NULL;
	clear_state(t, TASKLET_STATE_RUN); /* t may be freed from here on */
	local_irq_restore(flags);
}

/* Run t if it is enabled and not running elsewhere; true if handled. */
static bool try_run(struct tasklet_cpu *tc, struct tasklet *t)
{
	switch (claim(tc, t)) {
	case CLAIM_BUSY:
		return false;
	case CLAIM_PARKED:
		return true;
	case CLAIM_RUN:
		break;
	}
	t->runs++; /* RUN is ours: no other CPU counts now */
	trace_tasklet(TRACE_TASKLET_ENTRY, t);
	t->func(t);
	trace_tasklet(TRACE_TASKLET_EXIT, t);
	release_run(tc, t);
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
		/* Running on another CPU: back on this CPU's queue, the
		 * softirq raised again; a later pass (or ksoftirqd) tries
		 * again, so it runs here once the other CPU is done. */
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

/* ---- disable, enable ------------------------------------------------------ */

void tasklet_disable_nosync(struct tasklet *t)
{
	if (tasklet_ok(t, "tasklet_disable_nosync"))
		__atomic_fetch_add(&t->count, 1, __ATOMIC_SEQ_CST);
}

void tasklet_disable(struct tasklet *t)
{
	struct tasklet_cpu *tc = &tasklet_cpus[smp_processor_id()];

	if (!tasklet_ok(t, "tasklet_disable"))
		return;
	/* Rule 3: count first, then RUN (claim() does the opposite). */
	__atomic_fetch_add(&t->count, 1, __ATOMIC_SEQ_CST);
	if (tc->running == t) {
		/* this CPU holds RUN: we are its function, or an interrupt
		 * on top of it - waiting would never end */
		pr_err("tasklet %s: tasklet_disable from its own function\n",
		       t->name);
		return;
	}
	while (state_now(t) & TASKLET_STATE_RUN) /* on another CPU */
		cpu_relax();
}

/* count - 1 unless it is already 0 (an enable without a disable): the
 * new count, or -1. Compare-and-swap, so that two enables racing for the
 * last level cannot take count below 0. */
static int count_down(struct tasklet *t)
{
	int c = __atomic_load_n(&t->count, __ATOMIC_RELAXED);

	do {
		if (c <= 0)
			return -1;
	} while (!__atomic_compare_exchange_n(&t->count, &c, c - 1, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return c - 1;
}

/*
 * Back on the queue of the CPU it is parked on, and that CPU's softirq
 * raised - by IPI if it is another CPU (rule 4). t->cpu does not change
 * while t is parked (it keeps SCHED). Not on that list any more: the
 * parking CPU itself, tasklet_kill or another enable took it off first.
 */
static void requeue_parked(struct tasklet *t)
{
	unsigned int cpu = t->cpu;
	struct tasklet_cpu *tc = &tasklet_cpus[cpu];
	unsigned long flags = spin_lock_irqsave(&tc->lock);

	if (unpark(tc, t)) {
		bool hi = state_now(t) & TASKLET_STATE_HI;

		queue_add(&tc->queue[hi ? QUEUE_HI : QUEUE_NORMAL], t);
		raise_softirq_on(cpu, hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
	}
	spin_unlock_irqrestore(&tc->lock, flags);
}

void tasklet_enable(struct tasklet *t)
{
	int count;

	if (!tasklet_ok(t, "tasklet_enable"))
		return;
	count = count_down(t);
	if (count < 0) {
		pr_err("tasklet %s: tasklet_enable without disable\n", t->name);
		return;
	}
	/* Rule 3: count is down before PARKED is read (see
	 * park_if_still_disabled for the other side). */
	if (count == 0 && (state_now(t) & TASKLET_STATE_PARKED))
		requeue_parked(t);
}

/* ---- kill ----------------------------------------------------------------- */

/*
 * One step of tasklet_kill's wait. For the first tick it yields (the run
 * usually comes at once: on another CPU, or in a thread of our priority
 * here); after that it sleeps, so that even a lower-priority ksoftirqd
 * on this CPU gets to run it. false once the bound is spent.
 */
static bool kill_wait(unsigned long start)
{
	unsigned long waited = jiffies - start;

	if (waited >= msecs_to_jiffies(tasklet_kill_timeout_ms))
		return false;
	if (waited == 0)
		yield();
	else
		msleep(1);
	return true;
}

/* A parked tasklet is taken back, not waited for. Its SCHED stays set:
 * tasklet_kill holds it from now on. */
static bool take_back_parked(struct tasklet *t)
{
	struct tasklet_cpu *tc = &tasklet_cpus[t->cpu];
	unsigned long flags = spin_lock_irqsave(&tc->lock);
	bool was_parked = unpark(tc, t);

	spin_unlock_irqrestore(&tc->lock, flags);
	return was_parked;
}

static int kill_gave_up(struct tasklet *t, const char *still)
{
	pr_err("tasklet %s: tasklet_kill gave up after %u ms: still %s on CPU %u\n",
	       t->name, tasklet_kill_timeout_ms, still, t->cpu);
	return -ETIMEDOUT;
}

int tasklet_kill(struct tasklet *t)
{
	unsigned long start = jiffies;

	if (might_sleep() || !tasklet_ok(t, "tasklet_kill"))
		return -EINVAL;
	/* Win SCHED for ourselves: from then on every tasklet_schedule(t),
	 * its own function's too, finds it set and does nothing. While
	 * another holds it, t is queued (wait for its run; on any CPU) or
	 * parked (take it back). */
	while (test_and_set_state(t, TASKLET_STATE_SCHED)) {
		if (take_back_parked(t))
			break;
		if (!kill_wait(start))
			return kill_gave_up(t, "scheduled");
	}
	/* A run may still be going on, on the CPU that holds RUN. */
	while (state_now(t) & TASKLET_STATE_RUN) {
		if (!kill_wait(start)) {
			clear_state(t, TASKLET_STATE_SCHED);
			return kill_gave_up(t, "running");
		}
	}
	clear_state(t, TASKLET_STATE_SCHED);
	forget_tasklet(t);
	return 0;
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
