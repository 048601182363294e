/*
 * tests/kernel/sched_test.c - threads, the scheduler, wait queues,
 * completions, mutexes, timers, might_sleep and oops.
 *
 * Every wait is bounded (a timeout in jiffies), never a fixed sleep that
 * hopes something happened meanwhile.
 */
#include "kernel/arch/cpu.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/might_sleep.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/oops.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/thread_mem.h"
#include "kernel/sched/time.h"
#include "kernel/sched/timer.h"
#include "kernel/sched/wait.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

#define TIMEOUT (2 * hz) /* jiffies: generous under a loaded host */

static unsigned int waiters(struct wait_queue_head *q)
{
	return list_count(&q->waiters);
}

/* ---- register preservation across many switches ------------------------ */

#define NR_SWITCHERS  6
#define SWITCH_ROUNDS 50

static struct completion switchers_done;
static int switcher_errors;

/* Locals live in callee-saved registers across yield(): if switch_to
 * lost one, the sums would differ. */
static int switcher(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg;
	uint32_t a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11;

	for (int i = 0; i < SWITCH_ROUNDS; i++) {
		yield();
		a += 1;
		b += 2;
		c += 3;
		d += 4;
	}
	if (a != seed * 3 + SWITCH_ROUNDS ||
	    b != seed * 5 + 2 * SWITCH_ROUNDS ||
	    c != seed * 7 + 3 * SWITCH_ROUNDS ||
	    d != seed * 11 + 4 * SWITCH_ROUNDS)
		switcher_errors++;
	complete(&switchers_done);
	return 0;
}

static void switches_preserve_registers(struct ktest *t)
{
	init_completion(&switchers_done);
	switcher_errors = 0;
	for (int i = 0; i < NR_SWITCHERS; i++)
		ASSERT_TRUE(t, kthread_run(switcher, (void *)(uintptr_t)(i + 1),
					   "switcher%d", i));
	for (int i = 0; i < NR_SWITCHERS; i++)
		ASSERT_GT(t,
			  wait_for_completion_timeout(&switchers_done, TIMEOUT),
			  0);
	EXPECT_EQ(t, switcher_errors, 0);
}

/* ---- preemption ---------------------------------------------------------- */

static volatile unsigned long spins;

/* Ends only when kthread_stop asks (thread.h's rule): with a flag of its
 * own set just before kthread_stop, a tick could let it return first and
 * be freed, and kthread_stop then freed it again (seen once in make
 * test as "kfree: double free" from kthread_stop). */
static int spinner(void *arg)
{
	(void)arg;
	while (!kthread_should_stop())
		spins++; /* never yields, never sleeps */
	return 0;
}

/* A busy thread that never yields is preempted: this thread, asleep for
 * 5 ticks, gets the CPU back within a time slice and a few ticks. */
static void busy_thread_is_preempted(struct ktest *t)
{
	unsigned long start, late;
	struct thread *th;

	spins = 0;
	th = kthread_run(spinner, NULL, "spinner");
	ASSERT_TRUE(t, th != NULL);
	start = jiffies;
	msleep(50);
	late = jiffies - start;
	EXPECT_GT(t, spins, 0);
	EXPECT_LE(t, late,
		  msecs_to_jiffies(50) + msecs_to_jiffies(TIMESLICE_MS) + 3);
	kthread_stop(th);
}

/* A FIFO thread that wakes runs before the NORMAL thread that woke it
 * continues: its mark comes first. */
static int order[4], order_n;
static DECLARE_WAIT_QUEUE_HEAD(rt_wq);
static volatile bool rt_go;

static int rt_waiter(void *arg)
{
	wait_event(rt_wq, rt_go);
	order[order_n++] = (int)(uintptr_t)arg;
	return 0;
}

static void fifo_preempts_normal(struct ktest *t)
{
	struct thread *lo, *hi;

	order_n = 0;
	rt_go = false;
	lo = kthread_create(rt_waiter, (void *)1, "rt-low");
	hi = kthread_create(rt_waiter, (void *)2, "rt-high");
	ASSERT_TRUE(t, lo && hi);
	sched_setscheduler(lo, SCHED_FIFO, 10);
	sched_setscheduler(hi, SCHED_FIFO, 50);
	wake_up_new_thread(lo);
	wake_up_new_thread(hi);
	ASSERT_TRUE(t, KTEST_WAIT_FOR(waiters(&rt_wq) == 2)); /* both asleep */
	rt_go = true;
	wake_up_all(&rt_wq);
	order[order_n++] = 3; /* the NORMAL waker runs after both */
	EXPECT_EQ(t, order_n, 3);
	EXPECT_EQ(t, order[0], 2); /* higher priority first */
	EXPECT_EQ(t, order[1], 1);
	EXPECT_EQ(t, order[2], 3);
}

