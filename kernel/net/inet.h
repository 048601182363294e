/*
 * kernel/net/inet.h - the protocol stack inside: Ethernet, ARP, IPv4,
 * ICMP, UDP (kernel/net/{ether,arp,ipv4,icmp,udp}.c). Kernel code that
 * only wants datagrams uses kernel/net/udp.h; `ping` uses icmp.h.
 *
 * Receive: a driver's NAPI poll calls netif_receive_skb() (NET_RX
 * softirq), which walks the frame up the layers in that same call:
 *
 *   netif_receive_skb  (ether.c)  to our MAC or broadcast?
 *     arp_rcv          (arp.c)    answer requests for our address,
 *                                 learn the sender, flush a waiting frame
 *     ip_rcv           (ipv4.c)   version, lengths, checksum, fragments,
 *                                 to our address or broadcast?
 *       icmp_rcv       (icmp.c)   echo request -> reply; reply -> ping
 *       udp_rcv        (udp.c)    checksum, the socket bound to the port
 *
 * Every frame that goes no further is counted in inet_stats under the
 * reason why (`udp` prints them): nothing is dropped silently.
 *
 * Transmit: a sender fills a struct inet_pkt from the payload down (UDP
 * writes its header before the payload, IPv4 before that...), and
 * ip_output() routes it and hands it to ARP, which puts on the Ethernet
 * header and calls dev_queue_xmit() - or keeps the packet (one per cache
 * entry) until the peer's MAC is known.
 *
 * Addresses and ports are host byte order in every interface here; the
 * get_be / put_be helpers convert at the wire.
 *
 * Context: the *_rcv functions run in NET_RX softirq context (or with
 * bottom halves disabled, in tests); ip_output from task or softirq
 * context, never hard IRQ. Shared state takes spinlocks with IRQs saved.
 * The address helpers, inet_dev_addr, ip_route and ip_pseudo_sum from any
 * context but hard IRQ; arp_flush_dev, arp_snapshot and
 * inet_test_set_route from task context.
 */
#ifndef KERNEL_NET_INET_H
#define KERNEL_NET_INET_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/net/netdev.h"

/* Static configuration: QEMU's user-network conventions (see facts). */
#define INET_GUEST_ADDR 0x0a00020fu /* 10.0.2.15 */
#define INET_PEER_ADDR	0x0a000202u /* 10.0.2.2: the host, our gateway */
#define INET_NETMASK	0xffffff00u /* /24 */

#define ETH_P_IP	0x0800 /* EtherType: IPv4 (IEEE 802 numbers) */
#define ETH_P_ARP	0x0806 /* EtherType: ARP */

#define IP_HLEN		20 /* a header without options */
#define IP_PROTO_ICMP	1
#define IP_PROTO_UDP	17
#define IP_MTU		(ETH_FRAME_LEN - ETH_HLEN) /* 1500 */
#define UDP_HLEN	8
#define UDP_MAX_DATA	(IP_MTU - IP_HLEN - UDP_HLEN) /* 1472 */

/* Offsets of each layer in a frame (no IP options on what we send). */
#define IP_OFF		ETH_HLEN
#define L4_OFF		(ETH_HLEN + IP_HLEN)
#define UDP_DATA_OFF	(L4_OFF + UDP_HLEN)

/* A frame being built for transmission: the whole Ethernet frame. */
struct inet_pkt {
	uint8_t data[ETH_FRAME_LEN];
};

/* Why a frame went no further, per layer; plus what went through. */
struct inet_stats {
	/* Ethernet */
	unsigned long eth_rx, eth_short, eth_not_ours, eth_unknown_type;
	/* ARP */
	unsigned long arp_rx, arp_bad, arp_requests_answered, arp_replies,
		arp_requests_sent, arp_not_ours, arp_waiting_dropped,
		arp_evicted;
	/* IPv4 */
	unsigned long ip_rx, ip_bad_header, ip_bad_csum, ip_fragments,
		ip_not_ours, ip_unknown_proto, ip_tx, ip_no_route, ip_tx_err;
	/* ICMP */
	unsigned long icmp_rx, icmp_bad, icmp_echo_answered, icmp_echo_replies,
		icmp_unmatched_replies, icmp_other;
	/* UDP */
	unsigned long udp_rx, udp_bad_len, udp_bad_csum, udp_no_socket,
		udp_queue_full, udp_delivered, udp_tx;
};

extern struct inet_stats inet_stats;

/* Counters are bumped from softirqs on any CPU: one atomic add each. */
#define INET_INC(field) \
	__atomic_add_fetch(&inet_stats.field, 1, __ATOMIC_RELAXED)

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* "10.0.2.15" -> 0x0a00020f; 0 or -EINVAL. */
int inet_parse_addr(const char *s, uint32_t *addr);
/* 0x0a00020f -> "10.0.2.15" (buf of at least 16 bytes); returns buf. */
char *inet_format_addr(uint32_t addr, char *buf);

/* The device's address; a device with none gets the static one. */
uint32_t inet_dev_addr(struct net_device *dev);

/* ether.c: put the Ethernet header on pkt (frame length len, payload
 * from ETH_HLEN) and transmit it; pads short frames to ETH_ZLEN. */
int eth_output(struct net_device *dev, const uint8_t *dst_mac, uint16_t type,
	       struct inet_pkt *pkt, unsigned int len);

/* arp.c */
void arp_rcv(struct net_device *dev, const uint8_t *pkt, unsigned int len);
/* Send pkt (an IPv4 frame of len bytes) to next_hop on dev. Takes pkt:
 * frees it, or keeps it until the next hop answers (then sends it). */
int arp_output(struct net_device *dev, uint32_t next_hop, struct inet_pkt *pkt,
	       unsigned int len);
/* Forget dev's entries (and free their waiting frames). */
void arp_flush_dev(struct net_device *dev);
struct arp_entry_info {
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	bool resolved, waiting;
	const char *dev;
};
/* Copy up to max entries out (a snapshot); returns how many. */
unsigned int arp_snapshot(struct arp_entry_info *out, unsigned int max);

/* ipv4.c */
void ip_rcv(struct net_device *dev, const uint8_t *pkt, unsigned int len);
/* Route, add the IPv4 header in front of the l4len bytes at L4_OFF,
 * send. Takes pkt (freed here or by ARP). 0 or -errno. */
int ip_output(uint32_t dst, uint8_t proto, struct inet_pkt *pkt,
	      unsigned int l4len);
/* Like ip_output, on a given device: replies go out where the request
 * came in. */
int ip_output_dev(struct net_device *dev, uint32_t dst, uint8_t proto,
		  struct inet_pkt *pkt, unsigned int l4len);
/* Which device carries a packet to dst, and the neighbour on it to send
 * to (dst itself, or the gateway); NULL if none. */
struct net_device *ip_route(uint32_t dst, uint32_t *next_hop);
/* The pseudo-header sum UDP's checksum covers (RFC 768). */
uint32_t ip_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
		       unsigned int len);
/* Tests: route everything through dev instead of the registered ones
 * (NULL: normal routing). */
void inet_test_set_route(struct net_device *dev);

/* icmp.c, udp.c: the payload of one IPv4 packet from src to dst. */
void icmp_rcv(struct net_device *dev, uint32_t src, const uint8_t *msg,
	      unsigned int len);
void udp_rcv(struct net_device *dev, uint32_t src, uint32_t dst,
	     const uint8_t *msg, unsigned int len);

#endif
