/*
 * kernel/bh/workqueue.c - work queues, worker pools, concurrency
 * management. See workqueue.h and docs/workqueues.md.
 *
 *   queue_work(wq, w) ──> pool_workqueue (wq x CPU: max_active, colors)
 *                               │ active                │ over max_active
 *                               v                       v
 *                        pool->worklist            pwq->inactive
 *                               │  (taken in order by the pool's workers)
 *                               v
 *          kworker/0:0   kworker/0:1   ...   (one pool per CPU and priority)
 *
 * Locking: each pool's lock (IRQs off) covers its lists, its workers'
 * state, the pwqs that feed it and the flushers waiting on it. Lock
 * order: pool lock -> wait queue lock -> scheduler lock. A work_struct's
 * PENDING bit is taken with an atomic test-and-set (whoever sets it owns
 * the queueing), as in Linux.
 */
#include "kernel/bh/workqueue.h"

#include <stdarg.h>
#include <stddef.h>

#include "kernel/backtrace.h"
#include "kernel/bh/tasklet.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "lib/printf.h"
#include "lib/string.h"

enum { POOL_NORMAL, POOL_HIGHPRI, NR_STD_POOLS };

/* worker.flags: a worker counts in pool->nr_running unless one is set */
enum {
	WORKER_IDLE = 1 << 0,	  /* on the idle list, waiting for work */
	WORKER_PREP = 1 << 1,	  /* between idle and running work */
	WORKER_SLEEPING = 1 << 2, /* blocked inside a work function */
	WORKER_DIE = 1 << 3,	  /* idle too long: exit */
};
#define WORKER_NOT_RUNNING (WORKER_IDLE | WORKER_PREP | WORKER_SLEEPING)

struct worker {
	bool in_use; /* this slot holds a worker */
	int id;	     /* the M in kworker/N:M */
	unsigned int flags;
	struct thread *task;
	struct worker_pool *pool;
	struct list_head node;	    /* on pool->idle_list while idle */
	struct list_head scheduled; /* items that must run here next */
	struct list_head busy_node; /* on pool->busy_list while executing */
	unsigned long last_active;  /* jiffies when it went idle */
	/* the item being executed (compared, never dereferenced after its
	 * function returned: a work function may free its work_struct) */
	struct work_struct *current_work;
	work_func_t current_func;
	struct pool_workqueue *current_pwq;
	unsigned int current_color;
};

struct worker_pool {
	struct spinlock lock;
	unsigned int cpu;
	bool highpri;
	bool bh; /* runs its items from a tasklet, in softirq context */
	struct tasklet bh_tasklet;
	char bh_name[20];
	struct list_head worklist;  /* active items, in queueing order */
	struct list_head idle_list; /* most recently idle first */
	struct list_head busy_list; /* workers executing an item */
	struct list_head flushers;  /* struct wq_flusher */
	struct worker workers[WQ_MAX_WORKERS];
	unsigned int nr_workers, nr_idle;
	unsigned int nr_running; /* workers on a CPU or runnable, not idle */
	unsigned int nr_busy;	 /* workers inside a work function */
	unsigned int max_busy;
	unsigned long nr_created, nr_exited, nr_oopsed;
	struct timer_list idle_timer;
};

struct pool_workqueue {
	struct workqueue_struct *wq;
	struct worker_pool *pool;
	unsigned int nr_active;	      /* on the worklist or executing */
	struct list_head inactive;    /* waiting for room under max_active */
	unsigned int nr_in_flight[2]; /* queued, not finished, per color */
	unsigned int work_color;      /* color given to new items */
	unsigned int flush_color;     /* color flush_workqueue waits for */
};

struct workqueue_struct {
	char name[WQ_NAME_LEN];
	unsigned int flags;
	int max_active;
	bool dying;
	struct list_head node; /* on all_workqueues */
	struct mutex flush_mutex;
	unsigned long nr_queued, nr_executed;
	unsigned int nr_executing, max_executing;
	unsigned int nr_delayed; /* delayed items armed for this queue */
	struct pool_workqueue pwqs[MAX_CPUS];
};

