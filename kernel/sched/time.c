/* kernel/sched/time.c - see time.h. */
#include "kernel/sched/time.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/cmdline.h"
#include "kernel/irq/irq_work.h"
#include "kernel/sched/hrtimer.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/timer.h"
#include "lib/string.h"

unsigned int hz = HZ_DEFAULT;
volatile unsigned long jiffies;
uint32_t tsc_khz;
/* ktime = ns_at_base + the TSC cycles since tsc_at_base, at tsc_khz */
static uint64_t tsc_at_base;
static uint64_t ns_at_base;

void time_init_tsc(uint32_t khz, uint64_t tsc_at_zero)
{
	tsc_khz = khz;
	tsc_at_base = tsc_at_zero;
	ns_at_base = 0;
}

/* The new rate counts from now on, and the clock goes on from where the
 * old rate had brought it: no step, and never backwards. */
void time_refine_tsc(uint32_t khz)
{
	uint64_t now = rdtsc();

	ns_at_base += tsc_to_ns(now - tsc_at_base);
	tsc_at_base = now;
	tsc_khz = khz;
}

void jiffies_tick(void)
{
	jiffies++;
	if (timers_due())
		raise_softirq_irqoff(TIMER_SOFTIRQ);
	hrtimer_tick();
	irq_work_tick(); /* PIC mode: no self-IPI, the tick runs them */
	scheduler_tick();
}

/* cycles * 1e6 / khz, split so that the product cannot overflow 64 bits. */
uint64_t tsc_to_ns(uint64_t cycles)
{
	if (!tsc_khz)
		return 0;
	return (cycles / tsc_khz) * 1000000 +
	       (cycles % tsc_khz) * 1000000 / tsc_khz;
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return (ns / 1000000) * tsc_khz + (ns % 1000000) * tsc_khz / 1000000;
}

uint64_t ktime_get_ns(void)
{
	return ktime_at_tsc(rdtsc());
}

uint64_t ktime_at_tsc(uint64_t tsc)
{
	if (!tsc_khz)
		return 0;
	if (tsc < tsc_at_base) /* read before the last rebase */
		return ns_at_base - tsc_to_ns(tsc_at_base - tsc);
	return ns_at_base + tsc_to_ns(tsc - tsc_at_base);
}

static int hz_param(const char *val)
{
	unsigned long v;

	if (kstrtoul(val, 10, &v) || v < HZ_MIN || v > HZ_MAX)
		return -1;
	hz = (unsigned int)v;
	return 0;
}
KERNEL_PARAM(hz, hz_param, "timer ticks per second, 100-1000");
