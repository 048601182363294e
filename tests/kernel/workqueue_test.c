/*
 * tests/kernel/workqueue_test.c - work queues: each guarantee of
 * kernel/bh/workqueue.h, concurrency management, delayed work, oops in a
 * work function, idle workers exiting.
 *
 * Every wait is bounded (a completion or a condition with a timeout);
 * nothing is asserted on time except jiffies, which count ticks.
 */
#include "kernel/bh/softirq.h"
#include "kernel/bh/workqueue.h"
#include "kernel/irq/offload.h"
#include "kernel/magic.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/oops.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_mem.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

#define TIMEOUT (2 * hz) /* jiffies: generous under a loaded host */

static unsigned int saved_idle_timeout;

/* Workers started by a case must be gone before the suite's leak check:
 * let surplus idle workers exit quickly. */
static int wq_suite_init(void)
{
	saved_idle_timeout = wq_idle_timeout_ms;
	wq_idle_timeout_ms = 50;
	return 0;
}

static bool pools_shrunk(void)
{
	struct wq_pool_info n, h;

	wq_get_pool_info(0, false, &n);
	wq_get_pool_info(0, true, &h);
	return n.nr_workers <= WQ_MAX_IDLE && h.nr_workers <= WQ_MAX_IDLE &&
	       !n.nr_busy && !h.nr_busy;
}

static void wq_suite_exit(void)
{
	if (!KTEST_WAIT_FOR(pools_shrunk()))
		pr_err("workqueue_test: surplus workers did not exit\n");
	wq_idle_timeout_ms = saved_idle_timeout;
}

/* ---- a work item that records where and how it ran -------------------- */

struct probe {
	struct work_struct work;
	volatile int runs;
	volatile int inside, max_inside; /* executions at once */
	bool in_task, worker, slept, fifo;
	char thread[THREAD_NAME_LEN];
	struct completion started;
	struct completion release; /* the first run waits for it, if armed */
	bool hold_first;
	unsigned long ran_at; /* jiffies */
};

static void probe_fn(struct work_struct *work)
{
	struct probe *p = container_of(work, struct probe, work);
	struct thread *me = current_thread();

	if (++p->inside > p->max_inside)
		p->max_inside = p->inside;
	p->ran_at = jiffies;
	p->in_task = in_task() && !preempt_count();
	p->worker = current_is_workqueue_worker();
	p->fifo = me->policy == SCHED_FIFO;
	strlcpy(p->thread, me->name, sizeof(p->thread));
	complete(&p->started);
	if (p->hold_first && p->runs == 0)
		wait_for_completion_timeout(&p->release, TIMEOUT);
	else
		msleep(2); /* may sleep: process context */
	p->slept = true;
	p->runs++;
	p->inside--;
}

static void probe_init(struct probe *p, bool hold_first)
{
	memset(p, 0, sizeof(*p));
	INIT_WORK(&p->work, probe_fn);
	init_completion(&p->started);
	init_completion(&p->release);
	p->hold_first = hold_first;
}

/* A work item runs in process context, on a kworker, and may sleep. */
static void runs_in_process_context_and_may_sleep(struct ktest *t)
{
	struct probe p;

	probe_init(&p, false);
	EXPECT_TRUE(t, schedule_work(&p.work));
	EXPECT_TRUE(t, flush_work(&p.work));
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_TRUE(t, p.in_task);
	EXPECT_TRUE(t, p.worker);
	EXPECT_TRUE(t, p.slept);
	EXPECT_EQ(t, strncmp(p.thread, "kworker/0:", 10), 0);
	EXPECT_FALSE(t, p.fifo);
	EXPECT_FALSE(t, work_pending(&p.work));
}

/* The high-priority queue runs on kworker/0:NH, SCHED_FIFO. */
static void highpri_runs_on_fifo_worker(struct ktest *t)
{
	struct probe p;
	unsigned int len;

	probe_init(&p, false);
	EXPECT_TRUE(t, queue_work(system_highpri_wq, &p.work));
	EXPECT_TRUE(t, flush_work(&p.work));
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_TRUE(t, p.fifo);
	len = strlen(p.thread);
	ASSERT_GT(t, len, 0);
	EXPECT_EQ(t, p.thread[len - 1], 'H');
}

/* Queued twice before it runs: the second queue_work returns false and
 * the item runs once. (IRQs off: no worker can run in between.) */
static void queued_twice_runs_once(struct ktest *t)
{
	struct probe p;
	unsigned long flags;
	bool first, second;

	probe_init(&p, false);
	flags = local_irq_save();
	first = schedule_work(&p.work);
	second = schedule_work(&p.work);
	local_irq_restore(flags);
	EXPECT_TRUE(t, first);
	EXPECT_FALSE(t, second);
	EXPECT_TRUE(t, flush_work(&p.work));
	EXPECT_EQ(t, p.runs, 1);
}

