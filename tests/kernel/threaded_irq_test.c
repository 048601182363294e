/*
 * tests/kernel/threaded_irq_test.c - request_threaded_irq and its
 * promises: the primary in hard-IRQ context wakes the irq/N-name thread,
 * ONESHOT keeps the line masked until thread_fn returns (for every
 * sharer), free_irq waits for a running thread_fn, IRQ_WAKE_THREAD is
 * "handled" for the nobody-cared accounting, threadirqs forces ordinary
 * handlers into threads. Most cases use the last line with a fake chip
 * that records mask/unmask (like irq_core_test.c) and fire it through
 * irq_offload; one case uses a real device, COM2 in loopback.
 *
 * Every case frees what it requested; the suite restores the line.
 */
#include "drivers/tty/uart16550.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/oops.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/test/ktest.h"
#include "tests/kernel/fake_chip.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TEST_IRQ   (NR_IRQS - 1)
#define WAIT_TICKS (2 * hz) /* bound on every wait: 2 s */
#define STORM	   300	    /* IRQ_WAKE_THREAD interrupts in a row */

static struct irq_desc saved_desc;
static struct irq_spurious_limits saved_limits;

static int tirq_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	saved_limits = irq_spurious_limits;
	return 0;
}

static void tirq_exit(void)
{
	irq_desc[TEST_IRQ] = saved_desc;
	irq_spurious_limits = saved_limits;
}

/* A clean fake line, masked, no handlers; edge unless told "level". */
static void fresh_line_trigger(unsigned long trigger)
{
	struct irq_desc *d = &irq_desc[TEST_IRQ];

	memset(d, 0, sizeof(*d));
	irq_set_chip(TEST_IRQ, &fake_chip, trigger);
	memset(&fchip, 0, sizeof(fchip));
	fchip.masked = true;
}

static void fresh_line(void)
{
	fresh_line_trigger(IRQF_TRIGGER_RISING);
}

static void fresh_level_line(void)
{
	fresh_line_trigger(IRQF_TRIGGER_HIGH);
}

static void fire(void *arg)
{
	(void)arg;
	generic_handle_irq(TEST_IRQ);
}

static void *dev(int id)
{
	return (void *)(uintptr_t)id;
}

static struct irqaction *action_of(int id)
{
	for (struct irqaction *a = irq_desc[TEST_IRQ].action; a; a = a->next)
		if (a->dev_id == dev(id))
			return a;
	return NULL;
}

/* ---- what the handlers saw ------------------------------------------ */

struct seen {
	bool hardirq, task, softirq_off, irqs_off;
	unsigned int preempt;
	char thread[THREAD_NAME_LEN];
	enum sched_policy policy;
	int prio;
};

static void look_around(struct seen *s)
{
	struct thread *me = current_thread();

	s->hardirq = in_hardirq();
	s->task = in_task();
	s->softirq_off = in_softirq();
	s->irqs_off = irqs_disabled();
	s->preempt = preempt_count();
	strlcpy(s->thread, me->name, sizeof(s->thread));
	s->policy = me->policy;
	s->prio = me->rt_priority;
}

/* Per dev_id: what the primary and the thread saw, and gates. */
struct tdev {
	struct seen primary, thread;
	int primaries, runs;
	struct completion started, release, finished;
	bool gated; /* thread_fn waits for "release" */
	unsigned int sleep_ms;
	bool returned;
};

static struct tdev tdevs[3];

static void tdevs_reset(void)
{
	memset(tdevs, 0, sizeof(tdevs));
	for (int i = 0; i < 3; i++) {
		init_completion(&tdevs[i].started);
		init_completion(&tdevs[i].release);
		init_completion(&tdevs[i].finished);
	}
}

static irqreturn_t primary(int irq, void *dev_id)
{
	struct tdev *d = &tdevs[(uintptr_t)dev_id];

	(void)irq;
	look_around(&d->primary);
	d->primaries++;
	return IRQ_WAKE_THREAD;
}

