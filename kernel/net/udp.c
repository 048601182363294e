/*
 * kernel/net/udp.c - UDP receive and send, the sockets' rings, and the
 * echo service thread; see udp.h.
 */
#include "kernel/net/udp.h"

#include "kernel/mm/kmalloc.h"
#include "kernel/net/inet.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "lib/errno.h"
#include "lib/inet_csum.h"
#include "lib/string.h"

/* One queued datagram: copied out of the driver's buffer in softirq. */
struct udp_dgram {
	uint32_t src;
	uint16_t sport;
	uint16_t len;
	uint8_t data[];
};

struct udp_sock {
	uint16_t port;
	struct udp_dgram *ring[UDP_SOCK_RING];
	unsigned int head, count; /* oldest entry, entries in use */
	unsigned long received, dropped;
	struct wait_queue_head wait;
};

/* The bound sockets. udp_lock covers the table and every ring. */
static struct udp_sock *sockets[UDP_MAX_SOCKETS];
static DEFINE_SPINLOCK(udp_lock);

static struct udp_sock *udp_lookup(uint16_t port)
{
	for (int i = 0; i < UDP_MAX_SOCKETS; i++)
		if (sockets[i] && sockets[i]->port == port)
			return sockets[i];
	return NULL;
}

int udp_socket_bind(uint16_t port, struct udp_sock **sockp)
{
	struct udp_sock *s;
	unsigned long flags;
	int rc = -ENOSPC;

	if (!port)
		return -EINVAL;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->port = port;
	init_waitqueue_head(&s->wait);
	flags = spin_lock_irqsave(&udp_lock);
	if (udp_lookup(port)) {
		rc = -EADDRINUSE;
	} else {
		for (int i = 0; i < UDP_MAX_SOCKETS && rc; i++) {
			if (!sockets[i]) {
				sockets[i] = s;
				rc = 0;
			}
		}
	}
	spin_unlock_irqrestore(&udp_lock, flags);
	if (rc) {
		kfree(s);
		return rc;
	}
	*sockp = s;
	return 0;
}

void udp_close(struct udp_sock *s)
{
	unsigned long flags = spin_lock_irqsave(&udp_lock);

	for (int i = 0; i < UDP_MAX_SOCKETS; i++)
		if (sockets[i] == s)
			sockets[i] = NULL;
	spin_unlock_irqrestore(&udp_lock, flags);
	/* unreachable from udp_rcv now: the rest is ours alone */
	for (unsigned int i = 0; i < s->count; i++)
		kfree(s->ring[(s->head + i) % UDP_SOCK_RING]);
	kfree(s);
}

static bool udp_csum_ok(uint32_t src, uint32_t dst, const uint8_t *msg,
			unsigned int ulen)
{
	uint32_t sum;

	if (!get_be16(msg + 6))
		return true; /* 0: the sender did not compute one (RFC 768) */
	sum = ip_pseudo_sum(src, dst, IP_PROTO_UDP, ulen);
	return inet_csum_fold(inet_csum_add(sum, msg, ulen)) == 0;
}

/* Into the ring of the socket bound to port, or counted why not. */
static void udp_queue(uint16_t port, struct udp_dgram *d)
{
	unsigned long flags = spin_lock_irqsave(&udp_lock);
	struct udp_sock *s = udp_lookup(port);
	bool queued = false;

	if (!s) {
		INET_INC(udp_no_socket);
	} else if (s->count == UDP_SOCK_RING) {
		s->dropped++;
		INET_INC(udp_queue_full);
	} else {
		s->ring[(s->head + s->count++) % UDP_SOCK_RING] = d;
		s->received++;
		queued = true;
		INET_INC(udp_delivered);
		/* under udp_lock: close cannot free s before the wake-up */
		wake_up(&s->wait);
	}
	spin_unlock_irqrestore(&udp_lock, flags);
	if (!queued)
		kfree(d);
}

void udp_rcv(struct net_device *dev, uint32_t src, uint32_t dst,
	     const uint8_t *msg, unsigned int len)
{
	unsigned int ulen;
	struct udp_dgram *d;

	(void)dev;
	INET_INC(udp_rx);
	if (len < UDP_HLEN || (ulen = get_be16(msg + 4)) < UDP_HLEN ||
	    ulen > len) {
		INET_INC(udp_bad_len);
		return;
	}
	if (!udp_csum_ok(src, dst, msg, ulen)) {
		INET_INC(udp_bad_csum);
		return;
	}
	d = kmalloc(sizeof(*d) + ulen - UDP_HLEN);
	if (!d) {
		INET_INC(udp_queue_full); /* no memory: no room either */
		return;
	}
	d->src = src;
	d->sport = get_be16(msg);
	d->len = (uint16_t)(ulen - UDP_HLEN);
	memcpy(d->data, msg + UDP_HLEN, d->len);
	udp_queue(get_be16(msg + 2), d);
}