/* Queued again while it runs: it runs again after the first run, never
 * twice at once; flush_work waits for that second run. */
static void requeued_while_running_runs_again_after(struct ktest *t)
{
	struct probe p;

	probe_init(&p, true);
	ASSERT_TRUE(t, schedule_work(&p.work));
	ASSERT_GT(t, wait_for_completion_timeout(&p.started, TIMEOUT), 0);
	EXPECT_FALSE(t, work_pending(&p.work)); /* running, not pending */
	EXPECT_TRUE(t, schedule_work(&p.work));
	EXPECT_TRUE(t, work_pending(&p.work));
	complete(&p.release);
	EXPECT_TRUE(t, flush_work(&p.work));
	EXPECT_EQ(t, p.runs, 2);
	EXPECT_EQ(t, p.max_inside, 1);
}

/* flush_work returns only after the function finished; on an idle item
 * it returns false at once. */
static void flush_work_waits_for_the_end(struct ktest *t)
{
	struct probe p;

	probe_init(&p, true);
	EXPECT_FALSE(t, flush_work(&p.work)); /* never queued */
	ASSERT_TRUE(t, schedule_work(&p.work));
	ASSERT_GT(t, wait_for_completion_timeout(&p.started, TIMEOUT), 0);
	EXPECT_EQ(t, p.runs, 0); /* held: still inside */
	complete(&p.release);
	EXPECT_TRUE(t, flush_work(&p.work));
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_EQ(t, p.inside, 0);
	EXPECT_FALSE(t, flush_work(&p.work)); /* idle again */
}

/* cancel_work_sync on a pending item: removed, never runs. The item is
 * kept pending behind a held one on a max_active=1 queue. */
static void cancel_removes_pending_item(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("test_one", 0, 1);
	struct probe blocker, victim;

	ASSERT_TRUE(t, wq != NULL);
	probe_init(&blocker, true);
	probe_init(&victim, false);
	EXPECT_TRUE(t, queue_work(wq, &blocker.work));
	EXPECT_GT(t, wait_for_completion_timeout(&blocker.started, TIMEOUT), 0);
	EXPECT_TRUE(t, queue_work(wq, &victim.work)); /* waits: max_active */
	EXPECT_TRUE(t, work_pending(&victim.work));
	EXPECT_TRUE(t, cancel_work_sync(&victim.work));
	EXPECT_FALSE(t, work_pending(&victim.work));
	complete(&blocker.release);
	flush_workqueue(wq);
	EXPECT_EQ(t, blocker.runs, 1);
	EXPECT_EQ(t, victim.runs, 0);
	EXPECT_FALSE(t, cancel_work_sync(&victim.work)); /* was idle */
	destroy_workqueue(wq);
}

/* A work that re-queues itself at the end of every run. */
struct rearming {
	struct work_struct work;
	struct completion started;
	volatile int runs, refused;
	volatile bool finished;
};

static void rearming_fn(struct work_struct *work)
{
	struct rearming *r = container_of(work, struct rearming, work);

	complete(&r->started);
	msleep(20);
	r->runs++;
	r->finished = true;
	if (!schedule_work(work))
		r->refused++;
}

/* cancel_work_sync on a running (self-requeueing) item waits for the run
 * to end and leaves it neither pending nor running. */
static void cancel_waits_for_running_item(struct ktest *t)
{
	struct rearming r = { 0 };

	INIT_WORK(&r.work, rearming_fn);
	init_completion(&r.started);
	ASSERT_TRUE(t, schedule_work(&r.work));
	ASSERT_GT(t, wait_for_completion_timeout(&r.started, TIMEOUT), 0);
	r.finished = false;
	cancel_work_sync(&r.work);
	EXPECT_TRUE(t, r.finished);
	EXPECT_FALSE(t, work_pending(&r.work));
	EXPECT_GE(t, r.refused, 1);	      /* its re-queue was refused */
	EXPECT_FALSE(t, flush_work(&r.work)); /* not running */
}

static volatile int oops_divisor;
static volatile bool faulty_started;

static void faulty_fn(struct work_struct *work)
{
	(void)work;
	faulty_started = true;
	oops_divisor = 100 / oops_divisor; /* divide error: an oops */
}

/* A work function that faults: an oops kills its worker; flush_work
 * returns; the pool goes on running other items. */
static void oops_in_work_function_pool_goes_on(struct ktest *t)
{
	struct work_struct bad;
	struct probe after;
	unsigned long oopses = oops_count;

	KTEST_EXPECT_REPORT(t, "Oops: #0 divide error in thread 'kworker/");
	INIT_WORK(&bad, faulty_fn);
	probe_init(&after, false);
	oops_divisor = 0;
	faulty_started = false;
	ASSERT_TRUE(t, schedule_work(&bad));
	flush_work(&bad);
	EXPECT_TRUE(t, faulty_started);
	EXPECT_EQ(t, oops_count, oopses + 1);
	EXPECT_TRUE(t, schedule_work(&after.work));
	EXPECT_TRUE(t, flush_work(&after.work));
	EXPECT_EQ(t, after.runs, 1);
}

