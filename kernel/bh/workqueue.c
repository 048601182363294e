/*
 * kernel/bh/workqueue.c - work queues: the API (queueing, delayed items,
 * flush and cancel, creating and destroying queues) and the snapshot the
 * wq command prints. The worker pools and their concurrency management
 * are in worker_pool.c, the BH pools in workqueue_bh.c; what they share
 * in workqueue_internal.h. See workqueue.h and docs/workqueues.md.
 *
 *   queue_work(wq, w)         this CPU ──┐
 *   queue_work_on(cpu, wq, w) that CPU ──┤
 *                                        v
 *            pool_workqueue wq->pwqs[cpu] (max_active, flush colors)
 *                               │ active                │ over max_active
 *                               v                       v
 *                        pool->worklist            pwq->inactive
 *                               │  (taken in order by the pool's workers)
 *                               v
 *        kworker/N:0   kworker/N:1   ...   (one pool per CPU and priority,
 *                                           its workers bound to CPU N)
 *
 * Locking: each pool's lock (IRQs off) covers its lists, its workers'
 * state, the pwqs that feed it and the flushers waiting on it. Lock
 * order: pool lock -> wait queue lock -> scheduler lock. A work_struct's
 * PENDING bit is taken with an atomic test-and-set (whoever sets it owns
 * the queueing), as in Linux. Between taking PENDING and putting the
 * item on a list (or arming its timer) IRQs stay off: another CPU that
 * wants the item (grab_pending) waits for that moment, and nothing on
 * this CPU can come in between and wait for it forever.
 */
#include "kernel/bh/workqueue.h"

#include <stddef.h>

#include "kernel/backtrace.h"
#include "kernel/bh/workqueue_internal.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/smp/ipi.h"
#include "kernel/trace/trace.h"
#include "lib/string.h"

static LIST_HEAD(all_workqueues);
static DEFINE_SPINLOCK(wq_list_lock);
static DECLARE_WAIT_QUEUE_HEAD(flush_waitq);

struct workqueue_struct *system_wq;
struct workqueue_struct *system_highpri_wq;
struct workqueue_struct *system_bh_wq;
struct workqueue_struct *system_bh_highpri_wq;

/* ---- small helpers ------------------------------------------------------- */

/* Out of line and cold: the fast path below is one compare. */
__attribute__((noinline, cold, regparm(3))) bool
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

const char *func_name(work_func_t fn)
{
	uint32_t off;
	const char *name = ksym_lookup((uint32_t)(uintptr_t)fn, &off);

	return name ? name : "?";
}

/* ---- flushers ------------------------------------------------------------ */

static void wake_flushers(void)
{
	if (waitqueue_active(&flush_waitq))
		wake_up_all(&flush_waitq);
}

/* Locked: release flushers of w's execution (worker != NULL), or of a
 * pending item that was cancelled (worker == NULL). */