static irqreturn_t thread_fn(int irq, void *dev_id)
{
	struct tdev *d = &tdevs[(uintptr_t)dev_id];

	(void)irq;
	look_around(&d->thread);
	d->runs++;
	complete(&d->started);
	if (d->gated)
		wait_for_completion_timeout(&d->release, WAIT_TICKS);
	if (d->sleep_ms)
		msleep(d->sleep_ms); /* a thread_fn may sleep */
	d->returned = true;
	complete(&d->finished);
	return IRQ_HANDLED;
}

static bool waited(struct completion *c)
{
	return wait_for_completion_timeout(c, WAIT_TICKS) > 0;
}

/* thread_fn has returned and its thread has finished the ONESHOT work. */
static bool action_idle(int id)
{
	struct irqaction *a = action_of(id);

	return a && !(a->thread_flags & (IRQTF_RUNTHREAD | IRQTF_RUNNING));
}

static bool wait_action_idle(int id)
{
	for (int i = 0; i < 2000 && !action_idle(id); i++)
		msleep(1);
	return action_idle(id);
}

/* ---- cases ----------------------------------------------------------- */

/* The primary runs in hard IRQ; its IRQ_WAKE_THREAD runs thread_fn in
 * "irq/23-tirq", a SCHED_FIFO 50 task that may sleep. */
static void offload_wakes_thread(struct ktest *t)
{
	struct irqaction *a;

	fresh_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn, 0, "tirq",
				       dev(1)),
		  0);
	a = action_of(1);
	ASSERT_TRUE(t, a && a->thread);
	EXPECT_STREQ(t, a->thread->name, "irq/23-tirq");
	EXPECT_EQ(t, a->thread->policy, SCHED_FIFO);
	EXPECT_EQ(t, a->thread->rt_priority, 50);
	EXPECT_EQ(t, tdevs[1].runs, 0); /* asleep until woken */

	tdevs[1].sleep_ms = 1;
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[1].finished));
	EXPECT_TRUE(t, tdevs[1].primary.hardirq);
	EXPECT_FALSE(t, tdevs[1].thread.hardirq);
	EXPECT_TRUE(t, tdevs[1].thread.task);
	EXPECT_EQ(t, tdevs[1].thread.preempt, 0);
	EXPECT_STREQ(t, tdevs[1].thread.thread, "irq/23-tirq");
	EXPECT_EQ(t, tdevs[1].thread.policy, SCHED_FIFO);
	EXPECT_EQ(t, tdevs[1].thread.prio, 50);
	EXPECT_EQ(t, tdevs[1].runs, 1);
	EXPECT_TRUE(t, wait_action_idle(1));
	EXPECT_EQ(t, a->thread_runs, 1);
	EXPECT_EQ(t, a->count, 1);     /* IRQ_WAKE_THREAD counts as "mine" */
	EXPECT_FALSE(t, fchip.masked); /* not ONESHOT: never masked */
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(1)), "tirq");
}

/* Without a primary the line would fire again before the thread ran:
 * IRQF_ONESHOT is required. With it, the default primary wakes. */
static void null_primary_needs_oneshot(struct ktest *t)
{
	fresh_line();
	tdevs_reset();
	EXPECT_EQ(t,
		  request_threaded_irq(TEST_IRQ, NULL, thread_fn, 0, "noprim",
				       dev(1)),
		  -EINVAL);
	EXPECT_PTR_EQ(t, irq_desc[TEST_IRQ].action, NULL);
	EXPECT_EQ(t,
		  request_threaded_irq(TEST_IRQ, NULL, NULL, IRQF_ONESHOT,
				       "nothing", dev(1)),
		  -EINVAL);
	EXPECT_EQ(t, request_irq(TEST_IRQ, NULL, 0, "nohandler", dev(1)),
		  -EINVAL);
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, NULL, thread_fn, IRQF_ONESHOT,
				       "noprim", dev(1)),
		  0);
	irq_offload(fire, NULL);
	EXPECT_TRUE(t, waited(&tdevs[1].finished));
	EXPECT_TRUE(t, wait_action_idle(1));
	EXPECT_FALSE(t, fchip.masked); /* opened again after the thread */
	free_irq(TEST_IRQ, dev(1));
}

/* ONESHOT on a level line: masked from the primary (before the EOI)
 * until thread_fn returns. */
