/*
 * kernel/bh/workqueue.h - work queues: deferred work in process context.
 *
 * A work item (struct work_struct) is a function to call later. Queued on
 * a work queue, it is run by a worker thread, kworker/N:M, taken from a
 * per-CPU pool: in task context, so it may sleep, take mutexes, allocate.
 * Each CPU N has two pools of threads, bound to it: normal (SCHED_NORMAL
 * workers, kworker/N:M) and high priority (SCHED_FIFO priority 1,
 * kworker/N:MH), and two BH pools without threads (below). A work queue
 * is a name, flags and a limit (max_active, per CPU); queue_work puts an
 * item on the pool of the CPU that queues it, queue_work_on on the pool
 * of the CPU it names, and the item runs there.
 *
 * Concurrency management: a pool keeps one worker running while it has
 * work. When that worker sleeps inside a work function (the scheduler
 * tells us: wq_worker_sleeping) and more work is queued, the pool wakes
 * an idle worker, and a worker about to start work first makes sure an
 * idle one exists, up to WQ_MAX_WORKERS. Idle workers beyond
 * WQ_MAX_IDLE exit after wq_idle_timeout_ms.
 *
 * Guarantees:
 *  - queue_work() on a pending item does nothing and returns false: an
 *    item queued twice before it runs, runs once;
 *  - an item queued while it runs is run again after, never twice at
 *    once: if it still runs on another CPU's pool (of the same queue),
 *    it is queued there, behind itself, whatever CPU was asked for (as
 *    Linux does);
 *  - queue_work_on(cpu, ...) runs the item on that CPU: a worker of its
 *    pool, or (WQ_BH) its softirq - queued from another CPU, the item
 *    reaches that CPU's BH pool and an IPI (irq_work) schedules the
 *    pool's tasklet there; a CPU that is not online is refused;
 *  - flush_work() returns when the last queueing of the item has run;
 *    cancel_work_sync() returns with the item neither pending nor running;
 *  - flush_workqueue() waits for every item queued before the call;
 *  - a work function may free its own work_struct;
 *  - work items never point into a queue that can be freed: an item
 *    points at its queue (work->pwq) only while it is queued there, and
 *    destroy_workqueue drains the queue first, so none is queued when it
 *    is freed; once it starts running, only its worker knows the queue.
 *    What an item keeps is the pool it last ran on (work->pool), and
 *    pools are static: they live as long as the kernel. So flush_work
 *    and cancel_work_sync work on an item whose queue was destroyed
 *    (there is nothing to wait for). A delayed item whose timer is still
 *    armed does point at its queue (dwork->wq): destroy_workqueue
 *    refuses to free a queue with armed delayed items (it says so and
 *    leaks it) - cancel them first, as in Linux;
 *  - a work_struct that was never initialised (INIT_WORK,
 *    INIT_DELAYED_WORK, WORK_INITIALIZER, DECLARE_WORK) or was freed is
 *    refused by every call here, loudly (kernel/magic.h), and not run;
 *  - a work function that faults is an oops: its worker dies, the pool
 *    goes on with the others (flushers of that item are released).
 *
 * BH work queues (WQ_BH): items run in softirq context on the CPU they
 * were queued for (queue_work: the queueing CPU), in queueing order, one
 * after the other: each BH pool's list is drained by a tasklet
 * (TASKLET_SOFTIRQ; HI_SOFTIRQ with WQ_HIGHPRI) that only its own CPU
 * schedules. Flush and cancel work as for the other queues
 * (docs/workqueues.md).
 *
 * Delayed items: timers run on CPU 0 only; the timer queues the item on
 * the CPU recorded when it was armed (queue_delayed_work: the arming
 * CPU; queue_delayed_work_on: the one named).
 *
 * Context: queue_work, queue_work_on, queue_delayed_work,
 * queue_delayed_work_on, mod_delayed_work, schedule_work from any
 * context; flush_*, cancel_*_sync,
 * alloc_workqueue and destroy_workqueue sleep (task context only).
 * Work functions run in task context (WQ_BH: softirq context) with IRQs
 * on and the preempt count at 0; they must return with it at 0.
 */
