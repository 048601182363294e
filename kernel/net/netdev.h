/*
 * kernel/net/netdev.h - the line between network drivers and the stack.
 *
 * A driver (drivers/net/e1000.c, kernel/net/loopback.c) fills in a
 * struct net_device and registers it. From then on:
 *
 *   receive   the driver's NAPI poll (NET_RX softirq) hands each frame it
 *             takes off its ring to netif_receive_skb(), which is the
 *             stack's entry (kernel/net/ether.c): Ethernet, ARP, IPv4,
 *             ICMP, UDP run right there, in softirq context, as Linux's
 *             do. The frame's memory is the driver's again once the call
 *             returns: the stack copies what it keeps.
 *   transmit  the stack (any context but hard IRQ) calls dev_queue_xmit()
 *             with a whole Ethernet frame (no FCS); the driver copies it
 *             into its ring and returns 0, or -EBUSY with the frame
 *             counted in tx_dropped when the ring is full. Completed
 *             transmissions are reclaimed later (the NET_TX softirq).
 *
 * Nothing is dropped without a count: every frame the device was offered
 * is in rx_packets, rx_errors or rx_missed, and `net` shows them:
 *   rx_packets  good frames the driver took off its ring (counted before
 *               it hands them up, kept or not)
 *   rx_dropped  of those, the ones thrown away above the driver (the
 *               netif_rx backlog was full; what the stack refuses is
 *               counted by its own layer: the udp command)
 *   rx_errors   frames the NIC flagged bad; rx_missed: frames the NIC
 *               could not store (no free descriptor)
 * so offered = rx_packets + rx_errors + rx_missed. tx_packets counts the
 * frames xmit accepted onto the ring, tx_dropped those it refused.
 *
 * Context: netdev_register at boot (task context); netdev_get/by_name
 * anywhere; dev_queue_xmit from task or softirq context (not hard IRQ);
 * netif_receive_skb from NET_RX softirq context (a driver's poll).
 */
#ifndef KERNEL_NET_NETDEV_H
#define KERNEL_NET_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_ZLEN      60   /* shortest frame on the wire, without FCS */
#define ETH_FRAME_LEN 1514 /* longest, without FCS */
#define NETDEV_MAX    4

struct net_device;

/* How full a device's rings are now (for `net`). */
struct netdev_rings {
	unsigned int rx_used, rx_size; /* received, not yet polled */
	unsigned int tx_used, tx_size; /* queued, not yet reclaimed */
};

struct net_device_ops {
	/* Put one frame on the wire (copied); 0 or -errno. */
	int (*xmit)(struct net_device *dev, const void *frame,
		    unsigned int len);
	/* NET_TX: reclaim finished transmissions (optional; see
	 * netif_tx_schedule). */
	void (*tx_complete)(struct net_device *dev);
	/* Fill in *r (optional). */
	void (*ring_fill)(struct net_device *dev, struct netdev_rings *r);
};

struct net_device_stats {
	unsigned long rx_packets, rx_bytes;
	unsigned long tx_packets, tx_bytes;
	unsigned long rx_dropped;	 /* the netif_rx backlog had no room */
	unsigned long rx_errors;	 /* bad frames (descriptor errors) */
	unsigned long rx_missed;	 /* the NIC had no descriptor (MPC) */
	unsigned long rx_ring_full;	 /* times the ring was found full */
	unsigned long tx_dropped;	 /* the TX ring was full */
	unsigned long interrupts;	 /* top halves that were ours */
	unsigned long napi_polls;	 /* poll calls */
	unsigned long napi_budget_spent; /* polls that used all their budget */
};

struct net_device {
	const char *name; /* "eth0", "lo" */
	uint8_t mac[ETH_ALEN];
	bool link_up;
	uint32_t ipv4; /* host byte order; 0: none */
	const struct net_device_ops *ops;
	struct net_device_stats stats;
	void *priv;	     /* the driver's own state */
	bool napi;	     /* receives by NAPI poll (else netif_rx) */
	unsigned long state; /* NETDEV_TX_SCHED: tx_complete is due */
};

#define NETDEV_TX_SCHED 0 /* bit in state */

int netdev_register(struct net_device *dev);   /* 0, or -ENOSPC */
struct net_device *netdev_get(unsigned int i); /* NULL past the last */
struct net_device *netdev_by_name(const char *name);

int dev_queue_xmit(struct net_device *dev, const void *frame, unsigned int len);

/* Ask for dev's tx_complete on NET_TX (raised here, on this CPU). Any
 * context: a top half on "transmit done", or xmit itself. */
void netif_tx_schedule(struct net_device *dev);
void netdev_init(void); /* opens NET_TX; NET_RX is napi_init's */

/* The stack's entry (kernel/net/ether.c). */
void netif_receive_skb(struct net_device *dev, const void *frame,
		       unsigned int len);

#endif
