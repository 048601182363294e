/* drivers/net/e1000.c - the 82540EM network card; see e1000.h.
 *
 * Register offsets and bits: Intel's "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (8254x), chapters 3 and 13. */
#include "drivers/net/e1000.h"

#include <stddef.h>
#include <stdint.h>

#include "drivers/pci/pci.h"
#include "kernel/arch/cpu.h"
#include "kernel/cmdline.h"
#include "kernel/irq/irq.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/net/napi.h"
#include "kernel/net/netdev.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"
#include "lib/string.h"

#define E1000_VENDOR 0x8086
#define E1000_DEVICE 0x100e /* 82540EM, what QEMU emulates */

/* Registers (byte offsets into BAR0). */
#define REG_CTRL     0x0000
#define REG_STATUS   0x0008
#define REG_EERD     0x0014 /* EEPROM read */
#define REG_ICR	     0x00c0 /* interrupt cause: reading clears it */
#define REG_ITR	     0x00c4 /* interrupt throttling (0: off) */
#define REG_IMS	     0x00d0 /* mask set: enable these causes */
#define REG_IMC	     0x00d8 /* mask clear: disable these causes */
#define REG_RCTL     0x0100
#define REG_TCTL     0x0400
#define REG_TIPG     0x0410
#define REG_RDBAL    0x2800
#define REG_RDBAH    0x2804
#define REG_RDLEN    0x2808
#define REG_RDH	     0x2810
#define REG_RDT	     0x2818
#define REG_RDTR     0x2820 /* receive delay timer (0: interrupt at once) */
#define REG_RADV     0x282c
#define REG_TDBAL    0x3800
#define REG_TDBAH    0x3804
#define REG_TDLEN    0x3808
#define REG_TDH	     0x3810
#define REG_TDT	     0x3818
#define REG_MPC	     0x4010 /* missed packets: read clears it */
#define REG_MTA	     0x5200 /* multicast table, 128 words */
#define REG_RAL0     0x5400
#define REG_RAH0     0x5404

#define CTRL_SLU     (1u << 6)	/* set link up */
#define CTRL_RST     (1u << 26) /* device reset (self-clearing) */
#define STATUS_LU    (1u << 1)	/* link up */
#define RAH_AV	     (1u << 31) /* address valid */

#define EERD_START   (1u << 0)
#define EERD_DONE    (1u << 4)

#define RCTL_EN	     (1u << 1)
#define RCTL_BAM     (1u << 15) /* accept broadcast */
#define RCTL_SECRC   (1u << 26) /* strip the FCS */
/* BSIZE (bits 17:16) = 00: 2048-byte buffers. UPE/MPE off: the card
 * takes only frames for our MAC and broadcasts. */

#define TCTL_EN	     (1u << 1)
#define TCTL_PSP     (1u << 3) /* pad short packets */
#define TCTL_CT	     (0x10u << 4)
#define TCTL_COLD    (0x40u << 12)
#define TIPG_82540   (10u | 8u << 10 | 6u << 20)

/* Interrupt causes (ICR/IMS/IMC bits). */
#define ICR_TXDW     (1u << 0) /* a descriptor with RS was sent */
#define ICR_LSC	     (1u << 2) /* link status changed */
#define ICR_RXDMT0   (1u << 4) /* receive ring below its threshold */
#define ICR_RXO	     (1u << 6) /* receiver overrun */
#define ICR_RXT0     (1u << 7) /* receive timer: a frame is in */
#define RX_CAUSES    (ICR_RXT0 | ICR_RXO | ICR_RXDMT0)
#define ALL_CAUSES   (RX_CAUSES | ICR_TXDW | ICR_LSC)

