/* drivers/timer/lapic_timer.c - see lapic_timer.h. */
#include "drivers/timer/lapic_timer.h"

#include <stdbool.h>

#include "drivers/irqchip/lapic.h"
#include "drivers/timer/calibrate.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/percpu.h"
#include "kernel/sched/hrtimer.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "lib/errno.h"

#define DIVIDE_BY_16	   0x3 /* 10.5.4: divide configuration value */
#define LVT_TIMER_MASK	   (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17) /* 10.5.4: mode bits 17-18 = 01 */
#define CALIBRATE_MIN_US   5000 /* the window at the least (docs/boot.md) */

static uint32_t counts_per_ms;
static uint32_t calibration_ppm; /* the uncertainty it claimed */

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

/* The count, turned to count up (the timer counts down from INIT). */
static uint32_t count_up(void)
{
	return ~lapic_read(LAPIC_TIMER_CUR);
}

static struct calib_window window;
static bool counting; /* lapic_timer_init started the window */

int lapic_timer_init(void)
{
	if (!lapic_enabled())
		return -ENODEV;
	lapic_write(LAPIC_TIMER_DIV, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_MASK | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu); /* 68 s at 62.5 MHz */
	calib_start(&window, count_up);
	counting = true;
	return 0;
}

int lapic_timer_start(void)
{
	struct calib_result r;
	int err;

	if (!counting)
		return -ENODEV;
	counting = false;
	err = calib_end(&window, CALIBRATE_MIN_US, &r);
	lapic_write(LAPIC_TIMER_INIT, 0); /* stop: program() starts it */
	if (err) {
		pr_warn("lapic-timer: no PIT stopwatch to calibrate against; hrtimers use the tick\n");
		return -ENODEV;
	}
	if (!r.khz) {
		pr_warn("lapic-timer: does not count; hrtimers use the tick\n");
		return -ENODEV;
	}
	counts_per_ms = r.khz;
	calibration_ppm = r.ppm;
	lapic_clock_event.min_delta_ns = 1000; /* 1 us */
	lapic_clock_event.max_delta_ns =
		(uint64_t)0xffffffffu * 1000000 / counts_per_ms;
	trap_set_handler(LAPIC_TIMER_VECTOR, lapic_timer_interrupt);
	lapic_write(LAPIC_LVT_TIMER,
		    LAPIC_TIMER_VECTOR); /* one-shot, unmasked */
	hrtimer_set_clock_event(&lapic_clock_event);
	pr_info("lapic-timer: %u.%03u MHz (divided by 16; over %lu.%03lu ms, +-%lu ppm), one-shot clock event for hrtimers\n",
		counts_per_ms / 1000, counts_per_ms % 1000,
		(unsigned long)r.us / 1000, (unsigned long)r.us % 1000,
		(unsigned long)r.ppm);
	return 0;
}

/* An AP's tick: counted, then its scheduler's; the way out is a
 * preemption point and runs its softirqs. */
static void local_tick_interrupt(struct trap_frame *f)
{
	(void)f;
	irq_enter();
	this_cpu()->local_ticks++;
	scheduler_tick();
	lapic_eoi();
	irq_exit();
}

int lapic_timer_start_tick(void)
{
	if (!counts_per_ms)
		return -ENODEV;
	trap_set_handler(LOCAL_TICK_VECTOR, local_tick_interrupt);
	lapic_write(LAPIC_TIMER_DIV, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | LOCAL_TICK_VECTOR);
	lapic_write(LAPIC_TIMER_INIT, counts_per_ms * 1000 / hz);
	return 0;
}

uint32_t lapic_timer_khz(void)
{
	return counts_per_ms;
}

uint32_t lapic_timer_ppm(void)
{
	return calibration_ppm;
}
