/*
 * drivers/timer/lapic_timer.h - the local APIC timer as a one-shot clock
 * event device for high-resolution timers.
 *
 * The timer counts down from an initial count at the bus clock divided
 * by 16 and interrupts on LAPIC_TIMER_VECTOR when it reaches zero (one-
 * shot mode: it then stops). Its rate is not architectural: it is
 * measured against PIT channel 2 (a 10 ms window, median of 5), as the
 * TSC is. Only in APIC mode; under noapic the tick stands in.
 *
 * Context: lapic_timer_init at boot, after the local APIC is enabled.
 */
#ifndef DRIVERS_TIMER_LAPIC_TIMER_H
#define DRIVERS_TIMER_LAPIC_TIMER_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR 0xef

int lapic_timer_init(void);	/* 0, or -ENODEV without a local APIC */
uint32_t lapic_timer_khz(void); /* counts per millisecond, 0 if none */

#endif
