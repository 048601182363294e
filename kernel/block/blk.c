/* kernel/block/blk.c - see blk.h. */
#include "kernel/block/blk.h"

#include "kernel/bh/softirq.h"
#include "kernel/printk.h"
#include "kernel/sched/time.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"

/* The disks BLOCK_SOFTIRQ looks at. Written at registration only. */
static struct blk_queue *queues[BLK_MAX_QUEUES];
static DEFINE_SPINLOCK(queues_lock);

static void request_timed_out(struct timer_list *t);

int blk_queue_init(struct blk_queue *q, const char *name,
		   const struct blk_ops *ops, uint32_t capacity)
{
	unsigned long flags;
	int slot = -1;

	q->name = name;
	q->ops = ops;
	q->capacity = capacity;
	q->timeout_ms = BLK_TIMEOUT_MS;
	spin_lock_init(&q->lock, "blk_queue");
	INIT_LIST_HEAD(&q->pending);
	INIT_LIST_HEAD(&q->done);
	q->inflight = NULL;
	q->held = q->resetting = false;
	q->depth = q->max_depth_seen = 0;
	q->stats = (struct blk_stats){ 0 };
	init_waitqueue_head(&q->done_wait);
	init_waitqueue_head(&q->slot_wait);
	timer_setup(&q->timer, request_timed_out);

	flags = spin_lock_irqsave(&queues_lock);
	for (int i = 0; i < BLK_MAX_QUEUES && slot < 0; i++)
		if (!queues[i])
			slot = i;
	if (slot >= 0)
		queues[slot] = q;
	spin_unlock_irqrestore(&queues_lock, flags);
	if (slot < 0) {
		pr_err("blk: no room for disk %s (%d disks at most)\n", name,
		       BLK_MAX_QUEUES);
		return -ENOSPC;
	}
	return 0;
}

void blk_queue_release(struct blk_queue *q)
{
	unsigned long flags = spin_lock_irqsave(&queues_lock);

	for (int i = 0; i < BLK_MAX_QUEUES; i++)
		if (queues[i] == q)
			queues[i] = NULL;
	spin_unlock_irqrestore(&queues_lock, flags);
	del_timer_sync(&q->timer);
}

unsigned int blk_queue_depth(const struct blk_queue *q)
{
	return q->depth;
}

/* ---- completion: the driver's half, then the softirq's ---------------- */

/* rq leaves the device: onto q->done for BLOCK_SOFTIRQ. Lock held. */
static void queue_done_locked(struct blk_queue *q, struct blk_request *rq,
			      int error)
{
	rq->error = error;
	list_add_tail(&rq->node, &q->done);
	raise_softirq_irqoff(BLOCK_SOFTIRQ);
}

bool blk_complete_request(struct blk_queue *q, struct blk_request *rq,
			  int error)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);
	bool mine = q->inflight == rq;

	if (mine) {
		q->inflight = NULL;
		q->held = false;
		del_timer(&q->timer);
		queue_done_locked(q, rq, error);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return mine;
}

struct blk_request *blk_hold_inflight(struct blk_queue *q)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct blk_request *rq = q->held ? NULL : q->inflight;

	if (rq)
		q->held = true;
	spin_unlock_irqrestore(&q->lock, flags);
	return rq;
}

void blk_release_inflight(struct blk_queue *q)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);

	q->held = false;
	spin_unlock_irqrestore(&q->lock, flags);
}

/*
 * The timer of the request in flight (TIMER_SOFTIRQ). If the driver is
 * copying its data right now, look again a tick later. Otherwise take
 * the request off the device - a completion from the driver now finds
 * it gone and is ignored - and keep new requests off it (resetting)
 * while the driver resets the device; then fail it like any other
 * completion. A timer that fires for a request already completed, its
 * run having waited for the lock while the next one was issued, finds
 * the new deadline not yet reached and leaves it alone.
 */
