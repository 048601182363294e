/*
 * kernel/bh/workqueue_bh.c - the BH pools: WQ_BH items run from a
 * tasklet, in softirq context, on the pool's CPU (the one that queued
 * them, or the one queue_work_on named). The API is in workqueue.c, the
 * worker pools in worker_pool.c. See workqueue.h and docs/workqueues.md.
 *
 * A tasklet runs on the CPU that scheduled it, in that CPU's softirq.
 * So a pool's tasklet must be scheduled by the pool's own CPU: an item
 * queued from another CPU goes onto the pool's list, and the pool's
 * irq_work (an IPI to its CPU) schedules the tasklet there. Scheduling
 * it on the queueing CPU instead would run the item on the wrong CPU -
 * or, as in Linux until 2024, not at all (test
 * bh_work_on_remote_cpu_runs_there).
 */
#include "kernel/bh/workqueue.h"

#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue_internal.h"
#include "kernel/irq/irq_work.h"
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

/* Hard IRQ on the pool's CPU (irq_work): another CPU queued an item;
 * schedule the tasklet here, so that this CPU's softirq runs it (on
 * this very interrupt's irq_exit). */
static void bh_pool_kick_here(struct irq_work *iw)
{
	struct worker_pool *pool =
		container_of(iw, struct worker_pool, bh_kick);

	spin_lock(&pool->lock); /* hard IRQ: IRQs are off */
	kick_bh_pool(pool);
	spin_unlock(&pool->lock);
}

/* Every CPU slot's BH pools are ready from the start (an item may be
 * queued for a CPU the moment it is online); `tasklets` lists the
 * tasklets of the CPUs that are online (listed), the others once
 * workqueue_init calls bh_pool_list, or at their first schedule. */
void bh_pool_init(struct worker_pool *pool, bool listed)
{
	struct worker *w = &pool->workers[0];

	pool->bh = true;
	snprintf(pool->bh_name, sizeof(pool->bh_name), "wq_bh/%u%s", pool->cpu,
		 pool->highpri ? "H" : "");
	if (listed)
		tasklet_init(&pool->bh_tasklet, bh_pool_run, pool->bh_name);
	else
		pool->bh_tasklet = (struct tasklet)TASKLET_INIT(
			pool->bh_tasklet, bh_pool_run, pool->bh_name);
	init_irq_work(&pool->bh_kick, bh_pool_kick_here);
	w->in_use = true;
	w->pool = pool;
	INIT_LIST_HEAD(&w->node);
	INIT_LIST_HEAD(&w->scheduled);
	INIT_LIST_HEAD(&w->busy_node);
}

void bh_pool_list(struct worker_pool *pool)
{
	tasklet_register(&pool->bh_tasklet);
}

void wq_test_hold_bh(unsigned int cpu, bool highpri, bool hold)
{
	struct worker_pool *pool = &bh_pools[cpu][highpri];

	if (hold)
		tasklet_disable(&pool->bh_tasklet);
	else /* from any CPU: it is raised on the pool's */
		tasklet_enable(&pool->bh_tasklet);
}
