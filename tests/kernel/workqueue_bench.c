/*
 * tests/kernel/workqueue_bench.c - from queue_work to the work function.
 *
 *  wq_queue_to_run     queue_work(system_wq) in a thread that then blocks,
 *                      until the first line of the work function on an
 *                      idle NORMAL kworker.
 *  wq_hi_queue_to_run  the same on system_highpri_wq: the FIFO kworker
 *                      preempts the queueing thread at once.
 *  wq_bh_queue_to_run  queue_work(system_bh_wq) in a hard interrupt
 *                      (irq_offload) until the work function starts in the
 *                      softirq that runs on irq_exit.
 */
#include "kernel/arch/cpu.h"
#include "kernel/bh/workqueue.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"
#include "kernel/test/bench.h"

static struct work_struct bench_work;
static volatile uint64_t ran_at;
static struct completion ran;

static void bench_work_fn(struct work_struct *work)
{
	(void)work;
	ran_at = rdtsc(); /* the first line */
	complete(&ran);
}

/* Until every worker of the pool is idle again (asleep or about to be). */
static void wait_pool_idle(bool highpri)
{
	struct wq_pool_info info;

	for (;;) {
		wq_get_pool_info(0, highpri, &info);
		if (!info.nr_busy && info.nr_idle == info.nr_workers)
			break;
		yield();
	}
	yield(); /* let the last one reach its sleep */
}

static uint64_t bench_queue_to_run(struct workqueue_struct *wq, bool hi)
{
	uint64_t samples[BENCH_RUNS];

	INIT_WORK(&bench_work, bench_work_fn);
	init_completion(&ran);
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start;

		wait_pool_idle(hi);
		start = rdtsc();
		queue_work(wq, &bench_work);
		wait_for_completion(&ran); /* blocks: the worker runs */
		samples[i] = ran_at - start;
		flush_work(&bench_work);
	}
	return bench_median(samples, BENCH_RUNS);
}

static uint64_t bench_wq(void)
{
	return bench_queue_to_run(system_wq, false);
}
BENCH(wq_queue_to_run, bench_wq,
      "queue_work -> work function start (idle NORMAL kworker)");

static uint64_t bench_wq_hi(void)
{
	return bench_queue_to_run(system_highpri_wq, true);
}
BENCH(wq_hi_queue_to_run, bench_wq_hi,
      "queue_work -> work function start (idle FIFO kworker, highpri)");

static volatile uint64_t queued_at;

static void queue_bh_from_irq(void *arg)
{
	(void)arg;
	queued_at = rdtsc();
	queue_work(system_bh_wq, &bench_work);
}

static uint64_t bench_wq_bh(void)
{
	uint64_t samples[BENCH_RUNS];

	INIT_WORK(&bench_work, bench_work_fn);
	init_completion(&ran);
	for (int i = 0; i < BENCH_RUNS; i++) {
		irq_offload(queue_bh_from_irq, NULL); /* runs on its irq_exit */
		wait_for_completion(&ran);
		samples[i] = ran_at - queued_at;
	}
	return bench_median(samples, BENCH_RUNS);
}
BENCH(wq_bh_queue_to_run, bench_wq_bh,
      "queue_work on a BH queue in hard IRQ -> work function start (softirq)");
