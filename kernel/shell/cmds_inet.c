/*
 * kernel/shell/cmds_inet.c - the protocol stack from the shell: ping,
 * and udp (counters, sockets, ARP cache, the echo service, a datagram).
 */
#include <stddef.h>

#include "kernel/console.h"
#include "kernel/net/icmp.h"
#include "kernel/net/inet.h"
#include "kernel/net/udp.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PING_TIMEOUT_MS	 1000
#define PING_INTERVAL_MS 200
#define PING_MAX_COUNT	 1000

static int parse_addr(const char *cmd, const char *s, uint32_t *ip)
{
	if (!inet_parse_addr(s, ip))
		return 0;
	console_printf(
		"%s: bad address '%s' (expected a.b.c.d, e.g. 10.0.2.2)\n", cmd,
		s);
	return -EINVAL;
}

static void print_ms(uint64_t ns)
{
	unsigned long us = (unsigned long)(ns / 1000);

	console_printf("%lu.%03lu", us / 1000, us % 1000);
}

struct ping_summary {
	unsigned int sent, received;
	uint64_t min, max, sum;
};

static void ping_summary_print(const char *ip, const struct ping_summary *s)
{
	console_printf("--- %s: %u sent, %u received, %u%% lost", ip, s->sent,
		       s->received,
		       s->sent ? (s->sent - s->received) * 100 / s->sent : 0);
	if (s->received) {
		console_printf("; time min/avg/max ");
		print_ms(s->min);
		console_printf("/");
		print_ms(s->sum / s->received);
		console_printf("/");
		print_ms(s->max);
		console_printf(" ms");
	}
	console_printf("\n");
}

/* One echo; false when ping must stop (an error other than a timeout). */
static bool ping_one(const char *ip_s, uint32_t ip, uint16_t wire_seq,
		     unsigned int n, struct ping_summary *s)
{
	uint64_t rtt;
	int rc = icmp_ping(ip, wire_seq, PING_TIMEOUT_MS, &rtt);

	s->sent++;
	if (rc == -ETIMEDOUT) {
		console_printf("no reply from %s: icmp_seq=%u (waited %u ms)\n",
			       ip_s, n, PING_TIMEOUT_MS);
		return true;
	}
	if (rc) {
		console_printf("ping: %s: %s\n", ip_s,
			       rc == -EHOSTUNREACH ? "no network device"
						   : errno_name(rc));
		return false;
	}
	s->received++;
	s->sum += rtt;
	if (s->received == 1 || rtt < s->min)
		s->min = rtt;
	if (rtt > s->max)
		s->max = rtt;
	console_printf("%u bytes from %s: icmp_seq=%u time=", 8 + PING_DATA_LEN,
		       ip_s, n);
	print_ms(rtt);
	console_printf(" ms\n");
	return true;
}

static int cmd_ping(int argc, char **argv)
{
	static uint16_t wire_seq; /* never reused soon: late replies miss */
	struct ping_summary s = { 0 };
	unsigned long count = 4;
	uint32_t ip;
	int rc = parse_addr("ping", argv[1], &ip);

	if (rc)
		return rc;
	if (argc > 2 && (kstrtoul(argv[2], 10, &count) || !count ||
			 count > PING_MAX_COUNT)) {
		console_printf("ping: COUNT '%s' is not 1..%u\n", argv[2],
			       PING_MAX_COUNT);
		return -EINVAL;
	}
	console_printf("PING %s: %u data bytes\n", argv[1], PING_DATA_LEN);
	for (unsigned int n = 1; n <= count; n++) {
		if (!ping_one(argv[1], ip, ++wire_seq, n, &s))
			return -EHOSTUNREACH;
		if (n < count &&
		    shell_sleep(msecs_to_jiffies(PING_INTERVAL_MS))) {
			console_printf("ping: interrupted\n");
			break;
		}
	}
	ping_summary_print(argv[1], &s);
	return s.received ? 0 : -ETIMEDOUT;
}
SHELL_COMMAND(ping, cmd_ping, 1, 2, "ping IP [COUNT]",
	      "ICMP echo to IP, COUNT times (4): each reply's time, a summary");

/* The counters, layer by layer; '*' marks the ones that count drops. */
struct counter {
	const char *layer, *name;
	size_t off;
};

#define C(layer, name)                                                     \
	{                                                                  \
#layer, #name, offsetof(struct inet_stats, layer##_##name) \
	}
static const struct counter counters[] = {
	C(eth, rx),
	C(eth, short),
	C(eth, not_ours),
	C(eth, unknown_type),
	C(arp, rx),
	C(arp, bad),
	C(arp, not_ours),
	C(arp, requests_answered),
	C(arp, replies),
	C(arp, requests_sent),
	C(arp, waiting_dropped),
	C(arp, evicted),
	C(ip, rx),
	C(ip, bad_header),
	C(ip, bad_csum),
	C(ip, fragments),
	C(ip, not_ours),
	C(ip, unknown_proto),
	C(ip, tx),
	C(ip, no_route),
	C(ip, tx_err),
	C(icmp, rx),
	C(icmp, bad),
	C(icmp, echo_answered),
	C(icmp, echo_replies),
	C(icmp, unmatched_replies),
	C(icmp, other),
	C(udp, rx),
	C(udp, bad_len),
	C(udp, bad_csum),
	C(udp, no_socket),
	C(udp, queue_full),
	C(udp, delivered),
	C(udp, tx),
};
#undef C

