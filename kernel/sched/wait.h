/*
 * kernel/sched/wait.h - waiting for events: wait queues, completions,
 * sleeping for a time.
 *
 * A wait queue is a list of sleeping threads. A waiter puts itself on the
 * list and marks itself SLEEPING *before* checking its condition, then
 * calls schedule(); a waker changes the condition, then wakes. Either
 * order of events ends well: a wakeup that comes between the check and
 * schedule() has already made the waiter READY again, so nothing is lost.
 *
 *   wait_event(wq, cond)        sleep until cond is true; 0, or -EINVAL
 *                               from atomic context (might_sleep)
 *   wait_event_timeout(wq, cond, ticks)
 *                               ...or until ticks jiffies passed; returns
 *                               the jiffies left (>= 1) or 0 on timeout
 *   wake_up(wq)                 wake ONE waiter, the longest waiting
 *   wake_up_all(wq)             wake every waiter
 *   (Linux's wake_up wakes every non-exclusive waiter; Interlude's
 *    waiters are all "exclusive", which makes wake_up's count exact.)
 *
 * A completion is a "done" count with a wait queue: complete() adds one
 * and wakes one waiter; wait_for_completion() waits for the count.
 *
 * Context: wait_* and msleep/schedule_timeout sleep (task context, no
 * locks held); wake_up*, complete* from any context.
 */
#ifndef KERNEL_SCHED_WAIT_H
#define KERNEL_SCHED_WAIT_H

#include <stdbool.h>

#include "kernel/sched/might_sleep.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "lib/errno.h"
#include "lib/list.h"

struct wait_queue_head {
	struct spinlock lock;
	struct list_head waiters;
};

struct wait_queue_entry {
	struct thread *thread;
	struct list_head node;
};

#define WAIT_QUEUE_HEAD_INIT(n)                               \
	{                                                     \
		SPINLOCK_INIT(n), LIST_HEAD_INIT((n).waiters) \
	}
#define DECLARE_WAIT_QUEUE_HEAD(n) \
	struct wait_queue_head n = WAIT_QUEUE_HEAD_INIT(n)

void init_waitqueue_head(struct wait_queue_head *wq);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
int wake_up(struct wait_queue_head *wq); /* returns threads woken */
int wake_up_all(struct wait_queue_head *wq);
bool waitqueue_active(struct wait_queue_head *wq);

/* May the caller sleep now? Task context, IRQs on, preempt count 0, and
 * a real thread (not the boot context or the idle thread, which must
 * always be runnable). For code that can either sleep or poll. */
bool can_sleep(void);

long schedule_timeout(long ticks); /* caller set itself SLEEPING */
void msleep(unsigned int ms);
unsigned long msecs_to_jiffies(unsigned int ms);

#define wait_event(wq, cond)                                               \
	({                                                                 \
		int __ret = 0;                                             \
		if (might_sleep()) {                                       \
			__ret = -EINVAL;                                   \
		} else {                                                   \
			struct wait_queue_entry __e = {                    \
				current_thread(), LIST_HEAD_INIT(__e.node) \
			};                                                 \
			for (;;) {                                         \
				prepare_to_wait(&(wq), &__e);              \
				if (cond)                                  \
					break;                             \
				schedule();                                \
			}                                                  \
			finish_wait(&(wq), &__e);                          \
		}                                                          \
		__ret;                                                     \
	})

#define wait_event_timeout(wq, cond, ticks)                                \
	({                                                                 \
		long __left = (ticks);                                     \
		if (might_sleep()) {                                       \
			__left = 0;                                        \
		} else {                                                   \
			struct wait_queue_entry __e = {                    \
				current_thread(), LIST_HEAD_INIT(__e.node) \
			};                                                 \
			for (;;) {                                         \
				prepare_to_wait(&(wq), &__e);              \
				if (cond) {                                \
					if (!__left)                       \
						__left = 1;                \
					break;                             \
				}                                          \
				if (!__left)                               \
					break;                             \
				__left = schedule_timeout(__left);         \
			}                                                  \
			finish_wait(&(wq), &__e);                          \
		}                                                          \
		__left;                                                    \
	})

struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

void init_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
int wait_for_completion(struct completion *c);
/* jiffies left, or 0 on timeout */
long wait_for_completion_timeout(struct completion *c, long ticks);

#endif