/* ---- wait queues --------------------------------------------------------- */

static DECLARE_WAIT_QUEUE_HEAD(wq);
static volatile int tokens;
static volatile int woken_count;

static int token_taker(void *arg)
{
	(void)arg;
	wait_event(wq, tokens > 0);
	tokens--;
	woken_count++;
	return 0;
}

/* wake_up wakes exactly one waiter; wake_up_all the rest. */
static void wake_up_wakes_exactly_one(struct ktest *t)
{
	tokens = 0;
	woken_count = 0;
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(t, kthread_run(token_taker, NULL, "taker%d", i));
	ASSERT_TRUE(t, KTEST_WAIT_FOR(waiters(&wq) == 3));
	tokens = 3;
	EXPECT_EQ(t, wake_up(&wq), 1);
	EXPECT_EQ(t, waiters(&wq), 2); /* the other two still sleep */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(woken_count == 1));
	EXPECT_EQ(t, wake_up_all(&wq), 2);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(woken_count == 3));
	EXPECT_FALSE(t, waitqueue_active(&wq));
}

/* A condition that never comes: the timeout expires, not early. */
static void wait_timeout_expires(struct ktest *t)
{
	unsigned long start = jiffies;
	long left = wait_event_timeout(wq, tokens == 1000, 5);

	EXPECT_EQ(t, left, 0);
	EXPECT_GE(t, jiffies - start, 5);
}

/* ---- completions and kthread_stop --------------------------------------- */

static int stoppable(void *arg)
{
	(void)arg;
	while (!kthread_should_stop())
		msleep(10);
	return 42;
}

/* kthread_stop wakes the thread, waits for it, returns its exit code,
 * and the thread's memory comes back. */
static void stop_returns_exit_code(struct ktest *t)
{
	unsigned int before = thread_mem_in_use();
	struct thread *th = kthread_run(stoppable, NULL, "stoppable");

	ASSERT_TRUE(t, th != NULL);
	EXPECT_EQ(t, thread_mem_in_use(), before + 1);
	EXPECT_EQ(t, kthread_stop(th), 42);
	EXPECT_EQ(t, thread_mem_in_use(), before);
}

static int quick_exit(void *arg)
{
	complete(arg);
	return 0;
}

/* A thread that returns is reaped: its memory is free again. */
static void exited_thread_is_reaped(struct ktest *t)
{
	struct completion c;
	unsigned int before = thread_mem_in_use();

	init_completion(&c);
	ASSERT_TRUE(t, kthread_run(quick_exit, &c, "quick"));
	ASSERT_GT(t, wait_for_completion_timeout(&c, TIMEOUT), 0);
	EXPECT_TRUE(t,
		    KTEST_WAIT_FOR(thread_mem_in_use() == before)); /* reaped */
}

/* ---- mutex --------------------------------------------------------------- */

static DEFINE_MUTEX(counter_lock);
static volatile int shared_counter;
static struct completion adders_done;

/* Read, yield, write: without the mutex, updates would be lost. */
static int adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		int v;

		mutex_lock(&counter_lock);
		v = shared_counter;
		yield();
		shared_counter = v + 1;
		mutex_unlock(&counter_lock);
	}
	complete(&adders_done);
	return 0;
}

static void mutex_excludes(struct ktest *t)
{
	unsigned long contended = counter_lock.contended;

	shared_counter = 0;
	init_completion(&adders_done);
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(t, kthread_run(adder, NULL, "adder%d", i));
	for (int i = 0; i < 3; i++)
		ASSERT_GT(t, wait_for_completion_timeout(&adders_done, TIMEOUT),
			  0);
	EXPECT_EQ(t, shared_counter, 60);
	EXPECT_GT(t, counter_lock.contended, contended);
	EXPECT_FALSE(t, mutex_is_locked(&counter_lock));
}

/* ---- timers -------------------------------------------------------------- */

