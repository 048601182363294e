/*
 * tests/kernel/workqueue_smp_test.c - work queues on several CPUs: every
 * CPU has its pools (normal, H, BH, BH H); queue_work_on runs an item on
 * the CPU it names, queue_work on the CPU that queues; a BH item queued
 * for another CPU runs in that CPU's softirq (the bug Linux fixed in
 * 2024); delayed items too, though timers run on CPU 0; concurrency
 * management is per pool; flush_workqueue, flush_work and
 * cancel_work_sync reach items on every CPU; the idle timer (CPU 0)
 * trims another CPU's pool; PENDING changes hands safely between CPUs.
 *
 * Run by ktest-smp2 and ktest-smp4 (multi-threaded TCG: the CPUs really
 * run at once) and at -smp 1 by the ktest rows, where the cases that
 * need a second CPU skip. Every wait is bounded.
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel/bh/workqueue.h"
#include "kernel/irq/offload.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/timer.h"
#include "kernel/sched/wait.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/kernel/klog_search.h"

#define TIMEOUT	    (2 * hz) /* jiffies: generous under a loaded host */
#define RACE_ROUNDS 400	     /* pending_changes_hands_across_cpus */
#define GROW_ITEMS  4	     /* idle_timer_trims_another_cpus_pool */
#define FLUSH_SLEEP 30	     /* ms: items still run when flush starts */

static unsigned int saved_idle_timeout;

/* Workers started by a case must be gone before the suite's leak check:
 * let surplus idle workers exit quickly. */
static int wq_smp_init(void)
{
	saved_idle_timeout = wq_idle_timeout_ms;
	wq_idle_timeout_ms = 50;
	return 0;
}

static bool all_pools_shrunk(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		for (int hi = 0; hi < 2; hi++) {
			struct wq_pool_info i;

			wq_get_pool_info(cpu, hi, &i);
			if (i.nr_workers > WQ_MAX_IDLE || i.nr_busy)
				return false;
		}
	}
	return true;
}

static void wq_smp_exit(void)
{
	if (!KTEST_WAIT_FOR(all_pools_shrunk()))
		pr_err("workqueue_smp_test: surplus workers did not exit\n");
	wq_idle_timeout_ms = saved_idle_timeout;
}

/* The last CPU: "another CPU" for the cases that need one. */
static unsigned int other_cpu(void)
{
	return nr_cpus - 1;
}

/* ---- running something on a given CPU, in task context ----------------- */

struct on_cpu {
	void (*fn)(void *arg);
	void *arg;
	struct completion done;
};