static void oneshot_masked_while_thread_sleeps(struct ktest *t)
{
	fresh_level_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_ONESHOT, "oneshot", dev(1)),
		  0);
	EXPECT_FALSE(t, fchip.masked); /* now open: one handler */
	tdevs[1].gated = true;
	irq_offload(fire, NULL);
	EXPECT_TRUE(t, fchip.masked); /* masked by the primary's path */
	ASSERT_TRUE(t, waited(&tdevs[1].started));
	EXPECT_TRUE(t, fchip.masked); /* thread_fn is sleeping: still masked */
	EXPECT_TRUE(t, irq_desc[TEST_IRQ].status & IRQS_ONESHOT_MASKED);
	complete(&tdevs[1].release);
	synchronize_irq(TEST_IRQ); /* waits for the thread too */
	EXPECT_TRUE(t, tdevs[1].returned);
	EXPECT_FALSE(t, fchip.masked); /* thread_fn returned: open again */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_oneshot, 0);
	free_irq(TEST_IRQ, dev(1));
}

/* disable_irq while a ONESHOT thread runs: the thread's end must not
 * open a disabled line; enable_irq opens it. */
static void oneshot_respects_disable_depth(struct ktest *t)
{
	fresh_level_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_ONESHOT, "oneshot", dev(1)),
		  0);
	tdevs[1].gated = true;
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[1].started));
	disable_irq_nosync(TEST_IRQ);
	complete(&tdevs[1].release);
	synchronize_irq(TEST_IRQ);
	EXPECT_TRUE(t, fchip.masked); /* depth 1: stays masked */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 1);
	enable_irq(TEST_IRQ);
	EXPECT_FALSE(t, fchip.masked);

	/* and the other order: enable_irq while the thread still runs
	 * must not open the line under the thread's feet */
	tdevs_reset();
	tdevs[1].gated = true;
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[1].started));
	disable_irq_nosync(TEST_IRQ);
	enable_irq(TEST_IRQ);
	EXPECT_TRUE(t, fchip.masked); /* the thread still holds it */
	complete(&tdevs[1].release);
	synchronize_irq(TEST_IRQ);
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, dev(1));
}

/* ONESHOT on an edge line: held lazily. The line stays open (masking it
 * would lose edges on the IOAPIC); an interrupt that comes while the
 * thread runs reaches no primary, masks the line and is replayed once
 * thread_fn has returned - or, if the line was disabled meanwhile, at
 * enable_irq. */
static void oneshot_edge_holds_and_replays(struct ktest *t)
{
	struct irq_desc *d = &irq_desc[TEST_IRQ];

	fresh_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_ONESHOT, "edge", dev(1)),
		  0);
	tdevs[1].gated = true;
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[1].started));
	EXPECT_TRUE(t, d->status & IRQS_ONESHOT_MASKED); /* held... */
	EXPECT_FALSE(t, fchip.masked);			 /* ...but open */
	irq_offload(fire, NULL); /* a second edge while thread_fn sleeps */
	EXPECT_EQ(t, tdevs[1].primaries, 1); /* no primary for it */
	EXPECT_TRUE(t, fchip.masked);	     /* now masked */
	EXPECT_TRUE(t, d->status & IRQS_PENDING);
	tdevs[1].gated = false;
	complete(&tdevs[1].release);
	ASSERT_TRUE(t, waited(&tdevs[1].finished));
	synchronize_irq(TEST_IRQ);
	EXPECT_EQ(t, tdevs[1].primaries, 2); /* replayed after the thread */
	EXPECT_EQ(t, tdevs[1].runs, 2);	     /* which woke it again */
	EXPECT_EQ(t, d->replayed, 1);
	EXPECT_FALSE(t, fchip.masked);
	EXPECT_EQ(t, kstat_irqs(TEST_IRQ), 2);

	/* held edge, then disable_irq: the replay waits for enable_irq */
	tdevs_reset();
	tdevs[1].gated = true;
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[1].started));
	irq_offload(fire, NULL);
	disable_irq_nosync(TEST_IRQ);
	tdevs[1].gated = false;
	complete(&tdevs[1].release);
	synchronize_irq(TEST_IRQ);
	EXPECT_EQ(t, tdevs[1].primaries, 1);
	EXPECT_TRUE(t, fchip.masked);
	EXPECT_TRUE(t, d->status & IRQS_PENDING);
	enable_irq(TEST_IRQ);
	synchronize_irq(TEST_IRQ);
	EXPECT_EQ(t, tdevs[1].primaries, 2); /* replayed at enable_irq */
	EXPECT_EQ(t, tdevs[1].runs, 2);
	EXPECT_FALSE(t, fchip.masked);
	EXPECT_FALSE(t, d->status & (IRQS_PENDING | IRQS_ONESHOT_MASKED));
	free_irq(TEST_IRQ, dev(1));
}

