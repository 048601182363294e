/*
 * kernel/bh/workqueue_internal.h - what the pieces of the work queue code
 * share; not for use outside kernel/bh/workqueue*.c.
 *
 *   workqueue.c      the API: queueing, delayed items, flush and cancel,
 *                    creating and destroying queues, the wq snapshot
 *   worker_pool.c    the worker pools: kworkers, executing items,
 *                    concurrency management (idle/busy/running counts,
 *                    the scheduler's hooks), the idle timer
 *   workqueue_bh.c   the BH pools: items run from a tasklet, in softirq
 *                    context
 *
 * Locking is described in workqueue.c; every "Locked:" function here
 * expects the lock of the pool it is given (IRQs off).
 * Context: as the comment of each function says; none of them sleeps.
 */
#ifndef KERNEL_BH_WORKQUEUE_INTERNAL_H
#define KERNEL_BH_WORKQUEUE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue.h"
#include "kernel/irq/irq_work.h"
#include "kernel/percpu.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/timer.h"
#include "lib/list.h"

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
	unsigned int cpu; /* its workers are bound here; BH: runs here */
	bool highpri;
	bool bh; /* runs its items from a tasklet, in softirq context */
	struct tasklet bh_tasklet;
	/* BH: another CPU queued an item; this IPI has the pool's own CPU
	 * schedule the tasklet (a tasklet runs where it is scheduled) */
	struct irq_work bh_kick;
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
	/* statistics: the pools of every CPU update them, each under its
	 * own lock, so they change atomically (wq_count_*) */
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

extern struct worker_pool cpu_pools[MAX_CPUS][NR_STD_POOLS]; /* worker_pool.c */
extern struct worker_pool bh_pools[MAX_CPUS][NR_STD_POOLS]; /* workqueue_bh.c */

/* ---- small helpers (workqueue.c) ------------------------------------------ */

/* cold and regparm(3), as GCC treated it while it was local to one file
 * (before the split): the hot paths that tail-call it keep their code,
 * and make bench its figures. */
__attribute__((cold, regparm(3))) bool work_refused(struct work_struct *work,
						    const char *api);
const char *func_name(work_func_t fn);

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

static inline unsigned int work_set_bits(struct work_struct *work,
					 unsigned int bits)
{
	return __atomic_fetch_or(&work->flags, bits, __ATOMIC_ACQ_REL);
}

static inline void work_clear_bits(struct work_struct *work, unsigned int bits)
{
	__atomic_fetch_and(&work->flags, ~bits, __ATOMIC_ACQ_REL);
}

static inline unsigned int work_color(const struct work_struct *work)
{
	return (work->flags & WORK_COLOR) ? 1 : 0;
}

/* The queue-wide statistics (see struct workqueue_struct). */
static inline void wq_count_queued(struct workqueue_struct *wq)
{
	__atomic_add_fetch(&wq->nr_queued, 1, __ATOMIC_RELAXED);
}

static inline void wq_count_started(struct workqueue_struct *wq)
{
	unsigned int now =
		__atomic_add_fetch(&wq->nr_executing, 1, __ATOMIC_RELAXED);
	unsigned int max =
		__atomic_load_n(&wq->max_executing, __ATOMIC_RELAXED);

	while (now > max && !__atomic_compare_exchange_n(
				    &wq->max_executing, &max, now, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		; /* max was reloaded: another CPU raised it meanwhile */
}

static inline void wq_count_finished(struct workqueue_struct *wq)
{
	__atomic_add_fetch(&wq->nr_executed, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&wq->nr_executing, 1, __ATOMIC_RELAXED);
}

static inline bool worker_counted(const struct worker *w)
{
	return !(w->flags & WORKER_NOT_RUNNING);
}

/* More work than running workers to do it: someone should start. */
static inline bool need_more_worker(const struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && pool->nr_running == 0;
}

/* A running worker goes on with the next item unless others run too. */
static inline bool keep_working(const struct worker_pool *pool)
{
	return !list_empty(&pool->worklist) && pool->nr_running <= 1;
}

static inline bool too_many_idle(const struct worker_pool *pool)
{
	return pool->nr_idle > WQ_MAX_IDLE;
}

static inline struct worker *find_worker_executing(struct worker_pool *pool,
						   struct work_struct *work)
{
	struct worker *w;

	list_for_each_entry (w, &pool->busy_list, busy_node)
		if (w->current_work == work && w->current_func == work->func)
			return w;
	return NULL;
}

/* Locked: a BH pool's tasklet drains its list: HI_SOFTIRQ for the high
 * priority pool, TASKLET_SOFTIRQ for the normal one. Only the pool's own
 * CPU schedules it: a tasklet runs on the CPU that scheduled it, so from
 * another CPU the pool's irq_work asks its CPU to (workqueue_bh.c; the
 * bug Linux fixed in 2024, docs/workqueues.md). */
static inline void kick_bh_pool(struct worker_pool *pool)
{
	if (list_empty(&pool->worklist))
		return;
	if (__builtin_expect(pool->cpu != smp_processor_id(), 0)) {
		irq_work_queue_on(&pool->bh_kick, pool->cpu);
		return; /* false if already on its way: it kicks for both */
	}
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

/* ---- shared between the pieces ---------------------------------------------- */

/* workqueue.c: flushers and max_active */
void release_flushers(struct worker_pool *pool, struct worker *w,
		      struct work_struct *work);
void pwq_activate_next(struct pool_workqueue *pwq);

/* worker_pool.c */
/* regparm(3): as GCC calls a function local to its file (process_one_work
 * was, before the split): worker_pool.c and workqueue_bh.c call it as
 * the kworkers and the BH tasklet did then (make bench stays the same). */
__attribute__((regparm(3))) void process_one_work(struct worker_pool *pool,
						  struct worker *w,
						  struct work_struct *work,
						  unsigned long *flags);
/*
 * Locked: run the first item of list (a worklist or a worker's scheduled
 * list) on w. An item freed while it was queued is no work_struct any
 * more: it is reported and unlinked through its neighbours, and not run
 * (its queue's counts are lost with it: a flush of that queue may hang).
 */
static inline void process_first(struct worker_pool *pool, struct worker *w,
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

void pool_init(struct worker_pool *pool, unsigned int cpu, bool hi);

/* workqueue_bh.c: listed says whether `tasklets` shows its tasklet
 * now (its CPU is online) or only from bh_pool_list on */
void bh_pool_init(struct worker_pool *pool, bool listed);
void bh_pool_list(struct worker_pool *pool);

#endif