/* Someone in flush_work: waits for the item's next start (worker NULL),
 * then for that worker to finish it. */
struct wq_flusher {
	struct list_head node;
	struct work_struct *work;
	struct worker *worker;
	volatile bool done;
};

static struct worker_pool cpu_pools[MAX_CPUS][NR_STD_POOLS];
static struct worker_pool bh_pools[MAX_CPUS][NR_STD_POOLS];
static LIST_HEAD(all_workqueues);
static DEFINE_SPINLOCK(wq_list_lock);
static DECLARE_WAIT_QUEUE_HEAD(flush_waitq);

unsigned int wq_idle_timeout_ms = WQ_IDLE_TIMEOUT_MS;

struct workqueue_struct *system_wq;
struct workqueue_struct *system_highpri_wq;
struct workqueue_struct *system_bh_wq;
struct workqueue_struct *system_bh_highpri_wq;

/* ---- small helpers ------------------------------------------------------- */

/* Out of line and cold: the fast path below is one compare. */
static __attribute__((noinline, cold)) bool
work_refused(struct work_struct *work, const char *api)
{
	if (work->magic == WORK_NOFUNC_MAGIC) {
		pr_err("%s: work at %p has no function (INIT_WORK with NULL): refused\n",
		       api, (void *)work);
		return false;
	}
	return bad_magic(api, "work", "INIT_WORK", work, work->magic,
			 work->func);
}

/* Every path checks: see kernel/magic.h. The hot paths test
 * work_bad() and tail-call work_refused(), so the check costs them a
 * compare and nothing else. */
static inline bool work_bad(const struct work_struct *work)
{
	return __builtin_expect(work->magic != WORK_MAGIC, 0);
}

static inline bool work_ok(struct work_struct *work, const char *api)
{
	return !work_bad(work) || work_refused(work, api);
}

static unsigned int work_set_bits(struct work_struct *work, unsigned int bits)
{
	return __atomic_fetch_or(&work->flags, bits, __ATOMIC_ACQ_REL);
}

static void work_clear_bits(struct work_struct *work, unsigned int bits)
{
	__atomic_fetch_and(&work->flags, ~bits, __ATOMIC_ACQ_REL);
}

static unsigned int work_color(const struct work_struct *work)
{
	return (work->flags & WORK_COLOR) ? 1 : 0;
}

static const char *func_name(work_func_t fn)
{
	uint32_t off;
	const char *name = ksym_lookup((uint32_t)(uintptr_t)fn, &off);

	return name ? name : "?";
}

static bool worker_counted(const struct worker *w)
{
	return !(w->flags & WORKER_NOT_RUNNING);
}

/* More work than running workers to do it: someone should start. */
static bool need_more_worker(const struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && pool->nr_running == 0;
}

/* A running worker goes on with the next item unless others run too. */
static bool keep_working(const struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && pool->nr_running <= 1;
}

static bool too_many_idle(const struct worker_pool *pool)
{
	return pool->nr_idle > WQ_MAX_IDLE;
}

static struct worker *find_worker_executing(struct worker_pool *pool,
					    struct work_struct *work)
{
	struct worker *w;

	list_for_each_entry (w, &pool->busy_list, busy_node)
		if (w->current_work == work && w->current_func == work->func)
			return w;
	return NULL;
}

/* Locked: a BH pool's tasklet drains its list: HI_SOFTIRQ for the high
 * priority pool, TASKLET_SOFTIRQ for the normal one. */
static void kick_bh_pool(struct worker_pool *pool)
{
	if (list_empty(&pool->worklist))
		return;
	if (pool->highpri)
		tasklet_hi_schedule(&pool->bh_tasklet);
	else
		tasklet_schedule(&pool->bh_tasklet);
}

