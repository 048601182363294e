/*
 * inet_test.c - the protocol stack against a fake network device.
 *
 * fake0 has our MAC and 10.0.2.15; every frame the stack sends through it
 * is captured (its xmit copies the frame into sent[]), and frames "from
 * the wire" are fed to netif_receive_skb with bottom halves disabled - or
 * from a kernel timer, which is softirq context, as a NAPI poll is. The
 * suite routes the stack's output through fake0 while it runs, and
 * forgets fake0's ARP entries at the end.
 *
 * Each case checks one rule of kernel/net/inet.h and the counter that
 * proves it: a frame is answered, delivered, or counted under its reason.
 */
#include "kernel/net/icmp.h"
#include "kernel/net/inet.h"
#include "kernel/net/udp.h"
#include "kernel/bh/softirq.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/timer.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/inet_csum.h"
#include "lib/string.h"

#define OUR_IP	  INET_GUEST_ADDR
#define PEER_IP	  INET_PEER_ADDR
#define MAX_SENT  8
#define TEST_PORT 5001

static const uint8_t our_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[ETH_ALEN] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

/* What fake0 was asked to transmit. */
static struct {
	uint8_t frame[ETH_FRAME_LEN];
	unsigned int len;
} sent[MAX_SENT];
static unsigned int nr_sent;
static DEFINE_SPINLOCK(sent_lock);

/* When set, the "peer" answers echo requests at once (see ping_*). */
static bool peer_answers_pings;
static void answer_ping(const uint8_t *frame, unsigned int len);

static int fake_xmit(struct net_device *dev, const void *frame,
		     unsigned int len)
{
	unsigned long flags = spin_lock_irqsave(&sent_lock);

	(void)dev;
	if (nr_sent < MAX_SENT) {
		memcpy(sent[nr_sent].frame, frame, len);
		sent[nr_sent].len = len;
	}
	nr_sent++;
	spin_unlock_irqrestore(&sent_lock, flags);
	if (peer_answers_pings)
		answer_ping(frame, len);
	return 0;
}

static const struct net_device_ops fake_ops = { .xmit = fake_xmit };
static struct net_device fake = {
	.name = "fake0",
	.mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	.link_up = true,
	.ipv4 = OUR_IP,
	.ops = &fake_ops,
};

static void sent_clear(void)
{
	unsigned long flags = spin_lock_irqsave(&sent_lock);

	nr_sent = 0;
	spin_unlock_irqrestore(&sent_lock, flags);
}

static int inet_suite_init(void)
{
	inet_test_set_route(&fake);
	return 0;
}

static void inet_suite_exit(void)
{
	inet_test_set_route(NULL);
	arp_flush_dev(&fake);
}

/* A frame from the wire, as a driver's poll would hand it over. */
static void inject(const uint8_t *f, unsigned int len)
{
	local_bh_disable();
	netif_receive_skb(&fake, f, len);
	local_bh_enable();
}

static unsigned int put_eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, peer_mac, ETH_ALEN);
	put_be16(f + 12, type);
	return ETH_HLEN;
}

static unsigned int build_arp(uint8_t *f, uint16_t op, uint32_t spa,
			      uint32_t tpa)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff };
	uint8_t *a = f + put_eth(f, op == 1 ? bcast : our_mac, ETH_P_ARP);

	memset(a, 0, 28);
	put_be16(a, 1);
	put_be16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put_be16(a + 6, op);
	memcpy(a + 8, peer_mac, ETH_ALEN);
	put_be32(a + 14, spa);
	if (op == 2)
		memcpy(a + 18, our_mac, ETH_ALEN);
	put_be32(a + 24, tpa);
	return ETH_HLEN + 28;
}

/* An IPv4 header from the peer to us around l4len bytes at L4_OFF. */
static unsigned int build_ip(uint8_t *f, uint8_t proto, unsigned int l4len,
			     uint16_t frag)
{
	uint8_t *h = f + put_eth(f, our_mac, ETH_P_IP);

	memset(h, 0, IP_HLEN);
	h[0] = 0x45;
	put_be16(h + 2, (uint16_t)(IP_HLEN + l4len));
	put_be16(h + 4, 0x1234);
	put_be16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	put_be32(h + 12, PEER_IP);
	put_be32(h + 16, OUR_IP);
	put_be16(h + 10, inet_csum(h, IP_HLEN));
	return ETH_HLEN + IP_HLEN + l4len;
}

