/* kernel/bh/demo.c - see demo.h. */
#include "kernel/bh/demo.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/sched/spinlock.h"

/* One lock for both demos: any CPU may submit, and the softirqs run on
 * the CPU that raised them. */
static DEFINE_SPINLOCK(demo_lock);
static struct netdemo_stats net;
static struct blockdemo_stats blk;
DECLARE_WAIT_QUEUE_HEAD(netdemo_drained);

void netdemo_send(unsigned long packets)
{
	unsigned long flags = spin_lock_irqsave(&demo_lock);

	net.tx_queued += packets;
	raise_softirq_irqoff(NET_TX_SOFTIRQ);
	spin_unlock_irqrestore(&demo_lock, flags);
}

/* NET_TX: everything queued goes onto the loopback wire at once. */
static void net_tx_action(void)
{
	unsigned long flags = spin_lock_irqsave(&demo_lock);
	unsigned long n = net.tx_queued;

	net.tx_queued = 0;
	net.sent += n;
	net.rx_queued += n;
	if (net.rx_queued)
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
	spin_unlock_irqrestore(&demo_lock, flags);
}

/* NET_RX: a budget per run; what is left waits for the next pass. */
static void net_rx_action(void)
{
	unsigned long flags = spin_lock_irqsave(&demo_lock);
	unsigned long n =
		net.rx_queued < NETDEMO_WEIGHT ? net.rx_queued : NETDEMO_WEIGHT;

	bool drained;

	net.rx_queued -= n;
	net.delivered += n;
	drained = !net.rx_queued;
	if (!drained)
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
	spin_unlock_irqrestore(&demo_lock, flags);
	if (drained)
		wake_up_all(&netdemo_drained);
}

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

const struct netdemo_stats *netdemo_stats(void)
{
	return &net;
}

const struct blockdemo_stats *blockdemo_stats(void)
{
	return &blk;
}

void bh_demos_init(void)
{
	open_softirq(NET_TX_SOFTIRQ, net_tx_action);
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
	open_softirq(BLOCK_SOFTIRQ, block_action);
}