/* Locked: a worker should start on the worklist. */
static inline __attribute__((always_inline)) void
kick_pool(struct worker_pool *pool)
{
	struct worker *w;

	if (pool->bh) {
		kick_bh_pool(pool);
		return;
	}
	if (!need_more_worker(pool) || list_empty(&pool->idle_list))
		return;
	w = list_first_entry(&pool->idle_list, struct worker, node);
	wake_up_thread(w->task);
}

/* ---- flushers ------------------------------------------------------------ */

static void wake_flushers(void)
{
	if (waitqueue_active(&flush_waitq))
		wake_up_all(&flush_waitq);
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

/* Locked: release flushers of w's execution (worker != NULL), or of a
 * pending item that was cancelled (worker == NULL). */
static void release_flushers(struct worker_pool *pool, struct worker *w,
			     struct work_struct *work)
{
	struct wq_flusher *f, *n;

	list_for_each_entry_safe (f, n, &pool->flushers, node) {
		if (w ? f->worker != w : (f->worker || f->work != work))
			continue;
		list_del(&f->node);
		f->done = true;
	}
	wake_flushers();
}

/* ---- queueing ------------------------------------------------------------ */

/* Locked: move the oldest inactive item onto the worklist if there is
 * room under max_active. */
static void pwq_activate_next(struct pool_workqueue *pwq)
{
	struct work_struct *work;

	if (list_empty(&pwq->inactive) ||
	    pwq->nr_active >= (unsigned int)pwq->wq->max_active)
		return;
	work = list_first_entry(&pwq->inactive, struct work_struct, entry);
	work_clear_bits(work, WORK_INACTIVE);
	list_move_tail(&work->entry, &pwq->pool->worklist);
	pwq->nr_active++;
}

/* Locked: put a work whose PENDING bit we own on pwq. */
static void insert_work(struct pool_workqueue *pwq, struct work_struct *work)
{
	work->pwq = pwq;
	work->pool = pwq->pool;
	if (pwq->work_color)
		work_set_bits(work, WORK_COLOR);
	else
		work_clear_bits(work, WORK_COLOR);
	pwq->nr_in_flight[pwq->work_color]++;
	pwq->wq->nr_queued++;
	if (pwq->nr_active < (unsigned int)pwq->wq->max_active) {
		pwq->nr_active++;
		list_add_tail(&work->entry, &pwq->pool->worklist);
		kick_pool(pwq->pool);
	} else {
		work_set_bits(work, WORK_INACTIVE);
		list_add_tail(&work->entry, &pwq->inactive);
	}
}

/* The caller owns work's PENDING bit. */
static void __queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	struct pool_workqueue *pwq = &wq->pwqs[smp_processor_id()];
	unsigned long flags;

	/* Still running on another pool (another CPU's)? Queue it there, so
	 * that it never runs twice at once. (On its own pool,
	 * process_one_work hands it to the worker running it.) */
	if (work->pool && work->pool != pwq->pool) {
		struct worker_pool *last = work->pool;
		struct worker *w;

		flags = spin_lock_irqsave(&last->lock);
		w = find_worker_executing(last, work);
		if (w && w->current_pwq->wq == wq)
			pwq = w->current_pwq;
		spin_unlock_irqrestore(&last->lock, flags);
	}
	flags = spin_lock_irqsave(&pwq->pool->lock);
	if (wq->dying) {
		spin_unlock_irqrestore(&pwq->pool->lock, flags);
		work_clear_bits(work, WORK_PENDING);
		pr_err("workqueue %s: queue_work(%s) while it is being destroyed: refused\n",
		       wq->name, func_name(work->func));
		return;
	}
	insert_work(pwq, work);
	spin_unlock_irqrestore(&pwq->pool->lock, flags);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	/* A NULL work reads as a bad magic (page 0 is mapped: the BIOS's),
	 * and so does one initialised without a function. */
	if (work_bad(work))
		return work_refused(work, "queue_work");
	if (!wq) {
		pr_err("queue_work: NULL workqueue: refused\n");
		return false;
	}
	if (work->flags & WORK_CANCELING)
		return false;
	if (work_set_bits(work, WORK_PENDING) & WORK_PENDING)
		return false; /* already queued: it will run once */
	__queue_work(wq, work);
	return true;
}