static unsigned int build_udp(uint8_t *f, uint16_t dport, const void *data,
			      unsigned int len, uint16_t frag)
{
	uint8_t *u = f + L4_OFF;
	unsigned int ulen = UDP_HLEN + len;
	uint32_t sum;

	put_be16(u, 6000);
	put_be16(u + 2, dport);
	put_be16(u + 4, (uint16_t)ulen);
	put_be16(u + 6, 0);
	memcpy(u + UDP_HLEN, data, len);
	sum = ip_pseudo_sum(PEER_IP, OUR_IP, IP_PROTO_UDP, ulen);
	put_be16(u + 6, inet_csum_fold(inet_csum_add(sum, u, ulen)));
	return build_ip(f, IP_PROTO_UDP, ulen, frag);
}

/* The peer tells us its MAC (so replies need no ARP round). */
static void learn_peer(void)
{
	uint8_t f[64];

	inject(f, build_arp(f, 1, PEER_IP, OUR_IP));
	sent_clear();
}

static uint8_t frame[ETH_FRAME_LEN];

/* A request for our address is answered, to the asker, with our MAC. */
static void arp_request_gets_reply_with_our_mac(struct ktest *t)
{
	unsigned long answered = inet_stats.arp_requests_answered;
	const uint8_t *r = sent[0].frame, *a = r + ETH_HLEN;

	sent_clear();
	inject(frame, build_arp(frame, 1, PEER_IP, OUR_IP));
	ASSERT_EQ(t, nr_sent, 1u);
	EXPECT_EQ(t, memcmp(r, peer_mac, ETH_ALEN), 0);
	EXPECT_EQ(t, get_be16(r + 12), ETH_P_ARP);
	EXPECT_EQ(t, get_be16(a + 6), 2);		   /* a reply */
	EXPECT_EQ(t, memcmp(a + 8, our_mac, ETH_ALEN), 0); /* sender: us */
	EXPECT_EQ(t, get_be32(a + 14), OUR_IP);
	EXPECT_EQ(t, memcmp(a + 18, peer_mac, ETH_ALEN), 0);
	EXPECT_EQ(t, get_be32(a + 24), PEER_IP);
	EXPECT_EQ(t, inet_stats.arp_requests_answered, answered + 1);
}

/* A request for someone else's address gets no answer, and is counted. */
static void arp_request_for_another_address_is_ignored(struct ktest *t)
{
	unsigned long not_ours = inet_stats.arp_not_ours;

	sent_clear();
	inject(frame, build_arp(frame, 1, PEER_IP, 0x0a000263));
	EXPECT_EQ(t, nr_sent, 0u);
	EXPECT_EQ(t, inet_stats.arp_not_ours, not_ours + 1);
}

static void ip_bad_checksum_is_dropped_and_counted(struct ktest *t)
{
	unsigned long bad = inet_stats.ip_bad_csum;
	unsigned long delivered = inet_stats.udp_delivered;
	struct udp_sock *s;
	unsigned int len;

	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &s), 0);
	len = build_udp(frame, TEST_PORT, "hello", 5, 0);
	frame[IP_OFF + 10] ^= 0x01; /* one bit of the header checksum */
	inject(frame, len);
	EXPECT_EQ(t, inet_stats.ip_bad_csum, bad + 1);
	EXPECT_EQ(t, inet_stats.udp_delivered, delivered);
	EXPECT_EQ(t, udp_recvfrom(s, frame, 16, NULL, NULL, 0), -ETIMEDOUT);
	udp_close(s);
}

/* Neither a first fragment (More Fragments) nor a later one (offset)
 * is delivered: we do not reassemble. */
static void fragments_are_dropped_and_counted(struct ktest *t)
{
	unsigned long frags = inet_stats.ip_fragments;
	unsigned long delivered = inet_stats.udp_delivered;
	struct udp_sock *s;

	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &s), 0);
	inject(frame, build_udp(frame, TEST_PORT, "frag", 4, 0x2000));
	inject(frame, build_udp(frame, TEST_PORT, "frag", 4, 0x0010));
	EXPECT_EQ(t, inet_stats.ip_fragments, frags + 2);
	EXPECT_EQ(t, inet_stats.udp_delivered, delivered);
	udp_close(s);
}

