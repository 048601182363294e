/*
 * kernel/block/blk.h - a small block layer: requests, a queue per disk,
 * and completion in BLOCK_SOFTIRQ (docs/block.md).
 *
 * A request asks a disk for `count` sectors of 512 bytes from `sector`
 * into (or out of) `buf`. Submitters put requests on the disk's queue;
 * the queue sends one at a time to the driver (ops->issue). The driver
 * says when its device is done with blk_complete_request() - from its
 * interrupt handler or its IRQ thread - and the rest happens in
 * BLOCK_SOFTIRQ, as in Linux's blk-mq:
 *
 *   submitter: blk_submit_and_wait()        driver            BLOCK_SOFTIRQ
 *     queue it; issue if the disk is idle --> ops->issue()
 *     sleep on q->done_wait                 ... IRQ ...
 *                                           blk_complete_request()
 *                                             onto q->done, raise ------>
 *                                                          blk_done_softirq():
 *                                                            end each request
 *     <-------------------------------------------------- wake the waiters
 *                                                            issue the next
 *
 * Everything that happens to a request after the device is done runs in
 * one place, in softirq context: accounting, the tracepoint, waking the
 * submitter (or calling end_io) and starting the next request. The
 * hard IRQ and the IRQ thread stay short and never wake anyone.
 *
 * A request in flight that the driver does not complete within the
 * queue's timeout is failed with -ETIMEDOUT by a kernel timer, after
 * ops->timeout() (if any) reset the device; its waiter is woken as for
 * any other completion. The driver and the timeout cannot both complete
 * one request: whoever takes it off q->inflight first does it, and a
 * driver copying data into the request's buffer holds it
 * (blk_hold_inflight) so that the timeout waits until it lets go.
 *
 * Context: blk_submit_and_wait from task context (it sleeps); blk_submit
 * (with an end_io) and blk_complete_request from any context;
 * blk_hold_inflight/blk_release_inflight from task or softirq context;
 * end_io runs in softirq context and must not sleep.
 */
#ifndef KERNEL_BLOCK_BLK_H
#define KERNEL_BLOCK_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/sched/spinlock.h"
#include "kernel/sched/timer.h"
#include "kernel/sched/wait.h"
#include "lib/list.h"

#define SECTOR_SIZE	512
#define BLK_MAX_SECTORS 8  /* per request: 4 KiB */
#define BLK_QUEUE_DEPTH 16 /* requests queued or in flight, per disk */
#define BLK_TIMEOUT_MS	2000
#define BLK_MAX_QUEUES	4 /* disks the softirq looks at */

struct blk_queue;

struct blk_request {
	struct list_head node; /* on q->pending, then q->done */
	uint32_t sector;
	uint32_t count; /* sectors, 1..BLK_MAX_SECTORS */
	void *buf;	/* count * SECTOR_SIZE bytes */
	bool write;
	int error;	 /* 0 or -errno, valid once done */
	bool done;	 /* set in BLOCK_SOFTIRQ, then the waiters are woken */
	bool in_softirq; /* was it completed in softirq context? (tests) */
	/* NULL: a sleeping submitter (blk_submit_and_wait); else called
	 * from BLOCK_SOFTIRQ instead of waking anyone. */
	void (*end_io)(struct blk_request *rq);
	void *private; /* for end_io */
	/* the driver's, zeroed when the request is queued: so that a
	 * driver never mistakes one request's progress for another's */
	uint32_t moved; /* sectors transferred so far */
	bool started;	/* the command went to the device */
};

struct blk_ops {
	/* Start rq on the device; 0, or -errno to fail it at once. Called
	 * with no lock held, from the submitter or from BLOCK_SOFTIRQ. */
	int (*issue)(struct blk_queue *q, struct blk_request *rq);
	/* rq timed out: put the device back in a state to take the next
	 * one (softirq context). Optional. */
	void (*timeout)(struct blk_queue *q, struct blk_request *rq);
};

struct blk_stats {
	unsigned long reads, writes; /* requests completed without error */
	unsigned long sectors_read, sectors_written;
	unsigned long errors; /* requests failed (incl. timeouts) */
	unsigned long timeouts;
	unsigned long rejected; /* refused at submission */
};

struct blk_queue {
	const char *name;
	const struct blk_ops *ops;
	void *driver_data;
	uint32_t capacity; /* sectors */
	unsigned int timeout_ms;

	struct spinlock lock;		    /* everything below */
	struct list_head pending;	    /* submitted, not yet issued */
	struct blk_request *inflight;	    /* issued to the device */
	bool held;			    /* the driver is copying its data */
	bool resetting;			    /* the timeout resets the device */
	unsigned long deadline;		    /* jiffies: inflight times out */
	struct list_head done;		    /* completed, for the softirq */
	unsigned int depth, max_depth_seen; /* pending + in flight */
	struct blk_stats stats;

	struct wait_queue_head done_wait; /* submitters, until rq->done */
	struct wait_queue_head slot_wait; /* submitters, until depth < max */
	struct timer_list timer;	  /* the in-flight request's timeout */
};

/* Open BLOCK_SOFTIRQ. Context: boot. */
void blk_init(void);
/* Set q up and register it with the softirq; -ENOSPC if BLK_MAX_QUEUES
 * are taken. Context: boot or task. */
int blk_queue_init(struct blk_queue *q, const char *name,
		   const struct blk_ops *ops, uint32_t capacity);
/* Unregister q; it must be idle (the tests' fake disks). Context: task. */
void blk_queue_release(struct blk_queue *q);

/* Queue rq (end_io set); it ends in BLOCK_SOFTIRQ. 0, or -EINVAL (bad
 * count), -ERANGE (past the end of the disk), -EBUSY (queue full); a
 * refused request is not queued and end_io is not called. */
int blk_submit(struct blk_queue *q, struct blk_request *rq);
/* Queue rq and sleep until it is done (waiting for a free slot first if
 * the queue is full); returns rq->error or a refusal as blk_submit. */
int blk_submit_and_wait(struct blk_queue *q, struct blk_request *rq);
/* Read or write count sectors: a request on the caller's stack. */
int blk_read(struct blk_queue *q, uint32_t sector, uint32_t count, void *buf);
int blk_write(struct blk_queue *q, uint32_t sector, uint32_t count,
	      const void *buf);

/* The driver: the device is done with rq (error 0 or -errno). false if
 * rq was no longer in flight (the timeout took it first). */
bool blk_complete_request(struct blk_queue *q, struct blk_request *rq,
			  int error);
/* The driver: the in-flight request, held against the timeout while the
 * driver touches its buffer; NULL if nothing is in flight. Every
 * non-NULL return is paired with blk_release_inflight(q). */
struct blk_request *blk_hold_inflight(struct blk_queue *q);
void blk_release_inflight(struct blk_queue *q);

/* Requests queued or in flight now (statistics, no lock). */
unsigned int blk_queue_depth(const struct blk_queue *q);

#endif