void release_flushers(struct worker_pool *pool, struct worker *w,
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
void pwq_activate_next(struct pool_workqueue *pwq)
{
	struct work_struct *work;

	if (list_empty(&pwq->inactive) ||
	    pwq->nr_active >= (unsigned int)pwq->wq->max_active)
		return;
	work = list_first_entry(&pwq->inactive, struct work_struct, entry);
	work_clear_bits(work, WORK_INACTIVE);
	list_move_tail(&work->entry, &pwq->pool->worklist);
	pwq->nr_active++;
	trace_event(TRACE_WQ_ACTIVATE_WORK, (uint32_t)(uintptr_t)work,
		    (uint32_t)(uintptr_t)work->func, 0);
}

/* Locked: put a work whose PENDING bit we own on pwq. */
static void insert_work(struct pool_workqueue *pwq, struct work_struct *work)
{
	work->pwq = pwq;
	work->pool = pwq->pool;
	/* ...before the item is on a list: queued_on() relies on it */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (pwq->work_color)
		work_set_bits(work, WORK_COLOR);
	else
		work_clear_bits(work, WORK_COLOR);
	pwq->nr_in_flight[pwq->work_color]++;
	wq_count_queued(pwq->wq);
	trace_event(TRACE_WQ_QUEUE_WORK, (uint32_t)(uintptr_t)work,
		    (uint32_t)(uintptr_t)work->func, pwq->pool->cpu);
	if (pwq->nr_active < (unsigned int)pwq->wq->max_active) {
		pwq->nr_active++;
		/* active at once (Linux records activate_work here too) */
		trace_event(TRACE_WQ_ACTIVATE_WORK, (uint32_t)(uintptr_t)work,
			    (uint32_t)(uintptr_t)work->func, 0);
		list_add_tail(&work->entry, &pwq->pool->worklist);
		kick_pool(pwq->pool);
	} else {
		work_set_bits(work, WORK_INACTIVE);
		list_add_tail(&work->entry, &pwq->inactive);
	}
}

/*
 * Put work, whose PENDING bit the caller owns, on cpu's pool. IRQs are
 * off since the caller took PENDING; flags is what the caller saved, and
 * this restores it when the item is queued (a worker woken here may run
 * at once: the last unlock is a preemption point).
 */
static void __queue_work(unsigned int cpu, struct workqueue_struct *wq,
			 struct work_struct *work, unsigned long flags)
{
	struct pool_workqueue *pwq = &wq->pwqs[cpu];
	struct worker_pool *last = work->pool;

	/* Still running on another pool (another CPU's)? Queue it there, so
	 * that it never runs twice at once - whatever CPU was asked for.
	 * (On its own pool, process_one_work hands it to the worker running
	 * it.) */
	if (last && last != pwq->pool) {
		struct worker *w;

		spin_lock(&last->lock);
		w = find_worker_executing(last, work);
		if (w && w->current_pwq->wq == wq)
			pwq = w->current_pwq;
		spin_unlock(&last->lock);
	}
	spin_lock(&pwq->pool->lock);
	if (wq->dying) {
		work_clear_bits(work, WORK_PENDING); /* before IRQs are back */
		spin_unlock_irqrestore(&pwq->pool->lock, flags);
		pr_err("workqueue %s: queue_work(%s) while it is being destroyed: refused\n",
		       wq->name, func_name(work->func));
		return;
	}
	insert_work(pwq, work);
	spin_unlock_irqrestore(&pwq->pool->lock, flags);
}

/* Take PENDING and queue on cpu (this CPU if cpu is WORK_THIS_CPU,
 * read with IRQs off: an interrupt handler queues on the CPU it
 * interrupted). */
#define WORK_THIS_CPU (~0u)

static inline bool queue_pending(unsigned int cpu, struct workqueue_struct *wq,
				 struct work_struct *work)
{
	unsigned long flags;

	if (work->flags & WORK_CANCELING)
		return false;
	flags = local_irq_save();
	if (work_set_bits(work, WORK_PENDING) & WORK_PENDING) {
		local_irq_restore(flags);
		return false; /* already queued: it will run once */
	}
	__queue_work(cpu == WORK_THIS_CPU ? smp_processor_id() : cpu, wq, work,
		     flags);
	return true;
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
	return queue_pending(WORK_THIS_CPU, wq, work);
}

/* A CPU to queue on: online, or refused with a message naming api. */
static bool cpu_ok(unsigned int cpu, const char *api, work_func_t fn)
{
	if (cpu < MAX_CPUS && cpu_online(cpu))
		return true;
	pr_err("%s(%s): CPU %u is not online (%u online): refused\n", api,
	       func_name(fn), cpu, nr_cpus);
	return false;
}

bool queue_work_on(unsigned int cpu, struct workqueue_struct *wq,
		   struct work_struct *work)
{
	if (work_bad(work))
		return work_refused(work, "queue_work_on");
	if (!wq) {
		pr_err("queue_work_on: NULL workqueue: refused\n");
		return false;
	}
	if (!cpu_ok(cpu, "queue_work_on", work->func))
		return false;
	return queue_pending(cpu, wq, work);
}

/* Timer (softirq, CPU 0): the delay is over; queue the item on the CPU
 * chosen when it was armed - unless mod_delayed_work or a cancel took
 * it back after the timer expired and before this line (then they own
 * PENDING, see grab_pending). */
void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork =
		container_of(t, struct delayed_work, timer);
	unsigned long flags = local_irq_save();

	if (!__atomic_exchange_n(&dwork->timer_owns, false, __ATOMIC_ACQ_REL)) {
		local_irq_restore(flags);
		return;
	}
	__atomic_sub_fetch(&dwork->wq->nr_delayed, 1, __ATOMIC_RELAXED);
	__queue_work(dwork->cpu, dwork->wq, &dwork->work, flags);
}

/*
 * The caller owns PENDING; IRQs are off since it took it (flags: as
 * saved, restored here). The timer gets PENDING (timer_owns) before it
 * is armed: if an earlier run of the timer function is only now getting
 * to its first line, it takes this arming instead - the item runs early,
 * once, and the timer finds nothing to do when it fires (no double
 * queueing: one owner of PENDING at a time).
 */