/* Concurrency management: an item that sleeps does not hold up a second
 * item on the same queue: another worker runs it meanwhile. */
static void sleeping_item_does_not_block_the_next(struct ktest *t, bool hi)
{
	struct workqueue_struct *wq = hi ? system_highpri_wq : system_wq;
	struct probe sleeper, other;

	probe_init(&sleeper, true);
	probe_init(&other, false);
	ASSERT_TRUE(t, queue_work(wq, &sleeper.work));
	ASSERT_GT(t, wait_for_completion_timeout(&sleeper.started, TIMEOUT), 0);
	ASSERT_TRUE(t, queue_work(wq, &other.work));
	EXPECT_GT(t, wait_for_completion_timeout(&other.started, TIMEOUT), 0);
	EXPECT_TRUE(t, flush_work(&other.work));
	EXPECT_EQ(t, other.runs, 1);
	EXPECT_EQ(t, sleeper.runs, 0); /* still asleep meanwhile */
	EXPECT_NE(t, strcmp(other.thread, sleeper.thread), 0);
	complete(&sleeper.release); /* a FIFO worker may finish at once */
	flush_work(&sleeper.work);
	EXPECT_EQ(t, sleeper.runs, 1);
}

static void concurrency_management_normal(struct ktest *t)
{
	sleeping_item_does_not_block_the_next(t, false);
}

static void concurrency_management_highpri(struct ktest *t)
{
	sleeping_item_does_not_block_the_next(t, true);
}

/* Several sleeping items: the pool grows a worker for each (up to the
 * limit); when they are done, idle workers beyond WQ_MAX_IDLE exit. */
static void pool_grows_then_idle_workers_exit(struct ktest *t)
{
	struct probe p[4];
	struct wq_pool_info info;

	for (int i = 0; i < 4; i++) {
		probe_init(&p[i], true);
		ASSERT_TRUE(t, schedule_work(&p[i].work));
	}
	for (int i = 0; i < 4; i++)
		EXPECT_GT(t,
			  wait_for_completion_timeout(&p[i].started, TIMEOUT),
			  0);
	wq_get_pool_info(0, false, &info);
	EXPECT_GE(t, info.nr_busy, 4);
	EXPECT_GE(t, info.nr_workers, 5); /* 4 busy and an idle spare */
	EXPECT_EQ(t, info.nr_running, 0); /* all four asleep */
	for (int i = 0; i < 4; i++) {
		complete(&p[i].release);
		EXPECT_TRUE(t, flush_work(&p[i].work));
	}
	EXPECT_TRUE(t, KTEST_WAIT_FOR(pools_shrunk()));
	wq_get_pool_info(0, false, &info);
	EXPECT_EQ(t, info.nr_workers, WQ_MAX_IDLE);
}

/* Issue 12's recipe: `wq demo` 60 times in a row (three items that
 * sleep, queued again and again while they run). The pool grows a
 * worker per sleeping item; once all is done, every worker beyond
 * WQ_MAX_IDLE exits (the suite shortens the idle timeout to 50 ms) and
 * their stacks come back. */
static void demo_sleep_fn(struct work_struct *work)
{
	(void)work;
	msleep(20); /* like wq demo's items, shorter */
}

static void idle_workers_beyond_minimum_exit(struct ktest *t)
{
	unsigned int stacks = thread_mem_in_use();
	struct wq_pool_info info;
	struct work_struct w[3];

	for (int i = 0; i < 3; i++)
		INIT_WORK(&w[i], demo_sleep_fn);
	for (int round = 0; round < 60; round++) {
		for (int i = 0; i < 3; i++)
			schedule_work(&w[i]);
		msleep(1);
	}
	for (int i = 0; i < 3; i++)
		flush_work(&w[i]);
	wq_get_pool_info(0, false, &info);
	EXPECT_GT(t, info.nr_workers, WQ_MAX_IDLE); /* it did grow */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(pools_shrunk()));
	wq_get_pool_info(0, false, &info);
	EXPECT_EQ(t, info.nr_workers, WQ_MAX_IDLE);
	EXPECT_EQ(t, info.nr_idle, WQ_MAX_IDLE);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(thread_mem_in_use() <= stacks));
}

/* At WQ_MAX_WORKERS busy workers the pool stops growing: one more item
 * waits, pending, until a worker comes back from its item. */