void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork =
		container_of(t, struct delayed_work, timer);

	__atomic_sub_fetch(&dwork->wq->nr_delayed, 1, __ATOMIC_RELAXED);
	__queue_work(dwork->wq, &dwork->work); /* PENDING is still ours */
}

/* The delay timer of dwork was taken off before it fired. */
static void delayed_disarmed(struct delayed_work *dwork)
{
	__atomic_sub_fetch(&dwork->wq->nr_delayed, 1, __ATOMIC_RELAXED);
}

/* The caller owns PENDING; IRQs are off. */
static void __queue_delayed_work(struct workqueue_struct *wq,
				 struct delayed_work *dwork,
				 unsigned long delay)
{
	if (!delay) {
		__queue_work(wq, &dwork->work);
		return;
	}
	dwork->wq = wq;
	__atomic_add_fetch(&wq->nr_delayed, 1, __ATOMIC_RELAXED);
	mod_timer(&dwork->timer, jiffies + delay);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	unsigned long flags;

	if (!wq || !dwork || !dwork->work.func) {
		pr_err("queue_delayed_work: NULL workqueue, work or function: refused\n");
		return false;
	}
	if (!work_ok(&dwork->work, "queue_delayed_work"))
		return false;
	if (dwork->work.flags & WORK_CANCELING)
		return false;
	if (work_set_bits(&dwork->work, WORK_PENDING) & WORK_PENDING)
		return false; /* keeps its existing deadline */
	flags = local_irq_save();
	__queue_delayed_work(wq, dwork, delay);
	local_irq_restore(flags);
	return true;
}

/* Locked (work->pwq->pool): take a pending item off its list, keeping
 * its PENDING bit for the caller. False if it is not on a list. */
static bool steal_queued_work(struct work_struct *work)
{
	struct pool_workqueue *pwq = work->pwq;

	if (!pwq || list_empty(&work->entry))
		return false;
	list_del(&work->entry);
	if (work->flags & WORK_INACTIVE) {
		work_clear_bits(work, WORK_INACTIVE);
	} else {
		pwq->nr_active--;
		pwq_activate_next(pwq);
	}
	pwq->nr_in_flight[work_color(work)]--;
	release_flushers(pwq->pool, NULL, work);
	return true;
}

/*
 * Take ownership of work's PENDING bit, wherever it is: on the delay
 * timer, on a worklist, or not pending at all (then we set it). True if
 * it was pending. IRQs off (one CPU: the timer cannot run meanwhile).
 */
static bool grab_pending(struct work_struct *work, struct timer_list *timer)
{
	struct worker_pool *pool = work->pool;
	bool stolen;

	if (timer && del_timer(timer)) {
		delayed_disarmed(
			container_of(timer, struct delayed_work, timer));
		return true;
	}
	if (!(work_set_bits(work, WORK_PENDING) & WORK_PENDING))
		return false;
	if (!pool)
		return true; /* pending, never reached a pool: a timer race */
	spin_lock(&pool->lock);
	stolen = steal_queued_work(work);
	spin_unlock(&pool->lock);
	return stolen;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay)
{
	unsigned long flags;
	bool was_pending;

	if (!wq || !dwork || !dwork->work.func) {
		pr_err("mod_delayed_work: NULL workqueue, work or function: refused\n");
		return false;
	}
	if (!work_ok(&dwork->work, "mod_delayed_work"))
		return false;
	if (dwork->work.flags & WORK_CANCELING)
		return false;
	flags = local_irq_save();
	was_pending = grab_pending(&dwork->work, &dwork->timer);
	__queue_delayed_work(wq, dwork, delay);
	local_irq_restore(flags);
	return was_pending;
}

/* ---- flushing and cancelling ---------------------------------------------- */