static void __queue_delayed_work(unsigned int cpu, struct workqueue_struct *wq,
				 struct delayed_work *dwork,
				 unsigned long delay, unsigned long flags)
{
	if (!delay) {
		__queue_work(cpu, wq, &dwork->work, flags);
		return;
	}
	dwork->wq = wq;
	dwork->cpu = cpu;
	__atomic_add_fetch(&wq->nr_delayed, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&dwork->timer_owns, true, __ATOMIC_RELEASE);
	mod_timer(&dwork->timer, jiffies + delay);
	local_irq_restore(flags);
}

static bool queue_delayed(unsigned int cpu, struct workqueue_struct *wq,
			  struct delayed_work *dwork, unsigned long delay,
			  const char *api)
{
	unsigned long flags;

	if (!wq || !dwork || !dwork->work.func) {
		pr_err("%s: NULL workqueue, work or function: refused\n", api);
		return false;
	}
	if (!work_ok(&dwork->work, api))
		return false;
	if (cpu != WORK_THIS_CPU && !cpu_ok(cpu, api, dwork->work.func))
		return false;
	if (dwork->work.flags & WORK_CANCELING)
		return false;
	flags = local_irq_save();
	if (work_set_bits(&dwork->work, WORK_PENDING) & WORK_PENDING) {
		local_irq_restore(flags);
		return false; /* keeps its existing deadline */
	}
	__queue_delayed_work(cpu == WORK_THIS_CPU ? smp_processor_id() : cpu,
			     wq, dwork, delay, flags);
	return true;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	return queue_delayed(WORK_THIS_CPU, wq, dwork, delay,
			     "queue_delayed_work");
}

bool queue_delayed_work_on(unsigned int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed(cpu, wq, dwork, delay, "queue_delayed_work_on");
}

/*
 * Locked (pool): is work on one of pool's lists (its worklist, a
 * worker's scheduled list, a pwq's inactive list)? Holding pool's lock
 * keeps it there if it is; but the item may be on another CPU's pool,
 * or being put there right now, under that pool's lock. So the entry is
 * read first, then work->pwq: insert_work stores pwq before it links
 * the entry (a fence between), and x86 keeps loads in order, so a linked
 * entry seen here comes with the pwq of the list it is on. (The other
 * order could pair a stale pwq, left by a steal, with another pool's
 * list.)
 */
static bool queued_on(const struct work_struct *work,
		      const struct worker_pool *pool)
{
	const struct pool_workqueue *pwq;

	if (__atomic_load_n(&work->entry.next, __ATOMIC_ACQUIRE) ==
	    &work->entry)
		return false; /* on no list */
	pwq = __atomic_load_n(&work->pwq, __ATOMIC_ACQUIRE);
	return pwq && pwq->pool == pool;
}

/* Locked (pool): take a pending item off pool's lists, keeping its
 * PENDING bit for the caller. False if it is not on one of them. */
static bool steal_queued_work(struct work_struct *work,
			      struct worker_pool *pool)
{
	struct pool_workqueue *pwq = work->pwq;

	if (!queued_on(work, pool))
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

/* The delay timer's hold on PENDING, taken back: true if it had it (it
 * was armed, or expired and its function has not got that far). */
static bool take_from_timer(struct delayed_work *dwork)
{
	del_timer(&dwork->timer); /* if it is still on the list */
	if (!__atomic_exchange_n(&dwork->timer_owns, false, __ATOMIC_ACQ_REL))
		return false;
	__atomic_sub_fetch(&dwork->wq->nr_delayed, 1, __ATOMIC_RELAXED);
	return true;
}

enum { GRABBED_IDLE = 0, GRABBED_PENDING = 1, GRAB_AGAIN = -1 };

/*
 * Take ownership of work's PENDING bit, wherever it is: held by the delay
 * timer, on a worklist, or not pending at all (then we set it). IRQs off.
 * GRABBED_PENDING if it was pending, GRABBED_IDLE if not; GRAB_AGAIN if
 * another CPU owns PENDING and is between taking it and queueing the
 * item (queue_work, the timer function, a cancel): a moment with IRQs
 * off there, so the caller just tries again.
 */
static int grab_pending(struct work_struct *work, struct delayed_work *dwork)
{
	struct worker_pool *pool;
	int ret = GRAB_AGAIN;

	if (dwork && take_from_timer(dwork))
		return GRABBED_PENDING;
	if (!(work_set_bits(work, WORK_PENDING) & WORK_PENDING))
		return GRABBED_IDLE;
	pool = __atomic_load_n(&work->pool, __ATOMIC_ACQUIRE);
	if (!pool)
		return GRAB_AGAIN; /* its first queueing is under way */
	spin_lock(&pool->lock);
	/* on this pool's lists - or already on its way to another pool */
	if (steal_queued_work(work, pool))
		ret = GRABBED_PENDING;
	spin_unlock(&pool->lock);
	return ret;
}

/* grab_pending until it works. IRQs off. */
static bool grab_pending_wait(struct work_struct *work,
			      struct delayed_work *dwork)
{
	int ret;