/* Descriptors (the manual's "legacy" formats), 16 bytes each. */
struct rx_desc {
	uint64_t addr; /* buffer, physical */
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

struct tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

#define RXD_DD	     (1u << 0) /* descriptor done */
#define RXD_EOP	     (1u << 1) /* end of packet */
#define TXD_CMD_EOP  (1u << 0)
#define TXD_CMD_IFCS (1u << 1) /* append the FCS */
#define TXD_CMD_RS   (1u << 3) /* report status: set DD when sent */
#define TXD_DD	     (1u << 0)

struct e1000 {
	volatile uint8_t *regs;
	unsigned int irq;
	struct rx_desc *rx_ring;
	struct tx_desc *tx_ring;
	uint8_t *rx_bufs, *tx_bufs;
	unsigned int rx_next;		/* next descriptor to look at */
	unsigned int tx_tail, tx_clean; /* next to fill, next to reclaim */
	struct spinlock tx_lock;
	struct napi_struct napi;
};

static struct e1000 nic;
static struct net_device eth0;
static bool napi_on = true;
static bool found;
static unsigned long rx_cost_us; /* e1000_rx_cost=: the livelock demo */

static int napi_param(const char *val)
{
	if (!strcmp(val, "on"))
		napi_on = true;
	else if (!strcmp(val, "off"))
		napi_on = false;
	else
		return -EINVAL;
	return 0;
}
KERNEL_PARAM(napi, napi_param,
	     "on (default) or off: e1000 takes one interrupt per frame");

/* A slower machine, or a heavier stack, on demand: this many microseconds
 * of busy work per received frame, in whatever context receives it (the
 * top half with napi=off, the NAPI poll otherwise). The flood then costs
 * more CPU than there is - the condition receive livelock needs. */
static int rx_cost_param(const char *val)
{
	unsigned long us;

	if (kstrtoul(val, 10, &us) || us > 10000)
		return -EINVAL;
	rx_cost_us = us;
	return 0;
}
KERNEL_PARAM(e1000_rx_cost, rx_cost_param,
	     "microseconds of extra work per received frame, 0-10000 (demo)");

static void rx_cost(void)
{
	uint64_t end;

	if (!rx_cost_us)
		return;
	end = rdtsc() + (uint64_t)rx_cost_us * tsc_khz / 1000;
	while (rdtsc() < end)
		cpu_relax();
}

static uint32_t rd(uint32_t reg)
{
	return *(volatile uint32_t *)(nic.regs + reg);
}

static void wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(nic.regs + reg) = v;
}

/* The card reads descriptors from RAM: finish our stores first. */
static inline void dma_wmb(void)
{
	__asm__ volatile("" ::: "memory");
}

/* MPC is read-to-clear; several CPUs may read it, so add atomically. */
static void collect_missed(void)
{
	uint32_t missed = rd(REG_MPC);

	if (missed)
		__sync_fetch_and_add(&eth0.stats.rx_missed, missed);
}

/* ---- receive ------------------------------------------------------------ */

/* RDH == RDT: the card has no descriptor left to fill. */
static void note_ring_full(void)
{
	if (rd(REG_RDH) == rd(REG_RDT))
		eth0.stats.rx_ring_full++;
}

static void hand_up(const void *frame, unsigned int len)
{
	if (napi_on) {
		trace_event(TRACE_NETIF_RECEIVE_SKB, (uint32_t)eth0.name, len,
			    0);
		netif_receive_skb(&eth0, frame, len);
	} else {
		netif_rx(&eth0, frame, len); /* full: counted in rx_dropped */
	}
}

/* Take at most budget frames off the ring, hand each up, give the
 * descriptors back (one RDT write for the lot). Returns how many. */
static int clean_rx(int budget)
{
	int work = 0;
	unsigned int last = 0;

	note_ring_full();
	while (work < budget) {
		struct rx_desc *d = &nic.rx_ring[nic.rx_next];

		if (!(d->status & RXD_DD))
			break;
		__asm__ volatile("" ::: "memory"); /* status before data */
		if (d->errors || !(d->status & RXD_EOP)) {
			eth0.stats.rx_errors++;
		} else {
			eth0.stats.rx_packets++;
			eth0.stats.rx_bytes += d->length;
			rx_cost();
			hand_up(nic.rx_bufs + nic.rx_next * E1000_BUF_SIZE,
				d->length);
		}
		d->status = 0;
		last = nic.rx_next;
		nic.rx_next = (nic.rx_next + 1) % E1000_RX_RING;
		work++;
	}
	if (work) {
		dma_wmb();
		wr(REG_RDT, last);
	}
	collect_missed();
	return work;
}

/* NET_RX: the NAPI poll. Caught up: complete, unmask receive causes. A
 * frame that lands after the last look sets its cause bit while masked,
 * so the IMS write raises the interrupt at once: nothing waits unseen. */
static int e1000_poll(struct napi_struct *napi, int budget)
{
	int work = clean_rx(budget);

	if (work < budget && napi_complete_done(napi, work))
		wr(REG_IMS, RX_CAUSES);
	return work;
}

/* ---- transmit ----------------------------------------------------------- */

static void reclaim_tx(void);

static unsigned int tx_used(void)
{
	return (nic.tx_tail + E1000_TX_RING - nic.tx_clean) % E1000_TX_RING;
}

