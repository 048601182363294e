/*
 * drivers/timer/pit.h - the Intel 8254 programmable interval timer.
 *
 * Channel 0 drives IRQ0 at hz ticks per second (the system tick: jiffies).
 * Channel 2, whose gate and output are reachable through port 0x61, is
 * used once at boot as a stopwatch to measure the TSC's frequency.
 *
 * Context: pit_calibrate_tsc() and pit_init() once at boot; the tick
 * handler runs in hard-IRQ context.
 */
#ifndef DRIVERS_TIMER_PIT_H
#define DRIVERS_TIMER_PIT_H

#include <stdint.h>

#define PIT_FREQ_HZ 1193182 /* the 8254's input clock */
#define PIT_IRQ	    0

uint32_t pit_calibrate_tsc(void); /* returns the TSC rate in kHz */
int pit_init(unsigned int hz);	  /* program channel 0, request IRQ0 */
unsigned long pit_ticks(void);	  /* ticks seen by the handler */

/* Channel 2 as a stopwatch: at_start(arg), a busy wait of ms (at most
 * PIT_STOPWATCH_MAX_MS) measured by the PIT itself, at_end(arg). */
#define PIT_STOPWATCH_MAX_MS 54 /* 65535 counts at 1.19 MHz */
void pit_stopwatch(unsigned int ms, void (*at_start)(void *arg),
		   void (*at_end)(void *arg), void *arg);

#endif