static void pool_limit_makes_the_next_item_wait(struct ktest *t)
{
	static struct probe p[WQ_MAX_WORKERS + 1];
	struct wq_pool_info info;
	const int last = WQ_MAX_WORKERS;

	for (int i = 0; i <= last; i++) {
		probe_init(&p[i], true);
		ASSERT_TRUE(t, schedule_work(&p[i].work));
	}
	for (int i = 0; i < last; i++)
		ASSERT_GT(t,
			  wait_for_completion_timeout(&p[i].started, TIMEOUT),
			  0);
	wq_get_pool_info(0, false, &info);
	EXPECT_EQ(t, info.nr_workers, WQ_MAX_WORKERS);
	EXPECT_EQ(t, info.nr_busy, WQ_MAX_WORKERS);
	EXPECT_TRUE(t, work_pending(&p[last].work)); /* no worker for it */
	EXPECT_EQ(t, p[last].max_inside, 0);
	complete(&p[0].release); /* its worker takes the last item */
	EXPECT_GT(t, wait_for_completion_timeout(&p[last].started, TIMEOUT), 0);
	complete(&p[last].release);
	for (int i = 1; i < last; i++)
		complete(&p[i].release);
	for (int i = 0; i <= last; i++) {
		flush_work(&p[i].work);
		EXPECT_EQ(t, p[i].runs, 1);
	}
	EXPECT_TRUE(t, KTEST_WAIT_FOR(pools_shrunk()));
}

/* ---- delayed work ---------------------------------------------------------- */

struct dprobe {
	struct delayed_work dwork;
	volatile int runs;
	volatile unsigned long ran_at;
};

static void dprobe_fn(struct work_struct *work)
{
	struct dprobe *d =
		container_of(to_delayed_work(work), struct dprobe, dwork);

	d->ran_at = jiffies;
	d->runs++;
}

static void dprobe_init(struct dprobe *d)
{
	memset(d, 0, sizeof(*d));
	INIT_DELAYED_WORK(&d->dwork, dprobe_fn);
}

/* Delayed work runs after its delay (in jiffies), not before; queueing
 * it again while pending is refused and keeps the deadline. */
static void delayed_work_fires_after_its_delay(struct ktest *t)
{
	struct dprobe d;
	unsigned long start;

	dprobe_init(&d);
	start = jiffies;
	ASSERT_TRUE(t, queue_delayed_work(system_wq, &d.dwork, 5));
	EXPECT_FALSE(t, queue_delayed_work(system_wq, &d.dwork, 1));
	EXPECT_TRUE(t, work_pending(&d.dwork.work));
	EXPECT_TRUE(t, KTEST_WAIT_FOR(d.runs == 1));
	EXPECT_GE(t, d.ran_at - start, 5);
	EXPECT_FALSE(t, work_pending(&d.dwork.work));
}

/* mod_delayed_work moves the deadline, earlier and later. */
static void mod_delayed_work_moves_it(struct ktest *t)
{
	struct dprobe d;
	unsigned long start;

	dprobe_init(&d);
	start = jiffies;
	ASSERT_TRUE(t, queue_delayed_work(system_wq, &d.dwork, 10 * hz));
	EXPECT_TRUE(t, mod_delayed_work(system_wq, &d.dwork, 3)); /* sooner */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(d.runs == 1));
	EXPECT_GE(t, d.ran_at - start, 3);
	EXPECT_LT(t, d.ran_at - start, 10 * hz);

	start = jiffies;
	ASSERT_TRUE(t, queue_delayed_work(system_wq, &d.dwork, 2));
	EXPECT_TRUE(t, mod_delayed_work(system_wq, &d.dwork, 15)); /* later */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(d.runs == 2));
	EXPECT_GE(t, d.ran_at - start, 15);

	EXPECT_FALSE(t, mod_delayed_work(system_wq, &d.dwork, 0)); /* idle */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(d.runs == 3));
}

/* cancel_delayed_work_sync before the deadline: it never runs. */
static void cancel_delayed_work_before_deadline(struct ktest *t)
{
	struct dprobe d;
	unsigned long due;

	dprobe_init(&d);
	due = jiffies + 5;
	ASSERT_TRUE(t, queue_delayed_work(system_wq, &d.dwork, 5));
	EXPECT_TRUE(t, cancel_delayed_work_sync(&d.dwork));
	EXPECT_FALSE(t, work_pending(&d.dwork.work));
	EXPECT_TRUE(t, KTEST_WAIT_FOR((long)(jiffies - due) > 2));
	EXPECT_EQ(t, d.runs, 0);
	EXPECT_FALSE(t, cancel_delayed_work_sync(&d.dwork));
}

/* Regression for "cancel_work_sync on a delayed item spins for ever":
 * with its timer armed, the item's PENDING bit is the timer's and it is
 * on no list, so the plain work's cancel looped with IRQs off (on CPU 0,
 * where timers run, the timer could never fire to end it). It now takes
 * the timer back: the item never runs. */
