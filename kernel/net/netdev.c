/* kernel/net/netdev.c - the registered network devices; see netdev.h. */
#include "kernel/net/netdev.h"

#include "kernel/bh/softirq.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"

static struct net_device *devices[NETDEV_MAX];
static unsigned int nr_devices;

int netdev_register(struct net_device *dev)
{
	if (nr_devices == NETDEV_MAX)
		return -ENOSPC;
	devices[nr_devices++] = dev;
	return 0;
}

struct net_device *netdev_get(unsigned int i)
{
	return i < nr_devices ? devices[i] : NULL;
}

struct net_device *netdev_by_name(const char *name)
{
	for (unsigned int i = 0; i < nr_devices; i++)
		if (!strcmp(devices[i]->name, name))
			return devices[i];
	return NULL;
}

int dev_queue_xmit(struct net_device *dev, const void *frame, unsigned int len)
{
	if (len > ETH_FRAME_LEN || len < ETH_HLEN)
		return -EINVAL;
	return dev->ops->xmit(dev, frame, len);
}

void netif_tx_schedule(struct net_device *dev)
{
	if (!test_and_set_bit(NETDEV_TX_SCHED, &dev->state))
		raise_softirq(NET_TX_SOFTIRQ);
}

/* NET_TX: every device that asked gets its completions reclaimed. The
 * bit is cleared first, so a request made during tx_complete raises
 * NET_TX again rather than being lost. */
static void net_tx_action(void)
{
	for (unsigned int i = 0; i < nr_devices; i++) {
		struct net_device *dev = devices[i];

		if (test_and_clear_bit(NETDEV_TX_SCHED, &dev->state) &&
		    dev->ops->tx_complete)
			dev->ops->tx_complete(dev);
	}
}

void netdev_init(void)
{
	open_softirq(NET_TX_SOFTIRQ, net_tx_action);
}