	while ((ret = grab_pending(work, dwork)) == GRAB_AGAIN)
		cpu_relax();
	return ret == GRABBED_PENDING;
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
	was_pending = grab_pending_wait(&dwork->work, dwork);
	if (dwork->work.flags & WORK_CANCELING) {
		/* a cancel (on another CPU) started meanwhile: it wins */
		work_clear_bits(&dwork->work, WORK_PENDING);
		local_irq_restore(flags);
		return false;
	}
	__queue_delayed_work(smp_processor_id(), wq, dwork, delay, flags);
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
	for (;;) {
		/* static: valid even if its queue is gone */
		pool = __atomic_load_n(&work->pool, __ATOMIC_ACQUIRE);
		if (!pool)
			return false; /* never queued */
		flags = spin_lock_irqsave(&pool->lock);
		if (queued_on(work, pool))
			break; /* pending here: wait for its start */
		/* Queued on another CPU's pool meanwhile? That pool's lock
		 * covers it, not this one: look there. */
		if (__atomic_load_n(&work->pool, __ATOMIC_ACQUIRE) != pool) {
			spin_unlock_irqrestore(&pool->lock, flags);
			continue;
		}
		f.worker = find_worker_executing(pool, work);
		if (f.worker)
			break; /* running here: wait for its end */
		spin_unlock_irqrestore(&pool->lock, flags);
		return false; /* idle (or only on its delay timer) */
	}
	list_add_tail(&f.node, &pool->flushers);
	spin_unlock_irqrestore(&pool->lock, flags);
	wait_event(flush_waitq, f.done);
	return true;
}

static bool __cancel_work_sync(struct work_struct *work,
			       struct delayed_work *dwork, const char *api)
{
	unsigned long flags;
	bool was_pending;