/* Two ONESHOT sharers: each woken thread holds a bit; the line opens
 * only when both have returned. */
static void two_oneshot_sharers(struct ktest *t)
{
	const unsigned long flags = IRQF_SHARED | IRQF_ONESHOT;

	fresh_level_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn, flags,
				       "one", dev(1)),
		  0);
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn, flags,
				       "two", dev(2)),
		  0);
	EXPECT_NE(t, action_of(1)->thread_mask, action_of(2)->thread_mask);
	tdevs[1].gated = tdevs[2].gated = true;
	irq_offload(fire, NULL);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_oneshot,
		  action_of(1)->thread_mask | action_of(2)->thread_mask);
	ASSERT_TRUE(t, waited(&tdevs[1].started));
	ASSERT_TRUE(t, waited(&tdevs[2].started));
	complete(&tdevs[1].release);
	EXPECT_TRUE(t, wait_action_idle(1));
	EXPECT_TRUE(t, fchip.masked); /* "two" still runs */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_oneshot,
		  action_of(2)->thread_mask);
	complete(&tdevs[2].release);
	synchronize_irq(TEST_IRQ);
	EXPECT_FALSE(t, fchip.masked);	/* both done */
	EXPECT_EQ(t, fchip.unmasks, 2); /* request + the last thread */
	free_irq(TEST_IRQ, dev(1));
	free_irq(TEST_IRQ, dev(2));
}

/* Sharers must agree on ONESHOT (-EBUSY), in both orders. */
static void oneshot_must_match_among_sharers(struct ktest *t)
{
	fresh_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_SHARED | IRQF_ONESHOT, "one",
				       dev(1)),
		  0);
	EXPECT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_SHARED, "two", dev(2)),
		  -EBUSY);
	EXPECT_PTR_EQ(t, action_of(2), NULL);
	free_irq(TEST_IRQ, dev(1));

	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_SHARED, "one", dev(1)),
		  0);
	EXPECT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_SHARED | IRQF_ONESHOT, "two",
				       dev(2)),
		  -EBUSY);
	free_irq(TEST_IRQ, dev(1));
}

/* free_irq while thread_fn sleeps: it returns only after thread_fn has
 * returned, and the thread is gone afterwards. */
static void free_irq_waits_for_running_thread(struct ktest *t)
{
	int tid;

	fresh_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_ONESHOT, "slow", dev(1)),
		  0);
	tid = action_of(1)->thread->tid;
	tdevs[1].sleep_ms = 50;
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[1].started)); /* now sleeping in it */
	EXPECT_FALSE(t, tdevs[1].returned);
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(1)), "slow");
	EXPECT_TRUE(t, tdevs[1].returned);	  /* free_irq waited for it */
	EXPECT_PTR_EQ(t, find_thread(tid), NULL); /* and stopped it */
	EXPECT_TRUE(t, fchip.masked);		  /* no handler left: closed */
}

/* A woken but not yet running thread still runs before free_irq ends:
 * the device asked for it. */
static void free_irq_runs_pending_thread(struct ktest *t)
{
	fresh_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn,
				       IRQF_ONESHOT, "pending", dev(1)),
		  0);
	preempt_disable(); /* the thread cannot run before free_irq */
	irq_offload(fire, NULL);
	EXPECT_EQ(t, tdevs[1].runs, 0);
	preempt_enable_no_resched();
	free_irq(TEST_IRQ, dev(1));
	EXPECT_EQ(t, tdevs[1].runs, 1);
}

static volatile int oops_zero;

static irqreturn_t oopsing_thread_fn(int irq, void *dev_id)
{
	(void)dev_id;
	return (irqreturn_t)(irq / oops_zero); /* divide error: an oops */
}