static int on_cpu_thread(void *arg)
{
	struct on_cpu *o = arg;

	o->fn(o->arg);
	complete(&o->done);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* fn(arg) in a thread bound to cpu; true once it returned. */
static bool run_on_cpu(unsigned int cpu, void (*fn)(void *arg), void *arg)
{
	struct on_cpu o = { fn, arg, { 0 } };
	struct thread *th;
	bool done;

	init_completion(&o.done);
	th = kthread_create_on_cpu(on_cpu_thread, &o, cpu, "wqsmp");
	if (!th)
		return false;
	wake_up_new_thread(th);
	done = wait_for_completion_timeout(&o.done, TIMEOUT) > 0;
	if (done)
		kthread_stop(th);
	return done; /* else it stays: the case fails, the leak shows */
}

/* ---- an item that records where it ran ------------------------------- */

struct where {
	struct work_struct work;
	struct delayed_work dwork;
	volatile int runs;
	volatile unsigned int cpu;
	bool softirq, fifo;
	char thread[THREAD_NAME_LEN];
	struct completion ran;
	struct completion release; /* hold: the function waits for it */
	bool hold;
};

static void where_record(struct where *w)
{
	struct thread *me = current_thread();

	w->cpu = smp_processor_id();
	w->softirq = in_serving_softirq();
	w->fifo = me->policy == SCHED_FIFO;
	strlcpy(w->thread, w->softirq ? "(softirq)" : me->name,
		sizeof(w->thread));
	w->runs++;
	complete(&w->ran);
}

static void where_fn(struct work_struct *work)
{
	struct where *w = container_of(work, struct where, work);

	where_record(w);
	if (w->hold)
		wait_for_completion_timeout(&w->release, TIMEOUT);
}

static void where_delayed_fn(struct work_struct *work)
{
	where_record(container_of(to_delayed_work(work), struct where, dwork));
}

static void where_init(struct where *w, bool hold)
{
	memset(w, 0, sizeof(*w));
	INIT_WORK(&w->work, where_fn);
	INIT_DELAYED_WORK(&w->dwork, where_delayed_fn);
	init_completion(&w->ran);
	init_completion(&w->release);
	w->cpu = ~0u;
	w->hold = hold;
}

static bool where_ran(struct where *w)
{
	return wait_for_completion_timeout(&w->ran, TIMEOUT) > 0;
}

/* "kworker/N:" with N the CPU, then M, then "H" for the FIFO pool. */
static bool worker_of(const char *name, unsigned int cpu, bool hi)
{
	char prefix[16];
	size_t len = strlen(name);

	snprintf(prefix, sizeof(prefix), "kworker/%u:", cpu);
	if (strncmp(name, prefix, strlen(prefix)))
		return false;
	return hi == (len > 0 && name[len - 1] == 'H');
}

/* ---- the pools ---------------------------------------------------------- */

static struct wq_snapshot snap; /* large: not on the stack */

/* Every online CPU has its four pools in the snapshot (what `wq` prints),
 * in order, each naming its CPU: the thread pools with kworker/N:M and
 * kworker/N:MH workers, the BH pools with their tasklets wq_bh/N and
 * wq_bh/NH. (Before, the BH pools of the APs were set up before the APs
 * were online and stayed thread pools without threads: a BH item queued
 * on CPU 1 never ran.) */
static void every_cpu_has_its_pools(struct ktest *t)
{
	wq_snapshot(&snap);
	ASSERT_EQ(t, snap.nr_pools, nr_cpus * 4);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		const struct wq_snap_pool *p = &snap.pools[cpu * 4];
		char name[20];

		for (int k = 0; k < 4; k++) {
			EXPECT_EQ(t, p[k].cpu, cpu);
			EXPECT_EQ(t, p[k].highpri, k % 2 == 1);
			EXPECT_EQ(t, p[k].bh, k >= 2);
		}
		for (int k = 0; k < 2; k++) {
			EXPECT_GE(t, p[k].nr_shown, 1);
			EXPECT_TRUE(t, worker_of(p[k].workers[0].name, cpu, k));
		}
		snprintf(name, sizeof(name), "wq_bh/%u", cpu);
		EXPECT_STREQ(t, p[2].bh_name, name);
		snprintf(name, sizeof(name), "wq_bh/%uH", cpu);
		EXPECT_STREQ(t, p[3].bh_name, name);
	}
}

/* ---- queue_work_on and queue_work -------------------------------------- */

/* queue_work_on(N) runs the item on CPU N, on kworker/N:M (normal pool)
 * or kworker/N:MH, SCHED_FIFO (high priority pool), for every CPU. */
static void queue_work_on_runs_on_that_cpu(struct ktest *t)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		for (int hi = 0; hi < 2; hi++) {
			struct where w;

			where_init(&w, false);
			ASSERT_TRUE(t, queue_work_on(cpu,
						     hi ? system_highpri_wq
							: system_wq,
						     &w.work));
			EXPECT_TRUE(t, where_ran(&w));
			flush_work(&w.work);
			EXPECT_EQ(t, w.cpu, cpu);
			EXPECT_TRUE(t, worker_of(w.thread, cpu, hi));
			EXPECT_EQ(t, w.fifo, hi);
			EXPECT_FALSE(t, w.softirq);
		}
	}
}

struct here {
	struct where normal, bh;
	bool queued;
};

static void queue_both_here(void *arg)
{
	struct here *h = arg;

	h->queued = queue_work(system_wq, &h->normal.work) &&
		    queue_work(system_bh_wq, &h->bh.work);
}

/* queue_work runs the item on the queueing CPU: on its kworker, or in
 * its softirq for a BH queue - from a thread on each CPU. */
static void queue_work_runs_on_the_queueing_cpu(struct ktest *t)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct here h;

		where_init(&h.normal, false);
		where_init(&h.bh, false);
		ASSERT_TRUE(t, run_on_cpu(cpu, queue_both_here, &h));
		EXPECT_TRUE(t, h.queued);
		EXPECT_TRUE(t, where_ran(&h.normal));
		EXPECT_TRUE(t, where_ran(&h.bh));
		flush_work(&h.normal.work);
		flush_work(&h.bh.work);
		EXPECT_EQ(t, h.normal.cpu, cpu);
		EXPECT_TRUE(t, worker_of(h.normal.thread, cpu, false));
		EXPECT_EQ(t, h.bh.cpu, cpu);
		EXPECT_TRUE(t, h.bh.softirq);
	}
}

