/*
 * drivers/irqchip/ioapic.c - see ioapic.h. Intel 82093AA I/O Advanced
 * Programmable Interrupt Controller (IOAPIC) datasheet, section 3
 * "Register Description".
 */
#include "drivers/irqchip/ioapic.h"

#include <stdbool.h>

#include "drivers/irqchip/lapic.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "lib/errno.h"

/* 3.1 "Memory Mapped Registers for Accessing IOAPIC Registers": write a
 * register's index to IOREGSEL, then read or write it through IOWIN. */
#define IOREGSEL	       0x00
#define IOWIN		       0x10

/* 3.2 "IOAPIC Registers": the indices. */
#define IOAPICID	       0x00 /* 3.2.1: ID in bits 24-27 */
#define IOAPICVER	       0x01 /* 3.2.2: version, max redirection entry */
#define IOREDTBL(pin)	       (0x10 + 2 * (pin)) /* 3.2.4: low dword; +1 high */

#define IOAPICID_SHIFT	       24
#define IOAPICVER_VERSION      0xff /* bits 0-7 */
#define IOAPICVER_MAX_SHIFT    16   /* bits 16-23: entries - 1 */

#define IOAPIC_RTE_LOW_RW_MASK (IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LEVEL)

struct ioapic {
	volatile uint32_t *regs;
	uint8_t id; /* from the MADT */
	unsigned int version;
	unsigned int gsi_base;
	unsigned int nr_pins;
};

static struct ioapic ioapics[MADT_MAX_IOAPICS];
static unsigned int nr_ioapics;
static int irq_gsi[NR_IRQS]; /* -1: not on an IOAPIC */
static DEFINE_SPINLOCK(ioapic_lock);

static uint32_t io_read(const struct ioapic *a, unsigned int reg)
{
	a->regs[IOREGSEL / 4] = reg;
	return a->regs[IOWIN / 4];
}

static void io_write(const struct ioapic *a, unsigned int reg, uint32_t v)
{
	a->regs[IOREGSEL / 4] = reg;
	a->regs[IOWIN / 4] = v;
}

/* The IOAPIC serving gsi, and the pin on it; NULL if none. */
static struct ioapic *gsi_to_ioapic(unsigned int gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *a = &ioapics[i];

		if (gsi >= a->gsi_base && gsi - a->gsi_base < a->nr_pins) {
			*pin = gsi - a->gsi_base;
			return a;
		}
	}
	return NULL;
}

static struct ioapic *irq_to_ioapic(unsigned int irq, unsigned int *pin)
{
	if (irq >= NR_IRQS || irq_gsi[irq] < 0)
		return NULL;
	return gsi_to_ioapic(irq_gsi[irq], pin);
}

/* Write high dword first, while the low one still says "masked", so the
 * pin never fires with half an entry. Caller holds ioapic_lock. */
static void write_rte(const struct ioapic *a, unsigned int pin, uint64_t rte)
{
	io_write(a, IOREDTBL(pin), (uint32_t)IOAPIC_RTE_MASKED);
	io_write(a, IOREDTBL(pin) + 1, (uint32_t)(rte >> 32));
	io_write(a, IOREDTBL(pin), (uint32_t)rte);
}

