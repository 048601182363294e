/* kernel/bh/demo.c - see demo.h. */
#include "kernel/bh/demo.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/sched/spinlock.h"

/* Any CPU may send, and the softirqs run on the CPU that raised them. */
static DEFINE_SPINLOCK(demo_lock);
static struct netdemo_stats net;
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

const struct netdemo_stats *netdemo_stats(void)
{
	return &net;
}

void bh_demos_init(void)
{
	open_softirq(NET_TX_SOFTIRQ, net_tx_action);
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
}
