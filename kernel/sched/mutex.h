/*
 * kernel/sched/mutex.h - a sleeping lock.
 *
 * Unlike a spinlock, a thread that finds the mutex taken goes to sleep
 * until the holder unlocks it; so a mutex may be held across sleeping
 * operations, but may only be taken where sleeping is allowed. Only the
 * holder may unlock (checked: WARN otherwise).
 *
 * Context: mutex_lock sleeps (task context only; might_sleep checks and
 * returns -EINVAL from atomic context); mutex_unlock from task context.
 */
#ifndef KERNEL_SCHED_MUTEX_H
#define KERNEL_SCHED_MUTEX_H

#include "kernel/sched/wait.h"

struct mutex {
	struct thread *owner;
	struct wait_queue_head wait;
	unsigned long contended; /* times someone had to wait */
};

#define DEFINE_MUTEX(n) \
	struct mutex n = { NULL, WAIT_QUEUE_HEAD_INIT(n.wait), 0 }

void mutex_init(struct mutex *m);
int mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);

#endif