static void cancel_work_sync_on_an_armed_delayed_item(struct ktest *t)
{
	struct dprobe d;
	unsigned long due;

	dprobe_init(&d);
	due = jiffies + 5;
	ASSERT_TRUE(t, queue_delayed_work(system_wq, &d.dwork, 5));
	EXPECT_TRUE(t, cancel_work_sync(&d.dwork.work));
	EXPECT_FALSE(t, work_pending(&d.dwork.work));
	EXPECT_TRUE(t, KTEST_WAIT_FOR((long)(jiffies - due) > 2));
	EXPECT_EQ(t, d.runs, 0);
}

/* ---- queues ------------------------------------------------------------- */

/* flush_workqueue waits for every item queued before it; max_active
 * limits how many run at once. */
static void flush_workqueue_waits_for_all(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("test_two", 0, 2);
	struct probe p[5];

	ASSERT_TRUE(t, wq != NULL);
	for (int i = 0; i < 5; i++) {
		probe_init(&p[i], false);
		EXPECT_TRUE(t, queue_work(wq, &p[i].work));
	}
	flush_workqueue(wq);
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(t, p[i].runs, 1);
	destroy_workqueue(wq);
}

struct self_freeing {
	struct work_struct work;
	struct completion *done;
};

static void self_freeing_fn(struct work_struct *work)
{
	struct self_freeing *s = container_of(work, struct self_freeing, work);

	complete(s->done);
	kfree(s); /* allowed: the pool does not touch it afterwards */
}

/* A work function may free its own work_struct. */
static void work_may_free_itself(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("test_free", 0, 0);
	struct self_freeing *s = kzalloc(sizeof(*s));
	struct completion done;

	ASSERT_TRUE(t, wq && s);
	init_completion(&done);
	INIT_WORK(&s->work, self_freeing_fn);
	s->done = &done;
	EXPECT_TRUE(t, queue_work(wq, &s->work));
	EXPECT_GT(t, wait_for_completion_timeout(&done, TIMEOUT), 0);
	destroy_workqueue(wq); /* waits for the function to return */
}

/* Bad input is refused with a message, not a crash. */
static void bad_input_refused(struct ktest *t)
{
	struct work_struct w;

	INIT_WORK(&w, NULL);
	EXPECT_FALSE(t, queue_work(system_wq, &w));
	EXPECT_FALSE(t, queue_work(NULL, &w));
	EXPECT_PTR_EQ(t, alloc_workqueue("bad", 0, -1), NULL);
	EXPECT_PTR_EQ(t, alloc_workqueue(NULL, 0, 0), NULL);
}

/* Defect: work->pwq pointed into the destroyed queue, so flush_work
 * read freed memory (0x6b...) and oopsed the caller. Now an item points
 * at its queue only while queued, and keeps only its (static) pool. */
static void flush_work_after_destroy_workqueue(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("test_gone", 0, 0);
	struct probe p;

	ASSERT_TRUE(t, wq != NULL);
	probe_init(&p, false);
	EXPECT_TRUE(t, queue_work(wq, &p.work));
	destroy_workqueue(wq); /* runs it first */
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_PTR_EQ(t, p.work.pwq,
		      NULL); /* nothing left in the freed queue */
	EXPECT_FALSE(t, flush_work(&p.work)); /* idle: nothing to wait for */
	/* ...and the item still works on another queue */
	EXPECT_TRUE(t, queue_work(system_wq, &p.work));
	EXPECT_TRUE(t, flush_work(&p.work));
	EXPECT_EQ(t, p.runs, 2);
}

static void cancel_work_sync_after_destroy_workqueue(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("test_gone", 0, 0);
	struct probe p;
	struct dprobe d;

	ASSERT_TRUE(t, wq != NULL);
	probe_init(&p, false);
	dprobe_init(&d);
	EXPECT_TRUE(t, queue_work(wq, &p.work));
	EXPECT_TRUE(t, queue_delayed_work(wq, &d.dwork, 0));
	destroy_workqueue(wq);
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_EQ(t, d.runs, 1);
	EXPECT_FALSE(t, cancel_work_sync(&p.work));
	EXPECT_FALSE(t, cancel_delayed_work_sync(&d.dwork));
	EXPECT_FALSE(t, work_pending(&p.work));
}

/* A delayed item still armed for a queue does point at it: destroying
 * the queue then is refused (it would free what the timer will use). */
static void destroy_workqueue_refuses_armed_delayed_work(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("test_armed", 0, 0);
	struct dprobe d;
	KTEST_EXPECT_REPORT(t, "delayed items still armed");

	ASSERT_TRUE(t, wq != NULL);
	dprobe_init(&d);
	EXPECT_TRUE(t, queue_delayed_work(wq, &d.dwork, 10 * hz));
	/* prints a BUG: line on purpose */
	destroy_workqueue(wq);
	/* not freed: the item is still armed and can be cancelled */
	EXPECT_TRUE(t, work_pending(&d.dwork.work));
	EXPECT_TRUE(t, cancel_delayed_work_sync(&d.dwork));
	EXPECT_EQ(t, d.runs, 0);
	destroy_workqueue(wq); /* now it goes */
}

