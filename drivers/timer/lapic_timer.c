/* drivers/timer/lapic_timer.c - see lapic_timer.h. */
#include "drivers/timer/lapic_timer.h"

#include "drivers/irqchip/lapic.h"
#include "drivers/timer/pit.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/sched/hrtimer.h"
#include "lib/errno.h"
#include "lib/sort.h"

#define DIVIDE_BY_16   0x3 /* 10.5.4: divide configuration value */
#define LVT_TIMER_MASK (1u << 16)
#define CALIBRATE_MS   10
#define CALIBRATE_RUNS 5

static uint32_t counts_per_ms;

static void program(uint64_t delta_ns)
{
	uint64_t count = delta_ns * counts_per_ms / 1000000;

	if (count == 0)
		count = 1;
	if (count > 0xffffffffu)
		count = 0xffffffffu;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count); /* starts counting */
}

static struct clock_event lapic_clock_event = {
	.name = "lapic-oneshot",
	.program = program,
};

static void lapic_timer_interrupt(struct trap_frame *f)
{
	(void)f;
	irq_enter();
	hrtimer_interrupt();
	lapic_eoi();
	irq_exit();
}

static void mark(void *arg)
{
	uint32_t *c = arg;

	*c = lapic_read(LAPIC_TIMER_CUR) - *c; /* start, then end - start */
}

/* Counts in one PIT-timed window (the timer counts down); -1 if the
 * PIT's channel 2 never counted down (a bounded wait, see pit.h). */
static int64_t counts_per_window(void)
{
	uint32_t c = 0;
	int err;

	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	err = pit_stopwatch(CALIBRATE_MS, mark, mark, &c);
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (err)
		return -1;
	return (uint32_t)-c; /* (end - start) is negative: it counted down */
}

/* Counts per ms into *per_ms; -ETIMEDOUT without a PIT stopwatch. */
static int calibrate(uint32_t *per_ms)
{
	uint64_t w[CALIBRATE_RUNS];

	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		int64_t c = counts_per_window();

		if (c < 0)
			return -ETIMEDOUT;
		w[i] = (uint64_t)c;
	}
	/* the median: one window stretched by a busy host does not count */
	*per_ms = (uint32_t)(median_u64(w, CALIBRATE_RUNS) / CALIBRATE_MS);
	return 0;
}

int lapic_timer_init(void)
{
	if (!lapic_enabled())
		return -ENODEV;
	lapic_write(LAPIC_TIMER_DIV, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_MASK | LAPIC_TIMER_VECTOR);
	if (calibrate(&counts_per_ms)) {
		pr_warn("lapic-timer: no PIT stopwatch to calibrate against; hrtimers use the tick\n");
		return -ENODEV;
	}
	if (!counts_per_ms) {
		pr_warn("lapic-timer: does not count; hrtimers use the tick\n");
		return -ENODEV;
	}
	lapic_clock_event.min_delta_ns = 1000; /* 1 us */
	lapic_clock_event.max_delta_ns =
		(uint64_t)0xffffffffu * 1000000 / counts_per_ms;
	trap_set_handler(LAPIC_TIMER_VECTOR, lapic_timer_interrupt);
	lapic_write(LAPIC_LVT_TIMER,
		    LAPIC_TIMER_VECTOR); /* one-shot, unmasked */
	hrtimer_set_clock_event(&lapic_clock_event);
	pr_info("lapic-timer: %u.%03u MHz (divided by 16), one-shot clock "
		"event for hrtimers\n",
		counts_per_ms / 1000, counts_per_ms % 1000);
	return 0;
}

uint32_t lapic_timer_khz(void)
{
	return counts_per_ms;
}
