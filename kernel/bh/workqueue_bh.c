/*
 * kernel/bh/workqueue_bh.c - the BH pools: WQ_BH items run from a
 * tasklet, in softirq context, on the CPU that queued them. The API is
 * in workqueue.c, the worker pools in worker_pool.c. See workqueue.h and
 * docs/workqueues.md.
 */
#include "kernel/bh/workqueue.h"

#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue_internal.h"
#include "kernel/sched/spinlock.h"
#include "lib/printf.h"

struct worker_pool bh_pools[MAX_CPUS][NR_STD_POOLS];

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

void bh_pool_init(struct worker_pool *pool)
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