static void never_fn(struct work_struct *work)
{
	(void)work;
	BUG_ON(1); /* a refused item must never run */
}

/* Every call refuses a work item that never went through INIT_WORK. */
static void never_initialised_work_refused(struct ktest *t)
{
	unsigned long bugs = bad_magic_count;
	struct delayed_work dw;
	struct work_struct w;
	KTEST_EXPECT_REPORTS(t, "used before INIT_WORK", 6);

	memset(&w, 0, sizeof(w));
	w.func = never_fn; /* looks usable: only INIT_WORK is missing */
	INIT_LIST_HEAD(&w.entry);
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, queue_work(system_wq, &w));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, queue_work(system_bh_wq, &w));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, flush_work(&w));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, cancel_work_sync(&w));
	memset(&dw, 0, sizeof(dw));
	dw.work.func = never_fn;
	timer_setup(&dw.timer, delayed_work_timer_fn);
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, queue_delayed_work(system_wq, &dw, 1));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, mod_delayed_work(system_wq, &dw, 1));
	EXPECT_EQ(t, bad_magic_count, bugs + 6);
	EXPECT_FALSE(t, timer_pending(&dw.timer));
	EXPECT_EQ(t, w.flags, 0);
	flush_workqueue(system_wq); /* nothing of it ran: never_fn would BUG */
}

/* A freed work item (poisoned by kfree) is refused the same way. */
static void freed_work_refused(struct ktest *t)
{
	unsigned long bugs = bad_magic_count;
	struct delayed_work *keep = kmalloc(sizeof(*keep)); /* keeps the slab */
	struct delayed_work *dw = kmalloc(sizeof(*dw));
	KTEST_EXPECT_REPORTS(t, "used after it was freed", 4);

	ASSERT_TRUE(t, keep && dw);
	INIT_DELAYED_WORK(dw, never_fn);
	kfree(dw);
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, queue_work(system_wq, &dw->work));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, queue_delayed_work(system_wq, dw, 1));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, flush_work(&dw->work));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, cancel_delayed_work_sync(dw));
	EXPECT_EQ(t, bad_magic_count, bugs + 4);
	EXPECT_EQ(t, dw->work.magic, FREED_MAGIC); /* nothing written */
	flush_workqueue(system_wq);
	kfree(keep);
}

/* ---- the wq command's snapshot ------------------------------------------ */

#define SNAP_ITEMS (WQ_SNAP_PENDING + 2)

static struct wq_snapshot snap; /* too big for a stack */
static struct work_struct snap_items[SNAP_ITEMS];
static volatile int snap_runs;

static void snap_item_fn(struct work_struct *work)
{
	(void)work;
	snap_runs++;
}

static const struct wq_snap_queue *snap_find_queue(const char *name)
{
	for (unsigned int i = 0; i < snap.nr_queues; i++)
		if (!strcmp(snap.queues[i].name, name))
			return &snap.queues[i];
	return NULL;
}

/* Items held back in CPU 0's BH pool show in the snapshot: counted in
 * full, the first WQ_SNAP_PENDING named with their queue; the queue
 * line counts them pending; the pool counts agree with wq_get_pool_info. */
static void snapshot_shows_pools_queues_and_items(struct ktest *t)
{
	const struct wq_snap_pool *bh = NULL, *normal = NULL;
	const struct wq_snap_queue *q;
	struct wq_pool_info info;

	snap_runs = 0;
	wq_test_hold_bh(0, false, true);
	for (int i = 0; i < SNAP_ITEMS; i++) {
		INIT_WORK(&snap_items[i], snap_item_fn);
		EXPECT_TRUE(t, queue_work(system_bh_wq, &snap_items[i]));
	}
	wq_snapshot(&snap);
	wq_get_pool_info(0, false, &info);
	wq_test_hold_bh(0, false, false);
	flush_workqueue(system_bh_wq);
	EXPECT_EQ(t, snap_runs, SNAP_ITEMS);

	EXPECT_EQ(t, snap.nr_pools, nr_cpus * 4);
	for (unsigned int i = 0; i < snap.nr_pools; i++) {
		const struct wq_snap_pool *p = &snap.pools[i];

		if (p->cpu == 0 && p->bh && !p->highpri)
			bh = p;
		if (p->cpu == 0 && !p->bh && !p->highpri)
			normal = p;
	}
	ASSERT_TRUE(t, bh && normal);
	EXPECT_STREQ(t, bh->bh_name, "wq_bh/0");
	EXPECT_EQ(t, bh->nr_pending, SNAP_ITEMS);
	EXPECT_STREQ(t, bh->items[0].func, "snap_item_fn");
	EXPECT_STREQ(t, bh->items[WQ_SNAP_PENDING - 1].wq, "events_bh");
	EXPECT_EQ(t, normal->nr_workers, info.nr_workers);
	EXPECT_LE(t, normal->nr_shown, info.nr_workers);
	EXPECT_GE(t, normal->nr_shown, 1);
	EXPECT_EQ(t, strncmp(normal->workers[0].name, "kworker/0:", 10), 0);
	q = snap_find_queue("events_bh");
	ASSERT_TRUE(t, q != NULL);
	EXPECT_EQ(t, q->pending, SNAP_ITEMS);
	EXPECT_EQ(t, q->flags, WQ_BH);
	EXPECT_TRUE(t, snap_find_queue("events") != NULL);
}

