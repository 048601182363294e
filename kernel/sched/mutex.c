/* kernel/sched/mutex.c - see mutex.h. */
#include "kernel/sched/mutex.h"

#include "kernel/panic.h"

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	m->contended = 0;
	init_waitqueue_head(&m->wait);
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wait.lock);
	bool got = m->owner == NULL;

	if (got)
		m->owner = current_thread();
	spin_unlock_irqrestore(&m->wait.lock, flags);
	return got;
}

int mutex_lock(struct mutex *m)
{
	if (might_sleep())
		return -EINVAL;
	if (mutex_trylock(m))
		return 0;
	m->contended++;
	return wait_event(m->wait, mutex_trylock(m));
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wait.lock);

	if (WARN_ON(m->owner != current_thread())) {
		spin_unlock_irqrestore(&m->wait.lock, flags);
		return;
	}
	m->owner = NULL;
	spin_unlock_irqrestore(&m->wait.lock, flags);
	wake_up(&m->wait);
}

bool mutex_is_locked(struct mutex *m)
{
	return m->owner != NULL;
}