/* The reply carries the request's identifier, sequence and data back
 * byte for byte, with correct checksums, from us to the asker. */
static void icmp_echo_reply_is_byte_exact(struct ktest *t)
{
	unsigned int len = 8 + 100;
	uint8_t *m = frame + L4_OFF;
	const uint8_t *r = sent[0].frame;

	learn_peer();
	m[0] = 8;
	m[1] = 0;
	put_be16(m + 2, 0);
	put_be16(m + 4, 0xbeef);
	put_be16(m + 6, 42);
	for (unsigned int i = 8; i < len; i++)
		m[i] = (uint8_t)(i * 7);
	put_be16(m + 2, inet_csum(m, len));
	inject(frame, build_ip(frame, IP_PROTO_ICMP, len, 0));

	ASSERT_EQ(t, nr_sent, 1u);
	EXPECT_EQ(t, memcmp(r, peer_mac, ETH_ALEN), 0);
	EXPECT_EQ(t, inet_csum(r + IP_OFF, IP_HLEN), 0);
	EXPECT_EQ(t, get_be32(r + IP_OFF + 12), OUR_IP);
	EXPECT_EQ(t, get_be32(r + IP_OFF + 16), PEER_IP);
	EXPECT_EQ(t, get_be16(r + IP_OFF + 2), IP_HLEN + len);
	EXPECT_EQ(t, r[L4_OFF], 0); /* echo reply */
	EXPECT_EQ(t, inet_csum(r + L4_OFF, len), 0);
	EXPECT_EQ(t, memcmp(r + L4_OFF + 4, m + 4, len - 4), 0);
}

/* The datagram the timer feeds in, and where it goes. */
static struct timer_list feed_timer;
static unsigned int feed_len;

static void feed_from_softirq(struct timer_list *tl)
{
	(void)tl;
	netif_receive_skb(&fake, frame, feed_len); /* TIMER softirq */
}

/* recvfrom sleeps; a datagram arriving in softirq context queues on the
 * socket and wakes it with the data and the sender. */
static void udp_to_bound_socket_wakes_recvfrom(struct ktest *t)
{
	static const char msg[] = "wake up, thread";
	struct udp_sock *s;
	uint8_t buf[64];
	uint32_t ip = 0;
	uint16_t port = 0;
	int n;

	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &s), 0);
	feed_len = build_udp(frame, TEST_PORT, msg, sizeof(msg), 0);
	timer_setup(&feed_timer, feed_from_softirq);
	mod_timer(&feed_timer, jiffies + msecs_to_jiffies(20));
	n = udp_recvfrom(s, buf, sizeof(buf), &ip, &port, 2000);
	del_timer_sync(&feed_timer);
	EXPECT_EQ(t, n, (int)sizeof(msg));
	EXPECT_EQ(t, memcmp(buf, msg, sizeof(msg)), 0);
	EXPECT_EQ(t, ip, PEER_IP);
	EXPECT_EQ(t, port, 6000);
	udp_close(s);
}

/* A full ring keeps what it has and counts each newcomer it refuses. */
static void full_socket_queue_counts_drops(struct ktest *t)
{
	unsigned long full = inet_stats.udp_queue_full;
	struct udp_sock_info info;
	struct udp_sock *s;
	uint8_t buf[8];
	unsigned int got = 0;

	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &s), 0);
	for (unsigned int i = 0; i < UDP_SOCK_RING + 3; i++) {
		uint8_t b = (uint8_t)i;

		inject(frame, build_udp(frame, TEST_PORT, &b, 1, 0));
	}
	EXPECT_EQ(t, inet_stats.udp_queue_full, full + 3);
	EXPECT_EQ(t, udp_snapshot(&info, 1), 1u);
	EXPECT_EQ(t, info.dropped, 3ul);
	EXPECT_EQ(t, info.queued, (unsigned int)UDP_SOCK_RING);
	/* the first UDP_SOCK_RING are there, in order */
	while (udp_recvfrom(s, buf, sizeof(buf), NULL, NULL, 0) == 1) {
		EXPECT_EQ(t, buf[0], got);
		got++;
	}
	EXPECT_EQ(t, got, (unsigned int)UDP_SOCK_RING);
	udp_close(s);
}

