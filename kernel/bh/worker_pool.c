/*
 * kernel/bh/worker_pool.c - the worker pools: kworker threads, executing
 * items, and concurrency management (the running, idle and busy counts,
 * the scheduler's hooks that keep one worker running while there is
 * work, the idle timer that lets extra workers go). The API is in
 * workqueue.c, the BH pools in workqueue_bh.c. See workqueue.h and
 * docs/workqueues.md; locking as described in workqueue.c.
 */
#include "kernel/bh/workqueue.h"

#include <stddef.h>

#include "kernel/bh/workqueue_internal.h"
#include "kernel/trace/trace.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/smp/ipi.h"
#include "lib/string.h"

struct worker_pool cpu_pools[MAX_CPUS][NR_STD_POOLS];

unsigned int wq_idle_timeout_ms = WQ_IDLE_TIMEOUT_MS;

/* ---- executing ------------------------------------------------------------ */

/* Locked: the end of w's current item (returned, or its worker died). */
static void finish_work(struct worker_pool *pool, struct worker *w)
{
	struct pool_workqueue *pwq = w->current_pwq;
	struct workqueue_struct *wq = pwq->wq;

	pwq->nr_in_flight[w->current_color]--;
	pwq->nr_active--;
	pwq_activate_next(pwq);
	wq_count_finished(wq);
	pool->nr_busy--;
	list_del(&w->busy_node);
	w->current_work = NULL;
	w->current_func = NULL;
	w->current_pwq = NULL;
	release_flushers(pool, w, NULL);
}

/* Locked: work starts on w; flushers waiting for its start now wait for
 * w to finish it. */
static void bind_flushers(struct worker_pool *pool, struct work_struct *work,
			  struct worker *w)
{
	struct wq_flusher *f;

	list_for_each_entry (f, &pool->flushers, node)
		if (!f->worker && f->work == work)
			f->worker = w;
}

static void check_leaked_atomic(struct worker *w, unsigned int before)
{
	if (preempt_count() == before)
		return;
	pr_err("BUG: workqueue leaked atomic context: preempt count 0x%x after %s (workqueue %s); reset to 0x%x\n",
	       preempt_count(), func_name(w->current_func),
	       w->current_pwq->wq->name, before);
	this_cpu()->preempt_count = before;
}

/*
 * Locked (flags saved by the caller): run one item on w. If another
 * worker of the pool is executing the same item, it goes to that
 * worker's scheduled list instead: one item never runs twice at once.
 */
__attribute__((regparm(3))) void process_one_work(struct worker_pool *pool,
						  struct worker *w,
						  struct work_struct *work,
						  unsigned long *flags)
{
	struct worker *other = find_worker_executing(pool, work);
	struct workqueue_struct *wq;
	unsigned int count;

	if (other && other != w) {
		list_move_tail(&work->entry, &other->scheduled);
		return;
	}
	list_del(&work->entry);
	w->current_work = work;
	w->current_func = work->func;
	w->current_pwq = work->pwq;
	work->pwq = NULL; /* from here on only the worker knows the queue */
	w->current_color = work_color(work);
	list_add_tail(&w->busy_node, &pool->busy_list);
	work_clear_bits(work, WORK_PENDING); /* may be queued again now */
	bind_flushers(pool, work, w);
	wq = w->current_pwq->wq;
	wq_count_started(wq);
	if (++pool->nr_busy > pool->max_busy)
		pool->max_busy = pool->nr_busy;

	spin_unlock_irqrestore(&pool->lock, *flags);
	count = preempt_count();
	trace_event(TRACE_WQ_EXECUTE_START, (uint32_t)(uintptr_t)work,
		    (uint32_t)(uintptr_t)w->current_func, 0);
	w->current_func(work);
	/* work may be freed by now: only its address is recorded */
	trace_event(TRACE_WQ_EXECUTE_END, (uint32_t)(uintptr_t)work,
		    (uint32_t)(uintptr_t)w->current_func, 0);
	check_leaked_atomic(w, count);
	*flags = spin_lock_irqsave(&pool->lock);

	finish_work(pool, w);
}