/* Set and clear bits of an irq's low dword (mask, polarity, trigger). */
static void modify_low(unsigned int irq, uint32_t set, uint32_t clear)
{
	struct ioapic *a;
	unsigned int pin;
	unsigned long flags;
	uint32_t low;

	a = irq_to_ioapic(irq, &pin);
	if (!a)
		return;
	flags = spin_lock_irqsave(&ioapic_lock);
	low = io_read(a, IOREDTBL(pin));
	io_write(a, IOREDTBL(pin), (low & ~clear) | set);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

static void ioapic_mask_irq(unsigned int irq)
{
	modify_low(irq, IOAPIC_RTE_MASKED, 0);
}

static void ioapic_unmask_irq(unsigned int irq)
{
	modify_low(irq, 0, IOAPIC_RTE_MASKED);
}

/* The local APIC's EOI; for level lines it reaches the IOAPIC too and
 * clears the pin's remote IRR. It is both the edge flow's ack (the next
 * edge may be delivered) and the fasteoi flow's end of interrupt. */
static void ioapic_eoi(unsigned int irq)
{
	(void)irq;
	lapic_eoi();
}

/* IRQF_TRIGGER_* -> the polarity and trigger bits; -EINVAL for others. */
static int trigger_bits(unsigned long flow, uint32_t *bits)
{
	switch (flow & IRQF_TRIGGER_MASK) {
	case IRQF_TRIGGER_RISING:
		*bits = 0;
		return 0;
	case IRQF_TRIGGER_FALLING:
		*bits = IOAPIC_RTE_ACTIVE_LOW;
		return 0;
	case IRQF_TRIGGER_HIGH:
		*bits = IOAPIC_RTE_LEVEL;
		return 0;
	case IRQF_TRIGGER_LOW:
		*bits = IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW;
		return 0;
	default:
		return -EINVAL;
	}
}

static int ioapic_set_type(unsigned int irq, unsigned long flow)
{
	unsigned int pin;
	uint32_t bits;

	if (!irq_to_ioapic(irq, &pin) || trigger_bits(flow, &bits))
		return -EINVAL;
	modify_low(irq, bits, IOAPIC_RTE_LOW_RW_MASK);
	return 0;
}

/*
 * Send the line to cpu's local APIC: only the destination field (bits
 * 56-63, the high dword) changes, in one register write, so the IOAPIC
 * delivers with the old destination or the new one and never with half
 * an entry; vector, trigger and mask bit stay as they are (an edge
 * arriving meanwhile is delivered, not dropped as a masked pin would).
 * Why the interrupt in flight needs nothing more: kernel/irq/affinity.c.
 * Called with the line's desc lock held.
 */
static int ioapic_set_affinity(unsigned int irq, unsigned int cpu)
{
	struct ioapic *a;
	unsigned int pin;
	unsigned long flags;

	a = irq_to_ioapic(irq, &pin);
	if (!a || cpu >= MAX_CPUS)
		return -EINVAL;
	flags = spin_lock_irqsave(&ioapic_lock);
	io_write(a, IOREDTBL(pin) + 1,
		 cpus[cpu].apic_id << (IOAPIC_RTE_DEST_SHIFT - 32));
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

struct irq_chip ioapic_chip = {
	.name = "IO-APIC",
	.mask = ioapic_mask_irq,
	.unmask = ioapic_unmask_irq,
	.ack = ioapic_eoi,
	.eoi = ioapic_eoi,
	.set_type = ioapic_set_type,
	.set_affinity = ioapic_set_affinity,
	.level_flow = handle_fasteoi_irq,
};

/* Vectors IOAPIC_VECTOR_BASE + irq land here. */
static void ioapic_vector_handler(struct trap_frame *f)
{
	handle_irq(f->vector - IOAPIC_VECTOR_BASE);
}

int ioapic_irq_to_gsi(unsigned int irq)
{
	return irq < NR_IRQS ? irq_gsi[irq] : -1;
}

int ioapic_irq_to_pin(unsigned int irq)
{
	unsigned int pin;

	return irq_to_ioapic(irq, &pin) ? (int)pin : -1;
}

unsigned int ioapic_count(void)
{
	return nr_ioapics;
}

unsigned int ioapic_nr_pins(unsigned int idx)
{
	return idx < nr_ioapics ? ioapics[idx].nr_pins : 0;
}

int ioapic_read_rte(unsigned int gsi, uint64_t *rte)
{
	struct ioapic *a;
	unsigned int pin;
	unsigned long flags;

	*rte = 0;
	a = gsi_to_ioapic(gsi, &pin);
	if (!a)
		return -EINVAL;
	flags = spin_lock_irqsave(&ioapic_lock);
	*rte = io_read(a, IOREDTBL(pin)) |
	       (uint64_t)io_read(a, IOREDTBL(pin) + 1) << 32;
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

/* Map one IOAPIC from the MADT and mask all its pins. */
static void ioapic_probe(struct ioapic *a, const struct madt_ioapic *m)
{
	uint32_t ver;

	a->regs = (volatile uint32_t *)(uintptr_t)m->addr;
	a->id = m->id;
	a->gsi_base = m->gsi_base;
	ver = io_read(a, IOAPICVER);
	a->version = ver & IOAPICVER_VERSION;
	a->nr_pins = ((ver >> IOAPICVER_MAX_SHIFT) & 0xff) + 1;
	for (unsigned int pin = 0; pin < a->nr_pins; pin++)
		write_rte(a, pin, IOAPIC_RTE_MASKED);
	if (((io_read(a, IOAPICID) >> IOAPICID_SHIFT) & 0xf) != (m->id & 0xf))
		pr_warn("ioapic: id register says %lu, MADT says %u\n",
			(unsigned long)(io_read(a, IOAPICID) >>
					IOAPICID_SHIFT) &
				0xf,
			m->id);
	pr_info("ioapic: IOAPIC id %u at 0x%08lx, version 0x%02x, GSI %u-%u\n",
		a->id, (unsigned long)m->addr, a->version, a->gsi_base,
		a->gsi_base + a->nr_pins - 1);
}

/* Route irq to gsi: vector IOAPIC_VECTOR_BASE + irq, fixed delivery to
 * APIC ID dest, masked until request_irq() unmasks it. */
static int route_irq(unsigned int irq, unsigned int gsi, unsigned long trig,
		     unsigned int dest)
{
	struct ioapic *a;
	unsigned int pin;
	uint32_t bits;
	uint64_t rte;
	unsigned long flags;

	a = gsi_to_ioapic(gsi, &pin);
	if (!a || trigger_bits(trig, &bits))
		return -EINVAL;
	rte = (IOAPIC_VECTOR_BASE + irq) | IOAPIC_RTE_DM_FIXED | bits |
	      IOAPIC_RTE_MASKED | (uint64_t)dest << IOAPIC_RTE_DEST_SHIFT;
	flags = spin_lock_irqsave(&ioapic_lock);
	write_rte(a, pin, rte);
	spin_unlock_irqrestore(&ioapic_lock, flags);

	irq_gsi[irq] = gsi;
	trap_set_handler(IOAPIC_VECTOR_BASE + irq, ioapic_vector_handler);
	irq_set_chip(irq, &ioapic_chip, trig);
	irq_desc[irq].hwirq = pin; /* the "irqs" column: 2 for the timer */
	return 0;
}

static bool gsi_taken(unsigned int gsi)
{
	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		if (irq_gsi[irq] == (int)gsi)
			return true;
	return false;
}

/* ISA IRQs 0-15 (but the cascade), each on the GSI the MADT gives it. */
static void route_isa_irqs(const struct madt_info *mi, unsigned int dest)
{
	for (unsigned int irq = 0; irq < ISA_NR_IRQS; irq++) {
		unsigned int gsi;
		unsigned long trig;

		if (irq == ISA_CASCADE_IRQ)
			continue;
		madt_isa_irq_to_gsi(mi, irq, &gsi, &trig);
		if (gsi_taken(gsi) || route_irq(irq, gsi, trig, dest)) {
			pr_warn("ioapic: cannot route ISA irq %u to GSI %u\n",
				irq, gsi);
			irq_set_chip(irq, NULL, 0); /* no pin: no handlers */
			continue;
		}
		if (gsi != irq)
			pr_info("ioapic: ISA irq %u on GSI %u\n", irq, gsi);
	}
}

/* GSIs 16 and up that no ISA IRQ took: irq = GSI, PCI's level/low. */
static void route_pci_gsis(unsigned int dest)
{
	for (unsigned int gsi = ISA_NR_IRQS; gsi < NR_IRQS; gsi++) {
		unsigned int pin;

		if (!gsi_to_ioapic(gsi, &pin) || gsi_taken(gsi))
			continue;
		route_irq(gsi, gsi, IRQF_TRIGGER_LOW, dest);
	}
}

int ioapic_init(const struct madt_info *mi)
{
	unsigned int dest = lapic_id(); /* every line starts on the boot CPU */

	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		irq_gsi[irq] = -1;
	nr_ioapics = 0;
	if (!mi || !mi->nr_ioapics)
		return -ENODEV;
	for (unsigned int i = 0; i < mi->nr_ioapics; i++)
		ioapic_probe(&ioapics[nr_ioapics++], &mi->ioapics[i]);

	route_isa_irqs(mi, dest);
	route_pci_gsis(dest);
	pr_info("ioapic: irqs on vectors 0x%02x-0x%02x, to APIC ID %u\n",
		IOAPIC_VECTOR_BASE, IOAPIC_VECTOR_BASE + NR_IRQS - 1, dest);
	return 0;
}
