/*
 * kernel/sched/time.h - time since boot: jiffies and the TSC.
 *
 * Two clocks, for two purposes:
 *  - jiffies counts timer ticks (HZ per second, set by hz= on the command
 *    line); coarse, and what kernel timers expire on.
 *  - the TSC counts CPU cycles; calibrated against the PIT at boot
 *    (tsc_khz: a rough rate from kmain's first 2 ms, refined over the
 *    whole boot, drivers/timer/calibrate.h), it gives nanosecond time
 *    since kmain's start for printk timestamps, hrtimers and budgets.
 *    Under QEMU's -icount it counts instructions instead, which makes
 *    benchmarks exactly repeatable.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_SCHED_TIME_H
#define KERNEL_SCHED_TIME_H

#include <stdint.h>

#define HZ_DEFAULT 100
#define HZ_MIN	   100
#define HZ_MAX	   1000

extern unsigned int hz; /* ticks per second */
extern volatile unsigned long jiffies;
extern uint32_t tsc_khz; /* 0 until calibrated */

/* The calibration's: time 0 is when the TSC read tsc_at_zero; then a
 * better rate that takes over without a step (boot CPU, IRQs off). */
void time_init_tsc(uint32_t khz, uint64_t tsc_at_zero);
void time_refine_tsc(uint32_t khz);
void jiffies_tick(void); /* called by the tick interrupt */

uint64_t tsc_to_ns(uint64_t cycles);
uint64_t ns_to_tsc(uint64_t ns);
uint64_t ktime_get_ns(void); /* since boot; 0 before calibration */
/* The ktime (ns since boot) at which the TSC read tsc (a trace record's
 * time stamp: a TSC read is cheaper than ktime_get_ns). */
uint64_t ktime_at_tsc(uint64_t tsc);

#endif
