/*
 * kernel/bh/demo.h - demo owners of NET_TX and NET_RX.
 *
 * Interlude has no network card yet; these two slots are owned by
 * small stand-ins so that every slot of the vector does something a
 * student can watch:
 *
 *   loopback net: netdemo_send(n) queues n "packets" for transmission and
 *     raises NET_TX; NET_TX moves them to the receive queue (the loopback
 *     wire) and raises NET_RX; NET_RX delivers at most NETDEMO_WEIGHT of
 *     them per run and re-raises itself while any are left, as a NAPI
 *     poll with a budget does. A long queue is therefore a softirq storm.
 * (BLOCK has a real owner now: the block layer, kernel/block/blk.h.)
 *
 * Context: netdemo_send from any context; the counters
 * are read without a lock (statistics).
 */
#ifndef KERNEL_BH_DEMO_H
#define KERNEL_BH_DEMO_H

#include "kernel/sched/wait.h"

#define NETDEMO_WEIGHT 1 /* packets per NET_RX run */

struct netdemo_stats {
	unsigned long tx_queued, rx_queued; /* waiting now */
	unsigned long sent, delivered;	    /* in all */
};

void bh_demos_init(void); /* opens NET_TX, NET_RX */
void netdemo_send(unsigned long packets);
const struct netdemo_stats *netdemo_stats(void);

extern struct wait_queue_head netdemo_drained; /* woken: RX queue empty */

#endif