/* One slot stays empty: tail == clean means "empty", never "full". */
static int e1000_xmit(struct net_device *dev, const void *frame,
		      unsigned int len)
{
	unsigned long flags = spin_lock_irqsave(&nic.tx_lock);
	unsigned int i = nic.tx_tail,
		     wire_len = len < ETH_ZLEN ? ETH_ZLEN : len;
	uint8_t *buf = nic.tx_bufs + i * E1000_BUF_SIZE;
	struct tx_desc *d = &nic.tx_ring[i];
	int rc = 0;

	if (tx_used() == E1000_TX_RING - 1)
		reclaim_tx(); /* NET_TX may be late (a long poll): look now */
	if (tx_used() == E1000_TX_RING - 1) {
		dev->stats.tx_dropped++;
		rc = -EBUSY;
		goto out;
	}
	memcpy(buf, frame, len);
	memset(buf + len, 0, wire_len - len); /* pad to the minimum */
	d->addr = (uint32_t)buf; /* identity-mapped RAM: virtual = physical */
	d->length = wire_len;
	d->cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
	d->status = 0;
	dma_wmb();
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += wire_len;
	/* Traced before the TDT write: QEMU sends at once, and its "sent"
	 * interrupt would otherwise come first in the trace. */
	trace_event(TRACE_NET_DEV_XMIT, (uint32_t)dev->name, len, 0);
	nic.tx_tail = (i + 1) % E1000_TX_RING;
	wr(REG_TDT, nic.tx_tail);
out:
	spin_unlock_irqrestore(&nic.tx_lock, flags);
	if (rc)
		trace_event(TRACE_NET_DEV_XMIT, (uint32_t)dev->name, len, rc);
	return rc;
}

/* Descriptors the card has sent (DD) are free again. tx_lock held. */
static void reclaim_tx(void)
{
	while (nic.tx_clean != nic.tx_tail &&
	       (nic.tx_ring[nic.tx_clean].status & TXD_DD)) {
		nic.tx_ring[nic.tx_clean].status = 0;
		nic.tx_clean = (nic.tx_clean + 1) % E1000_TX_RING;
	}
}

/* NET_TX, asked for by the top half on TXDW. */
static void e1000_tx_complete(struct net_device *dev)
{
	unsigned long flags = spin_lock_irqsave(&nic.tx_lock);

	(void)dev;
	reclaim_tx();
	spin_unlock_irqrestore(&nic.tx_lock, flags);
}

static void e1000_ring_fill(struct net_device *dev, struct netdev_rings *r)
{
	unsigned int rx = 0;

	(void)dev;
	while (rx < E1000_RX_RING &&
	       (nic.rx_ring[(nic.rx_next + rx) % E1000_RX_RING].status &
		RXD_DD))
		rx++;
	collect_missed();
	*r = (struct netdev_rings){ .rx_used = rx,
				    .rx_size = E1000_RX_RING,
				    .tx_used = tx_used(),
				    .tx_size = E1000_TX_RING };
}

/* ---- the interrupt ------------------------------------------------------ */

static void link_changed(void)
{
	bool up = rd(REG_STATUS) & STATUS_LU;

	if (up != eth0.link_up)
		pr_info("e1000: eth0 link %s\n", up ? "up" : "down");
	eth0.link_up = up;
}

/* Hard IRQ. Reading ICR acknowledges what it returns, and lets the level
 * line drop; 0 means another device on the shared line interrupted. */
static irqreturn_t e1000_intr(int irq, void *dev_id)
{
	uint32_t icr = rd(REG_ICR);

	(void)irq, (void)dev_id;
	if (!icr)
		return IRQ_NONE;
	eth0.stats.interrupts++;
	if (icr & ICR_LSC)
		link_changed();
	if (icr & ICR_TXDW)
		netif_tx_schedule(&eth0);
	if (icr & RX_CAUSES) {
		if (napi_on) {
			wr(REG_IMC,
			   RX_CAUSES); /* quiet until the poll is done */
			napi_schedule(&nic.napi);
		} else {
			clean_rx(E1000_RX_RING); /* everything, right here */
		}
	}
	return IRQ_HANDLED;
}

/* ---- bring-up ----------------------------------------------------------- */

static bool read_eeprom_word(unsigned int addr, uint16_t *out)
{
	wr(REG_EERD, addr << 8 | EERD_START);
	for (int i = 0; i < 100000; i++) {
		uint32_t v = rd(REG_EERD);

		if (v & EERD_DONE) {
			*out = v >> 16;
			return true;
		}
	}
	return false;
}

/* RAL0/RAH0 hold the address the card loaded from its EEPROM at reset;
 * if they are not valid, read the EEPROM's first three words. */
static bool read_mac(uint8_t mac[ETH_ALEN])
{
	uint32_t lo = rd(REG_RAL0), hi = rd(REG_RAH0);

	if (!(hi & RAH_AV)) {
		uint16_t w[3];

		for (unsigned int i = 0; i < 3; i++)
			if (!read_eeprom_word(i, &w[i]))
				return false;
		lo = w[0] | (uint32_t)w[1] << 16;
		hi = w[2] | RAH_AV;
		wr(REG_RAL0, lo);
		wr(REG_RAH0, hi);
	}
	for (unsigned int i = 0; i < 4; i++)
		mac[i] = lo >> (8 * i);
	mac[4] = hi;
	mac[5] = hi >> 8;
	return true;
}