static bool counts_a_drop(const char *name)
{
	static const char *const drops[] = {
		"short",      "not_ours",   "unknown_type",    "bad",
		"bad_header", "bad_csum",   "fragments",       "unknown_proto",
		"no_route",   "tx_err",	    "waiting_dropped", "bad_len",
		"no_socket",  "queue_full",
	};

	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		if (!strcmp(name, drops[i]))
			return true;
	return false;
}

static void print_counters(void)
{
	const char *layer = NULL;
	int on_line = 0;

	console_printf("counters (* = dropped there):");
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		const struct counter *c = &counters[i];
		unsigned long v =
			*(const unsigned long *)((const char *)&inet_stats +
						 c->off);

		if (!layer || strcmp(layer, c->layer) || on_line == 4) {
			console_printf("\n  %-5s", c->layer);
			layer = c->layer;
			on_line = 0;
		}
		console_printf(" %s%s %lu", c->name,
			       counts_a_drop(c->name) ? "*" : "", v);
		on_line++;
	}
	console_printf("\n");
}

static void print_sockets(void)
{
	struct udp_sock_info s[UDP_MAX_SOCKETS];
	unsigned int n = udp_snapshot(s, UDP_MAX_SOCKETS);

	console_printf("echo service (port %u): %s, %lu echoed\n",
		       UDP_ECHO_PORT,
		       udp_echo_running() ? "on, thread udp-echo" : "off",
		       udp_echo_count());
	console_printf("sockets: %u bound\n", n);
	if (n)
		console_printf("   PORT  QUEUED  RECEIVED  DROPPED(full)\n");
	for (unsigned int i = 0; i < n; i++)
		console_printf("  %5u  %6u  %8lu  %13lu\n", s[i].port,
			       s[i].queued, s[i].received, s[i].dropped);
}

static void print_arp(void)
{
	struct arp_entry_info e[8];
	unsigned int n = arp_snapshot(e, 8);
	char ip[16];

	console_printf("arp cache: %u %s\n", n, n == 1 ? "entry" : "entries");
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *m = e[i].mac;

		if (e[i].resolved)
			console_printf(
				"  %-15s at %02x:%02x:%02x:%02x:%02x:%02x on %s\n",
				inet_format_addr(e[i].ip, ip), m[0], m[1], m[2],
				m[3], m[4], m[5], e[i].dev);
		else
			console_printf("  %-15s (incomplete%s) on %s\n",
				       inet_format_addr(e[i].ip, ip),
				       e[i].waiting ? ", a frame waiting" : "",
				       e[i].dev);
	}
}

static int udp_echo_cmd(const char *arg)
{
	int rc;

	if (!strcmp(arg, "off")) {
		udp_echo_stop();
		console_printf(
			"udp echo: off (datagrams to port %u now count as no_socket)\n",
			UDP_ECHO_PORT);
		return 0;
	}
	if (strcmp(arg, "on")) {
		console_printf("udp echo: '%s'? (on or off)\n", arg);
		return -EINVAL;
	}
	rc = udp_echo_start();
	if (rc) {
		console_printf("udp echo: cannot bind port %u: %s\n",
			       UDP_ECHO_PORT, errno_name(rc));
		return rc;
	}
	console_printf("udp echo: on (port %u, thread udp-echo)\n",
		       UDP_ECHO_PORT);
	return 0;
}

#define UDP_SEND_PORT 40000 /* the source port of `udp send` */

static int udp_send_cmd(int argc, char **argv)
{
	struct udp_sock *s;
	unsigned long port;
	uint32_t ip;
	int rc;

	if (argc != 5) {
		console_printf("usage: udp send IP PORT TEXT\n");
		return -EINVAL;
	}
	rc = parse_addr("udp send", argv[2], &ip);
	if (rc)
		return rc;
	if (kstrtoul(argv[3], 10, &port) || !port || port > 65535) {
		console_printf("udp send: PORT '%s' is not 1..65535\n",
			       argv[3]);
		return -EINVAL;
	}
	rc = udp_socket_bind(UDP_SEND_PORT, &s);
	if (!rc) {
		rc = udp_sendto(s, ip, (uint16_t)port, argv[4],
				strlen(argv[4]));
		udp_close(s);
	}
	if (rc) {
		console_printf("udp send: %s (%s)\n",
			       rc == -EHOSTUNREACH ? "no network device"
						   : "not sent",
			       errno_name(rc));
		return rc;
	}
	console_printf("udp send: %u bytes to %s:%lu from port %u\n",
		       (unsigned int)strlen(argv[4]), argv[2], port,
		       UDP_SEND_PORT);
	return 0;
}

static int cmd_udp(int argc, char **argv)
{
	if (argc == 1) {
		print_sockets();
		print_arp();
		print_counters();
		return 0;
	}
	if (!strcmp(argv[1], "echo") && argc == 3)
		return udp_echo_cmd(argv[2]);
	if (!strcmp(argv[1], "send"))
		return udp_send_cmd(argc, argv);
	return shell_usage("udp");
}
SHELL_COMMAND(
	udp, cmd_udp, 0, 4, "udp [echo on|off | send IP PORT TEXT]",
	"UDP sockets, ARP cache and stack counters; port-7 echo; send one");
