/*
 * kernel/sched/timer.h - kernel timers: run a function at a jiffy.
 *
 * A struct timer_list names a function and an expiry time in jiffies.
 * Pending timers wait in one list sorted by expiry, so each tick looks
 * only at the head: the cost of a tick does not grow with the number of
 * timers (adding one walks the list: fine for tens of timers; the
 * softirq step may bring a timer wheel).
 *
 * Today expired timers run from the timer interrupt itself (hard-IRQ
 * context); the softirq step moves them to TIMER_SOFTIRQ.
 *
 * Context: mod_timer/add_timer/del_timer from any context. Timer
 * functions run in interrupt context: they must not sleep.
 */
#ifndef KERNEL_SCHED_TIMER_H
#define KERNEL_SCHED_TIMER_H

#include <stdbool.h>

#include "lib/list.h"

struct timer_list {
	struct list_head entry; /* on the pending list, or empty */
	unsigned long expires;	/* jiffies */
	void (*function)(struct timer_list *t);
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t));
/* (Re)arm for expires; true if it was pending before. */
bool mod_timer(struct timer_list *t, unsigned long expires);
void add_timer(struct timer_list *t); /* arm at t->expires */
bool del_timer(struct timer_list *t); /* true if it was pending */
bool timer_pending(const struct timer_list *t);
void run_timers(void); /* from the tick: run everything due */
unsigned int timers_pending_count(void);

#endif