/* An oops in thread_fn kills only its irq/N-name thread. The line does
 * not stay held for it: the thread's exit hook drops its ONESHOT bit and
 * its share of threads_active as it dies, so synchronize_irq returns at
 * once; the sharer goes on working; free_irq of the dead action returns. */
static void oops_in_thread_fn_releases_line(struct ktest *t)
{
	const unsigned long flags = IRQF_SHARED | IRQF_ONESHOT;
	unsigned long oopses = oops_count;
	struct irqaction *bad;
	int tid;

	KTEST_EXPECT_REPORT(t, "Oops: #0 divide error in thread 'irq/");
	fresh_level_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, oopsing_thread_fn,
				       flags, "oopser", dev(1)),
		  0);
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn, flags,
				       "good", dev(2)),
		  0);
	bad = action_of(1);
	tid = bad->thread->tid;
	/* prints an Oops: line on purpose */
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, waited(&tdevs[2].finished));
	for (int i = 0; i < 2000 && find_thread(tid); i++)
		msleep(1); /* until the oops has ended the thread */
	ASSERT_TRUE(t, find_thread(tid) == NULL);
	EXPECT_EQ(t, oops_count, oopses + 1);
	synchronize_irq(TEST_IRQ); /* nothing left to wait for */
	EXPECT_TRUE(t, bad->thread_flags & IRQTF_DEAD);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_oneshot, 0);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_active, 0);
	EXPECT_FALSE(t, fchip.masked); /* released for "good" */

	irq_offload(fire, NULL); /* the line still works for the sharer */
	EXPECT_TRUE(t, waited(&tdevs[2].finished));
	EXPECT_EQ(t, tdevs[2].runs, 2);
	synchronize_irq(TEST_IRQ);
	EXPECT_FALSE(t, fchip.masked);
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(1)), "oopser");
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(2)), "good");
}

/* The defect: after the oops the dead thread was freed, but
 * action->thread kept pointing at it until a waiter polled for the death
 * (synchronize_irq, free_irq), and meanwhile an interrupt or the `irqs`
 * command read freed memory. Now the thread's exit hook lets go as it
 * dies: as soon as the thread is off the thread list - with no waiter
 * anywhere - the action is clean, and waking it again is safe. */
static void oops_in_thread_fn_no_use_after_free(struct ktest *t)
{
	struct irq_line_info li;
	struct irq_action_info ai;
	struct irqaction *bad;
	unsigned long wakeups;
	int tid;
	KTEST_EXPECT_REPORT(t, "Oops:");

	fresh_level_line();
	tdevs_reset();
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, oopsing_thread_fn,
				       IRQF_ONESHOT, "oopser", dev(1)),
		  0);
	bad = action_of(1);
	ASSERT_TRUE(t, bad && bad->thread);
	tid = bad->thread->tid;
	/* prints an Oops: line on purpose */
	irq_offload(fire, NULL);
	ASSERT_TRUE(t, KTEST_WAIT_FOR(find_thread(tid) == NULL));
	/* No waiter has run (none exists): the hook alone did all this. */
	EXPECT_PTR_EQ(t, bad->thread, NULL);
	EXPECT_TRUE(t, bad->thread_flags & IRQTF_DEAD);
	EXPECT_FALSE(t, bad->thread_flags & (IRQTF_RUNTHREAD | IRQTF_RUNNING));
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_oneshot, 0);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_active, 0);
	EXPECT_FALSE(t, fchip.masked); /* level line released at once */
	/* what `irqs` and `irq N` print from: no thread to copy */
	ASSERT_EQ(t, irq_get_line(TEST_IRQ, &li, &ai, 1), 0);
	EXPECT_FALSE(t, ai.has_thread);
	EXPECT_TRUE(t, ai.thread_dead);

	/* Waking it again touches no freed thread: the interrupt counts as
	 * handled, nothing runs, the line stays open. */
	wakeups = bad->thread_wakeups;
	irq_offload(fire, NULL);
	EXPECT_EQ(t, tdevs[1].primaries, 2);
	EXPECT_EQ(t, bad->thread_wakeups, wakeups);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].threads_active, 0);
	EXPECT_FALSE(t, fchip.masked);
	synchronize_irq(TEST_IRQ); /* returns: nobody holds the line */
	EXPECT_STREQ(t, free_irq(TEST_IRQ, dev(1)), "oopser");
}

