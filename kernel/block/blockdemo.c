/* kernel/block/blockdemo.c - see blockdemo.h. */
#include "kernel/block/blockdemo.h"

#include "kernel/printk.h"
#include "lib/string.h"

static struct blk_queue null_disk;

/* The pool of blockdemo_submit(): a request is free when its end_io has
 * run. BLK_QUEUE_DEPTH is all the queue would take anyway. */
static struct blk_request pool[BLK_QUEUE_DEPTH];
static uint32_t pool_busy; /* bit per request, atomic */

static int null_issue(struct blk_queue *q, struct blk_request *rq)
{
	if (!rq->write && rq->buf)
		memset(rq->buf, 0, rq->count * SECTOR_SIZE);
	blk_complete_request(q, rq, 0);
	return 0;
}

static const struct blk_ops null_ops = { .issue = null_issue };

void blockdemo_init(void)
{
	if (blk_queue_init(&null_disk, "null0", &null_ops, BLOCKDEMO_SECTORS))
		pr_err("blockdemo: no block queue left; raise BLOCK completes nothing\n");
}

int blockdemo_submit_request(struct blk_request *rq)
{
	rq->sector = 0;
	rq->count = 1;
	rq->write = false;
	return blk_submit(&null_disk, rq);
}

static void pool_end_io(struct blk_request *rq)
{
	uint32_t bit = 1u << (rq - pool);

	__atomic_fetch_and(&pool_busy, ~bit, __ATOMIC_RELEASE);
}

static struct blk_request *pool_get(void)
{
	for (int i = 0; i < BLK_QUEUE_DEPTH; i++) {
		uint32_t bit = 1u << i;

		if (!(__atomic_fetch_or(&pool_busy, bit, __ATOMIC_ACQUIRE) &
		      bit))
			return &pool[i];
	}
	return NULL;
}

unsigned long blockdemo_submit(unsigned long n)
{
	unsigned long taken = 0;

	for (; taken < n; taken++) {
		struct blk_request *rq = pool_get();

		if (!rq)
			break;
		rq->end_io = pool_end_io;
		rq->buf = NULL;
		if (blockdemo_submit_request(rq)) {
			pool_end_io(rq);
			break;
		}
	}
	return taken;
}
