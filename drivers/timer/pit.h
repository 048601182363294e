/*
 * drivers/timer/pit.h - the Intel 8254 programmable interval timer.
 *
 * Channel 0 drives IRQ0 at hz ticks per second (the system tick: jiffies).
 * Channel 2, whose gate and output are reachable through port 0x61, is
 * the boot's clock of reference: it runs free (pit_clock_start) while
 * drivers/timer/calibrate.c measures the TSC and the LAPIC timer against
 * it, and later serves tests as a stopwatch (pit_stopwatch).
 *
 * Every wait for channel 2 is bounded (in TSC cycles, about a second): a
 * channel that never counts down gives -ETIMEDOUT, counted in
 * pit_stopwatch_timeouts (or calib_timeouts), and the calibration then
 * warns "pit: channel 2 never counted down ..." and uses a fallback
 * rate, so the kernel goes on with approximate timestamps.
 *
 * Context: pit_clock_start() and pit_init() once at boot; the stopwatch
 * busy-waits (any context, IRQs better off); the tick handler runs in
 * hard-IRQ context.
 */
#ifndef DRIVERS_TIMER_PIT_H
#define DRIVERS_TIMER_PIT_H

#include <stdint.h>

#include "lib/clockcal.h"

#define PIT_FREQ_HZ PIT_INPUT_HZ /* the 8254's input clock (lib/clockcal.h) */
#define PIT_IRQ	    0

/* Channel 2 running free: counts down from 0xffff, wrapping (a wrap is
 * 54.9 ms). pit_clock_read latches and reads the count. */
void pit_clock_start(void);
uint16_t pit_clock_read(void);
/* The TSC rate assumed when channel 2 never counts down. */
#define PIT_TSC_FALLBACK_KHZ 1000000
int pit_init(unsigned int hz); /* program channel 0, request IRQ0 */
unsigned long pit_ticks(void); /* ticks seen by the handler */

/* Channel 2 as a stopwatch: at_start(arg), a busy wait of ms (at most
 * PIT_STOPWATCH_MAX_MS) measured by the PIT itself, at_end(arg).
 * 0, or -ETIMEDOUT if the channel never counted down (at_end still runs). */
#define PIT_STOPWATCH_MAX_MS 54 /* 65535 counts at 1.19 MHz */
int pit_stopwatch(unsigned int ms, void (*at_start)(void *arg),
		  void (*at_end)(void *arg), void *arg);
extern unsigned long pit_stopwatch_timeouts;

/* Tests: read port 0x61 through reader (e.g. one whose OUT2 never
 * rises: a stuck channel 2); NULL restores the port. */
void pit_set_port_b_reader(uint8_t (*reader)(void));
/* Tests: read channel 2's count through reader (e.g. one that is stuck);
 * NULL restores the real channel. */
void pit_set_clock_reader(uint16_t (*reader)(void));

#endif
