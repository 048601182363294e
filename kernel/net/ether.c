/*
 * kernel/net/ether.c - the stack's entry: one received Ethernet frame.
 *
 * Placeholder until the protocols land (issue 16): a frame is accepted
 * and counted by its driver, and goes no further.
 */
#include "kernel/net/netdev.h"

void netif_receive_skb(struct net_device *dev, const void *frame,
		       unsigned int len)
{
	(void)dev;
	(void)frame;
	(void)len;
}