bool flush_work(struct work_struct *work)
{
	struct wq_flusher f = { .work = work };
	struct worker_pool *pool;
	unsigned long flags;

	if (might_sleep() || !work_ok(work, "flush_work"))
		return false;
	pool = work->pool; /* static: valid even if its queue is gone */
	if (!pool)
		return false; /* never queued */
	flags = spin_lock_irqsave(&pool->lock);
	if (!(work->flags & WORK_PENDING) || list_empty(&work->entry)) {
		f.worker = find_worker_executing(pool, work);
		if (!f.worker) {
			spin_unlock_irqrestore(&pool->lock, flags);
			return false; /* idle (or only on its delay timer) */
		}
	}
	list_add_tail(&f.node, &pool->flushers);
	spin_unlock_irqrestore(&pool->lock, flags);
	wait_event(flush_waitq, f.done);
	return true;
}

static bool __cancel_work_sync(struct work_struct *work,
			       struct timer_list *timer, const char *api)
{
	unsigned long flags;
	bool was_pending;

	if (might_sleep() || !work_ok(work, api))
		return false;
	work_set_bits(work, WORK_CANCELING); /* queue_work refuses now */
	/* a delay timer whose function runs on another CPU is waited for */
	was_pending = timer && del_timer_sync(timer);
	if (was_pending)
		delayed_disarmed(
			container_of(timer, struct delayed_work, timer));
	flags = local_irq_save();
	if (!was_pending)
		was_pending = grab_pending(work, NULL);
	work_clear_bits(work, WORK_PENDING);
	local_irq_restore(flags);
	flush_work(work); /* if it is running, wait for it */
	work_clear_bits(work, WORK_CANCELING);
	return was_pending;
}

bool cancel_work_sync(struct work_struct *work)
{
	return __cancel_work_sync(work, NULL, "cancel_work_sync");
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return __cancel_work_sync(&dwork->work, &dwork->timer,
				  "cancel_delayed_work_sync");
}

void flush_workqueue(struct workqueue_struct *wq)
{
	if (might_sleep() || mutex_lock(&wq->flush_mutex))
		return;
	/* New items get the other color; wait for the old color to drain. */
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct pool_workqueue *pwq = &wq->pwqs[cpu];
		unsigned long flags = spin_lock_irqsave(&pwq->pool->lock);

		pwq->flush_color = pwq->work_color;
		pwq->work_color ^= 1;
		spin_unlock_irqrestore(&pwq->pool->lock, flags);
	}
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct pool_workqueue *pwq = &wq->pwqs[cpu];

		wait_event(flush_waitq, !pwq->nr_in_flight[pwq->flush_color]);
	}
	mutex_unlock(&wq->flush_mutex);
}

/* ---- executing ------------------------------------------------------------ */

/* Locked: the end of w's current item (returned, or its worker died). */
static void finish_work(struct worker_pool *pool, struct worker *w)
{
	struct pool_workqueue *pwq = w->current_pwq;
	struct workqueue_struct *wq = pwq->wq;

	pwq->nr_in_flight[w->current_color]--;
	pwq->nr_active--;
	pwq_activate_next(pwq);
	wq->nr_executed++;
	wq->nr_executing--;
	pool->nr_busy--;
	list_del(&w->busy_node);
	w->current_work = NULL;
	w->current_func = NULL;
	w->current_pwq = NULL;
	release_flushers(pool, w, NULL);
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
static void process_one_work(struct worker_pool *pool, struct worker *w,
			     struct work_struct *work, unsigned long *flags)
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
	if (++wq->nr_executing > wq->max_executing)
		wq->max_executing = wq->nr_executing;
	if (++pool->nr_busy > pool->max_busy)
		pool->max_busy = pool->nr_busy;

	spin_unlock_irqrestore(&pool->lock, *flags);
	count = preempt_count();
	w->current_func(work);
	check_leaked_atomic(w, count);
	*flags = spin_lock_irqsave(&pool->lock);

	finish_work(pool, w);
}

/*
 * Locked: run the first item of list (a worklist or a worker's scheduled
 * list) on w. An item freed while it was queued is no work_struct any
 * more: it is reported and unlinked through its neighbours, and not run
 * (its queue's counts are lost with it: a flush of that queue may hang).
 */