/* The regression other kernels had: a line whose handler always returns
 * IRQ_WAKE_THREAD was counted as unhandled and disabled. */
static void wake_thread_is_not_unhandled(struct ktest *t)
{
	fresh_line();
	tdevs_reset();
	irq_spurious_limits.window = 100;
	irq_spurious_limits.unhandled = 90;
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, primary, thread_fn, 0, "storm",
				       dev(1)),
		  0);
	for (int i = 0; i < STORM; i++)
		irq_offload(fire, NULL);
	synchronize_irq(TEST_IRQ);
	EXPECT_EQ(t, tdevs[1].primaries, STORM);
	EXPECT_GE(t, tdevs[1].runs, 1); /* wakeups before a run coalesce */
	EXPECT_EQ(t, irq_desc[TEST_IRQ].unhandled, 0);
	EXPECT_FALSE(t, irq_desc[TEST_IRQ].status & IRQS_SPURIOUS_DISABLED);
	EXPECT_EQ(t, irq_desc[TEST_IRQ].depth, 0);
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, dev(1));
	irq_spurious_limits = saved_limits;
}

static irqreturn_t plain_handler(int irq, void *dev_id)
{
	struct tdev *d = &tdevs[(uintptr_t)dev_id];

	(void)irq;
	look_around(&d->thread);
	d->runs++;
	complete(&d->finished);
	return IRQ_HANDLED;
}

/* threadirqs: an ordinary handler runs in irq/N-name with bottom halves
 * and IRQs off, behind the default primary, ONESHOT; IRQF_NO_THREAD
 * keeps a handler in hard IRQ. */
static void forced_threading(struct ktest *t)
{
	bool was = force_irqthreads;
	struct irqaction *a;
	int err;

	fresh_level_line();
	tdevs_reset();
	force_irqthreads = true;
	err = request_irq(TEST_IRQ, plain_handler, IRQF_SHARED, "forced",
			  dev(1));
	force_irqthreads = was;
	ASSERT_EQ(t, err, 0);
	a = action_of(1);
	EXPECT_TRUE(t, a->flags & IRQF_ONESHOT);
	EXPECT_TRUE(t, a->thread_flags & IRQTF_FORCED);
	EXPECT_PTR_EQ(t, a->handler, irq_default_primary_handler);
	EXPECT_PTR_EQ(t, a->thread_fn, plain_handler);
	irq_offload(fire, NULL);
	EXPECT_TRUE(t, fchip.masked);
	ASSERT_TRUE(t, waited(&tdevs[1].finished));
	EXPECT_FALSE(t, tdevs[1].thread.hardirq);
	EXPECT_TRUE(t, tdevs[1].thread.softirq_off); /* local_bh_disable */
	EXPECT_TRUE(t, tdevs[1].thread.irqs_off);
	EXPECT_STREQ(t, tdevs[1].thread.thread, "irq/23-forced");
	EXPECT_TRUE(t, wait_action_idle(1));
	EXPECT_FALSE(t, fchip.masked);
	free_irq(TEST_IRQ, dev(1));

	/* IRQF_NO_THREAD: stays a hard-IRQ handler */
	tdevs_reset();
	force_irqthreads = true;
	err = request_irq(TEST_IRQ, plain_handler, IRQF_NO_THREAD, "hard",
			  dev(2));
	force_irqthreads = was;
	ASSERT_EQ(t, err, 0);
	EXPECT_PTR_EQ(t, action_of(2)->thread, NULL);
	irq_offload(fire, NULL);
	EXPECT_EQ(t, tdevs[2].runs, 1);
	EXPECT_TRUE(t, tdevs[2].thread.hardirq);
	free_irq(TEST_IRQ, dev(2));
}

/* ---- a real device: COM2 in loopback, IRQ 3 -------------------------- */

static struct {
	int primaries, runs;
	bool thread_task;
	char thread[THREAD_NAME_LEN];
	struct completion ran;
} uart_seen;

static irqreturn_t uart_primary(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	uart_seen.primaries++;
	return IRQ_WAKE_THREAD;
}