/* Locked: run what was scheduled onto w (collisions), in order. */
static void process_scheduled(struct worker_pool *pool, struct worker *w,
			      unsigned long *flags)
{
	while (!list_empty(&w->scheduled))
		process_first(pool, w, &w->scheduled, flags);
}

/* ---- workers -------------------------------------------------------------- */

static int worker_thread(void *arg);

/* Locked. */
static void worker_enter_idle(struct worker *w)
{
	struct worker_pool *pool = w->pool;

	if (worker_counted(w))
		pool->nr_running--;
	w->flags = (w->flags & ~WORKER_PREP) | WORKER_IDLE;
	w->last_active = jiffies;
	list_add(&w->node, &pool->idle_list);
	pool->nr_idle++;
	if (too_many_idle(pool) && !timer_pending(&pool->idle_timer))
		mod_timer(&pool->idle_timer,
			  jiffies + msecs_to_jiffies(wq_idle_timeout_ms));
}

/* Locked: idle -> prep (not yet counted as running). */
static void worker_leave_idle(struct worker *w)
{
	w->flags = (w->flags & ~WORKER_IDLE) | WORKER_PREP;
	list_del(&w->node);
	w->pool->nr_idle--;
}

static void worker_set_running(struct worker *w, bool running)
{
	if (running) {
		w->flags &= ~WORKER_PREP;
		w->pool->nr_running++;
	} else {
		w->flags |= WORKER_PREP;
		w->pool->nr_running--;
	}
}

/* Locked: claim a free slot for a new worker; NULL at the limit. */
static struct worker *reserve_worker(struct worker_pool *pool)
{
	for (int i = 0; i < WQ_MAX_WORKERS; i++) {
		struct worker *w = &pool->workers[i];

		if (w->in_use)
			continue;
		memset(w, 0, sizeof(*w));
		w->in_use = true;
		w->id = i;
		w->pool = pool;
		w->flags = WORKER_PREP;
		INIT_LIST_HEAD(&w->node);
		INIT_LIST_HEAD(&w->scheduled);
		INIT_LIST_HEAD(&w->busy_node);
		pool->nr_workers++;
		return w;
	}
	return NULL;
}

/* Locked: the slot is free again. */
static void release_worker(struct worker *w)
{
	w->in_use = false;
	w->task = NULL;
	w->pool->nr_workers--;
	w->pool->nr_exited++;
}

/* Start one more (idle) worker, bound to the pool's CPU: whichever CPU
 * creates it (CPU 0 at boot, the pool's own worker later), it runs
 * there for its whole life. Task context: kthread_create sleeps. */
static bool create_worker(struct worker_pool *pool)
{
	unsigned long flags;
	struct worker *w;
	struct thread *t;

	if (!cpu_online(pool->cpu))
		return false; /* its workers start when it is */
	flags = spin_lock_irqsave(&pool->lock);
	w = reserve_worker(pool);
	spin_unlock_irqrestore(&pool->lock, flags);
	if (!w)
		return false;
	t = kthread_create(worker_thread, w, "kworker/%u:%d%s", pool->cpu,
			   w->id, pool->highpri ? "H" : "");
	/* a new thread (never woken), an online CPU: cannot fail */
	if (t && kthread_bind(t, pool->cpu))
		pr_err("workqueue: %s not bound to CPU %u: it runs on CPU %u\n",
		       t->name, pool->cpu, t->cpu);
	flags = spin_lock_irqsave(&pool->lock);
	if (!t) {
		release_worker(w);
		spin_unlock_irqrestore(&pool->lock, flags);
		pr_err("workqueue: cannot start a worker for pool %u%s\n",
		       pool->cpu, pool->highpri ? "H" : "");
		return false;
	}
	if (pool->highpri)
		sched_setscheduler(t, SCHED_FIFO, WQ_HIGHPRI_PRIO);
	t->worker = w;
	w->task = t;
	pool->nr_created++;
	worker_enter_idle(w);
	spin_unlock_irqrestore(&pool->lock, flags);
	wake_up_new_thread(t);
	return true;
}