static void process_first(struct worker_pool *pool, struct worker *w,
			  struct list_head *list, unsigned long *flags)
{
	struct work_struct *work =
		list_first_entry(list, struct work_struct, entry);

	if (work_bad(work)) {
		work_refused(work, "process_one_work");
		list_del_first_broken(list);
		return;
	}
	process_one_work(pool, w, work, flags);
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

/* Start one more (idle) worker. Task context: kthread_create sleeps. */
static bool create_worker(struct worker_pool *pool)
{
	unsigned long flags = spin_lock_irqsave(&pool->lock);
	struct worker *w = reserve_worker(pool);
	struct thread *t;

	spin_unlock_irqrestore(&pool->lock, flags);
	if (!w)
		return false;
	t = kthread_create(worker_thread, w, "kworker/%u:%d%s", pool->cpu,
			   w->id, pool->highpri ? "H" : "");
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

/* Timer (softirq context): idle workers beyond WQ_MAX_IDLE that have
 * been idle for wq_idle_timeout_ms exit, the longest idle first. */
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

/* ---- BH pools ---------------------------------------------------------- */

/*
 * The tasklet of a BH pool (softirq context): run the items that were
 * queued when it started, in order, one at a time, on the pool's one
 * pseudo-worker (workers[0], no thread), which flush and cancel watch
 * like any worker. Items queued meanwhile wait for the next run, so a
 * self-requeueing item cannot keep the CPU in this softirq forever.
 */
static void bh_pool_run(struct tasklet *t)
{
	struct worker_pool *pool =
		container_of(t, struct worker_pool, bh_tasklet);
	struct worker *w = &pool->workers[0];
	unsigned long flags = spin_lock_irqsave(&pool->lock);
	unsigned int budget = (unsigned int)list_count(&pool->worklist);

	while (budget-- && !list_empty(&pool->worklist))
		process_first(pool, w, &pool->worklist, &flags);
	kick_bh_pool(pool); /* more? another run */
	spin_unlock_irqrestore(&pool->lock, flags);
}

static void bh_pool_init(struct worker_pool *pool)
{
	struct worker *w = &pool->workers[0];

	pool->bh = true;
	snprintf(pool->bh_name, sizeof(pool->bh_name), "wq_bh/%u%s", pool->cpu,
		 pool->highpri ? "H" : "");
	tasklet_init(&pool->bh_tasklet, bh_pool_run, pool->bh_name);
	w->in_use = true;
	w->pool = pool;
	INIT_LIST_HEAD(&w->node);
	INIT_LIST_HEAD(&w->scheduled);
	INIT_LIST_HEAD(&w->busy_node);
}

void wq_test_hold_bh(unsigned int cpu, bool highpri, bool hold)
{
	struct worker_pool *pool = &bh_pools[cpu][highpri];

	if (hold)
		tasklet_disable(&pool->bh_tasklet);
	else
		tasklet_enable(&pool->bh_tasklet);
}

/* ---- the scheduler's hooks -------------------------------------------- */

/*
 * A worker thread is about to block (or, with state DEAD, to die).
 * Called from schedule() before the scheduler's lock is taken. If it was
 * the pool's last running worker and items wait, wake an idle worker:
 * this is what keeps one sleeping item from holding up the others.
 */
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

/* ---- creating and destroying queues ------------------------------------- */

static struct worker_pool *pool_for(unsigned int cpu, unsigned int flags)
{
	int p = flags & WQ_HIGHPRI ? POOL_HIGHPRI : POOL_NORMAL;

	return flags & WQ_BH ? &bh_pools[cpu][p] : &cpu_pools[cpu][p];
}

struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max_active)
{
	struct workqueue_struct *wq;
	unsigned long lf;

	if (!name || max_active < 0 || max_active > WQ_DFL_ACTIVE) {
		pr_err("alloc_workqueue: bad name or max_active %d (0..%d)\n",
		       max_active, WQ_DFL_ACTIVE);
		return NULL;
	}
	wq = kzalloc(sizeof(*wq));
	if (!wq) {
		pr_err("alloc_workqueue(%s): out of memory\n", name);
		return NULL;
	}
	strlcpy(wq->name, name, sizeof(wq->name));
	wq->flags = flags;
	wq->max_active = max_active ? max_active : WQ_DFL_ACTIVE;
	mutex_init(&wq->flush_mutex);
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		struct pool_workqueue *pwq = &wq->pwqs[cpu];

		pwq->wq = wq;
		pwq->pool = pool_for(cpu, flags);
		INIT_LIST_HEAD(&pwq->inactive);
	}
	lf = spin_lock_irqsave(&wq_list_lock);
	list_add_tail(&wq->node, &all_workqueues);
	spin_unlock_irqrestore(&wq_list_lock, lf);
	return wq;
}

