/*
 * tests/kernel/bh_bench.c - what deferring work to a bottom half costs.
 *
 *  softirq_raise     raise_softirq() in a top half -> first line of the
 *                    softirq's action (through irq_exit and the run loop)
 *  tasklet_schedule  tasklet_schedule() in a top half -> first line of the
 *                    tasklet's function
 *  softirq_pass      one more pass of the run loop (an empty action that
 *                    re-raises itself: 10 passes minus 1 pass, over 9)
 *
 * The benchmarks borrow the NET_TX demo slot and put it back.
 */
#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/bh/tasklet.h"
#include "kernel/irq/offload.h"
#include "kernel/test/bench.h"

static volatile uint64_t raised_at, ran_at;
static int reraise;

static void stamp_action(void)
{
	ran_at = rdtsc(); /* first line */
}

static void raise_in_top_half(void *arg)
{
	(void)arg;
	raised_at = rdtsc();
	raise_softirq(NET_TX_SOFTIRQ);
}

static uint64_t bench_softirq_raise(void)
{
	void (*saved)(void) =
		softirq_test_set_action(NET_TX_SOFTIRQ, stamp_action);
	uint64_t samples[BENCH_RUNS];

	for (int i = 0; i < BENCH_RUNS; i++) {
		irq_offload(raise_in_top_half, NULL);
		samples[i] = ran_at - raised_at;
	}
	softirq_test_set_action(NET_TX_SOFTIRQ, saved);
	return bench_median(samples, BENCH_RUNS);
}
BENCH(softirq_raise, bench_softirq_raise,
      "raise_softirq in a top half -> the action's first line");

static void stamp_tasklet(struct tasklet *t)
{
	(void)t;
	ran_at = rdtsc();
}

static struct tasklet bench_tl;

static void schedule_in_top_half(void *arg)
{
	(void)arg;
	raised_at = rdtsc();
	tasklet_schedule(&bench_tl);
}

static uint64_t bench_tasklet_schedule(void)
{
	uint64_t samples[BENCH_RUNS];

	tasklet_init(&bench_tl, stamp_tasklet, "bench");
	for (int i = 0; i < BENCH_RUNS; i++) {
		irq_offload(schedule_in_top_half, NULL);
		samples[i] = ran_at - raised_at;
	}
	tasklet_kill(&bench_tl);
	return bench_median(samples, BENCH_RUNS);
}
BENCH(tasklet_schedule, bench_tasklet_schedule,
      "tasklet_schedule in a top half -> the function's first line");

static void reraise_action(void)
{
	if (reraise-- > 0)
		raise_softirq(NET_TX_SOFTIRQ);
}

/* Cycles for local_bh_enable to run `passes` passes of the loop. */
static uint64_t loop_cycles(int passes)
{
	uint64_t start;

	reraise = passes - 1;
	local_bh_disable();
	raise_softirq(NET_TX_SOFTIRQ);
	start = rdtsc();
	local_bh_enable();
	return rdtsc() - start;
}

static uint64_t bench_softirq_pass(void)
{
	void (*saved)(void) =
		softirq_test_set_action(NET_TX_SOFTIRQ, reraise_action);
	unsigned int saved_us = softirq_max_time_us;
	uint64_t samples[BENCH_RUNS];

	softirq_max_time_us = 1000 * 1000; /* only the pass limit applies */
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t ten = loop_cycles(MAX_SOFTIRQ_RESTART);
		uint64_t one = loop_cycles(1);

		samples[i] = (ten - one) / (MAX_SOFTIRQ_RESTART - 1);
	}
	softirq_max_time_us = saved_us;
	softirq_test_set_action(NET_TX_SOFTIRQ, saved);
	return bench_median(samples, BENCH_RUNS);
}
BENCH(softirq_pass, bench_softirq_pass,
      "one more pass of the softirq run loop (empty action)");