int udp_sendto(struct udp_sock *s, uint32_t ip, uint16_t port, const void *data,
	       unsigned int len)
{
	struct inet_pkt *pkt;
	struct net_device *dev;
	unsigned int ulen = UDP_HLEN + len;
	uint32_t next_hop, sum;
	uint16_t csum;
	uint8_t *u;

	if (len > UDP_MAX_DATA)
		return -EMSGSIZE;
	dev = ip_route(ip, &next_hop);
	if (!dev) {
		INET_INC(ip_no_route);
		return -EHOSTUNREACH;
	}
	pkt = kmalloc(sizeof(*pkt));
	if (!pkt)
		return -ENOMEM;
	u = pkt->data + L4_OFF;
	put_be16(u, s->port);
	put_be16(u + 2, port);
	put_be16(u + 4, (uint16_t)ulen);
	put_be16(u + 6, 0);
	memcpy(u + UDP_HLEN, data, len);
	sum = ip_pseudo_sum(inet_dev_addr(dev), ip, IP_PROTO_UDP, ulen);
	csum = inet_csum_fold(inet_csum_add(sum, u, ulen));
	put_be16(u + 6, csum ? csum : 0xffff); /* 0 would mean "none" */
	INET_INC(udp_tx);
	return ip_output_dev(dev, ip, IP_PROTO_UDP, pkt, ulen);
}

static struct udp_dgram *udp_dequeue(struct udp_sock *s)
{
	unsigned long flags = spin_lock_irqsave(&udp_lock);
	struct udp_dgram *d = NULL;

	if (s->count) {
		d = s->ring[s->head];
		s->head = (s->head + 1) % UDP_SOCK_RING;
		s->count--;
	}
	spin_unlock_irqrestore(&udp_lock, flags);
	return d;
}

int udp_recvfrom(struct udp_sock *s, void *buf, unsigned int len, uint32_t *ip,
		 uint16_t *port, unsigned int timeout_ms)
{
	struct udp_dgram *d = udp_dequeue(s);
	unsigned int n;

	if (!d && timeout_ms &&
	    wait_event_timeout(s->wait,
			       __atomic_load_n(&s->count, __ATOMIC_ACQUIRE),
			       (long)msecs_to_jiffies(timeout_ms)))
		d = udp_dequeue(s);
	if (!d)
		return -ETIMEDOUT;
	n = d->len < len ? d->len : len;
	memcpy(buf, d->data, n);
	if (ip)
		*ip = d->src;
	if (port)
		*port = d->sport;
	kfree(d);
	return (int)n;
}

unsigned int udp_snapshot(struct udp_sock_info *out, unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&udp_lock);
	unsigned int n = 0;

	for (int i = 0; i < UDP_MAX_SOCKETS && n < max; i++) {
		if (!sockets[i])
			continue;
		out[n].port = sockets[i]->port;
		out[n].queued = sockets[i]->count;
		out[n].received = sockets[i]->received;
		out[n].dropped = sockets[i]->dropped;
		n++;
	}
	spin_unlock_irqrestore(&udp_lock, flags);
	return n;
}

/*
 * The echo service: the process-context half. udp_rcv (softirq) queued
 * the datagram and woke us; we send it back from a thread, where taking
 * our time harms nobody's interrupt latency.
 */
#define ECHO_POLL_MS 100 /* how soon "udp echo off" is noticed */

static struct thread *echo_thread;
static struct udp_sock *echo_sock;
static unsigned long echoed;

static int udp_echo_fn(void *arg)
{
	static uint8_t buf[UDP_MAX_DATA];
	struct udp_sock *s = arg;

	while (!kthread_should_stop()) {
		uint32_t ip;
		uint16_t port;
		int n = udp_recvfrom(s, buf, sizeof(buf), &ip, &port,
				     ECHO_POLL_MS);

		if (n >= 0 && !udp_sendto(s, ip, port, buf, (unsigned int)n))
			__atomic_add_fetch(&echoed, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

int udp_echo_start(void)
{
	int rc;

	if (echo_thread)
		return 0;
	rc = udp_socket_bind(UDP_ECHO_PORT, &echo_sock);
	if (rc)
		return rc;
	echo_thread = kthread_run(udp_echo_fn, echo_sock, "udp-echo");
	if (!echo_thread) {
		udp_close(echo_sock);
		return -ENOMEM;
	}
	return 0;
}

void udp_echo_stop(void)
{
	if (!echo_thread)
		return;
	kthread_stop(echo_thread);
	echo_thread = NULL;
	udp_close(echo_sock);
	echo_sock = NULL;
}

bool udp_echo_running(void)
{
	return echo_thread != NULL;
}

unsigned long udp_echo_count(void)
{
	return echoed;
}