/* Every item queued (also by items of this queue) has run; new ones are
 * refused from now on. Then the queue is freed. */
void destroy_workqueue(struct workqueue_struct *wq)
{
	unsigned long flags;

	if (!wq || might_sleep())
		return;
	flush_workqueue(wq);
	flush_workqueue(wq); /* items the first round queued */
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		struct worker_pool *pool = wq->pwqs[cpu].pool;

		flags = spin_lock_irqsave(&pool->lock);
		wq->dying = true;
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	flush_workqueue(wq);
	if (wq->nr_delayed) {
		pr_err("BUG: destroy_workqueue(%s): %u delayed items still armed for it: cancel them first; the queue is not freed\n",
		       wq->name, wq->nr_delayed);
		dump_stack();
		return; /* leaked, dying: their timers are refused later */
	}
	flags = spin_lock_irqsave(&wq_list_lock);
	list_del(&wq->node);
	spin_unlock_irqrestore(&wq_list_lock, flags);
	kfree(wq);
}

static void pool_init(struct worker_pool *pool, unsigned int cpu, bool hi)
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

/* Pools for every CPU and the system queues, before any driver can
 * queue work: items queued before the workers exist wait on the
 * worklist (BH items run as soon as softirqs do). */
void workqueue_init_early(void)
{
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		for (int p = 0; p < NR_STD_POOLS; p++) {
			pool_init(&cpu_pools[cpu][p], cpu, p == POOL_HIGHPRI);
			pool_init(&bh_pools[cpu][p], cpu, p == POOL_HIGHPRI);
			if (cpu <
			    nr_cpus) /* its tasklet is listed: only real CPUs */
				bh_pool_init(&bh_pools[cpu][p]);
		}
	}
	system_wq = alloc_workqueue("events", 0, 0);
	system_highpri_wq = alloc_workqueue("events_highpri", WQ_HIGHPRI, 0);
	system_bh_wq = alloc_workqueue("events_bh", WQ_BH, 0);
	system_bh_highpri_wq =
		alloc_workqueue("events_bh_highpri", WQ_BH | WQ_HIGHPRI, 0);
	if (!system_wq || !system_highpri_wq || !system_bh_wq ||
	    !system_bh_highpri_wq)
		panic("workqueue_init: cannot allocate the system queues");
}

/* WQ_MAX_IDLE workers for each running pool, so that a single item never
 * has to wait for a worker to be created. Task context (creates threads);
 * they pick up whatever was queued since workqueue_init_early. */
void workqueue_init(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		for (int p = 0; p < NR_STD_POOLS; p++)
			for (int i = 0; i < WQ_MAX_IDLE; i++)
				create_worker(&cpu_pools[cpu][p]);
}

/* ---- the wq shell command's report ---------------------------------------- */

struct sbuf {
	char *buf;
	unsigned int size, len;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (unsigned int)n;
	if (sb->len >= sb->size)
		sb->len = sb->size - 1;
}

static const char *wq_flags_name(unsigned int flags)
{
	static const char *const names[] = { "-", "HIGHPRI", "BH", "BH,HI" };

	return names[flags & (WQ_HIGHPRI | WQ_BH)];
}

