/* kernel/sched/wait.c - see wait.h. */
#include "kernel/sched/wait.h"

#include "kernel/arch/cpu.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/time.h"
#include "kernel/sched/timer.h"

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock, "wait_queue");
	INIT_LIST_HEAD(&wq->waiters);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_empty(&e->node))
		list_add_tail(&e->node, &wq->waiters);
	set_current_state(THREAD_SLEEPING);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	set_current_state(THREAD_RUNNING);
	if (!list_empty(&e->node))
		list_del(&e->node);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Take waiters off the list and wake them: at most max (-1: all) that
 * were really asleep. A waiter already awake (its timeout fired, say)
 * leaves the list but does not count, so wake_up still wakes a sleeper. */
static int wake_some(struct wait_queue_head *wq, int max)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	int woken = 0;

	while (!list_empty(&wq->waiters) && (max < 0 || woken < max)) {
		struct wait_queue_entry *e = list_first_entry(
			&wq->waiters, struct wait_queue_entry, node);

		list_del(&e->node);
		if (wake_up_thread(e->thread))
			woken++;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}

int wake_up(struct wait_queue_head *wq)
{
	return wake_some(wq, 1);
}

int wake_up_all(struct wait_queue_head *wq)
{
	return wake_some(wq, -1);
}

bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->waiters);
}

/* The idle thread is tid 0 (thread.c): it must never leave the runqueue. */
bool can_sleep(void)
{
	struct thread *cur = current_thread();

	return cur && cur->tid != 0 && preempt_count() == 0 && !irqs_disabled();
}

/* ---- sleeping for a time ---------------------------------------------- */

struct sleeper {
	struct timer_list timer;
	struct thread *thread;
};

static void sleeper_wake(struct timer_list *t)
{
	struct sleeper *s = (struct sleeper *)t; /* timer is first */

	wake_up_thread(s->thread);
}

long schedule_timeout(long ticks)
{
	struct sleeper s = { .thread = current_thread() };
	unsigned long expire = jiffies + ticks;
	long left;

	timer_setup(&s.timer, sleeper_wake);
	mod_timer(&s.timer, expire);
	schedule();
	/* _sync: on SMP sleeper_wake may still run on CPU 0 (the timers'
	 * CPU) when we get here, and the timer lives in this stack frame */
	del_timer_sync(&s.timer);
	left = (long)(expire - jiffies);
	return left < 0 ? 0 : left;
}

unsigned long msecs_to_jiffies(unsigned int ms)
{
	return ((unsigned long)ms * hz + 999) / 1000;
}

void msleep(unsigned int ms)
{
	long left = (long)msecs_to_jiffies(ms) + 1; /* +1: a partial tick */

	if (might_sleep())
		return;
	while (left) {
		set_current_state(THREAD_SLEEPING);
		left = schedule_timeout(left);
	}
	set_current_state(THREAD_RUNNING);
}

/* ---- completions -------------------------------------------------------- */

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	c->done++;
	spin_unlock_irqrestore(&c->wait.lock, flags);
	wake_up(&c->wait);
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	c->done = ~0u / 2; /* "forever done" */
	spin_unlock_irqrestore(&c->wait.lock, flags);
	wake_up_all(&c->wait);
}

static bool try_take(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);
	bool took = c->done > 0;

	if (took)
		c->done--;
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return took;
}

int wait_for_completion(struct completion *c)
{
	return wait_event(c->wait, try_take(c));
}

long wait_for_completion_timeout(struct completion *c, long ticks)
{
	return wait_event_timeout(c->wait, try_take(c), ticks);
}