KTEST_SUITE_FULL(workqueue, wq_suite_init, wq_suite_exit,
		 KTEST_CASE(runs_in_process_context_and_may_sleep),
		 KTEST_CASE(snapshot_shows_pools_queues_and_items),
		 KTEST_CASE(highpri_runs_on_fifo_worker),
		 KTEST_CASE(queued_twice_runs_once),
		 KTEST_CASE(requeued_while_running_runs_again_after),
		 KTEST_CASE(flush_work_waits_for_the_end),
		 KTEST_CASE(cancel_removes_pending_item),
		 KTEST_CASE(cancel_waits_for_running_item),
		 KTEST_CASE(oops_in_work_function_pool_goes_on),
		 KTEST_CASE(concurrency_management_normal),
		 KTEST_CASE(concurrency_management_highpri),
		 KTEST_CASE(pool_grows_then_idle_workers_exit),
		 KTEST_CASE(pool_limit_makes_the_next_item_wait),
		 KTEST_CASE(idle_workers_beyond_minimum_exit),
		 KTEST_CASE(delayed_work_fires_after_its_delay),
		 KTEST_CASE(mod_delayed_work_moves_it),
		 KTEST_CASE(cancel_delayed_work_before_deadline),
		 KTEST_CASE(cancel_work_sync_on_an_armed_delayed_item),
		 KTEST_CASE(flush_workqueue_waits_for_all),
		 KTEST_CASE(work_may_free_itself),
		 KTEST_CASE(bad_input_refused),
		 KTEST_CASE(flush_work_after_destroy_workqueue),
		 KTEST_CASE(cancel_work_sync_after_destroy_workqueue),
		 KTEST_CASE(destroy_workqueue_refuses_armed_delayed_work),
		 KTEST_CASE(never_initialised_work_refused),
		 KTEST_CASE(freed_work_refused));

/* ---- BH work queues ------------------------------------------------------- */

#define NR_BH_ITEMS 5

struct bh_probe {
	struct work_struct work;
	int index;
	volatile int runs;
	bool serving_softirq, in_task, worker;
	unsigned int cpu;
};

static int bh_order[NR_BH_ITEMS * 2];
static volatile int bh_order_n;

static void bh_probe_fn(struct work_struct *work)
{
	struct bh_probe *p = container_of(work, struct bh_probe, work);

	p->serving_softirq = in_serving_softirq();
	p->in_task = in_task();
	p->worker = current_is_workqueue_worker();
	p->cpu = smp_processor_id();
	if (bh_order_n < NR_BH_ITEMS * 2)
		bh_order[bh_order_n++] = p->index;
	p->runs++;
}

static void bh_probe_init(struct bh_probe *p, int index)
{
	memset(p, 0, sizeof(*p));
	INIT_WORK(&p->work, bh_probe_fn);
	p->index = index;
}

/* A BH work item runs in softirq context (not on a kworker), on the CPU
 * that queued it; flush_work returns only after it ran. */
static void bh_item_runs_in_softirq(struct ktest *t)
{
	struct bh_probe p;

	bh_probe_init(&p, 0);
	ASSERT_TRUE(t, queue_work(system_bh_wq, &p.work));
	flush_work(&p.work); /* may find it done already */
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_TRUE(t, p.serving_softirq);
	EXPECT_FALSE(t, p.in_task);
	EXPECT_FALSE(t, p.worker);
	EXPECT_EQ(t, p.cpu, smp_processor_id());
	EXPECT_FALSE(t, work_pending(&p.work));
}

static struct bh_probe offload_probe;

static void queue_from_hardirq(void *arg)
{
	(void)arg;
	queue_work(system_bh_wq, &offload_probe.work);
}

/* Queued from a hard interrupt: it runs in a softirq on this CPU - on
 * that interrupt's irq_exit, or in ksoftirqd/0 if a long softirq run
 * has handed the work over to it (a loaded host can make that happen). */
static void bh_item_queued_from_hardirq_runs_in_softirq(struct ktest *t)
{
	bh_probe_init(&offload_probe, 0);
	irq_offload(queue_from_hardirq, NULL);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(offload_probe.runs == 1));
	EXPECT_TRUE(t, offload_probe.serving_softirq);
	EXPECT_EQ(t, offload_probe.cpu, smp_processor_id());
}

