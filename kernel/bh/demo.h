/*
 * kernel/bh/demo.h - the demo owner of BLOCK.
 *
 * (NET_TX and NET_RX belong to the network devices now: the e1000 and
 * the loopback "lo", kernel/net/loopback.h.) BLOCK is owned by a small
 * stand-in so that the slot does something a student can watch:
 *
 *   RAM disk: blockdemo_submit(n) queues n requests; BLOCK completes them
 *     all per run (as a disk's completion softirq does).
 *
 * Context: blockdemo_submit from any context; the counters
 * are read without a lock (statistics).
 */
#ifndef KERNEL_BH_DEMO_H
#define KERNEL_BH_DEMO_H

#include "kernel/sched/wait.h"

/* A request to the RAM disk; done() is called from BLOCK_SOFTIRQ. */
struct blk_request {
	struct blk_request *next;
	void (*done)(struct blk_request *r);
};

struct blockdemo_stats {
	unsigned long queued, completed;
};

void bh_demos_init(void); /* opens BLOCK */
void blockdemo_submit(unsigned long requests);
void blockdemo_submit_request(struct blk_request *r);
const struct blockdemo_stats *blockdemo_stats(void);

#endif
