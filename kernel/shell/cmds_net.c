/*
 * kernel/shell/cmds_net.c - "net": the network devices and their counts.
 *
 *   eth0: link up, MAC 52:54:00:12:34:56, IP none, napi on
 *     rx: 10 packets, 600 bytes; dropped 0, errors 0, missed 0, ring full 0
 *     tx: 2 packets, 120 bytes; dropped 0
 *     irq: 12 interrupts; napi: 10 polls, 0 budget spent; ring rx 0/256, tx 0/128
 *   NET_RX (CPU 0): 14 runs, 10 frames, 0 squeezed; backlog 0/256
 *
 * rx packets are good frames the driver took off its ring; "dropped" is
 * those thrown away above it (backlog full, the stack refused), "errors"
 * bad frames, "missed" frames the card had no descriptor for (its MPC
 * register), "ring full" the polls that found no descriptor left for the
 * card. "budget spent" polls used their whole weight (more was waiting).
 *
 * `net send DEV N LEN` transmits N test frames of LEN bytes (broadcast,
 * EtherType 0x88b5 - IEEE's "local experimental"): frame k's payload is
 * k as two bytes, big-endian, then bytes 0, 1, 2, ... (mod 256), so the
 * host end can check every byte.
 */
#include "kernel/console.h"
#include "kernel/net/napi.h"
#include "kernel/net/netdev.h"
#include "kernel/percpu.h"
#include "kernel/sched/thread.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/string.h"

static void show_ip(uint32_t ip)
{
	if (!ip)
		console_printf("none");
	else
		console_printf("%lu.%lu.%lu.%lu", (unsigned long)(ip >> 24),
			       (unsigned long)(ip >> 16 & 0xff),
			       (unsigned long)(ip >> 8 & 0xff),
			       (unsigned long)(ip & 0xff));
}

static void show_device(struct net_device *dev)
{
	const struct net_device_stats *s = &dev->stats;
	struct netdev_rings r = { 0 };
	const uint8_t *m = dev->mac;

	if (dev->ops->ring_fill)
		dev->ops->ring_fill(dev, &r);
	console_printf("%s: link %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, IP ",
		       dev->name, dev->link_up ? "up" : "down", m[0], m[1],
		       m[2], m[3], m[4], m[5]);
	show_ip(dev->ipv4);
	console_printf(", napi %s\n", dev->napi ? "on" : "off");
	console_printf(
		"  rx: %lu packets, %lu bytes; dropped %lu, errors %lu, missed %lu, ring full %lu\n",
		s->rx_packets, s->rx_bytes, s->rx_dropped, s->rx_errors,
		s->rx_missed, s->rx_ring_full);
	console_printf("  tx: %lu packets, %lu bytes; dropped %lu\n",
		       s->tx_packets, s->tx_bytes, s->tx_dropped);
	console_printf(
		"  irq: %lu interrupts; napi: %lu polls, %lu budget spent; ring rx %u/%u, tx %u/%u\n",
		s->interrupts, s->napi_polls, s->napi_budget_spent, r.rx_used,
		r.rx_size, r.tx_used, r.tx_size);
}

#define TEST_ETHERTYPE 0x88b5

static void build_test_frame(uint8_t *f, const struct net_device *dev,
			     unsigned int k, unsigned int len)
{
	memset(f, 0xff, ETH_ALEN);
	memcpy(f + ETH_ALEN, dev->mac, ETH_ALEN);
	f[12] = TEST_ETHERTYPE >> 8;
	f[13] = TEST_ETHERTYPE & 0xff;
	f[14] = k >> 8;
	f[15] = k & 0xff;
	for (unsigned int i = 16; i < len; i++)
		f[i] = (i - 16) & 0xff;
}

static int net_send(const char *name, const char *count, const char *length)
{
	static uint8_t f[ETH_FRAME_LEN];
	struct net_device *dev = netdev_by_name(name);
	unsigned long n = 0, len = 0, sent = 0, busy = 0;

	if (!dev) {
		console_printf("net: no device '%s'\n", name);
		return -ENODEV;
	}
	if (kstrtoul(count, 10, &n) || kstrtoul(length, 10, &len) || !n ||
	    n > 100000 || len < 16 || len > ETH_FRAME_LEN) {
		console_printf("net send: N is 1-100000, LEN 16-%u\n",
			       ETH_FRAME_LEN);
		return -EINVAL;
	}
	for (unsigned long k = 0; k < n; k++) {
		build_test_frame(f, dev, k, len);
		/* A full ring: give NET_TX a moment to reclaim (bounded). */
		for (int tries = 0; dev_queue_xmit(dev, f, len) == -EBUSY;
		     tries++) {
			busy++;
			if (tries == 1000) {
				console_printf(
					"net send: %s: ring stays full after %lu frames\n",
					name, sent);
				return -EBUSY;
			}
			yield();
		}
		sent++;
	}
	console_printf(
		"net send: %lu frames of %lu bytes on %s (%lu retries on a full ring)\n",
		sent, len, name, busy);
	return 0;
}

static int cmd_net(int argc, char **argv)
{
	struct net_device *dev;

	if (argc >= 2 && !strcmp(argv[1], "send")) {
		if (argc != 5) {
			console_printf("usage: net send DEVICE N LEN\n");
			return -EINVAL;
		}
		return net_send(argv[2], argv[3], argv[4]);
	}
	if (argc == 2) {
		dev = netdev_by_name(argv[1]);
		if (!dev) {
			console_printf("net: no device '%s'\n", argv[1]);
			return -ENODEV;
		}
		show_device(dev);
		return 0;
	}
	for (unsigned int i = 0; (dev = netdev_get(i)); i++)
		show_device(dev);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		const struct napi_cpu_stat *st = napi_cpu_stat(cpu);

		console_printf(
			"NET_RX (CPU %u): %lu runs, %lu frames, %lu squeezed; backlog %u/%u\n",
			cpu, st->runs, st->processed, st->time_squeeze,
			netif_rx_backlog_len(), NETIF_RX_BACKLOG);
	}
	return 0;
}
SHELL_COMMAND(net, cmd_net, 0, 4, "net [DEVICE] | net send DEVICE N LEN",
	      "network devices: link, MAC, packets, drops, interrupts, NAPI");