/* Items run in the order they were queued, one after the other (held
 * while queueing, so they all wait together). */
static void bh_items_run_in_order(struct ktest *t, bool hi)
{
	struct workqueue_struct *wq = hi ? system_bh_highpri_wq : system_bh_wq;
	unsigned int nr = hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ;
	unsigned long runs = softirq_stat(smp_processor_id(), nr)->runs;
	struct bh_probe p[NR_BH_ITEMS];

	bh_order_n = 0;
	wq_test_hold_bh(smp_processor_id(), hi, true);
	for (int i = 0; i < NR_BH_ITEMS; i++) {
		bh_probe_init(&p[i], i);
		EXPECT_TRUE(t, queue_work(wq, &p[i].work));
	}
	EXPECT_FALSE(t, queue_work(wq, &p[0].work)); /* pending: runs once */
	EXPECT_EQ(t, bh_order_n, 0);		     /* held */
	wq_test_hold_bh(smp_processor_id(), hi, false);
	flush_work(&p[NR_BH_ITEMS - 1].work);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(bh_order_n == NR_BH_ITEMS));
	for (int i = 0; i < NR_BH_ITEMS; i++) {
		EXPECT_EQ(t, bh_order[i], i);
		EXPECT_EQ(t, p[i].runs, 1);
	}
	EXPECT_GT(t, softirq_stat(smp_processor_id(), nr)->runs, runs);
}

static void bh_items_run_in_order_normal(struct ktest *t)
{
	bh_items_run_in_order(t, false);
}

static void bh_items_run_in_order_highpri(struct ktest *t)
{
	bh_items_run_in_order(t, true);
}

/* cancel_work_sync takes a pending BH item off the list: it never runs,
 * the others still run in order. */
static void bh_cancel_removes_pending_item(struct ktest *t)
{
	struct bh_probe p[3];

	bh_order_n = 0;
	wq_test_hold_bh(smp_processor_id(), false, true);
	for (int i = 0; i < 3; i++) {
		bh_probe_init(&p[i], i);
		EXPECT_TRUE(t, queue_work(system_bh_wq, &p[i].work));
	}
	EXPECT_TRUE(t, cancel_work_sync(&p[1].work));
	EXPECT_FALSE(t, work_pending(&p[1].work));
	wq_test_hold_bh(smp_processor_id(), false, false);
	flush_work(&p[2].work);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(p[2].runs == 1));
	EXPECT_EQ(t, p[0].runs, 1);
	EXPECT_EQ(t, p[1].runs, 0);
	EXPECT_EQ(t, bh_order_n, 2);
	EXPECT_EQ(t, bh_order[0], 0);
	EXPECT_EQ(t, bh_order[1], 2);
	EXPECT_FALSE(t, cancel_work_sync(&p[1].work)); /* idle */
}

static void release_bh_pool(struct timer_list *tl)
{
	(void)tl;
	wq_test_hold_bh(smp_processor_id(), false, false); /* any context */
}

/* flush_work from task context on a pending BH item sleeps until it ran:
 * the pool is held, and a timer lets it go while we wait. */
static void bh_flush_waits_until_it_ran(struct ktest *t)
{
	struct bh_probe p;
	struct timer_list tl;
	unsigned long due = jiffies + 3;

	bh_probe_init(&p, 0);
	timer_setup(&tl, release_bh_pool);
	wq_test_hold_bh(smp_processor_id(), false, true);
	ASSERT_TRUE(t, queue_work(system_bh_wq, &p.work));
	mod_timer(&tl, due);
	EXPECT_TRUE(t, flush_work(&p.work)); /* it was pending: waits */
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_GE(t, (long)(jiffies - due), 0);
	EXPECT_FALSE(t, timer_pending(&tl));
}

/* Delayed work on a BH queue: the timer queues it, a softirq runs it. */
static void bh_delayed_work_runs_in_softirq(struct ktest *t)
{
	struct dprobe d;
	unsigned long start = jiffies;

	dprobe_init(&d);
	ASSERT_TRUE(t, queue_delayed_work(system_bh_wq, &d.dwork, 2));
	EXPECT_TRUE(t, KTEST_WAIT_FOR(d.runs == 1));
	EXPECT_GE(t, d.ran_at - start, 2);
}

KTEST_SUITE(workqueue_bh, KTEST_CASE(bh_item_runs_in_softirq),
	    KTEST_CASE(bh_item_queued_from_hardirq_runs_in_softirq),
	    KTEST_CASE(bh_items_run_in_order_normal),
	    KTEST_CASE(bh_items_run_in_order_highpri),
	    KTEST_CASE(bh_cancel_removes_pending_item),
	    KTEST_CASE(bh_flush_waits_until_it_ran),
	    KTEST_CASE(bh_delayed_work_runs_in_softirq));