static void udp_without_socket_or_with_bad_checksum_is_counted(struct ktest *t)
{
	unsigned long no_sock = inet_stats.udp_no_socket;
	unsigned long bad = inet_stats.udp_bad_csum;
	unsigned int len;

	inject(frame, build_udp(frame, TEST_PORT + 1, "nobody", 6, 0));
	EXPECT_EQ(t, inet_stats.udp_no_socket, no_sock + 1);
	len = build_udp(frame, TEST_PORT, "bad", 3, 0);
	frame[UDP_DATA_OFF] ^= 0x20; /* the data changed on the way */
	inject(frame, len);
	EXPECT_EQ(t, inet_stats.udp_bad_csum, bad + 1);
}

/* What udp_sendto puts on the wire: a frame the peer can check. */
static void udp_sendto_builds_a_checkable_frame(struct ktest *t)
{
	const uint8_t *r = sent[0].frame, *u = r + L4_OFF;
	struct udp_sock *s;
	uint32_t sum;

	learn_peer();
	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &s), 0);
	EXPECT_EQ(t, udp_sendto(s, PEER_IP, 7777, "abc", 3), 0);
	EXPECT_EQ(t, udp_sendto(s, PEER_IP, 7777, frame, UDP_MAX_DATA + 1),
		  -EMSGSIZE);
	udp_close(s);
	ASSERT_EQ(t, nr_sent, 1u);
	EXPECT_EQ(t, sent[0].len, (unsigned int)ETH_ZLEN); /* padded */
	EXPECT_EQ(t, inet_csum(r + IP_OFF, IP_HLEN), 0);
	EXPECT_EQ(t, get_be16(u), TEST_PORT);
	EXPECT_EQ(t, get_be16(u + 2), 7777);
	EXPECT_EQ(t, get_be16(u + 4), UDP_HLEN + 3);
	sum = ip_pseudo_sum(OUR_IP, PEER_IP, IP_PROTO_UDP, UDP_HLEN + 3);
	EXPECT_EQ(t, inet_csum_fold(inet_csum_add(sum, u, UDP_HLEN + 3)), 0);
	EXPECT_EQ(t, memcmp(u + UDP_HLEN, "abc", 3), 0);
}

/* An unknown next hop: one request goes out, the newest frame waits
 * (an older one is dropped and counted), and the reply releases it. */
static void unknown_next_hop_waits_for_arp_reply(struct ktest *t)
{
	const uint32_t other = 0x0a000240; /* 10.0.2.64 */
	unsigned long dropped = inet_stats.arp_waiting_dropped;
	struct udp_sock *s;
	uint8_t reply[64];

	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &s), 0);
	sent_clear();
	EXPECT_EQ(t, udp_sendto(s, other, 9, "first", 5), 0);
	EXPECT_EQ(t, udp_sendto(s, other, 9, "second", 6), 0);
	udp_close(s);
	ASSERT_EQ(t, nr_sent, 1u); /* the request, asked once */
	EXPECT_EQ(t, get_be16(sent[0].frame + 12), ETH_P_ARP);
	EXPECT_EQ(t, get_be32(sent[0].frame + ETH_HLEN + 24), other);
	EXPECT_EQ(t, inet_stats.arp_waiting_dropped, dropped + 1);

	inject(reply, build_arp(reply, 2, other, OUR_IP));
	ASSERT_EQ(t, nr_sent, 2u);
	EXPECT_EQ(t, get_be16(sent[1].frame + 12), ETH_P_IP);
	EXPECT_EQ(t, memcmp(sent[1].frame + UDP_DATA_OFF, "second", 6), 0);
}

/* Frames that are not for us at the Ethernet layer go no further. */
static void ethernet_filters_and_counts(struct ktest *t)
{
	unsigned long not_ours = inet_stats.eth_not_ours;
	unsigned long unknown = inet_stats.eth_unknown_type;
	unsigned long shorts = inet_stats.eth_short;
	static const uint8_t other_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };

	sent_clear();
	inject(frame, put_eth(frame, other_mac, ETH_P_IP) + 40);
	inject(frame, put_eth(frame, our_mac, 0x86dd) + 40); /* IPv6 */
	inject(frame, 10);
	EXPECT_EQ(t, inet_stats.eth_not_ours, not_ours + 1);
	EXPECT_EQ(t, inet_stats.eth_unknown_type, unknown + 1);
	EXPECT_EQ(t, inet_stats.eth_short, shorts + 1);
	EXPECT_EQ(t, nr_sent, 0u);
}

