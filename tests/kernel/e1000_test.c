/*
 * tests/kernel/e1000_test.c - the e1000 driver on the real (emulated)
 * card, without a wire: what the kernel alone can check.
 *
 * Boot row "ktest-net" gives the machine an e1000 with no peer and QEMU's
 * edu device in slot 5, on the same PCI line (IRQ 10): the edu's
 * interrupt must pass the e1000's handler (ICR reads 0: IRQ_NONE) and
 * reach a second, shared handler. Without the card every case skips.
 */
#include "drivers/net/e1000.h"
#include "drivers/pci/pci.h"
#include "kernel/irq/irq.h"
#include "kernel/mm/paging.h"
#include "kernel/net/netdev.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE  0x60
#define EDU_IRQ_ACK    0x64

static const uint8_t qemu_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void mac_and_link(struct ktest *t)
{
	struct net_device *dev = e1000_dev();

	if (!dev)
		KTEST_SKIP(t, "no e1000 (boot row ktest-net has one)");
	EXPECT_TRUE(t, !memcmp(dev->mac, qemu_mac, ETH_ALEN));
	EXPECT_TRUE(t, dev->link_up);
	EXPECT_PTR_EQ(t, netdev_by_name("eth0"), dev);
}

/* Frames sent with no peer still leave the ring: TXDW, NET_TX reclaims. */
static void transmit_is_reclaimed_on_net_tx(struct ktest *t)
{
	static uint8_t frame[ETH_ZLEN];
	struct net_device *dev = e1000_dev();
	unsigned long tx, irqs;
	struct netdev_rings r;

	if (!dev)
		KTEST_SKIP(t, "no e1000 (boot row ktest-net has one)");
	tx = dev->stats.tx_packets;
	irqs = dev->stats.interrupts;
	memset(frame, 0xff, ETH_ALEN);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, dev_queue_xmit(dev, frame, sizeof(frame)), 0);
	EXPECT_EQ(t, dev->stats.tx_packets, tx + 3);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(
			       (dev->ops->ring_fill(dev, &r), r.tx_used == 0)));
	EXPECT_GT(t, dev->stats.interrupts, irqs);
	EXPECT_EQ(t, dev->stats.tx_dropped, 0);
}

static volatile uint8_t *edu;
static volatile int edu_handled;

static irqreturn_t edu_handler(int irq, void *dev_id)
{
	uint32_t status = *(volatile uint32_t *)(edu + EDU_IRQ_STATUS);

	(void)irq, (void)dev_id;
	if (!status)
		return IRQ_NONE;
	*(volatile uint32_t *)(edu + EDU_IRQ_ACK) = status; /* line drops */
	edu_handled++;
	return IRQ_HANDLED;
}

/* Another device's interrupt on eth0's line: the e1000's handler says
 * "not mine" (its interrupts count stays), the sharer handles it. */
static void shared_line_passes_other_interrupts(struct ktest *t)
{
	const struct pci_device *nic = pci_find(0x8086, 0x100e);
	const struct pci_device *e = pci_find(0x1234, 0x11e8);
	struct net_device *dev = e1000_dev();
	unsigned long irqs;
	int cookie;

	if (!dev || !e || e->irq_line != nic->irq_line)
		KTEST_SKIP(
			t,
			"needs an edu device on the e1000's line (ktest-net)");
	edu = ioremap(e->bar0, e->bar0_size);
	ASSERT_TRUE(t, edu != NULL);
	edu_handled = 0;
	ASSERT_EQ(t,
		  request_irq(e->irq_line, edu_handler, IRQF_SHARED, "edu-test",
			      &cookie),
		  0);
	irqs = dev->stats.interrupts;
	*(volatile uint32_t *)(edu + EDU_IRQ_RAISE) = 1;
	EXPECT_TRUE(t, KTEST_WAIT_FOR(edu_handled == 1));
	EXPECT_EQ(t, dev->stats.interrupts, irqs);
	free_irq(e->irq_line, &cookie);
}

KTEST_SUITE(e1000, KTEST_CASE(mac_and_link),
	    KTEST_CASE(transmit_is_reclaimed_on_net_tx),
	    KTEST_CASE(shared_line_passes_other_interrupts));