static int fired[3], fired_n;
static unsigned long fired_at[3];

static void record_fire(struct timer_list *tl)
{
	fired_at[fired_n] = jiffies;
	fired[fired_n++] = (int)tl->expires;
}

/* Timers fire once each, in expiry order, never early. */
static void timers_fire_in_order(struct ktest *t)
{
	struct timer_list tl[3];
	unsigned long now = jiffies;

	fired_n = 0;
	for (int i = 0; i < 3; i++)
		timer_setup(&tl[i], record_fire);
	mod_timer(&tl[0], now + 6);
	mod_timer(&tl[1], now + 2);
	mod_timer(&tl[2], now + 4);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(fired_n == 3));
	EXPECT_EQ(t, fired[0], now + 2);
	EXPECT_EQ(t, fired[1], now + 4);
	EXPECT_EQ(t, fired[2], now + 6);
	EXPECT_GE(t, fired_at[0], now + 2);
	EXPECT_FALSE(t, timer_pending(&tl[0]));
}

/* del_timer before expiry: it never runs. */
static void deleted_timer_never_fires(struct ktest *t)
{
	struct timer_list tl;
	unsigned long due = jiffies + 3;

	fired_n = 0;
	timer_setup(&tl, record_fire);

	mod_timer(&tl, due);
	EXPECT_TRUE(t, del_timer(&tl));
	/* the event to wait for is the due time passing (and one more tick) */
	EXPECT_TRUE(t, KTEST_WAIT_FOR((long)(jiffies - due) > 1));
	EXPECT_EQ(t, fired_n, 0);
}

/* ---- contexts ------------------------------------------------------------ */

static int offload_result;

static void sleep_in_hardirq(void *arg)
{
	(void)arg;
	offload_result = might_sleep();
}

/* Sleeping from hard-IRQ context is reported and refused. */
static void might_sleep_in_hardirq_reports(struct ktest *t)
{
	unsigned long bugs = might_sleep_bugs;

	KTEST_EXPECT_REPORT(t, "BUG: sleeping function called");
	irq_offload(sleep_in_hardirq, NULL);
	EXPECT_NE(t, offload_result, 0);
	EXPECT_EQ(t, might_sleep_bugs, bugs + 1);
}

/* ...and under a spinlock with IRQs off; mutex_lock refuses too. */
static void might_sleep_under_spinlock_reports(struct ktest *t)
{
	static DEFINE_SPINLOCK(l);
	static DEFINE_MUTEX(m);
	unsigned long bugs = might_sleep_bugs;
	unsigned long flags = spin_lock_irqsave(&l);
	int r = mutex_lock(&m);

	KTEST_EXPECT_REPORT(t, "BUG: sleeping function called");
	spin_unlock_irqrestore(&l, flags);
	EXPECT_EQ(t, r, -EINVAL);
	EXPECT_FALSE(t, mutex_is_locked(&m));
	EXPECT_EQ(t, might_sleep_bugs, bugs + 1);
	EXPECT_EQ(t, might_sleep(), 0); /* task context: fine */
}

static volatile int oops_zero;

static int faulty(void *arg)
{
	complete(arg);
	return 10 / oops_zero; /* divide error: an oops */
}

/* What a thread's exit hook saw as it ran. */
struct exit_seen {
	int runs;
	int tid;     /* of the thread it was called for */
	bool clean;  /* task context, preempt count 0, IRQs on */
	bool listed; /* the thread still on the thread list (not freed) */
};

static void record_exit(struct thread *th, void *arg)
{
	struct exit_seen *e = arg;

	e->runs++;
	e->tid = th->tid;
	e->clean = in_task() && !preempt_count() && !irqs_disabled();
	e->listed = find_thread(th->tid) == th;
}

/* A thread started with record_exit as its exit hook; *tid is its tid,
 * read before it is woken (it may run, end and be freed before
 * wake_up_new_thread returns to us). */
static struct thread *run_with_exit_hook(int (*fn)(void *), void *arg,
					 struct exit_seen *e, const char *name,
					 int *tid)
{
	struct thread *th = kthread_create(fn, arg, "%s", name);

	memset(e, 0, sizeof(*e));
	if (th) {
		*tid = th->tid;
		kthread_set_exit_hook(th, record_exit, e);
		wake_up_new_thread(th);
	}
	return th;
}