	if (might_sleep() || !work_ok(work, api))
		return false;
	work_set_bits(work, WORK_CANCELING); /* queue_work refuses now */
	/* A delay timer whose function runs (on CPU 0) is waited for: once
	 * it returns, the item is on a worklist, or the timer never got
	 * PENDING. Either way grab_pending takes it below. */
	if (dwork)
		del_timer_sync(&dwork->timer);
	flags = local_irq_save();
	was_pending = grab_pending_wait(work, dwork);
	work_clear_bits(work, WORK_PENDING);
	local_irq_restore(flags);
	flush_work(work); /* if it is running (on any CPU), wait for it */
	work_clear_bits(work, WORK_CANCELING);
	return was_pending;
}

/* A delayed item's timer holds its PENDING bit: cancelled as a plain
 * work item, it would be found pending on no list for as long as the
 * timer waits (grab_pending: "again", with IRQs off - for ever on CPU 0,
 * where timers run). So its timer is taken back too. */
bool cancel_work_sync(struct work_struct *work)
{
	struct delayed_work *dwork = work && (work->flags & WORK_DELAYED)
					     ? to_delayed_work(work)
					     : NULL;

	return __cancel_work_sync(work, dwork, "cancel_work_sync");
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return __cancel_work_sync(&dwork->work, dwork,
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

/* Pools for every CPU and the system queues, before any driver can
 * queue work: items queued before the workers exist wait on the
 * worklist (BH items run as soon as softirqs do). */
void workqueue_init_early(void)
{
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		for (int p = 0; p < NR_STD_POOLS; p++) {
			pool_init(&cpu_pools[cpu][p], cpu, p == POOL_HIGHPRI);
			pool_init(&bh_pools[cpu][p], cpu, p == POOL_HIGHPRI);
			/* the APs are not up yet: every slot gets BH pools,
			 * `tasklets` lists those of CPU 0 (workqueue_init
			 * lists the others once they are online) */
			bh_pool_init(&bh_pools[cpu][p], cpu < nr_cpus);
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

/* ---- the wq shell command's snapshot --------------------------------------- */

/* Locked (wq_list_lock). */
static void snap_queue(struct wq_snap_queue *s, struct workqueue_struct *wq)
{
	unsigned int pending = 0, active = 0;

	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		const struct pool_workqueue *pwq = &wq->pwqs[cpu];

		pending += pwq->nr_in_flight[0] + pwq->nr_in_flight[1];
		active += pwq->nr_active;
	}
	strlcpy(s->name, wq->name, sizeof(s->name));
	s->flags = wq->flags;
	s->max_active = wq->max_active;
	s->active = active;
	s->pending = pending - wq->nr_executing; /* in flight = both */
	s->executing = wq->nr_executing;
	s->max_executing = wq->max_executing;
	s->queued = wq->nr_queued;
	s->executed = wq->nr_executed;
}

/* Locked (pool->lock). */
static void snap_workers(struct wq_snap_pool *s, struct worker_pool *pool)
{
	s->nr_shown = 0;
	for (int i = 0; i < WQ_MAX_WORKERS; i++) {
		const struct worker *w = &pool->workers[i];
		struct wq_snap_worker *sw = &s->workers[s->nr_shown];

		if (!w->in_use || !w->task)
			continue;
		s->nr_shown++;
		strlcpy(sw->name, w->task->name, sizeof(sw->name));
		sw->idle = w->flags & WORKER_IDLE;
		sw->sleeping = w->flags & WORKER_SLEEPING;
		sw->busy = w->current_work != NULL;
		sw->func = sw->busy ? func_name(w->current_func) : NULL;
		sw->wq[0] = '\0';
		if (sw->busy)
			strlcpy(sw->wq, w->current_pwq->wq->name,
				sizeof(sw->wq));
	}
}

/* Locked (pool->lock). */
static void snap_items(struct wq_snap_pool *s, struct worker_pool *pool)
{
	struct work_struct *work;
	unsigned int n = 0;

	list_for_each_entry (work, &pool->worklist, entry) {
		if (n < WQ_SNAP_PENDING) {
			s->items[n].func = func_name(work->func);
			strlcpy(s->items[n].wq, work->pwq->wq->name,
				sizeof(s->items[n].wq));
		}
		n++;
	}
	s->nr_pending = n;
}

/* Locked (pool->lock). */
static void snap_pool(struct wq_snap_pool *s, struct worker_pool *pool)
{
	const struct worker *w0 = &pool->workers[0];

	s->cpu = pool->cpu;
	s->highpri = pool->highpri;
	s->bh = pool->bh;
	strlcpy(s->bh_name, pool->bh_name, sizeof(s->bh_name));
	s->bh_busy = pool->bh && w0->current_work;
	s->bh_func = s->bh_busy ? func_name(w0->current_func) : NULL;
	s->nr_workers = pool->nr_workers;
	s->nr_idle = pool->nr_idle;
	s->nr_running = pool->nr_running;
	s->nr_busy = pool->nr_busy;
	s->max_busy = pool->max_busy;
	s->nr_created = pool->nr_created;
	s->nr_exited = pool->nr_exited;
	s->nr_oopsed = pool->nr_oopsed;
	if (pool->bh)
		s->nr_shown = 0;
	else
		snap_workers(s, pool);
	snap_items(s, pool);
}

void wq_snapshot(struct wq_snapshot *snap)
{
	struct workqueue_struct *wq;
	unsigned long flags;

	snap->nr_queues = 0;
	flags = spin_lock_irqsave(&wq_list_lock);
	list_for_each_entry (wq, &all_workqueues, node) {
		if (snap->nr_queues == WQ_SNAP_QUEUES)
			break;
		snap_queue(&snap->queues[snap->nr_queues++], wq);
	}
	spin_unlock_irqrestore(&wq_list_lock, flags);
	snap->nr_pools = 0;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		for (int p = 0; p < 2 * NR_STD_POOLS; p++) {
			struct worker_pool *pool =
				p < NR_STD_POOLS
					? &cpu_pools[cpu][p]
					: &bh_pools[cpu][p - NR_STD_POOLS];

			flags = spin_lock_irqsave(&pool->lock);
			snap_pool(&snap->pools[snap->nr_pools++], pool);
			spin_unlock_irqrestore(&pool->lock, flags);
		}
	}
}
