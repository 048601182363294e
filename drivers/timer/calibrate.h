/*
 * drivers/timer/calibrate.h - the rates of the TSC and the LAPIC timer,
 * measured against the PIT while the kernel boots.
 *
 * The PIT's input clock (1.193182 MHz) is the one rate on a PC that is
 * known in advance; every other clock is measured against it. Channel 2
 * is set running free at kmain's start (pit_clock_start). A calibration
 * window is two points on it; a point is one reading of channel 2 taken
 * between two TSC reads (and, for a clock other than the TSC, one read of
 * that clock inside the same bracket):
 *
 *   TSC a | latch + read channel 2 | read the clock | TSC b     (a point)
 *
 * The TSC cycles b - a are the point's uncertainty; each point is taken
 * a few times and the narrowest bracket kept (a host that preempts the
 * emulator inside one shows up as a wide bracket, not as a wrong rate).
 * Between a window's two points the kernel goes on booting: a window
 * only busy-waits if it is still shorter than asked for when it ends.
 *
 *   kmain   tsc_calibrate_begin()   channel 2 free, 2 ms: a rough TSC rate
 *             ... mm, ACPI, irqchip, lapic_timer_init (its window starts)
 *             ... PIT, UARTs, PCI, keyboard, scheduler
 *           lapic_timer_start()     its window ends (>= 5 ms): its rate
 *           tsc_calibrate_refine()  the TSC window ends: the whole boot
 *
 * Linux does the same in two steps (a quick PIT calibration early, a
 * refined one later), for the same reason: waiting is what makes boots
 * slow, and a long window measures better than several short ones.
 *
 * Context: boot, on the boot CPU, IRQs off (the PIT's channel 2 is not
 * shared: nothing else may program it meanwhile).
 */
#ifndef DRIVERS_TIMER_CALIBRATE_H
#define DRIVERS_TIMER_CALIBRATE_H

#include <stdint.h>

struct calib_point {
	uint64_t tsc;	  /* TSC before the PIT was read */
	uint32_t bracket; /* TSC cycles until after the last read */
	uint32_t clock;	  /* the measured clock's count (counting up) */
	uint16_t pit;	  /* channel 2's count (counting down) */
};

struct calib_window {
	uint32_t (*read)(void); /* the clock measured; NULL: the TSC */
	struct calib_point start;
};

struct calib_result {
	uint32_t khz; /* the clock's rate */
	uint32_t ppm; /* its uncertainty, parts per million */
	uint32_t us;  /* the window's length */
};

/* Start a window on a clock (read returns its count, counting up; NULL
 * for the TSC itself). */
void calib_start(struct calib_window *w, uint32_t (*read)(void));

/* End it, first waiting until it is at least min_us long: 0 and *r, or
 * -ETIMEDOUT if channel 2 does not count (the wait is bounded in TSC
 * cycles, about a second at 1 GHz). */
int calib_end(const struct calib_window *w, unsigned int min_us,
	      struct calib_result *r);

/* kmain: start channel 2 and a 2 ms window; the TSC's rough rate goes to
 * time_init_tsc (or a fallback, with a warning, if channel 2 is dead). */
void tsc_calibrate_begin(void);

/* kmain, after the drivers: the same window's end gives the refined rate
 * (time_refine_tsc), logged with its uncertainty. */
void tsc_calibrate_refine(void);

extern unsigned long calib_timeouts; /* windows whose PIT did not count */

#endif
