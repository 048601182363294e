/*
 * kernel/net/arp.c - ARP (RFC 826): which MAC has this IPv4 address?
 *
 * The cache holds ARP_CACHE_SIZE entries per machine, keyed by (device,
 * address). An entry is
 *   FREE        unused
 *   INCOMPLETE  a request went out, no answer yet: it keeps the last
 *               frame sent to that address (one; an older one waiting is
 *               dropped and counted), and asks again at most once per
 *               ARP_RETRY_MS while frames keep coming
 *   RESOLVED    the MAC is known; entries do not age (a static network)
 * When the cache is full the least recently used entry is reused
 * (counted in arp_evicted). Nothing waits: a frame for an address nobody
 * answers stays in its entry until replaced; the sender's own timeout
 * (ping's, a socket user's) is the bound.
 *
 * Context: arp_rcv in NET_RX softirq; arp_output from task or softirq.
 */
#include "kernel/net/inet.h"

#include "kernel/mm/kmalloc.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ARP_CACHE_SIZE	8
#define ARP_RETRY_MS	1000
#define ARP_HLEN	28 /* Ethernet/IPv4 ARP packet */

#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST	1
#define ARP_OP_REPLY	2

/* Field offsets in an Ethernet/IPv4 ARP packet (RFC 826). */
#define ARP_OPER	6
#define ARP_SHA		8
#define ARP_SPA		14
#define ARP_THA		18
#define ARP_TPA		24

enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_RESOLVED };

struct arp_entry {
	enum arp_state state;
	struct net_device *dev;
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	unsigned long last_used;    /* jiffies: for reuse when full */
	unsigned long requested_at; /* jiffies of the last request */
	struct inet_pkt *waiting;   /* INCOMPLETE: the frame to send */
	unsigned int waiting_len;
};

static struct arp_entry cache[ARP_CACHE_SIZE];
static DEFINE_SPINLOCK(arp_lock);

static struct arp_entry *arp_find(struct net_device *dev, uint32_t ip)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (cache[i].state != ARP_FREE && cache[i].dev == dev &&
		    cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* A free entry, or the least recently used one emptied. Its waiting
 * frame, if any, is handed back in *drop for the caller to free. */
static struct arp_entry *arp_alloc(struct inet_pkt **drop)
{
	struct arp_entry *victim = &cache[0];

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		if (cache[i].state == ARP_FREE)
			return &cache[i];
		if ((long)(cache[i].last_used - victim->last_used) < 0)
			victim = &cache[i];
	}
	INET_INC(arp_evicted);
	*drop = victim->waiting;
	victim->waiting = NULL;
	return victim;
}

static void arp_fill(uint8_t *a, uint16_t op, const uint8_t *sha, uint32_t spa,
		     const uint8_t *tha, uint32_t tpa)
{
	put_be16(a, ARP_HTYPE_ETHER);
	put_be16(a + 2, ETH_P_IP);
	a[4] = ETH_ALEN;
	a[5] = 4;
	put_be16(a + ARP_OPER, op);
	memcpy(a + ARP_SHA, sha, ETH_ALEN);
	put_be32(a + ARP_SPA, spa);
	if (tha)
		memcpy(a + ARP_THA, tha, ETH_ALEN);
	else
		memset(a + ARP_THA, 0, ETH_ALEN);
	put_be32(a + ARP_TPA, tpa);
}

/* Request: broadcast, "who has tpa?"; reply: to the asker alone. */
static int arp_send(struct net_device *dev, uint16_t op, const uint8_t *tha,
		    uint32_t tpa)
{
	struct inet_pkt *pkt = kmalloc(sizeof(*pkt));
	int rc;

	if (!pkt)
		return -ENOMEM;
	arp_fill(pkt->data + ETH_HLEN, op, dev->mac, inet_dev_addr(dev), tha,
		 tpa);
	rc = eth_output(dev, op == ARP_OP_REPLY ? tha : NULL, ETH_P_ARP, pkt,
			ETH_HLEN + ARP_HLEN);
	kfree(pkt);
	return rc;
}

/* Note that ip is at mac: update an entry (RFC 826's "merge"), or add
 * one when create. Returns the frame that was waiting for it, if any. */
static struct inet_pkt *arp_learn(struct net_device *dev, uint32_t ip,
				  const uint8_t *mac, bool create,
				  unsigned int *len, struct inet_pkt **drop)
{
	unsigned long flags = spin_lock_irqsave(&arp_lock);
	struct arp_entry *e = arp_find(dev, ip);
	struct inet_pkt *waiting = NULL;

	if (!e && create) {
		e = arp_alloc(drop);
		e->dev = dev;
		e->ip = ip;
	}
	if (e) {
		memcpy(e->mac, mac, ETH_ALEN);
		e->state = ARP_RESOLVED;
		e->last_used = jiffies;
		waiting = e->waiting;
		*len = e->waiting_len;
		e->waiting = NULL;
	}
	spin_unlock_irqrestore(&arp_lock, flags);
	return waiting;
}

