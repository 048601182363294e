/*
 * kernel/net/loopback.h - "lo", a network device whose wire leads back to
 * itself, on the same NAPI path as the e1000.
 *
 *   dev_queue_xmit(lo, frame)  copies the frame into lo's queue and asks
 *                              for NET_TX (netif_tx_schedule)
 *   NET_TX (tx_complete)       puts what was queued "on the wire": it
 *                              becomes lo's receive queue; napi_schedule
 *   NET_RX (lo's poll)         hands received frames to the stack, at most
 *                              LOOPBACK_WEIGHT per poll; lo stays scheduled
 *                              while any are left
 *
 * loopback_send(n) queues n demo packets - counts that carry no bytes
 * and go no further than lo's poll - for `raise NET_TX`, the net_send
 * system call (user/netsend) and `storm softirq N`. With a weight of one
 * packet per poll, and one poll per NET_RX run, a long queue makes every
 * pass of the softirq loop find NET_RX raised again: a softirq storm
 * that ksoftirqd takes over.
 *
 * Context: loopback_init at boot (task context, after netdev_init and
 * napi_init); loopback_send from any context; the statistics are read
 * without a lock.
 */
#ifndef KERNEL_NET_LOOPBACK_H
#define KERNEL_NET_LOOPBACK_H

#include "kernel/sched/wait.h"

#define LOOPBACK_WEIGHT 1  /* packets per poll */
#define LOOPBACK_FRAMES 16 /* real frames lo can hold */

struct loopback_stats {
	unsigned long tx_queued, rx_queued; /* demo packets waiting now */
	unsigned long sent, delivered;	    /* demo packets in all */
};

void loopback_init(void);
void loopback_send(unsigned long packets);
const struct loopback_stats *loopback_stats(void);
struct net_device *loopback_dev(void);

extern struct wait_queue_head loopback_drained; /* woken: nothing left */

#endif