static irqreturn_t uart_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	uart_seen.runs++;
	uart_seen.thread_task = in_task() && !preempt_count();
	strlcpy(uart_seen.thread, current_thread()->name,
		sizeof(uart_seen.thread));
	complete(&uart_seen.ran);
	return IRQ_HANDLED;
}

/* A threaded sharer on COM2's line is woken by the UART's own interrupt:
 * bytes sent in loopback come back, IRQ 3 fires, our thread runs. */
static void real_device_wakes_thread(struct ktest *t)
{
	struct uart_port *port = uart_find("ttyS1");
	unsigned long flags = IRQF_SHARED;
	static int cookie;
	uint8_t buf[8];
	bool was_loop;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	if (force_irqthreads)
		flags |= IRQF_ONESHOT; /* the forced UART handler has it */
	memset(&uart_seen, 0, sizeof(uart_seen));
	init_completion(&uart_seen.ran);
	ASSERT_EQ(t,
		  request_threaded_irq(port->irq, uart_primary, uart_thread_fn,
				       flags, "tirq-uart", &cookie),
		  0);
	was_loop = port->loopback;
	uart_set_loopback(port, true);
	uart_write(port, "wake", 4);
	EXPECT_TRUE(t, waited(&uart_seen.ran));
	EXPECT_GE(t, uart_seen.primaries, 1);
	EXPECT_TRUE(t, uart_seen.thread_task);
	EXPECT_STREQ(t, uart_seen.thread, "irq/3-tirq-uart");
	free_irq(port->irq, &cookie);
	for (int i = 0; i < 200 && uart_rx_available(port) < 4; i++)
		msleep(1);
	while (uart_read(port, buf, sizeof(buf)))
		; /* leave the port's ring as we found it */
	uart_set_loopback(port, was_loop);
}

static struct irqaction *named_action(unsigned int irq, const char *name)
{
	for (struct irqaction *a = irq_desc[irq].action; a; a = a->next)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

/* Booted with threadirqs: the console UART and the keyboard run in
 * irq/N-name threads (the console has printed through its thread by
 * now); the tick stayed in hard IRQ (IRQF_NO_THREAD). */
static void threadirqs_boot_threads_devices(struct ktest *t)
{
	struct irqaction *tty = named_action(4, "ttyS0");
	struct irqaction *tick = named_action(0, "timer");
	struct irqaction *kbd = named_action(1, "i8042");

	if (!force_irqthreads)
		KTEST_SKIP(t, "booted without threadirqs");
	ASSERT_TRUE(t, tty && tty->thread);
	EXPECT_STREQ(t, tty->thread->name, "irq/4-ttyS0");
	EXPECT_TRUE(t, tty->flags & IRQF_ONESHOT);
	EXPECT_GT(t, tty->thread_runs, 0);
	if (kbd)
		EXPECT_STREQ(t, kbd->thread ? kbd->thread->name : "",
			     "irq/1-i8042");
	ASSERT_TRUE(t, tick != NULL);
	EXPECT_PTR_EQ(t, tick->thread, NULL);
	EXPECT_GT(t, tick->count, 0);
}

KTEST_SUITE_FULL(threaded_irq, tirq_init, tirq_exit,
		 KTEST_CASE(offload_wakes_thread),
		 KTEST_CASE(null_primary_needs_oneshot),
		 KTEST_CASE(oneshot_masked_while_thread_sleeps),
		 KTEST_CASE(oneshot_respects_disable_depth),
		 KTEST_CASE(oneshot_edge_holds_and_replays),
		 KTEST_CASE(two_oneshot_sharers),
		 KTEST_CASE(oneshot_must_match_among_sharers),
		 KTEST_CASE(free_irq_waits_for_running_thread),
		 KTEST_CASE(free_irq_runs_pending_thread),
		 KTEST_CASE(oops_in_thread_fn_releases_line),
		 KTEST_CASE(oops_in_thread_fn_no_use_after_free),
		 KTEST_CASE(wake_thread_is_not_unhandled),
		 KTEST_CASE(forced_threading),
		 KTEST_CASE(real_device_wakes_thread),
		 KTEST_CASE(threadirqs_boot_threads_devices));
