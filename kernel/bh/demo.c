/* kernel/bh/demo.c - see demo.h. */
#include "kernel/bh/demo.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/sched/spinlock.h"

/* Any CPU may submit, and the softirq runs on the CPU that raised it. */
static DEFINE_SPINLOCK(demo_lock);
static struct blockdemo_stats blk;

static struct blk_request *requests_head;

void blockdemo_submit_request(struct blk_request *r)
{
	unsigned long flags = spin_lock_irqsave(&demo_lock);

	r->next = requests_head;
	requests_head = r;
	blk.queued++;
	raise_softirq_irqoff(BLOCK_SOFTIRQ);
	spin_unlock_irqrestore(&demo_lock, flags);
}

void blockdemo_submit(unsigned long requests)
{
	unsigned long flags = spin_lock_irqsave(&demo_lock);

	blk.queued += requests;
	raise_softirq_irqoff(BLOCK_SOFTIRQ);
	spin_unlock_irqrestore(&demo_lock, flags);
}

/* BLOCK: complete everything queued; requests with a callback get it. */
static void block_action(void)
{
	unsigned long flags = spin_lock_irqsave(&demo_lock);
	struct blk_request *r = requests_head;

	requests_head = NULL;
	blk.completed += blk.queued;
	blk.queued = 0;
	spin_unlock_irqrestore(&demo_lock, flags);
	while (r) {
		struct blk_request *next = r->next;

		r->done(r);
		r = next;
	}
}

const struct blockdemo_stats *blockdemo_stats(void)
{
	return &blk;
}

void bh_demos_init(void)
{
	open_softirq(BLOCK_SOFTIRQ, block_action);
}