/* Locked: sleep until woken (unlocks around schedule). */
static void worker_sleep(struct worker_pool *pool, unsigned long *flags)
{
	set_current_state(THREAD_SLEEPING);
	spin_unlock_irqrestore(&pool->lock, *flags);
	schedule();
	*flags = spin_lock_irqsave(&pool->lock);
}

/*
 * The life of a kworker: sleep while idle; woken because the pool needs
 * a worker, make sure an idle one is left for the next (start one if
 * not), then run items while this is the only running worker.
 */
static int worker_thread(void *arg)
{
	struct worker *w = arg;
	struct worker_pool *pool = w->pool;
	unsigned long flags = spin_lock_irqsave(&pool->lock);

	while (!(w->flags & WORKER_DIE)) {
		if (!need_more_worker(pool)) {
			if (!(w->flags & WORKER_IDLE))
				worker_enter_idle(w);
			worker_sleep(pool, &flags);
			continue;
		}
		if (w->flags & WORKER_IDLE)
			worker_leave_idle(w);
		if (!pool->nr_idle && pool->nr_workers < WQ_MAX_WORKERS) {
			bool made;

			spin_unlock_irqrestore(&pool->lock, flags);
			made = create_worker(pool);
			flags = spin_lock_irqsave(&pool->lock);
			if (made)
				continue; /* look again: another may have run */
			/* out of memory: work without a spare */
		}
		worker_set_running(w, true);
		do {
			process_first(pool, w, &pool->worklist, &flags);
			process_scheduled(pool, w, &flags);
		} while (keep_working(pool));
		worker_set_running(w, false);
	}
	/* Told to exit by the idle timer; it took us off the idle list. */
	release_worker(w);
	current_thread()->worker = NULL; /* the scheduler hook lets go */
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}

/* Timer (softirq context, on CPU 0, where every timer runs - for the
 * pools of every CPU): idle workers beyond WQ_MAX_IDLE that have been
 * idle for wq_idle_timeout_ms exit, the longest idle first. The pool's
 * lock excludes its CPU's workers; each one is woken where it is bound
 * (a reschedule IPI if that is another CPU) and exits there. */
