/* kernel/sched/stats.c - see stats.h. */
#include "kernel/sched/stats.h"

#include "kernel/bh/softirq.h"
#include "kernel/percpu.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/time.h"

/* Samples taken by the tick, not yet folded in (per CPU). */
struct tick_samples {
	unsigned long ticks[NR_CPUTIME];
	unsigned int nr_running; /* at the latest tick */
	unsigned long until_load;
};

static struct sched_stats stats[MAX_CPUS];
static struct tick_samples samples[MAX_CPUS];

unsigned long calc_load(unsigned long load, unsigned long exp,
			unsigned long active)
{
	unsigned long next = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		next += FIXED_1 - 1; /* round up while rising */
	return next >> FSHIFT;
}

/* The tick runs with one hard-IRQ level of its own: anything above that,
 * or a softirq being served, is what it interrupted. */
static enum cpu_time interrupted_context(bool idle)
{
	if (hardirq_count() > HARDIRQ_OFFSET)
		return CPUTIME_IRQ;
	if (in_serving_softirq())
		return CPUTIME_SOFTIRQ;
	return idle ? CPUTIME_IDLE : CPUTIME_TASK;
}

void sched_stats_tick(bool idle, unsigned int nr_running)
{
	struct tick_samples *s = &samples[smp_processor_id()];

	s->ticks[interrupted_context(idle)]++;
	s->nr_running = nr_running;
	raise_softirq_irqoff(SCHED_SOFTIRQ);
}

static void update_load(struct sched_stats *st, unsigned int nr_running)
{
	unsigned long active = (unsigned long)nr_running * FIXED_1;

	st->avenrun[0] = calc_load(st->avenrun[0], EXP_1, active);
	st->avenrun[1] = calc_load(st->avenrun[1], EXP_5, active);
	st->avenrun[2] = calc_load(st->avenrun[2], EXP_15, active);
	st->updates++;
}

/* SCHED_SOFTIRQ: fold the samples in; every LOAD_FREQ, the averages. */
static void sched_softirq_action(void)
{
	unsigned int cpu = smp_processor_id();
	struct tick_samples *s = &samples[cpu];
	struct sched_stats *st = &stats[cpu];
	unsigned long folded = 0;

	for (int i = 0; i < NR_CPUTIME; i++) {
		unsigned long n =
			__atomic_exchange_n(&s->ticks[i], 0, __ATOMIC_RELAXED);

		st->ticks[i] += n;
		folded += n;
	}
	if (s->until_load > folded) {
		s->until_load -= folded;
		return;
	}
	s->until_load = LOAD_FREQ;
	update_load(st, s->nr_running);
}

const struct sched_stats *sched_stats(unsigned int cpu)
{
	return cpu < MAX_CPUS ? &stats[cpu] : 0;
}

void sched_stats_init(void)
{
	open_softirq(SCHED_SOFTIRQ, sched_softirq_action);
}
