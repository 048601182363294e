/*
 * drivers/timer/lapic_timer.h - the local APIC timer as a one-shot clock
 * event device for high-resolution timers.
 *
 * The timer counts down from an initial count at the bus clock divided
 * by 16 and interrupts on LAPIC_TIMER_VECTOR when it reaches zero (one-
 * shot mode: it then stops). Its rate is not architectural: it is
 * measured against PIT channel 2, as the TSC is (drivers/timer/
 * calibrate.h): lapic_timer_init sets it counting and opens a window,
 * the rest of the boot runs, and lapic_timer_start closes the window
 * (waiting if it is under 5 ms) and installs the clock event. Only in
 * APIC mode; under noapic the tick stands in.
 *
 * Context: boot, IRQs off: lapic_timer_init after the local APIC is
 * enabled, lapic_timer_start later, before interrupts are turned on.
 */
#ifndef DRIVERS_TIMER_LAPIC_TIMER_H
#define DRIVERS_TIMER_LAPIC_TIMER_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR 0xef

int lapic_timer_init(void);  /* 0, or -ENODEV without a local APIC */
int lapic_timer_start(void); /* 0, or -ENODEV: hrtimers use the tick */
/* On an AP (kernel/smp): this CPU's LAPIC timer as a periodic tick at
 * hz on LOCAL_TICK_VECTOR, for its scheduler. 0, or -ENODEV (the boot
 * CPU found no usable LAPIC timer: the AP runs without a tick). IRQs
 * off. */
int lapic_timer_start_tick(void);
uint32_t lapic_timer_khz(void); /* counts per millisecond, 0 if none */
uint32_t lapic_timer_ppm(void); /* the calibration's claimed uncertainty */

#endif
