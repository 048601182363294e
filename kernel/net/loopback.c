/* kernel/net/loopback.c - the loopback device "lo"; see loopback.h. */
#include "kernel/net/loopback.h"

#include "kernel/net/napi.h"
#include "kernel/net/netdev.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"
#include "lib/string.h"

struct lo_frame {
	unsigned int len;
	uint8_t data[ETH_FRAME_LEN];
};

/*
 * One ring of frames, three free-running indices: [tail, wire) are on
 * the wire (received, for the poll), [wire, head) queued for NET_TX.
 * Any CPU may queue; the poll (one at a time: NAPI's SCHED bit) reads
 * the frame at tail unlocked, since nothing reuses it before tail moves.
 */
static struct lo_frame frames[LOOPBACK_FRAMES];
static unsigned int head, wire, tail;
static struct loopback_stats demo;
static DEFINE_SPINLOCK(lo_lock);
static struct napi_struct lo_napi;
static struct net_device lo;
DECLARE_WAIT_QUEUE_HEAD(loopback_drained);

static int lo_xmit(struct net_device *dev, const void *frame, unsigned int len)
{
	unsigned long flags = spin_lock_irqsave(&lo_lock);
	int rc = 0;

	if (head - tail == LOOPBACK_FRAMES) {
		dev->stats.tx_dropped++;
		rc = -EBUSY;
	} else {
		struct lo_frame *f = &frames[head++ % LOOPBACK_FRAMES];

		f->len = len;
		memcpy(f->data, frame, len);
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += len;
	}
	spin_unlock_irqrestore(&lo_lock, flags);
	trace_event(TRACE_NET_DEV_XMIT, (uint32_t)dev->name, len, rc);
	if (!rc)
		netif_tx_schedule(dev);
	return rc;
}

void loopback_send(unsigned long packets)
{
	unsigned long flags = spin_lock_irqsave(&lo_lock);

	demo.tx_queued += packets;
	lo.stats.tx_packets += packets;
	spin_unlock_irqrestore(&lo_lock, flags);
	netif_tx_schedule(&lo);
}

/* NET_TX: everything queued goes onto the wire at once. */
static void lo_tx_complete(struct net_device *dev)
{
	unsigned long flags = spin_lock_irqsave(&lo_lock);
	bool any;

	(void)dev;
	wire = head;
	demo.sent += demo.tx_queued;
	demo.rx_queued += demo.tx_queued;
	demo.tx_queued = 0;
	any = demo.rx_queued || tail != wire;
	spin_unlock_irqrestore(&lo_lock, flags);
	if (any)
		napi_schedule(&lo_napi);
}

/* One received frame to the stack (lock not held). */
static void lo_deliver(struct lo_frame *f)
{
	lo.stats.rx_packets++;
	lo.stats.rx_bytes += f->len;
	trace_event(TRACE_NETIF_RECEIVE_SKB, (uint32_t)lo.name, f->len, 0);
	netif_receive_skb(&lo, f->data, f->len);
}

/* Take one frame or one demo packet off the wire; false if none. */
static bool lo_take_one(void)
{
	unsigned long flags = spin_lock_irqsave(&lo_lock);
	struct lo_frame *f = NULL;

	if (tail != wire) {
		f = &frames[tail % LOOPBACK_FRAMES];
	} else if (demo.rx_queued) {
		demo.rx_queued--;
		demo.delivered++;
		lo.stats.rx_packets++;
	} else {
		spin_unlock_irqrestore(&lo_lock, flags);
		return false;
	}
	spin_unlock_irqrestore(&lo_lock, flags);
	if (f) {
		lo_deliver(f);
		flags = spin_lock_irqsave(&lo_lock);
		tail++;
		spin_unlock_irqrestore(&lo_lock, flags);
	}
	return true;
}

/* Complete only if the wire is still empty, under the lock: NET_TX
 * adds under it and schedules after, so nothing is left unpolled. */
static bool lo_complete_if_empty(int work)
{
	unsigned long flags = spin_lock_irqsave(&lo_lock);
	bool empty = tail == wire && !demo.rx_queued;

	if (empty)
		napi_complete_done(&lo_napi, work);
	spin_unlock_irqrestore(&lo_lock, flags);
	return empty;
}

static int lo_poll(struct napi_struct *napi, int budget)
{
	int work = 0;

	(void)napi;
	while (work < budget && lo_take_one())
		work++;
	/* Complete as soon as the wire is empty - even with the budget used
	 * up - so that one packet is one NET_RX run, no empty poll after. */
	if (lo_complete_if_empty(work))
		wake_up_all(&loopback_drained);
	return work;
}

static void lo_ring_fill(struct net_device *dev, struct netdev_rings *r)
{
	(void)dev;
	*r = (struct netdev_rings){ .rx_used = wire - tail,
				    .rx_size = LOOPBACK_FRAMES,
				    .tx_used = head - wire,
				    .tx_size = LOOPBACK_FRAMES };
}

static const struct net_device_ops lo_ops = {
	.xmit = lo_xmit,
	.tx_complete = lo_tx_complete,
	.ring_fill = lo_ring_fill,
};

const struct loopback_stats *loopback_stats(void)
{
	return &demo;
}

struct net_device *loopback_dev(void)
{
	return &lo;
}

void loopback_init(void)
{
	lo = (struct net_device){ .name = "lo",
				  .link_up = true,
				  .ipv4 = 0x7f000001,
				  .ops = &lo_ops,
				  .napi = true };
	netif_napi_add(&lo, &lo_napi, lo_poll, LOOPBACK_WEIGHT);
	if (netdev_register(&lo))
		pr_err("lo: no room to register\n");
}