#ifndef KERNEL_BH_WORKQUEUE_H
#define KERNEL_BH_WORKQUEUE_H

#include <stdbool.h>

#include "kernel/magic.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/timer.h"
#include "lib/list.h"

struct work_struct;
struct pool_workqueue;
typedef void (*work_func_t)(struct work_struct *work);

/* work_struct.flags */
enum {
	WORK_PENDING = 1 << 0,	 /* queued (or its delay timer is armed) */
	WORK_INACTIVE = 1 << 1,	 /* waiting for max_active room */
	WORK_CANCELING = 1 << 2, /* cancel_work_sync is at work */
	WORK_COLOR = 1 << 3,	 /* flush color at queueing (0 or 1) */
	WORK_DELAYED = 1 << 4,	 /* the work of a struct delayed_work */
};

struct worker_pool;

struct work_struct {
	unsigned int magic;	/* WORK_MAGIC once initialised */
	struct list_head entry; /* on a worklist while pending */
	work_func_t func;
	unsigned int flags;
	struct pool_workqueue *pwq; /* its queue's, only while queued */
	struct worker_pool *pool;   /* where it was last queued (static) */
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
	struct workqueue_struct *wq; /* the queue it goes to when due, */
	unsigned int cpu;	     /* ...on this CPU's pool */
	/* Its armed timer holds the PENDING bit. Whoever clears this (the
	 * timer function, or mod/cancel taking the item back) owns PENDING:
	 * a timer that expired but whose function has not run yet is taken
	 * back as surely as one still on the timer list. */
	bool timer_owns;
};

/* A static initializer, and a definition with it (as Linux's). */
#define WORK_INITIALIZER(n, f)                                           \
	{                                                                \
		.magic = WORK_MAGIC, .entry = LIST_HEAD_INIT((n).entry), \
		.func = (f)                                              \
	}
#define DECLARE_WORK(n, f) struct work_struct n = WORK_INITIALIZER(n, f)

/* Without a function the item gets a magic of its own: queue_work's one
 * compare then refuses it too, with its own message. */
static inline void INIT_WORK(struct work_struct *work, work_func_t func)
{
	work->magic = func ? WORK_MAGIC : WORK_NOFUNC_MAGIC;
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->flags = 0;
	work->pwq = 0;
	work->pool = 0;
}

void delayed_work_timer_fn(struct timer_list *t);

static inline void INIT_DELAYED_WORK(struct delayed_work *dwork,
				     work_func_t func)
{
	INIT_WORK(&dwork->work, func);
	dwork->work.flags = WORK_DELAYED;
	timer_setup(&dwork->timer, delayed_work_timer_fn);
	dwork->wq = 0;
	dwork->cpu = 0;
	dwork->timer_owns = false;
}

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

static inline bool work_pending(const struct work_struct *work)
{
	return __atomic_load_n(&work->flags, __ATOMIC_RELAXED) & WORK_PENDING;
}

/* alloc_workqueue flags */
enum {
	WQ_HIGHPRI = 1 << 0, /* the high-priority pool (FIFO workers) */
	WQ_BH = 1 << 1,	     /* run in softirq context, not in a worker */
};

#define WQ_NAME_LEN	   24
#define WQ_DFL_ACTIVE	   256 /* max_active 0 means this */
#define WQ_MAX_WORKERS	   16  /* per pool */
#define WQ_MAX_IDLE	   2   /* idle workers kept without a timeout */
#define WQ_HIGHPRI_PRIO	   1   /* SCHED_FIFO priority of H workers */
#define WQ_IDLE_TIMEOUT_MS 5000

struct workqueue_struct;

extern struct workqueue_struct *system_wq;	   /* "events" */
extern struct workqueue_struct *system_highpri_wq; /* "events_highpri" */
extern struct workqueue_struct *system_bh_wq;	   /* "events_bh" */
extern struct workqueue_struct *system_bh_highpri_wq;

extern unsigned int wq_idle_timeout_ms; /* tests shorten it */

void workqueue_init_early(void); /* pools, system queues: after mm_init */
void workqueue_init(void);	 /* the pools' first workers: task context */

struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max_active);
void destroy_workqueue(struct workqueue_struct *wq);

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
/* On CPU cpu's pool (false, with a message, if cpu is not online). */
bool queue_work_on(unsigned int cpu, struct workqueue_struct *wq,
		   struct work_struct *work);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);
bool queue_delayed_work_on(unsigned int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay);
bool flush_work(struct work_struct *work);
void flush_workqueue(struct workqueue_struct *wq);
bool cancel_work_sync(struct work_struct *work);
bool cancel_delayed_work_sync(struct delayed_work *dwork);

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

static inline bool schedule_delayed_work(struct delayed_work *dwork,
					 unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}

/* A pool's worker counts right now (tests). */
struct wq_pool_info {
	unsigned int nr_workers, nr_idle, nr_running, nr_busy, max_busy;
};
void wq_get_pool_info(unsigned int cpu, bool highpri, struct wq_pool_info *i);

/* Tests only: hold a BH pool's tasklet (disabled: items stay queued,
 * in order) and let it go again. Task context. */
void wq_test_hold_bh(unsigned int cpu, bool highpri, bool hold);

/* Is the running thread a kworker? (tests, the defer demo) */
bool current_is_workqueue_worker(void);

/* The scheduler's hooks (kernel/sched/thread.c, schedule()): a worker
 * thread is about to block (or die), and is running again. */
struct thread;
void wq_worker_sleeping(struct thread *t);
void wq_worker_running(struct thread *t);

/*
 * For the wq shell command: a copy of the queues, the pools and the items
 * they hold, taken under their locks (each queue line under the queue
 * list's lock, each pool under its own), so that the caller can print it
 * afterwards at leisure. Names are copied: a queue may be destroyed, a
 * worker may exit, right after (function names are the symbol table's,
 * which stays). Up to WQ_SNAP_QUEUES queues (more do not
 * fit on the command's page anyway) and WQ_SNAP_PENDING pending items
 * per pool (nr_pending counts them all).
 * Context: wq_snapshot from task context (IRQs go off around each lock).
 */
#define WQ_SNAP_QUEUES	48
#define WQ_SNAP_PENDING 8
#define WQ_SNAP_POOLS	(MAX_CPUS * 4) /* normal, H, BH, BH H per CPU */

struct wq_snap_queue {
	char name[WQ_NAME_LEN];
	unsigned int flags; /* WQ_HIGHPRI, WQ_BH */
	int max_active;
	unsigned int active, pending, executing, max_executing;
	unsigned long queued, executed;
};

struct wq_snap_worker {
	char name[THREAD_NAME_LEN]; /* kworker/N:M */
	bool idle, sleeping;
	bool busy;	      /* executing an item: */
	const char *func;     /* ...its function's name, */
	char wq[WQ_NAME_LEN]; /* ...and its queue */
};

struct wq_snap_item {
	const char *func; /* the function's name ("?" if unknown) */
	char wq[WQ_NAME_LEN];
};

struct wq_snap_pool {
	unsigned int cpu;
	bool highpri, bh;
	char bh_name[20];    /* BH pools: their tasklet */
	bool bh_busy;	     /* BH pools: executing an item, */
	const char *bh_func; /* ...its function's name */
	unsigned int nr_workers, nr_idle, nr_running, nr_busy, max_busy;
	unsigned long nr_created, nr_exited, nr_oopsed;
	unsigned int nr_shown; /* workers[] filled (threads that exist) */
	struct wq_snap_worker workers[WQ_MAX_WORKERS];
	unsigned int nr_pending; /* all on the worklist; items[] the first */
	struct wq_snap_item items[WQ_SNAP_PENDING];
};

struct wq_snapshot {
	unsigned int nr_queues;
	struct wq_snap_queue queues[WQ_SNAP_QUEUES];
	unsigned int nr_pools; /* nr_cpus * 4: normal, H, BH, BH H */
	struct wq_snap_pool pools[WQ_SNAP_POOLS];
};

void wq_snapshot(struct wq_snapshot *snap);

#endif
