/*
 * kernel/net/ether.c - the stack's entry (netif_receive_skb) and exit
 * (eth_output): the Ethernet header, and the addresses all layers share.
 * See inet.h for the whole path.
 */
#include "kernel/net/inet.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

struct inet_stats inet_stats;

static const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff };

uint32_t inet_dev_addr(struct net_device *dev)
{
	/* One static address per machine: the driver may set its own, else
	 * the first use gives the device QEMU's conventional 10.0.2.15. */
	if (!dev->ipv4 && strcmp(dev->name, "lo"))
		dev->ipv4 = INET_GUEST_ADDR;
	return dev->ipv4;
}

/*
 * One received frame, in the driver's NAPI poll (NET_RX softirq). The
 * frame is the driver's buffer: whatever the stack keeps it copies. (The
 * netif_receive_skb tracepoint is the driver's, just before this call.)
 */
void netif_receive_skb(struct net_device *dev, const void *frame,
		       unsigned int len)
{
	const uint8_t *f = frame;

	INET_INC(eth_rx);
	if (len < ETH_HLEN) {
		INET_INC(eth_short);
		return;
	}
	/* The NIC filters by address already; a promiscuous one or a test
	 * may hand us anything, so look again. */
	if (memcmp(f, dev->mac, ETH_ALEN) &&
	    memcmp(f, eth_broadcast, ETH_ALEN)) {
		INET_INC(eth_not_ours);
		return;
	}
	switch (get_be16(f + 12)) {
	case ETH_P_ARP:
		arp_rcv(dev, f + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_P_IP:
		ip_rcv(dev, f + ETH_HLEN, len - ETH_HLEN);
		break;
	default:
		INET_INC(eth_unknown_type);
	}
}

int eth_output(struct net_device *dev, const uint8_t *dst_mac, uint16_t type,
	       struct inet_pkt *pkt, unsigned int len)
{
	memcpy(pkt->data, dst_mac ? dst_mac : eth_broadcast, ETH_ALEN);
	memcpy(pkt->data + ETH_ALEN, dev->mac, ETH_ALEN);
	put_be16(pkt->data + 12, type);
	/* The wire's minimum: a short frame is padded with zeros, which the
	 * IPv4 total length tells the receiver to ignore. */
	if (len < ETH_ZLEN) {
		memset(pkt->data + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	return dev_queue_xmit(dev, pkt->data, len);
}

int inet_parse_addr(const char *s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned int v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255)
			return -EINVAL;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	*addr = a;
	return 0;
}

char *inet_format_addr(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", (unsigned int)(addr >> 24),
		 (unsigned int)(addr >> 16 & 0xff),
		 (unsigned int)(addr >> 8 & 0xff), (unsigned int)(addr & 0xff));
	return buf;
}
