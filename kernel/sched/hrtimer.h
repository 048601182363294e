/*
 * kernel/sched/hrtimer.h - high-resolution timers: run a function at a
 * time in nanoseconds, not at a tick.
 *
 * Pending hrtimers wait in a list sorted by expiry (ktime_get_ns()).
 * The clock event device - the local APIC timer in one-shot mode,
 * calibrated against the PIT - is programmed to interrupt at the first
 * expiry. Its interrupt raises HRTIMER_SOFTIRQ; the softirq runs every
 * expired hrtimer, in order, and programs the device for the next one.
 * Without a local APIC (noapic) the periodic tick stands in: each tick
 * raises HRTIMER_SOFTIRQ when the first hrtimer is due, so resolution
 * falls to one jiffy.
 *
 * SMP: one list for all CPUs, one device - CPU 0's local APIC timer - and
 * every hrtimer function runs on CPU 0. A timer armed on another CPU
 * that becomes the first asks CPU 0, by a call IPI, to reprogram its
 * device (kernel/smp/ipi.h): a LAPIC's registers are its own CPU's.
 *
 *   hrtimer_start --> sorted list --> program LAPIC one-shot
 *                                       | interrupt (hard IRQ)
 *                                       v
 *                     raise HRTIMER_SOFTIRQ --> run expired, reprogram
 *
 * Context: hrtimer_start/hrtimer_cancel from any context. hrtimer_cancel
 * takes a pending timer off the list; it does not wait for a function
 * that is running (on CPU 0 it may be; the caller must not free it
 * before it returns) and
 * leaves the device programmed (an early interrupt just finds nothing
 * due). Functions run in softirq context and must not sleep (they may
 * re-arm themselves with hrtimer_start).
 */
#ifndef KERNEL_SCHED_HRTIMER_H
#define KERNEL_SCHED_HRTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"

struct hrtimer {
	struct list_head node;
	uint64_t expires_ns; /* ktime_get_ns() at which it is due */
	void (*function)(struct hrtimer *t);
};

/* The device that interrupts at a programmed time (the LAPIC timer). */
struct clock_event {
	const char *name;
	uint64_t min_delta_ns, max_delta_ns;
	void (*program)(uint64_t delta_ns); /* one interrupt after delta */
	unsigned long events;		    /* interrupts delivered */
};

void hrtimer_init(struct hrtimer *t, void (*fn)(struct hrtimer *t));
void hrtimer_start(struct hrtimer *t, uint64_t delta_ns);
bool hrtimer_cancel(struct hrtimer *t); /* true if it was pending */
bool hrtimer_active(const struct hrtimer *t);

void hrtimers_init(void); /* opens HRTIMER_SOFTIRQ */
void hrtimer_set_clock_event(struct clock_event *ce); /* at boot */
void hrtimer_interrupt(void); /* the device's handler, hard IRQ */
void hrtimer_tick(void);      /* the tick's fallback, hard IRQ */
const char *hrtimer_clock_name(void);
unsigned long hrtimer_clock_events(void); /* device interrupts so far */
unsigned long hrtimers_run_count(void);
unsigned int hrtimers_pending_count(void);
void for_each_hrtimer(void (*fn)(const struct hrtimer *t, void *arg),
		      void *arg);

#endif