static void idle_timer_fn(struct timer_list *t)
{
	struct worker_pool *pool =
		container_of(t, struct worker_pool, idle_timer);
	unsigned long timeout = msecs_to_jiffies(wq_idle_timeout_ms);
	unsigned long flags = spin_lock_irqsave(&pool->lock);

	while (too_many_idle(pool)) {
		struct worker *w =
			list_entry(pool->idle_list.prev, struct worker, node);
		unsigned long due = w->last_active + timeout;

		if ((long)(jiffies - due) < 0) {
			mod_timer(&pool->idle_timer, due);
			break;
		}
		list_del(&w->node);
		pool->nr_idle--;
		w->flags |= WORKER_DIE;
		wake_up_thread(w->task);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* Locked: w's thread died in an oops. Finish its books; the pool goes
 * on with the other workers. */
static void worker_died(struct worker_pool *pool, struct worker *w)
{
	if (worker_counted(w))
		pool->nr_running--;
	if (w->flags & WORKER_IDLE) {
		list_del(&w->node);
		pool->nr_idle--;
	}
	if (w->current_work) {
		pr_err("workqueue: %s died in %s (workqueue %s); the pool goes on\n",
		       w->task->name, func_name(w->current_func),
		       w->current_pwq->wq->name);
		finish_work(pool, w);
	}
	/* items that were to run on it go back to the front of the pool */
	while (!list_empty(&w->scheduled)) {
		struct list_head *last = w->scheduled.prev;

		list_del(last);
		list_add(last, &pool->worklist);
	}
	pool->nr_oopsed++;
	w->task->worker = NULL;
	release_worker(w);
	kick_pool(pool);
	if (need_more_worker(pool) && !pool->nr_idle)
		pr_err("workqueue: pool %u%s has work but no idle worker left\n",
		       pool->cpu, pool->highpri ? "H" : "");
}

/* ---- the scheduler's hooks -------------------------------------------- */

/*
 * A worker thread is about to block (or, with state DEAD, to die).
 * Called from schedule() before the scheduler's lock is taken. If it was
 * the pool's last running worker and items wait, wake an idle worker:
 * this is what keeps one sleeping item from holding up the others.
 */
/* LAB wq-concurrency BEGIN */
void wq_worker_sleeping(struct thread *t)
{
	struct worker *w = t->worker;
	struct worker_pool *pool = w->pool;
	unsigned long flags = spin_lock_irqsave(&pool->lock);

	if (t->state == THREAD_DEAD) {
		worker_died(pool, w);
	} else if (worker_counted(w)) {
		w->flags |= WORKER_SLEEPING;
		pool->nr_running--;
		kick_pool(pool);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* ...and it runs again. */
void wq_worker_running(struct thread *t)
{
	struct worker *w = t->worker;
	unsigned long flags = spin_lock_irqsave(&w->pool->lock);

	if (w->flags & WORKER_SLEEPING) {
		w->flags &= ~WORKER_SLEEPING;
		w->pool->nr_running++;
	}
	spin_unlock_irqrestore(&w->pool->lock, flags);
}
/* LAB wq-concurrency END */
/* LAB wq-concurrency STUB: the starter tree has this instead */
#if 0
void wq_worker_sleeping(struct thread *t)
{
	struct worker *w = t->worker;
	struct worker_pool *pool = w->pool;
	unsigned long flags = spin_lock_irqsave(&pool->lock);

	if (t->state == THREAD_DEAD)
		worker_died(pool, w);
	/* Your code: a worker that blocks no longer runs - the pool must
	 * know, and start another item (docs/labs/05-wq-concurrency.md). */
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* ...and it runs again. */
void wq_worker_running(struct thread *t)
{
	(void)t; /* your code */
}
#endif /* LAB wq-concurrency STUB END */

bool current_is_workqueue_worker(void)
{
	struct thread *t = current_thread();

	return t && t->worker;
}

void wq_get_pool_info(unsigned int cpu, bool highpri, struct wq_pool_info *i)
{
	struct worker_pool *pool =
		&cpu_pools[cpu][highpri ? POOL_HIGHPRI : POOL_NORMAL];
	unsigned long flags = spin_lock_irqsave(&pool->lock);

	i->nr_workers = pool->nr_workers;
	i->nr_idle = pool->nr_idle;
	i->nr_running = pool->nr_running;
	i->nr_busy = pool->nr_busy;
	i->max_busy = pool->max_busy;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* ---- setting up ---------------------------------------------------------- */

void pool_init(struct worker_pool *pool, unsigned int cpu, bool hi)
{
	spin_lock_init(&pool->lock, "worker_pool");
	pool->cpu = cpu;
	pool->highpri = hi;
	INIT_LIST_HEAD(&pool->worklist);
	INIT_LIST_HEAD(&pool->idle_list);
	INIT_LIST_HEAD(&pool->busy_list);
	INIT_LIST_HEAD(&pool->flushers);
	timer_setup(&pool->idle_timer, idle_timer_fn);
}

/* WQ_MAX_IDLE workers for each running pool, so that a single item never
 * has to wait for a worker to be created. Task context (creates threads);
 * they pick up whatever was queued since workqueue_init_early. */
void workqueue_init(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		for (int p = 0; p < NR_STD_POOLS; p++) {
			for (int i = 0; i < WQ_MAX_IDLE; i++)
				create_worker(&cpu_pools[cpu][p]);
			if (cpu) /* the APs are online now: list their BH pools */
				bh_pool_list(&bh_pools[cpu][p]);
		}
	}
}
