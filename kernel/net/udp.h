/*
 * kernel/net/udp.h - UDP (RFC 768) sockets for kernel code, and the echo
 * service on port 7 (RFC 862) that uses one.
 *
 *	struct udp_sock *s;
 *	udp_socket_bind(5000, &s);
 *	n = udp_recvfrom(s, buf, sizeof(buf), &ip, &port, 1000);
 *	udp_sendto(s, ip, port, buf, n);
 *	udp_close(s);
 *
 * Receiving is split in two halves, like a driver's: udp_rcv (NET_RX
 * softirq) copies the datagram into the socket's ring of UDP_SOCK_RING
 * and wakes the socket's waiter; udp_recvfrom (a thread) takes it off.
 * A full ring drops the newcomer, counted on the socket and in
 * udp_queue_full. A datagram to a port nobody bound is counted in
 * udp_no_socket (Linux would also answer ICMP port unreachable).
 *
 * Ports are host byte order; one socket per port; UDP_MAX_SOCKETS in all.
 * A socket belongs to one thread: bind, use and close it from there.
 *
 * The echo service (udp_echo_start/stop: the shell's `udp echo on|off`)
 * is a kernel thread "udp-echo" on a port-7 socket that sends every
 * datagram back to where it came from.
 *
 * Context: udp_recvfrom and udp_echo_start/stop sleep: task context.
 * udp_socket_bind, udp_sendto, udp_close: task context (sendto also
 * from softirq). udp_snapshot, udp_echo_running, udp_echo_count: task
 * context (the shell).
 */
#ifndef KERNEL_NET_UDP_H
#define KERNEL_NET_UDP_H

#include <stdbool.h>
#include <stdint.h>

#define UDP_SOCK_RING	32 /* datagrams queued per socket */
#define UDP_MAX_SOCKETS 8
#define UDP_ECHO_PORT	7

struct udp_sock;

/* 0, -EADDRINUSE, -ENOSPC (table full), -ENOMEM, -EINVAL (port 0). */
int udp_socket_bind(uint16_t port, struct udp_sock **sockp);
/* 0, -EMSGSIZE (over UDP_MAX_DATA), -EHOSTUNREACH, -ENOMEM, or the
 * driver's -EBUSY (its ring full; the datagram is counted lost). */
int udp_sendto(struct udp_sock *s, uint32_t ip, uint16_t port, const void *data,
	       unsigned int len);
/* Wait up to timeout_ms for a datagram: its length (the part beyond len
 * is cut off), with the sender in *ip, *port; or -ETIMEDOUT. */
int udp_recvfrom(struct udp_sock *s, void *buf, unsigned int len, uint32_t *ip,
		 uint16_t *port, unsigned int timeout_ms);
void udp_close(struct udp_sock *s); /* drops what is still queued */

struct udp_sock_info {
	uint16_t port;
	unsigned int queued;
	unsigned long received, dropped;
};
/* Copy the bound sockets out (a snapshot); returns how many. */
unsigned int udp_snapshot(struct udp_sock_info *out, unsigned int max);

int udp_echo_start(void); /* 0, or bind's error; 0 if already on */
void udp_echo_stop(void); /* nothing if off */
bool udp_echo_running(void);
unsigned long udp_echo_count(void); /* datagrams echoed since boot */

#endif
