/*
 * kernel/sched/stats.h - the scheduler's periodic accounting, done in
 * SCHED_SOFTIRQ.
 *
 * Every tick the timer interrupt notes what it interrupted - a task, the
 * idle thread, a softirq or another hard IRQ - and raises SCHED_SOFTIRQ.
 * The softirq folds those samples into per-CPU totals (the shape of
 * Linux's /proc/stat) and, every LOAD_FREQ, updates the load averages:
 * exponentially decaying means of the number of runnable threads over 1,
 * 5 and 15 minutes, in fixed point with 11 fraction bits, with Linux's
 * decay constants. `uptime` shows both.
 *
 * Context: sched_stats_tick from the tick (hard IRQ); the getters from
 * any context (statistics, read without a lock).
 */
#ifndef KERNEL_SCHED_STATS_H
#define KERNEL_SCHED_STATS_H

#include <stdbool.h>

#define FSHIFT	  11
#define FIXED_1	  (1ul << FSHIFT)
#define LOAD_FREQ (5 * hz) /* ticks between load average updates */
#define EXP_1	  1884	   /* FIXED_1 / exp(5 s / 1 min) */
#define EXP_5	  2014	   /* FIXED_1 / exp(5 s / 5 min) */
#define EXP_15	  2037	   /* FIXED_1 / exp(5 s / 15 min) */

enum cpu_time {
	CPUTIME_TASK,
	CPUTIME_IDLE,
	CPUTIME_SOFTIRQ,
	CPUTIME_IRQ,
	NR_CPUTIME
};

struct sched_stats {
	unsigned long ticks[NR_CPUTIME]; /* folded by SCHED_SOFTIRQ */
	unsigned long avenrun[3];	 /* load averages, fixed point */
	unsigned long updates;		 /* load average updates done */
};

void sched_stats_init(void); /* opens SCHED_SOFTIRQ */
/* From the tick: what did it interrupt? */
void sched_stats_tick(bool idle, unsigned int nr_running);
const struct sched_stats *sched_stats(unsigned int cpu);
/* One decay step, exposed for the tests. */
unsigned long calc_load(unsigned long load, unsigned long exp,
			unsigned long active);

#endif