static void request_timed_out(struct timer_list *t)
{
	struct blk_queue *q = container_of(t, struct blk_queue, timer);
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct blk_request *rq = q->inflight;

	if (rq && (long)(jiffies - q->deadline) < 0) {
		rq = NULL;
	} else if (rq && q->held) {
		mod_timer(&q->timer, jiffies + 1);
		rq = NULL;
	} else if (rq) {
		q->inflight = NULL;
		q->resetting = true;
		q->stats.timeouts++;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (!rq)
		return;
	pr_err("blk: %s: %s of sector %lu (%lu sectors) timed out after %u ms\n",
	       q->name, rq->write ? "write" : "read", (unsigned long)rq->sector,
	       (unsigned long)rq->count, q->timeout_ms);
	if (q->ops->timeout)
		q->ops->timeout(q, rq);
	flags = spin_lock_irqsave(&q->lock);
	q->resetting = false;
	queue_done_locked(q, rq, -ETIMEDOUT);
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Account for rq and hand it back: end_io, or done for the sleeper. rq
 * may be gone the moment it is marked done: touch it no more. */
static void end_request(struct blk_queue *q, struct blk_request *rq)
{
	unsigned long flags;

	trace_event(TRACE_BLOCK_RQ_COMPLETE, rq->sector, rq->count,
		    (uint32_t)rq->error);
	rq->in_softirq = in_serving_softirq();
	flags = spin_lock_irqsave(&q->lock);
	if (rq->error) {
		q->stats.errors++;
	} else if (rq->write) {
		q->stats.writes++;
		q->stats.sectors_written += rq->count;
	} else {
		q->stats.reads++;
		q->stats.sectors_read += rq->count;
	}
	q->depth--;
	spin_unlock_irqrestore(&q->lock, flags);
	if (rq->end_io)
		rq->end_io(rq);
	else
		__atomic_store_n(&rq->done, true, __ATOMIC_RELEASE);
}

static void dispatch(struct blk_queue *q);

/* One disk's completed requests: end them, wake, start the next one. */
static void end_completed(struct blk_queue *q)
{
	struct list_head list;
	unsigned long flags = spin_lock_irqsave(&q->lock);
	bool any = !list_empty(&q->done);

	INIT_LIST_HEAD(&list);
	while (!list_empty(&q->done))
		list_move_tail(q->done.next, &list);
	spin_unlock_irqrestore(&q->lock, flags);
	if (!any)
		return;
	while (!list_empty(&list)) {
		struct blk_request *rq =
			list_first_entry(&list, struct blk_request, node);

		list_del(&rq->node);
		end_request(q, rq);
	}
	/* The sleepers wait on the queue's wait queue, not one in the
	 * request: a request on a stack may vanish as soon as it is done,
	 * while the queue lives on. */
	wake_up_all(&q->done_wait);
	wake_up_all(&q->slot_wait);
	dispatch(q);
}

/* BLOCK_SOFTIRQ: every disk's completions. */
static void blk_done_softirq(void)
{
	struct blk_queue *snapshot[BLK_MAX_QUEUES];
	unsigned long flags = spin_lock_irqsave(&queues_lock);

	for (int i = 0; i < BLK_MAX_QUEUES; i++)
		snapshot[i] = queues[i];
	spin_unlock_irqrestore(&queues_lock, flags);
	for (int i = 0; i < BLK_MAX_QUEUES; i++)
		if (snapshot[i])
			end_completed(snapshot[i]);
}

void blk_init(void)
{
	open_softirq(BLOCK_SOFTIRQ, blk_done_softirq);
}

/* ---- submission --------------------------------------------------------- */

/* Send the first pending request if the disk is idle. A request the
 * driver refuses at once is failed and the next one tried. */
static void dispatch(struct blk_queue *q)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&q->lock);
		struct blk_request *rq;
		int err;

		if (q->inflight || q->resetting || list_empty(&q->pending)) {
			spin_unlock_irqrestore(&q->lock, flags);
			return;
		}
		rq = list_first_entry(&q->pending, struct blk_request, node);
		list_del(&rq->node);
		q->inflight = rq;
		q->deadline = jiffies + msecs_to_jiffies(q->timeout_ms) + 1;
		mod_timer(&q->timer, q->deadline);
		spin_unlock_irqrestore(&q->lock, flags);

		trace_event(TRACE_BLOCK_RQ_ISSUE, rq->sector, rq->count,
			    rq->write);
		err = q->ops->issue(q, rq);
		if (!err)
			return;
		blk_complete_request(q, rq, err);
	}
}

static int check_request(struct blk_queue *q, struct blk_request *rq)
{
	if (rq->count == 0 || rq->count > BLK_MAX_SECTORS)
		return -EINVAL;
	if (rq->sector >= q->capacity || rq->count > q->capacity - rq->sector)
		return -ERANGE;
	return 0;
}

/* Add rq to the queue if there is a slot: 0, or -EBUSY. */
static int enqueue(struct blk_queue *q, struct blk_request *rq)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);
	int err = 0;

	if (q->depth >= BLK_QUEUE_DEPTH) {
		err = -EBUSY;
	} else {
		rq->done = false;
		rq->error = 0;
		rq->moved = 0;
		rq->started = false;
		list_add_tail(&rq->node, &q->pending);
		if (++q->depth > q->max_depth_seen)
			q->max_depth_seen = q->depth;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return err;
}

static int refuse(struct blk_queue *q, int err)
{
	unsigned long flags = spin_lock_irqsave(&q->lock);

	q->stats.rejected++;
	spin_unlock_irqrestore(&q->lock, flags);
	return err;
}

int blk_submit(struct blk_queue *q, struct blk_request *rq)
{
	int err = check_request(q, rq);

	if (!err)
		err = enqueue(q, rq);
	if (err)
		return refuse(q, err);
	dispatch(q);
	return 0;
}

int blk_submit_and_wait(struct blk_queue *q, struct blk_request *rq)
{
	int err = check_request(q, rq);

	if (!can_sleep()) {
		pr_err("blk: %s: blk_submit_and_wait from a context that cannot sleep\n",
		       q->name);
		return -EINVAL;
	}
	if (err)
		return refuse(q, err);
	rq->end_io = NULL;
	/* A full queue: wait for a slot (another sleeper may take it
	 * first; then wait again). */
	while ((err = enqueue(q, rq)) == -EBUSY)
		wait_event(q->slot_wait, q->depth < BLK_QUEUE_DEPTH);
	dispatch(q);
	/* Bounded by the queue's timeout: the timer fails the request. */
	wait_event(q->done_wait, __atomic_load_n(&rq->done, __ATOMIC_ACQUIRE));
	return rq->error;
}

int blk_read(struct blk_queue *q, uint32_t sector, uint32_t count, void *buf)
{
	struct blk_request rq = {
		.sector = sector, .count = count, .buf = buf, .write = false
	};

	return blk_submit_and_wait(q, &rq);
}

int blk_write(struct blk_queue *q, uint32_t sector, uint32_t count,
	      const void *buf)
{
	struct blk_request rq = { .sector = sector,
				  .count = count,
				  .buf = (void *)buf,
				  .write = true };

	return blk_submit_and_wait(q, &rq);
}