static bool reset(void)
{
	wr(REG_IMC, ~0u);
	wr(REG_CTRL, rd(REG_CTRL) | CTRL_RST);
	for (int i = 0; i < 100000; i++)
		if (!(rd(REG_CTRL) & CTRL_RST)) {
			wr(REG_IMC, ~0u);
			(void)rd(REG_ICR);
			return true;
		}
	return false;
}

static bool alloc_rings(void)
{
	nic.rx_ring = page_zalloc();
	nic.tx_ring = page_zalloc();
	nic.rx_bufs =
		page_alloc_contig(E1000_RX_RING * E1000_BUF_SIZE / PAGE_SIZE);
	nic.tx_bufs =
		page_alloc_contig(E1000_TX_RING * E1000_BUF_SIZE / PAGE_SIZE);
	return nic.rx_ring && nic.tx_ring && nic.rx_bufs && nic.tx_bufs;
}

static void setup_rx(void)
{
	for (unsigned int i = 0; i < E1000_RX_RING; i++)
		nic.rx_ring[i].addr =
			(uint32_t)(nic.rx_bufs + i * E1000_BUF_SIZE);
	for (unsigned int i = 0; i < 128; i++)
		wr(REG_MTA + 4 * i, 0);
	wr(REG_RDBAL, (uint32_t)nic.rx_ring);
	wr(REG_RDBAH, 0);
	wr(REG_RDLEN, E1000_RX_RING * sizeof(struct rx_desc));
	wr(REG_RDTR, 0);
	wr(REG_RADV, 0);
	wr(REG_ITR, 0);
	wr(REG_RDH, 0);
	nic.rx_next = 0;
	wr(REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
	/* Last, with receive on: QEMU takes this write as "buffers are
	 * free". (QEMU 7.2's e1000 still holds received frames back for
	 * one second after RCTL is written - its flush_queue_timer - so
	 * the first frames arrive about 1 s after boot.) */
	wr(REG_RDT, E1000_RX_RING - 1); /* all but one are the card's */
}

static void setup_tx(void)
{
	wr(REG_TDBAL, (uint32_t)nic.tx_ring);
	wr(REG_TDBAH, 0);
	wr(REG_TDLEN, E1000_TX_RING * sizeof(struct tx_desc));
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	nic.tx_tail = nic.tx_clean = 0;
	wr(REG_TIPG, TIPG_82540);
	wr(REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
}

static const struct net_device_ops e1000_ops = {
	.xmit = e1000_xmit,
	.tx_complete = e1000_tx_complete,
	.ring_fill = e1000_ring_fill,
};

static bool bring_up(const struct pci_device *p)
{
	pci_enable_bus_master(p);
	nic.regs = ioremap(p->bar0, p->bar0_size);
	if (!nic.regs || !reset()) {
		pr_err("e1000: no answer from the card (reset)\n");
		return false;
	}
	if (!read_mac(eth0.mac)) {
		pr_err("e1000: cannot read the MAC address\n");
		return false;
	}
	if (!alloc_rings()) {
		pr_err("e1000: no memory for the rings\n");
		return false;
	}
	wr(REG_CTRL, rd(REG_CTRL) | CTRL_SLU);
	setup_rx();
	setup_tx();
	return true;
}

void e1000_init(void)
{
	const struct pci_device *p = pci_find(E1000_VENDOR, E1000_DEVICE);
	int err;

	if (!p)
		return; /* no card: nothing to do */
	eth0 = (struct net_device){
		.name = "eth0", .ops = &e1000_ops, .priv = &nic, .napi = napi_on
	};
	spin_lock_init(&nic.tx_lock, "e1000_tx");
	nic.irq = p->irq_line;
	if (!p->bar0 || !p->irq_pin || !bring_up(p))
		return;
	netif_napi_add(&eth0, &nic.napi, e1000_poll, NAPI_POLL_WEIGHT);
	err = request_irq(nic.irq, e1000_intr, IRQF_SHARED | IRQF_NO_THREAD,
			  "eth0", &nic);
	if (err) {
		pr_err("e1000: irq %u: error %d\n", nic.irq, err);
		return;
	}
	link_changed();
	netdev_register(&eth0);
	found = true;
	wr(REG_IMS, ALL_CAUSES);
	pr_info("e1000: eth0 at %02x:%02x.%u irq %u, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, napi %s\n",
		p->bus, p->dev, p->fn, nic.irq, eth0.mac[0], eth0.mac[1],
		eth0.mac[2], eth0.mac[3], eth0.mac[4], eth0.mac[5],
		eth0.link_up ? "up" : "down", napi_on ? "on" : "off");
}

struct net_device *e1000_dev(void)
{
	return found ? &eth0 : NULL;
}
