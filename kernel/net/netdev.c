/* kernel/net/netdev.c - the registered network devices; see netdev.h. */
#include "kernel/net/netdev.h"

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