/* A CPU that is not online is refused, with a message; nothing is left
 * pending. */
static void queue_work_on_refuses_a_cpu_not_online(struct ktest *t)
{
	struct where w;
	char line[64];

	where_init(&w, false);
	EXPECT_FALSE(t, queue_work_on(nr_cpus, system_wq, &w.work));
	EXPECT_FALSE(t, queue_work_on(MAX_CPUS, system_bh_wq, &w.work));
	EXPECT_FALSE(t, queue_work_on(~0u, system_wq, &w.work));
	EXPECT_FALSE(t, work_pending(&w.work));
	EXPECT_FALSE(t, queue_delayed_work_on(nr_cpus, system_wq, &w.dwork, 1));
	EXPECT_FALSE(t, work_pending(&w.dwork.work));
	snprintf(line, sizeof(line),
		 "queue_work_on(where_fn): CPU %u is not online", nr_cpus);
	EXPECT_TRUE(t, klog_contains(line));
	EXPECT_TRUE(t, klog_contains(
			       "queue_delayed_work_on(where_delayed_fn): CPU"));
	EXPECT_EQ(t, w.runs, 0);
}

/* ---- BH work on another CPU ------------------------------------------ */

/* One BH item for each CPU and each BH pool (normal, high priority). */
struct remote_bh {
	struct where w[MAX_CPUS][2];
	bool queued;
};

static struct remote_bh remote_bh; /* large-ish: not on the stack */

static void queue_bh_everywhere(void *arg)
{
	struct remote_bh *r = arg;

	r->queued = true;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		for (int hi = 0; hi < 2; hi++)
			r->queued &= queue_work_on(
				cpu, hi ? system_bh_highpri_wq : system_bh_wq,
				&r->w[cpu][hi].work);
}

/* BH items queued from CPU from (by a thread, or in a hard IRQ) for
 * every CPU: each must run in its CPU's softirq, and reach another CPU
 * by an irq_work IPI. */
static void expect_bh_runs_everywhere(struct ktest *t, unsigned int from,
				      bool hardirq)
{
	struct remote_bh *r = &remote_bh;
	unsigned long ipis[MAX_CPUS];

	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		ipis[cpu] = cpus[cpu].ipi_irq_work;
		where_init(&r->w[cpu][0], false);
		where_init(&r->w[cpu][1], false);
	}
	if (hardirq)
		irq_offload(queue_bh_everywhere, r); /* on this CPU (from) */
	else
		ASSERT_TRUE(t, run_on_cpu(from, queue_bh_everywhere, r));
	ASSERT_TRUE(t, r->queued);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		for (int hi = 0; hi < 2; hi++) {
			struct where *w = &r->w[cpu][hi];

			EXPECT_TRUE(t, where_ran(w));
			flush_work(&w->work);
			EXPECT_EQ(t, w->cpu, cpu);
			EXPECT_TRUE(t, w->softirq);
		}
		if (cpu != from)
			EXPECT_GT(t, cpus[cpu].ipi_irq_work, ipis[cpu]);
	}
}

/*
 * The regression test for the bug Linux fixed in February 2024 (commit
 * 2f34d7337d98, "workqueue: Fix queue_work_on() with BH workqueues"):
 * queue_work_on(another CPU, a BH queue) put the item on that CPU's BH
 * pool but raised the softirq on the queueing CPU, which drained only
 * its own pools - the item stalled on the other CPU until something
 * else raised a softirq there. Here a tasklet runs where it is
 * scheduled, so the same mistake runs the item on the wrong CPU: either
 * way this case fails. From every CPU to every CPU, both BH pools, from
 * a thread and from a hard IRQ.
 */
static void bh_work_on_remote_cpu_runs_there(struct ktest *t)
{
	KTEST_SKIP_UNLESS_SMP(t);
	for (unsigned int from = 0; from < nr_cpus; from++)
		expect_bh_runs_everywhere(t, from, false);
	/* from a top half on this thread's CPU */
	expect_bh_runs_everywhere(t, smp_processor_id(), true);
}

/* ---- delayed items: the timer runs on CPU 0 -------------------------- */

static void arm_here(void *arg)
{
	struct where *w = arg;

	queue_delayed_work(system_wq, &w->dwork, 1);
}

