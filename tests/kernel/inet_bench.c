/*
 * tests/kernel/inet_bench.c - the stack's share of one received packet.
 *
 *  udp_deliver_64    netif_receive_skb() of a 64-byte UDP datagram to a
 *                    bound socket: Ethernet, IPv4 (header checksum), UDP
 *                    (checksum over pseudo-header and data), the copy
 *                    into the socket's ring and the wake-up of nobody.
 *  udp_deliver_1472  the same for the largest datagram: the checksum
 *                    and the copy grow with the size.
 *
 * A fake device hands the frame in (bottom halves off, as in NET_RX);
 * the datagram is taken off the socket outside the measurement. Together
 * with netdrv's per-packet figures (interrupt, NAPI poll) this is the
 * "NIC interrupt -> UDP handler" path of docs/net.md.
 */
#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/net/inet.h"
#include "kernel/net/udp.h"
#include "kernel/test/bench.h"
#include "lib/inet_csum.h"
#include "lib/sort.h"
#include "lib/string.h"

#define BENCH_PORT 5009

static int no_xmit(struct net_device *dev, const void *f, unsigned int len)
{
	(void)dev;
	(void)f;
	(void)len;
	return 0;
}

static const struct net_device_ops bench_ops = { .xmit = no_xmit };
static struct net_device bench_dev = {
	.name = "bench0",
	.mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	.ipv4 = INET_GUEST_ADDR,
	.ops = &bench_ops,
};

static uint8_t frame[ETH_FRAME_LEN];

static unsigned int build_frame(unsigned int len)
{
	uint8_t *h = frame + IP_OFF, *u = frame + L4_OFF;
	unsigned int ulen = UDP_HLEN + len;

	memcpy(frame, bench_dev.mac, ETH_ALEN);
	memset(frame + ETH_ALEN, 0x02, ETH_ALEN);
	put_be16(frame + 12, ETH_P_IP);
	memset(h, 0, IP_HLEN);
	h[0] = 0x45;
	put_be16(h + 2, (uint16_t)(IP_HLEN + ulen));
	h[8] = 64;
	h[9] = IP_PROTO_UDP;
	put_be32(h + 12, INET_PEER_ADDR);
	put_be32(h + 16, INET_GUEST_ADDR);
	put_be16(h + 10, inet_csum(h, IP_HLEN));
	put_be16(u, 6000);
	put_be16(u + 2, BENCH_PORT);
	put_be16(u + 4, (uint16_t)ulen);
	put_be16(u + 6, 0);
	for (unsigned int i = 0; i < len; i++)
		u[UDP_HLEN + i] = (uint8_t)i;
	put_be16(u + 6, inet_csum_fold(inet_csum_add(
				ip_pseudo_sum(INET_PEER_ADDR, INET_GUEST_ADDR,
					      IP_PROTO_UDP, ulen),
				u, ulen)));
	return ETH_HLEN + IP_HLEN + ulen;
}

static uint64_t deliver(unsigned int len)
{
	static uint64_t samples[BENCH_RUNS];
	static uint8_t buf[UDP_MAX_DATA];
	unsigned int flen = build_frame(len);
	struct udp_sock *s;

	if (udp_socket_bind(BENCH_PORT, &s))
		return BENCH_SKIPPED;
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t start;

		local_bh_disable();
		start = rdtsc();
		netif_receive_skb(&bench_dev, frame, flen);
		samples[i] = rdtsc() - start;
		local_bh_enable();
		udp_recvfrom(s, buf, sizeof(buf), NULL, NULL, 0);
	}
	udp_close(s);
	return median_u64(samples, BENCH_RUNS);
}

static uint64_t bench_udp_deliver_64(void)
{
	return deliver(64);
}
BENCH(udp_deliver_64, bench_udp_deliver_64,
      "netif_receive_skb of a 64-byte UDP datagram into a bound socket's ring");

static uint64_t bench_udp_deliver_1472(void)
{
	return deliver(UDP_MAX_DATA);
}
BENCH(udp_deliver_1472, bench_udp_deliver_1472,
      "netif_receive_skb of a 1472-byte UDP datagram into a bound socket's ring");