static void expect_exit_hook_ran(struct ktest *t, const struct exit_seen *e,
				 int tid)
{
	EXPECT_EQ(t, e->runs, 1);
	EXPECT_EQ(t, e->tid, tid);
	EXPECT_TRUE(t, e->clean);
	EXPECT_TRUE(t, e->listed);
}

/* Start fn as a thread that will fault; expect exactly one oops, the
 * thread gone, its memory back, and its exit hook run once, before it
 * was freed, in a clean task context (the oops came in an exception). */
static void expect_dies_by_oops(struct ktest *t, int (*fn)(void *),
				const char *name)
{
	struct completion started;
	unsigned long oopses = oops_count;
	unsigned int before = thread_mem_in_use();
	struct exit_seen e;
	struct thread *th;
	int tid;

	init_completion(&started);
	/* prints an Oops: line on purpose */
	th = run_with_exit_hook(fn, &started, &e, name, &tid);
	ASSERT_TRUE(t, th != NULL);
	ASSERT_GT(t, wait_for_completion_timeout(&started, TIMEOUT), 0);
	EXPECT_TRUE(t,
		    KTEST_WAIT_FOR(thread_mem_in_use() == before)); /* reaped */
	EXPECT_EQ(t, oops_count, oopses + 1);
	EXPECT_PTR_EQ(t, find_thread(tid), NULL);
	expect_exit_hook_ran(t, &e, tid);
}

/* A thread whose function returns runs its exit hook too, and so does one
 * ended by kthread_stop (the hook runs before the stopper frees it). */
static void exit_hook_runs_on_return_and_stop(struct ktest *t)
{
	struct completion done;
	unsigned int before = thread_mem_in_use();
	struct exit_seen e;
	struct thread *th;
	int tid;

	init_completion(&done);
	th = run_with_exit_hook(quick_exit, &done, &e, "hooked", &tid);
	ASSERT_TRUE(t, th != NULL);
	ASSERT_GT(t, wait_for_completion_timeout(&done, TIMEOUT), 0);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(thread_mem_in_use() == before));
	expect_exit_hook_ran(t, &e, tid);

	th = run_with_exit_hook(stoppable, NULL, &e, "hooked_stop", &tid);
	ASSERT_TRUE(t, th != NULL);
	EXPECT_EQ(t, kthread_stop(th), 42);
	expect_exit_hook_ran(t, &e, tid);
}

/* A fault in a kernel thread kills that thread only. */
static void oops_kills_only_the_thread(struct ktest *t)
{
	KTEST_EXPECT_REPORT(t, "Oops: #0 divide error in thread 'faulty'");
	expect_dies_by_oops(t, faulty, "faulty");
}

static volatile int recurse_limit = 1 << 30; /* never reached */

static __attribute__((noinline)) int recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (depth >= recurse_limit)
		return 0;
	return recurse(depth + 1) + pad[0]; /* no tail call: the stack grows */
}

static int overflowing(void *arg)
{
	complete(arg);
	return recurse(0);
}

/* Running off the bottom of the stack hits the guard page: reported as
 * an oops, only this thread dies, its stack comes back. */
static void stack_overflow_is_an_oops(struct ktest *t)
{
	KTEST_EXPECT_REPORT(t, "BUG: stack overflow: guard page hit");
	KTEST_EXPECT_REPORT(t, "Oops: stack overflow in thread 'overflowing'");
	expect_dies_by_oops(t, overflowing, "overflowing");
}

KTEST_SUITE(sched, KTEST_CASE(switches_preserve_registers),
	    KTEST_CASE(busy_thread_is_preempted),
	    KTEST_CASE(fifo_preempts_normal),
	    KTEST_CASE(wake_up_wakes_exactly_one),
	    KTEST_CASE(wait_timeout_expires),
	    KTEST_CASE(stop_returns_exit_code),
	    KTEST_CASE(exited_thread_is_reaped), KTEST_CASE(mutex_excludes),
	    KTEST_CASE(timers_fire_in_order),
	    KTEST_CASE(deleted_timer_never_fires),
	    KTEST_CASE(might_sleep_in_hardirq_reports),
	    KTEST_CASE(might_sleep_under_spinlock_reports),
	    KTEST_CASE(exit_hook_runs_on_return_and_stop),
	    KTEST_CASE(oops_kills_only_the_thread),
	    KTEST_CASE(stack_overflow_is_an_oops));
