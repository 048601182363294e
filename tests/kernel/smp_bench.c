/*
 * tests/kernel/smp_bench.c - what it costs to reach another CPU, measured
 * from CPU 0 (the bench thread's) to CPU 1, which is idle (halted) at the
 * start of every sample.
 *
 *  ipi_call_round_trip  smp_call_function_single(1, empty function,
 *                       wait): from the call until it returns on CPU 0
 *                       (CALL_VECTOR there, the function, csd done).
 *  remote_wakeup        wake_up() of a thread blocked on CPU 1 until its
 *                       first instruction after the wait (a reschedule
 *                       IPI ends CPU 1's idle loop); the waker blocks.
 *  wq_remote_queue_to_run
 *                       queue_work_on(1, system_wq) until the work
 *                       function's first line on an idle kworker/1:N.
 *  wq_bh_remote_queue_to_run
 *                       queue_work_on(1, system_bh_wq) from a thread on
 *                       CPU 0 until the work function's first line in
 *                       CPU 1's softirq (the pool's irq_work IPI, the
 *                       tasklet on that IPI's irq_exit).
 *
 * Under -icount (`make bench`, booted with -smp 2) QEMU runs the two
 * vCPUs in turn on one thread with one instruction counter, so rdtsc on
 * either CPU reads the same clock, and a figure counts the instructions
 * both CPUs executed from start to end (the waiting CPU's spinning
 * included). With one CPU these benchmarks are skipped.
 */
#include "kernel/arch/cpu.h"
#include "kernel/bh/workqueue.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/bench.h"

#define TARGET_CPU 1

static bool have_target(const char *name)
{
	if (cpu_online(TARGET_CPU))
		return true;
	console_printf("# bench: %s needs a second CPU (boot with -smp 2)\n",
		       name);
	return false;
}

static void empty_call(void *arg)
{
	(void)arg;
}

static uint64_t bench_ipi_round_trip(void)
{
	uint64_t samples[BENCH_RUNS];

	if (!have_target("ipi_call_round_trip"))
		return BENCH_SKIPPED;
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start = rdtsc();

		smp_call_function_single(TARGET_CPU, empty_call, NULL, true);
		samples[i] = rdtsc() - start;
	}
	return bench_median(samples, BENCH_RUNS);
}
BENCH(ipi_call_round_trip, bench_ipi_round_trip,
      "smp_call_function_single(1, empty, wait) -> returns (CPU 0 to 1 and back)");

/* ---- a wakeup across CPUs --------------------------------------------------- */

static DECLARE_WAIT_QUEUE_HEAD(remote_wq);
static volatile bool remote_go;
static volatile uint64_t remote_woke_at;
static struct completion remote_woken;

static int remote_sleeper(void *arg)
{
	(void)arg;
	for (int i = 0; i < BENCH_RUNS; i++) {
		wait_event(remote_wq, remote_go);
		remote_woke_at = rdtsc(); /* first thing after the wait */
		remote_go = false;
		complete(&remote_woken);
	}
	return 0;
}

/* Until the thread waits again and its CPU has gone idle. Sleeping, not
 * spinning: under -icount the two vCPUs take turns on one host thread,
 * and CPU 0 spinning in a yield() loop leaves CPU 1 (behind on its own
 * timer ticks) next to no turns at all. The last sleep lets CPU 1
 * finish switching to its idle thread and halt. */
static void wait_until_blocked(struct thread *t)
{
	while (!waitqueue_active(&remote_wq) || t->state != THREAD_SLEEPING)
		msleep(1);
	msleep(1);
}

static uint64_t bench_remote_wakeup(void)
{
	uint64_t samples[BENCH_RUNS];
	struct thread *t;

	if (!have_target("remote_wakeup"))
		return BENCH_SKIPPED;
	init_completion(&remote_woken);
	t = kthread_create_on_cpu(remote_sleeper, NULL, TARGET_CPU,
				  "bench-remote");
	if (!t)
		return BENCH_SKIPPED;
	wake_up_new_thread(t);
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start;

		wait_until_blocked(t);
		start = rdtsc();
		remote_go = true;
		wake_up(&remote_wq);
		wait_for_completion(&remote_woken); /* blocks */
		samples[i] = remote_woke_at - start;
	}
	return bench_median(samples, BENCH_RUNS);
}
BENCH(remote_wakeup, bench_remote_wakeup,
      "wake_up() from CPU 0 -> woken thread running on CPU 1 (waker blocks)");

/* ---- queue_work_on another CPU ---------------------------------------------- */

static struct work_struct remote_work;
static volatile uint64_t remote_ran_at;
static struct completion remote_ran;

static void remote_work_fn(struct work_struct *work)
{
	(void)work;
	remote_ran_at = rdtsc(); /* the first line */
	complete(&remote_ran);
}

/* Until every worker of CPU 1's normal pool is idle, and CPU 1 too
 * (sleeping, as wait_until_blocked says why). */
static void wait_target_pool_idle(void)
{
	struct wq_pool_info info;

	for (;;) {
		wq_get_pool_info(TARGET_CPU, false, &info);
		if (!info.nr_busy && info.nr_idle == info.nr_workers)
			break;
		msleep(1);
	}
	msleep(1);
}

static uint64_t bench_remote_queue_to_run(struct workqueue_struct *wq,
					  const char *name)
{
	uint64_t samples[BENCH_RUNS];

	if (!have_target(name))
		return BENCH_SKIPPED;
	INIT_WORK(&remote_work, remote_work_fn);
	init_completion(&remote_ran);
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start;

		wait_target_pool_idle();
		start = rdtsc();
		queue_work_on(TARGET_CPU, wq, &remote_work);
		wait_for_completion(&remote_ran); /* blocks */
		samples[i] = remote_ran_at - start;
		flush_work(&remote_work);
	}
	return bench_median(samples, BENCH_RUNS);
}

static uint64_t bench_wq_remote(void)
{
	return bench_remote_queue_to_run(system_wq, "wq_remote_queue_to_run");
}
BENCH(wq_remote_queue_to_run, bench_wq_remote,
      "queue_work_on(1) from CPU 0 -> work function start (idle kworker/1:N)");

static uint64_t bench_wq_bh_remote(void)
{
	return bench_remote_queue_to_run(system_bh_wq,
					 "wq_bh_remote_queue_to_run");
}
BENCH(wq_bh_remote_queue_to_run, bench_wq_bh_remote,
      "queue_work_on(1) on a BH queue from CPU 0 -> work function start (CPU 1 softirq)");
