/*
 * tests/kernel/sched_bench.c - what switching and waking cost.
 *
 *  ctx_switch   yield() in one thread until the next thread runs: two
 *               threads ping-pong, total / number of switches.
 *  wakeup       wake_up() of a sleeping thread until that thread's first
 *               instruction after its wait, the waker blocking at once.
 */
#include "kernel/arch/cpu.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"
#include "kernel/test/bench.h"

#define PINGPONG_ROUNDS 1000

static struct completion pong_done;

static int ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		yield();
	complete(&pong_done);
	return 0;
}

static uint64_t bench_ctx_switch(void)
{
	uint64_t start, cycles;

	init_completion(&pong_done);
	kthread_run(ponger, NULL, "bench-pong");
	yield(); /* let it start */
	start = rdtsc();
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		yield(); /* -> ponger -> back: two switches */
	cycles = rdtsc() - start;
	wait_for_completion(&pong_done);
	return cycles / (2 * PINGPONG_ROUNDS);
}
BENCH(ctx_switch, bench_ctx_switch,
      "thread-to-thread switch (yield -> other thread running)");

static DECLARE_WAIT_QUEUE_HEAD(bench_wq);
static volatile bool go;
static volatile uint64_t woke_at;
static struct completion woken;

static int sleeper(void *arg)
{
	(void)arg;
	for (int i = 0; i < BENCH_RUNS; i++) {
		wait_event(bench_wq, go);
		woke_at = rdtsc(); /* first thing after the wait */
		go = false;
		complete(&woken);
	}
	return 0;
}

static uint64_t bench_wakeup(void)
{
	uint64_t samples[BENCH_RUNS];

	init_completion(&woken);
	kthread_run(sleeper, NULL, "bench-sleeper");
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start;

		while (!waitqueue_active(&bench_wq))
			yield(); /* until the sleeper waits again */
		start = rdtsc();
		go = true;
		wake_up(&bench_wq);
		wait_for_completion(&woken); /* blocks: the sleeper runs */
		samples[i] = woke_at - start;
	}
	return bench_median(samples, BENCH_RUNS);
}
BENCH(wakeup, bench_wakeup, "wake_up() -> woken thread running (waker blocks)");