/* The peer's side of a ping: the request turned into its reply, fed
 * back as the NIC's poll would (from the transmit path: the reply is
 * there before icmp_ping starts to wait, which it must handle too). */
static void answer_ping(const uint8_t *frame, unsigned int len)
{
	static uint8_t reply[ETH_FRAME_LEN];
	const uint8_t *m = frame + L4_OFF;
	unsigned int mlen;
	uint8_t *r = reply + L4_OFF;

	if (len < L4_OFF + 8 || get_be16(frame + 12) != ETH_P_IP ||
	    frame[IP_OFF + 9] != IP_PROTO_ICMP || m[0] != 8)
		return;
	mlen = get_be16(frame + IP_OFF + 2) - IP_HLEN;
	memcpy(r, m, mlen);
	r[0] = 0;
	put_be16(r + 2, 0);
	put_be16(r + 2, inet_csum(r, mlen));
	inject(reply, build_ip(reply, IP_PROTO_ICMP, mlen, 0));
}

/* icmp_ping: the matching reply ends the wait with a round trip; with
 * nobody answering it gives up after its timeout with -ETIMEDOUT. */
static void ping_gets_its_reply_or_times_out(struct ktest *t)
{
	unsigned long replies = inet_stats.icmp_echo_replies;
	uint64_t rtt = 0;

	learn_peer();
	peer_answers_pings = true;
	EXPECT_EQ(t, icmp_ping(PEER_IP, 77, 1000, &rtt), 0);
	peer_answers_pings = false;
	EXPECT_EQ(t, inet_stats.icmp_echo_replies, replies + 1);
	EXPECT_GT(t, rtt, 0ull);
	EXPECT_EQ(t, icmp_ping(PEER_IP, 78, 50, &rtt), -ETIMEDOUT);
	EXPECT_EQ(t, inet_stats.icmp_echo_replies, replies + 1);
}

static void bind_rules(struct ktest *t)
{
	struct udp_sock *a, *b;

	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &a), 0);
	EXPECT_EQ(t, udp_socket_bind(TEST_PORT, &b), -EADDRINUSE);
	EXPECT_EQ(t, udp_socket_bind(0, &b), -EINVAL);
	udp_close(a);
	ASSERT_EQ(t, udp_socket_bind(TEST_PORT, &a), 0); /* free again */
	udp_close(a);
}

static void parses_and_formats_addresses(struct ktest *t)
{
	uint32_t ip = 0;
	char buf[16];

	EXPECT_EQ(t, inet_parse_addr("10.0.2.2", &ip), 0);
	EXPECT_EQ(t, ip, PEER_IP);
	EXPECT_STREQ(t, inet_format_addr(0xc0a80001, buf), "192.168.0.1");
	EXPECT_EQ(t, inet_parse_addr("10.0.2", &ip), -EINVAL);
	EXPECT_EQ(t, inet_parse_addr("10.0.2.256", &ip), -EINVAL);
	EXPECT_EQ(t, inet_parse_addr("10.0.2.2x", &ip), -EINVAL);
	EXPECT_EQ(t, inet_parse_addr("host", &ip), -EINVAL);
}

KTEST_SUITE_FULL(inet, inet_suite_init, inet_suite_exit,
		 KTEST_CASE(arp_request_gets_reply_with_our_mac),
		 KTEST_CASE(arp_request_for_another_address_is_ignored),
		 KTEST_CASE(ip_bad_checksum_is_dropped_and_counted),
		 KTEST_CASE(fragments_are_dropped_and_counted),
		 KTEST_CASE(icmp_echo_reply_is_byte_exact),
		 KTEST_CASE(udp_to_bound_socket_wakes_recvfrom),
		 KTEST_CASE(full_socket_queue_counts_drops),
		 KTEST_CASE(udp_without_socket_or_with_bad_checksum_is_counted),
		 KTEST_CASE(udp_sendto_builds_a_checkable_frame),
		 KTEST_CASE(unknown_next_hop_waits_for_arp_reply),
		 KTEST_CASE(ping_gets_its_reply_or_times_out),
		 KTEST_CASE(ethernet_filters_and_counts),
		 KTEST_CASE(bind_rules),
		 KTEST_CASE(parses_and_formats_addresses));
