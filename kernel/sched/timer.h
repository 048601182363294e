/*
 * kernel/sched/timer.h - kernel timers: run a function at a jiffy.
 *
 * A struct timer_list names a function and an expiry time in jiffies.
 * Pending timers wait in one list sorted by expiry, so each tick looks
 * only at the head: the cost of a tick does not grow with the number of
 * timers (adding one walks the list: fine for tens of timers; a timer
 * wheel would make adding O(1) too).
 *
 * The tick (hard IRQ) only checks the head and raises TIMER_SOFTIRQ;
 * expired timers run from that softirq, in expiry order.
 *
 * Rules: every timer goes through timer_setup() first. mod_timer,
 * add_timer, del_timer and del_timer_sync refuse a timer that did not
 * (or that was freed: kfree poisons it), with a "BUG: ..." line and a
 * backtrace (kernel/magic.h), and so does the softirq before it would
 * call the function of such a timer at the head of the list. Before
 * freeing a timer, del_timer_sync() it: a freed timer still on the list
 * corrupts the list for everyone.
 *
 * Context: mod_timer/add_timer/del_timer from any context;
 * del_timer_sync from task context with bottom halves enabled, or from
 * another softirq; never from hard IRQ, a BH-disabled section or the
 * timer's own function (it could wait for itself): those are refused with
 * a message and get a plain del_timer. Timer functions run in softirq
 * context: they must not sleep.
 */
#ifndef KERNEL_SCHED_TIMER_H
#define KERNEL_SCHED_TIMER_H

#include <stdbool.h>

#include "lib/list.h"

struct timer_list {
	unsigned int magic;	/* TIMER_MAGIC once timer_setup ran */
	struct list_head entry; /* on the pending list, or empty */
	unsigned long expires;	/* jiffies */
	void (*function)(struct timer_list *t);
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t));
/* (Re)arm for expires; true if it was pending before. */
bool mod_timer(struct timer_list *t, unsigned long expires);
void add_timer(struct timer_list *t); /* arm at t->expires */
bool del_timer(struct timer_list *t); /* true if it was pending */
/* del_timer, then wait until its function is not running anywhere. */
bool del_timer_sync(struct timer_list *t);
bool timer_pending(const struct timer_list *t);
bool timers_due(void);	/* from the tick: is the first one due? */
void timers_init(void); /* opens TIMER_SOFTIRQ */
unsigned int timers_pending_count(void);
/* Walk the pending timers (for the `timers` command), lock held. */
void for_each_timer(void (*fn)(const struct timer_list *t, void *arg),
		    void *arg);

extern unsigned long timers_run_count;
/* Tests only: pretend t's function is running on another CPU (NULL ends
 * the pretence), to watch del_timer_sync wait. */
void timer_test_set_running(struct timer_list *t);

#endif