/* queue_delayed_work_on(N) runs on CPU N when due (normal and BH
 * queues); queue_delayed_work on the CPU that armed it - although every
 * timer fires on CPU 0. */
static void delayed_work_runs_on_its_cpu(struct ktest *t)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct where w, b, h;

		where_init(&w, false);
		where_init(&b, false);
		where_init(&h, false);
		ASSERT_TRUE(t,
			    queue_delayed_work_on(cpu, system_wq, &w.dwork, 2));
		ASSERT_TRUE(t, queue_delayed_work_on(cpu, system_bh_wq,
						     &b.dwork, 1));
		ASSERT_TRUE(t, run_on_cpu(cpu, arm_here, &h));
		EXPECT_TRUE(t, where_ran(&w));
		EXPECT_TRUE(t, where_ran(&b));
		EXPECT_TRUE(t, where_ran(&h));
		flush_work(&w.dwork.work);
		flush_work(&b.dwork.work);
		flush_work(&h.dwork.work);
		EXPECT_EQ(t, w.cpu, cpu);
		EXPECT_TRUE(t, worker_of(w.thread, cpu, false));
		EXPECT_EQ(t, b.cpu, cpu);
		EXPECT_TRUE(t, b.softirq);
		EXPECT_EQ(t, h.cpu, cpu);
	}
}

/* ---- concurrency management is per pool -------------------------------- */

static unsigned long created_on(unsigned int cpu, bool hi)
{
	wq_snapshot(&snap);
	return snap.pools[cpu * 4 + (hi ? 1 : 0)].nr_created;
}

/* An item asleep on CPU N's pool does not hold up the next item queued
 * there: another worker of that pool, on CPU N, takes it at once. CPU
 * 0's pool plays no part (no worker of it starts or runs them). */
static void sleeping_item_does_not_hold_up_its_cpu(struct ktest *t, bool hi)
{
	struct workqueue_struct *wq = hi ? system_highpri_wq : system_wq;
	unsigned int cpu = other_cpu();
	unsigned long created0 = created_on(0, hi);
	struct wq_pool_info there, cpu0;
	struct where a, b;

	KTEST_SKIP_UNLESS_SMP(t);
	where_init(&a, true);
	where_init(&b, false);
	ASSERT_TRUE(t, queue_work_on(cpu, wq, &a.work));
	ASSERT_TRUE(t, where_ran(&a)); /* started; now asleep inside */
	ASSERT_TRUE(t, queue_work_on(cpu, wq, &b.work));
	EXPECT_TRUE(t, where_ran(&b));
	wq_get_pool_info(cpu, hi, &there);
	wq_get_pool_info(0, hi, &cpu0);
	EXPECT_EQ(t, a.runs, 1); /* b ran while a still sleeps */
	complete(&a.release);
	flush_work(&a.work);
	flush_work(&b.work);
	EXPECT_EQ(t, a.cpu, cpu);
	EXPECT_EQ(t, b.cpu, cpu);
	EXPECT_TRUE(t, worker_of(a.thread, cpu, hi));
	EXPECT_TRUE(t, worker_of(b.thread, cpu, hi));
	EXPECT_TRUE(t, strcmp(a.thread, b.thread) != 0);
	EXPECT_GE(t, there.max_busy, 2);
	EXPECT_EQ(t, cpu0.nr_busy, 0);
	EXPECT_EQ(t, created_on(0, hi), created0);
}

static void concurrency_management_per_cpu_normal(struct ktest *t)
{
	sleeping_item_does_not_hold_up_its_cpu(t, false);
}

static void concurrency_management_per_cpu_highpri(struct ktest *t)
{
	sleeping_item_does_not_hold_up_its_cpu(t, true);
}

/* ---- flush and cancel across CPUs -------------------------------------- */

static volatile bool flush_done[MAX_CPUS];
static struct work_struct flush_items[MAX_CPUS];

static void flush_item_fn(struct work_struct *work)
{
	unsigned int n = (unsigned int)(work - flush_items);

	msleep(FLUSH_SLEEP * (n ? 2 : 1)); /* the other CPUs' take longest */
	flush_done[n] = true;
}

/* flush_workqueue waits for the items queued on every CPU, not only for
 * those of its own CPU. */