static void sb_queue(struct sbuf *sb, struct workqueue_struct *wq)
{
	unsigned int pending = 0, active = 0;

	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		const struct pool_workqueue *pwq = &wq->pwqs[cpu];

		pending += pwq->nr_in_flight[0] + pwq->nr_in_flight[1];
		active += pwq->nr_active;
	}
	pending -= wq->nr_executing; /* in flight = pending + executing */
	sb_printf(sb, "%-18s %-8s %6u/%-4d %7u %7u %8lu %8lu %8u\n", wq->name,
		  wq_flags_name(wq->flags), active, wq->max_active, pending,
		  wq->nr_executing, wq->nr_queued, wq->nr_executed,
		  wq->max_executing);
}

static void sb_pool(struct sbuf *sb, struct worker_pool *pool)
{
	const char *tag = pool->highpri ? "H" : "";
	struct work_struct *work;
	int shown = 0;

	if (pool->bh) {
		const struct worker *w = &pool->workers[0];

		sb_printf(sb,
			  "pool %u%s BH (tasklet %s, %s): %s; max busy %u\n",
			  pool->cpu, tag, pool->bh_name,
			  pool->highpri ? "HI_SOFTIRQ" : "TASKLET_SOFTIRQ",
			  w->current_work ? func_name(w->current_func) : "idle",
			  pool->max_busy);
		goto pending;
	}
	sb_printf(
		sb,
		"pool %u%s (%s): %u workers, %u idle, %u running, %u busy (max %u); created %lu, exited %lu, oopsed %lu\n",
		pool->cpu, tag, pool->highpri ? "FIFO 1" : "NORMAL",
		pool->nr_workers, pool->nr_idle, pool->nr_running,
		pool->nr_busy, pool->max_busy, pool->nr_created,
		pool->nr_exited, pool->nr_oopsed);
	for (int i = 0; i < WQ_MAX_WORKERS; i++) {
		const struct worker *w = &pool->workers[i];

		if (!w->in_use || !w->task)
			continue;
		if (w->current_work)
			sb_printf(sb, "  %-16s %-8s %s (%s)\n", w->task->name,
				  w->flags & WORKER_SLEEPING ? "sleeping"
							     : "running",
				  func_name(w->current_func),
				  w->current_pwq->wq->name);
		else
			sb_printf(sb, "  %-16s %s\n", w->task->name,
				  w->flags & WORKER_IDLE ? "idle" : "starting");
	}
pending:
	list_for_each_entry (work, &pool->worklist, entry) {
		if (shown++ == 8) {
			sb_printf(sb, "  ... %u pending in all\n",
				  (unsigned int)list_count(&pool->worklist));
			break;
		}
		sb_printf(sb, "  pending          %s (%s)\n",
			  func_name(work->func), work->pwq->wq->name);
	}
}

unsigned int wq_snprint(char *buf, unsigned int size)
{
	struct sbuf sb = { buf, size, 0 };
	struct workqueue_struct *wq;
	unsigned long flags;

	if (!size)
		return 0;
	buf[0] = '\0';
	sb_printf(&sb, "%-18s %-8s %11s %7s %7s %8s %8s %8s\n", "WORKQUEUE",
		  "FLAGS", "ACTIVE/MAX", "PENDING", "RUNNING", "QUEUED",
		  "EXECUTED", "MAX_CONC");
	flags = spin_lock_irqsave(&wq_list_lock);
	list_for_each_entry (wq, &all_workqueues, node)
		sb_queue(&sb, wq);
	spin_unlock_irqrestore(&wq_list_lock, flags);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		for (int p = 0; p < 2 * NR_STD_POOLS; p++) {
			struct worker_pool *pool =
				p < NR_STD_POOLS
					? &cpu_pools[cpu][p]
					: &bh_pools[cpu][p - NR_STD_POOLS];

			flags = spin_lock_irqsave(&pool->lock);
			sb_pool(&sb, pool);
			spin_unlock_irqrestore(&pool->lock, flags);
		}
	}
	return sb.len;
}
