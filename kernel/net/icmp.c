/*
 * kernel/net/icmp.c - ICMP echo request and reply; see icmp.h.
 *
 * The reply to a request is built in softirq context, as Linux's is: no
 * thread is woken for it, which is why `ping` answers even while every
 * thread is busy.
 */
#include "kernel/net/icmp.h"

#include "kernel/mm/kmalloc.h"
#include "kernel/net/inet.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "lib/errno.h"
#include "lib/inet_csum.h"
#include "lib/string.h"

#define ICMP_ECHO_REPLY	  0
#define ICMP_ECHO_REQUEST 8
#define ICMP_HLEN	  8 /* type, code, checksum, identifier, sequence */
#define PING_ID		  0x4c31 /* our echo identifier ("L1") */

/* The one ping in flight: what it waits for, and whether it came. */
static struct {
	bool active, replied;
	uint32_t dst;
	uint16_t seq;
	uint64_t sent_ns, rtt_ns;
} ping;
static DEFINE_SPINLOCK(ping_lock);
static DECLARE_WAIT_QUEUE_HEAD(ping_wait);

/* The data of echo request seq: a pattern the reply must bring back. */
static uint8_t ping_byte(uint16_t seq, unsigned int i)
{
	return (uint8_t)(seq + i);
}

static int icmp_send_echo(struct net_device *dev, uint32_t dst, uint8_t type,
			  const uint8_t *msg, unsigned int len)
{
	struct inet_pkt *pkt = kmalloc(sizeof(*pkt));
	uint8_t *m;

	if (!pkt)
		return -ENOMEM;
	m = pkt->data + L4_OFF;
	memcpy(m, msg, len);
	m[0] = type;
	m[1] = 0;
	put_be16(m + 2, 0);
	put_be16(m + 2, inet_csum(m, len));
	if (dev)
		return ip_output_dev(dev, dst, IP_PROTO_ICMP, pkt, len);
	return ip_output(dst, IP_PROTO_ICMP, pkt, len);
}

static bool ping_data_ok(const uint8_t *msg, unsigned int len, uint16_t seq)
{
	if (len != ICMP_HLEN + PING_DATA_LEN)
		return false;
	for (unsigned int i = 0; i < PING_DATA_LEN; i++)
		if (msg[ICMP_HLEN + i] != ping_byte(seq, i))
			return false;
	return true;
}

static void icmp_echo_reply_rcv(uint32_t src, const uint8_t *msg,
				unsigned int len)
{
	uint16_t seq = get_be16(msg + 6);
	unsigned long flags = spin_lock_irqsave(&ping_lock);
	bool ours = ping.active && !ping.replied && src == ping.dst &&
		    get_be16(msg + 4) == PING_ID && seq == ping.seq &&
		    ping_data_ok(msg, len, seq);

	if (ours) {
		ping.rtt_ns = ktime_get_ns() - ping.sent_ns;
		ping.replied = true;
		wake_up(&ping_wait);
	}
	spin_unlock_irqrestore(&ping_lock, flags);
	if (ours)
		INET_INC(icmp_echo_replies);
	else
		INET_INC(icmp_unmatched_replies);
}

void icmp_rcv(struct net_device *dev, uint32_t src, const uint8_t *msg,
	      unsigned int len)
{
	INET_INC(icmp_rx);
	if (len < ICMP_HLEN || len > IP_MTU - IP_HLEN || inet_csum(msg, len)) {
		INET_INC(icmp_bad);
		return;
	}
	if (msg[0] == ICMP_ECHO_REQUEST && msg[1] == 0) {
		if (!icmp_send_echo(dev, src, ICMP_ECHO_REPLY, msg, len))
			INET_INC(icmp_echo_answered);
	} else if (msg[0] == ICMP_ECHO_REPLY && msg[1] == 0) {
		icmp_echo_reply_rcv(src, msg, len);
	} else {
		INET_INC(icmp_other);
	}
}

static bool ping_begin(uint32_t dst, uint16_t seq)
{
	unsigned long flags = spin_lock_irqsave(&ping_lock);
	bool free = !ping.active;

	if (free) {
		ping.active = true;
		ping.replied = false;
		ping.dst = dst;
		ping.seq = seq;
		ping.sent_ns = ktime_get_ns();
	}
	spin_unlock_irqrestore(&ping_lock, flags);
	return free;
}

static void ping_end(void)
{
	unsigned long flags = spin_lock_irqsave(&ping_lock);

	ping.active = false;
	spin_unlock_irqrestore(&ping_lock, flags);
}

int icmp_ping(uint32_t dst, uint16_t seq, unsigned int timeout_ms,
	      uint64_t *rtt_ns)
{
	uint8_t msg[ICMP_HLEN + PING_DATA_LEN];
	int rc;

	put_be16(msg + 4, PING_ID);
	put_be16(msg + 6, seq);
	for (unsigned int i = 0; i < PING_DATA_LEN; i++)
		msg[ICMP_HLEN + i] = ping_byte(seq, i);
	if (!ping_begin(dst, seq))
		return -EBUSY;
	rc = icmp_send_echo(NULL, dst, ICMP_ECHO_REQUEST, msg, sizeof(msg));
	if (!rc && !wait_event_timeout(ping_wait, ping.replied,
				       (long)msecs_to_jiffies(timeout_ms)))
		rc = -ETIMEDOUT;
	if (!rc)
		*rtt_ns = ping.rtt_ns;
	ping_end();
	return rc;
}