static void flush_workqueue_waits_for_every_cpu(struct ktest *t)
{
	struct workqueue_struct *wq = alloc_workqueue("wqsmp_flush", 0, 0);

	ASSERT_TRUE(t, wq != NULL);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		flush_done[cpu] = false;
		INIT_WORK(&flush_items[cpu], flush_item_fn);
		EXPECT_TRUE(t, queue_work_on(cpu, wq, &flush_items[cpu]));
	}
	flush_workqueue(wq);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		EXPECT_TRUE(t, flush_done[cpu]);
	destroy_workqueue(wq);
}

static struct where *to_release;

static void release_later(struct timer_list *tl)
{
	(void)tl;
	complete(&to_release->release);
}

/* An item running on another CPU: flush_work and cancel_work_sync from
 * CPU 0 return only once its function has returned there (a timer lets
 * it go while they wait). An item pending on another CPU's pool (behind
 * max_active) is taken off by cancel_work_sync and never runs. */
static void flush_and_cancel_reach_another_cpu(struct ktest *t)
{
	unsigned int cpu = other_cpu();
	struct workqueue_struct *wq;
	struct timer_list tl;
	struct where a, x;

	KTEST_SKIP_UNLESS_SMP(t);
	wq = alloc_workqueue("wqsmp_cancel", 0, 1);
	ASSERT_TRUE(t, wq != NULL);
	timer_setup(&tl, release_later);
	to_release = &a;
	for (int round = 0; round < 2; round++) {
		where_init(&a, true);
		ASSERT_TRUE(t, queue_work_on(cpu, wq, &a.work));
		ASSERT_TRUE(t, where_ran(&a));
		mod_timer(&tl, jiffies + 2);
		if (round == 0)
			EXPECT_TRUE(t, flush_work(&a.work));
		else
			EXPECT_FALSE(t, cancel_work_sync(&a.work)); /* ran */
		EXPECT_FALSE(t, timer_pending(&tl)); /* it waited for it */
		EXPECT_EQ(t, a.runs, 1);
		EXPECT_EQ(t, a.cpu, cpu);
		/* complete() may still be on its way out of a (the timer
		 * function on CPU 0) while a is reused: wait for it */
		del_timer_sync(&tl);
	}
	/* a blocks the queue (max_active 1): x waits, inactive, on cpu */
	where_init(&a, true);
	where_init(&x, false);
	ASSERT_TRUE(t, queue_work_on(cpu, wq, &a.work));
	ASSERT_TRUE(t, where_ran(&a));
	ASSERT_TRUE(t, queue_work_on(cpu, wq, &x.work));
	EXPECT_TRUE(t, cancel_work_sync(&x.work));
	EXPECT_FALSE(t, work_pending(&x.work));
	complete(&a.release);
	flush_workqueue(wq);
	EXPECT_EQ(t, x.runs, 0);
	destroy_workqueue(wq);
}

/* ---- PENDING changes hands between CPUs ---------------------------------- */

static struct delayed_work race_dwork;
static struct work_struct race_work;
static volatile unsigned long race_runs;
static volatile bool race_stop;

static void race_fn(struct work_struct *work)
{
	(void)work;
	__atomic_add_fetch(&race_runs, 1, __ATOMIC_RELAXED);
}

static void race_queuer(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; !race_stop && i < RACE_ROUNDS * 4; i++) {
		queue_work_on(i % nr_cpus, system_bh_wq, &race_work);
		mod_delayed_work(system_wq, &race_dwork, i % 3);
		queue_delayed_work_on(i % nr_cpus, system_wq, &race_dwork,
				      i % 2);
		if (i % 8 == 0)
			yield(); /* let this CPU's workers at them too */
	}
}