void arp_rcv(struct net_device *dev, const uint8_t *a, unsigned int len)
{
	uint32_t our = inet_dev_addr(dev), spa, tpa;
	struct inet_pkt *waiting, *drop = NULL;
	unsigned int waiting_len = 0;
	uint16_t op;

	INET_INC(arp_rx);
	if (len < ARP_HLEN || get_be16(a) != ARP_HTYPE_ETHER ||
	    get_be16(a + 2) != ETH_P_IP || a[4] != ETH_ALEN || a[5] != 4) {
		INET_INC(arp_bad);
		return;
	}
	op = get_be16(a + ARP_OPER);
	spa = get_be32(a + ARP_SPA);
	tpa = get_be32(a + ARP_TPA);
	if (tpa != our || !our) {
		INET_INC(arp_not_ours);
		/* still refresh an entry we have (RFC 826), add none */
		waiting = arp_learn(dev, spa, a + ARP_SHA, false, &waiting_len,
				    &drop);
	} else {
		waiting = arp_learn(dev, spa, a + ARP_SHA, true, &waiting_len,
				    &drop);
		if (op == ARP_OP_REQUEST) {
			arp_send(dev, ARP_OP_REPLY, a + ARP_SHA, spa);
			INET_INC(arp_requests_answered);
		} else if (op == ARP_OP_REPLY) {
			INET_INC(arp_replies);
		}
	}
	if (drop) {
		INET_INC(arp_waiting_dropped);
		kfree(drop);
	}
	if (waiting) {
		eth_output(dev, a + ARP_SHA, ETH_P_IP, waiting, waiting_len);
		kfree(waiting);
	}
}

int arp_output(struct net_device *dev, uint32_t next_hop, struct inet_pkt *pkt,
	       unsigned int len)
{
	unsigned long flags = spin_lock_irqsave(&arp_lock);
	struct arp_entry *e = arp_find(dev, next_hop);
	struct inet_pkt *drop = NULL;
	bool ask = false;
	uint8_t mac[ETH_ALEN];
	int rc;

	if (e && e->state == ARP_RESOLVED) {
		memcpy(mac, e->mac, ETH_ALEN);
		e->last_used = jiffies;
		spin_unlock_irqrestore(&arp_lock, flags);
		rc = eth_output(dev, mac, ETH_P_IP, pkt, len);
		kfree(pkt);
		return rc;
	}
	if (!e) {
		e = arp_alloc(&drop);
		e->state = ARP_INCOMPLETE;
		e->dev = dev;
		e->ip = next_hop;
		ask = true;
	} else {
		drop = e->waiting; /* the newer frame wins: one per entry */
		ask = jiffies - e->requested_at >=
		      msecs_to_jiffies(ARP_RETRY_MS);
	}
	e->waiting = pkt;
	e->waiting_len = len;
	e->last_used = jiffies;
	if (ask)
		e->requested_at = jiffies;
	spin_unlock_irqrestore(&arp_lock, flags);

	if (drop) {
		INET_INC(arp_waiting_dropped);
		kfree(drop);
	}
	if (ask) {
		INET_INC(arp_requests_sent);
		return arp_send(dev, ARP_OP_REQUEST, NULL, next_hop);
	}
	return 0;
}

void arp_flush_dev(struct net_device *dev)
{
	unsigned long flags = spin_lock_irqsave(&arp_lock);

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		if (cache[i].state == ARP_FREE || cache[i].dev != dev)
			continue;
		kfree(cache[i].waiting);
		cache[i].waiting = NULL;
		cache[i].state = ARP_FREE;
	}
	spin_unlock_irqrestore(&arp_lock, flags);
}

unsigned int arp_snapshot(struct arp_entry_info *out, unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&arp_lock);
	unsigned int n = 0;

	for (int i = 0; i < ARP_CACHE_SIZE && n < max; i++) {
		if (cache[i].state == ARP_FREE)
			continue;
		out[n].ip = cache[i].ip;
		memcpy(out[n].mac, cache[i].mac, ETH_ALEN);
		out[n].resolved = cache[i].state == ARP_RESOLVED;
		out[n].waiting = cache[i].waiting != NULL;
		out[n].dev = cache[i].dev->name;
		n++;
	}
	spin_unlock_irqrestore(&arp_lock, flags);
	return n;
}
