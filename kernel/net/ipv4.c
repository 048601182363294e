/*
 * kernel/net/ipv4.c - IPv4 (RFC 791): check a received header and pass
 * the payload to ICMP or UDP; route and send.
 *
 * Received packets are checked in the order a reader would: length,
 * version, header length, total length, header checksum. Fragments are
 * not reassembled: they are counted and dropped (nothing we send is
 * large enough to be fragmented, and the peer sets Don't Fragment).
 * IP options are accepted and skipped.
 *
 * Routing is two rules: an address on a device's /24 goes straight to
 * it (127.0.0.x to the loopback); anything else goes through the gateway
 * 10.0.2.2 on the first device with an address other than "lo".
 *
 * Context: ip_rcv in NET_RX softirq; ip_output from task or softirq.
 */
#include "kernel/net/inet.h"

#include "kernel/mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/inet_csum.h"
#include "lib/string.h"

#define IP_VERSION    4
#define IP_TTL	      64
#define IP_FLAG_DF    0x4000 /* Don't Fragment */
#define IP_FLAG_MF    0x2000 /* More Fragments */
#define IP_FRAG_MASK  0x1fff /* fragment offset, in 8-byte units */
#define IP_LIMITED_BC 0xffffffffu

static struct net_device *test_route;
static uint16_t next_id;

void inet_test_set_route(struct net_device *dev)
{
	test_route = dev;
}

static bool ip_is_ours(struct net_device *dev, uint32_t dst)
{
	uint32_t our = inet_dev_addr(dev);

	return our && (dst == our || dst == IP_LIMITED_BC ||
		       dst == (our | ~INET_NETMASK));
}

void ip_rcv(struct net_device *dev, const uint8_t *h, unsigned int len)
{
	unsigned int hlen, total;
	uint16_t frag;

	INET_INC(ip_rx);
	if (len < IP_HLEN || h[0] >> 4 != IP_VERSION) {
		INET_INC(ip_bad_header);
		return;
	}
	hlen = (h[0] & 0xf) * 4u;
	total = get_be16(h + 2);
	/* total < len is normal: Ethernet pads short frames */
	if (hlen < IP_HLEN || total < hlen || total > len) {
		INET_INC(ip_bad_header);
		return;
	}
	if (inet_csum(h, hlen)) {
		INET_INC(ip_bad_csum);
		return;
	}
	frag = get_be16(h + 6);
	if (frag & (IP_FLAG_MF | IP_FRAG_MASK)) {
		INET_INC(ip_fragments);
		return;
	}
	if (!ip_is_ours(dev, get_be32(h + 16))) {
		INET_INC(ip_not_ours);
		return;
	}
	switch (h[9]) {
	case IP_PROTO_ICMP:
		icmp_rcv(dev, get_be32(h + 12), h + hlen, total - hlen);
		break;
	case IP_PROTO_UDP:
		udp_rcv(dev, get_be32(h + 12), get_be32(h + 16), h + hlen,
			total - hlen);
		break;
	default:
		INET_INC(ip_unknown_proto);
	}
}

uint32_t ip_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
		       unsigned int len)
{
	uint8_t ph[12];

	put_be32(ph, src);
	put_be32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put_be16(ph + 10, (uint16_t)len);
	return inet_csum_add(0, ph, sizeof(ph));
}

/* Which device, and which neighbour on it, carries a packet to dst. */
struct net_device *ip_route(uint32_t dst, uint32_t *next_hop)
{
	struct net_device *dev, *first = NULL;

	*next_hop = dst;
	if (test_route)
		return test_route;
	for (unsigned int i = 0; (dev = netdev_get(i)); i++) {
		uint32_t our = inet_dev_addr(dev);

		if (!our)
			continue;
		if (((our ^ dst) & INET_NETMASK) == 0)
			return dev;
		if (!first && strcmp(dev->name, "lo"))
			first = dev; /* the loopback is nobody's gateway */
	}
	*next_hop = INET_PEER_ADDR;
	return first;
}

static int ip_send(struct net_device *dev, uint32_t next_hop, uint32_t dst,
		   uint8_t proto, struct inet_pkt *pkt, unsigned int l4len)
{
	uint8_t *h = pkt->data + IP_OFF;
	unsigned int total = IP_HLEN + l4len;
	int rc;

	h[0] = IP_VERSION << 4 | IP_HLEN / 4;
	h[1] = 0;
	put_be16(h + 2, (uint16_t)total);
	put_be16(h + 4, __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED));
	put_be16(h + 6, IP_FLAG_DF);
	h[8] = IP_TTL;
	h[9] = proto;
	put_be16(h + 10, 0);
	put_be32(h + 12, inet_dev_addr(dev));
	put_be32(h + 16, dst);
	put_be16(h + 10, inet_csum(h, IP_HLEN));
	INET_INC(ip_tx);
	rc = arp_output(dev, next_hop, pkt, ETH_HLEN + total);
	if (rc < 0)
		INET_INC(ip_tx_err);
	return rc;
}

int ip_output_dev(struct net_device *dev, uint32_t dst, uint8_t proto,
		  struct inet_pkt *pkt, unsigned int l4len)
{
	uint32_t next_hop = dst;

	if (((inet_dev_addr(dev) ^ dst) & INET_NETMASK) != 0)
		next_hop = INET_PEER_ADDR;
	return ip_send(dev, next_hop, dst, proto, pkt, l4len);
}

int ip_output(uint32_t dst, uint8_t proto, struct inet_pkt *pkt,
	      unsigned int l4len)
{
	uint32_t next_hop;
	struct net_device *dev = ip_route(dst, &next_hop);

	if (!dev) {
		INET_INC(ip_no_route);
		kfree(pkt);
		return -EHOSTUNREACH;
	}
	return ip_send(dev, next_hop, dst, proto, pkt, l4len);
}