static int race_thread(void *arg)
{
	race_queuer(arg);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static bool race_idle(void)
{
	return !work_pending(&race_work) && !work_pending(&race_dwork.work);
}

/*
 * One CPU queues, re-arms and moves a work item (a BH queue's) and a
 * delayed item (system_wq's) to every CPU in a loop while this one
 * cancels them, flushes them and re-arms the delayed one (its timer
 * expiring meanwhile on CPU 0). Each item stays on one queue: an item
 * is kept from running twice at once only within its queue. Who
 * owns PENDING changes hands all the time; a double queueing would
 * corrupt a worklist (a crash or a hang), a lost one would leave an
 * item pending forever. At the end both cancels leave the items idle,
 * and nothing runs after them.
 */
static void pending_changes_hands_across_cpus(struct ktest *t)
{
	struct thread *th;
	unsigned long runs;

	KTEST_SKIP_UNLESS_SMP(t);
	INIT_WORK(&race_work, race_fn);
	INIT_DELAYED_WORK(&race_dwork, race_fn);
	race_runs = 0;
	race_stop = false;
	th = kthread_create_on_cpu(race_thread, NULL, other_cpu(), "wqrace");
	ASSERT_TRUE(t, th != NULL);
	wake_up_new_thread(th);
	for (unsigned int i = 0; i < RACE_ROUNDS; i++) {
		switch (i % 8) {
		case 0:
			cancel_work_sync(&race_work);
			break;
		case 1:
			cancel_delayed_work_sync(&race_dwork);
			break;
		case 2:
			mod_delayed_work(system_wq, &race_dwork, 0);
			break;
		case 3:
			flush_work(&race_work);
			break;
		case 4:
			queue_delayed_work_on(other_cpu(), system_wq,
					      &race_dwork, 1);
			break;
		case 5:
			flush_work(&race_dwork.work);
			break;
		default:
			queue_work(system_bh_wq, &race_work);
			break;
		}
	}
	race_stop = true;
	kthread_stop(th);
	cancel_work_sync(&race_work);
	cancel_delayed_work_sync(&race_dwork);
	EXPECT_TRUE(t, race_idle());
	runs = race_runs;
	msleep(30); /* three ticks: a stray timer or item would run now */
	EXPECT_EQ(t, race_runs, runs);
	EXPECT_TRUE(t, race_idle());
	EXPECT_GT(t, runs, 0);
	pr_info("workqueue_smp_test: %lu runs while PENDING changed hands\n",
		runs);
}

/* ---- the idle timer, on CPU 0, for another CPU's pool ----------------- */

static bool pool_back_to_minimum(unsigned int cpu)
{
	struct wq_pool_info i;

	wq_get_pool_info(cpu, false, &i);
	return i.nr_workers <= WQ_MAX_IDLE;
}

/* GROW_ITEMS sleeping items on CPU N's pool make it start workers there
 * (bound to CPU N: each item records its CPU); when they are done, the
 * idle timer - a timer, so on CPU 0 - has the surplus exit, on CPU N. */
static void idle_timer_trims_another_cpus_pool(struct ktest *t)
{
	unsigned int cpu = other_cpu();
	struct where w[GROW_ITEMS];
	unsigned long exited;
	struct wq_pool_info i;

	KTEST_SKIP_UNLESS_SMP(t);
	wq_snapshot(&snap);
	exited = snap.pools[cpu * 4].nr_exited;
	for (int n = 0; n < GROW_ITEMS; n++) {
		where_init(&w[n], true);
		ASSERT_TRUE(t, queue_work_on(cpu, system_wq, &w[n].work));
		ASSERT_TRUE(t, where_ran(&w[n])); /* all asleep at once */
	}
	wq_get_pool_info(cpu, false, &i);
	EXPECT_GT(t, i.nr_workers, GROW_ITEMS); /* and one spare */
	for (int n = 0; n < GROW_ITEMS; n++) {
		complete(&w[n].release);
		flush_work(&w[n].work);
		EXPECT_EQ(t, w[n].cpu, cpu);
		EXPECT_TRUE(t, worker_of(w[n].thread, cpu, false));
	}
	EXPECT_TRUE(t, KTEST_WAIT_FOR(pool_back_to_minimum(cpu)));
	wq_snapshot(&snap);
	EXPECT_GT(t, snap.pools[cpu * 4].nr_exited, exited);
}

KTEST_SUITE_FULL(workqueue_smp, wq_smp_init, wq_smp_exit,
		 KTEST_CASE(every_cpu_has_its_pools),
		 KTEST_CASE(queue_work_on_runs_on_that_cpu),
		 KTEST_CASE(queue_work_runs_on_the_queueing_cpu),
		 KTEST_CASE(queue_work_on_refuses_a_cpu_not_online),
		 KTEST_CASE(bh_work_on_remote_cpu_runs_there),
		 KTEST_CASE(delayed_work_runs_on_its_cpu),
		 KTEST_CASE(concurrency_management_per_cpu_normal),
		 KTEST_CASE(concurrency_management_per_cpu_highpri),
		 KTEST_CASE(flush_workqueue_waits_for_every_cpu),
		 KTEST_CASE(flush_and_cancel_reach_another_cpu),
		 KTEST_CASE(pending_changes_hands_across_cpus),
		 KTEST_CASE(idle_timer_trims_another_cpus_pool));
