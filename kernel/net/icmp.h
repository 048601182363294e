/*
 * kernel/net/icmp.h - ICMP echo (RFC 792), the half `ping` needs.
 *
 * Echo requests that reach us are answered at once, in the NET_RX
 * softirq, with the same identifier, sequence number and data. An echo
 * reply wakes the one icmp_ping() waiting for it; a reply nobody waits
 * for (late, or not ours) is counted in icmp_unmatched_replies.
 *
 * One ping at a time on the machine: a second caller gets -EBUSY.
 *
 * Context: icmp_ping sleeps: task context only.
 */
#ifndef KERNEL_NET_ICMP_H
#define KERNEL_NET_ICMP_H

#include <stdint.h>

#define PING_DATA_LEN 56 /* as Linux's ping: 64 bytes of ICMP */

/* Send echo request seq to dst and wait up to timeout_ms for its reply.
 * 0 (*rtt_ns = round trip), -ETIMEDOUT, -EHOSTUNREACH, -EBUSY, -ENOMEM. */
int icmp_ping(uint32_t dst, uint16_t seq, unsigned int timeout_ms,
	      uint64_t *rtt_ns);

#endif
