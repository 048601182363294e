/*
 * drivers/acpi/madt.h - the Multiple APIC Description Table, decoded.
 *
 * The MADT (signature "APIC", ACPI 6.4 section 5.2.12) is a header
 * followed by variable-length entries, each starting with a type byte and
 * a length byte. It tells the kernel:
 *   - where the local APICs are, and which APIC IDs the CPUs have (type 0;
 *     type 5 overrides the 32-bit address with a 64-bit one)
 *   - where each IOAPIC is, and the first GSI ("global system interrupt",
 *     a system-wide IOAPIC input number) it serves (type 1)
 *   - which ISA IRQs are not wired to the IOAPIC pin of the same number,
 *     or not edge/active-high (type 2, "interrupt source override"); on
 *     QEMU and most PCs the timer's IRQ0 arrives on GSI 2
 *   - which local APIC input (LINT0/1) is the NMI (type 4)
 * Entry types this file does not know are skipped by their length.
 *
 * Rules:
 *  - madt_parse() is pure: it reads only the table it is given and writes
 *    only *out, so tests can feed it synthetic tables. It checks the
 *    signature, the length, the checksum and that every entry fits.
 *  - Arrays in struct madt_info are fixed-size; entries beyond them are
 *    counted in ->dropped, never written out of bounds.
 *
 * Context: any; does not sleep.
 */
#ifndef DRIVERS_ACPI_MADT_H
#define DRIVERS_ACPI_MADT_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/acpi/acpi.h"

#define MADT_SIGNATURE		   "APIC"

/* Offsets in the table (section 5.2.12, table "MADT Format"). */
#define MADT_LAPIC_ADDR_OFF	   36  /* 32-bit local APIC address */
#define MADT_FLAGS_OFF		   40  /* multiple APIC flags */
#define MADT_ENTRIES_OFF	   44  /* first interrupt controller entry */
#define MADT_FLAG_PCAT_COMPAT	   0x1 /* a dual 8259 is also present */

/* Entry types (section 5.2.12, table "Interrupt Controller Structure
 * Types"). */
#define MADT_TYPE_LAPIC		   0 /* processor local APIC */
#define MADT_TYPE_IOAPIC	   1
#define MADT_TYPE_INT_SRC_OVR	   2 /* interrupt source override */
#define MADT_TYPE_NMI_SRC	   3 /* NMI wired to an IOAPIC input */
#define MADT_TYPE_LAPIC_NMI	   4 /* NMI wired to a local APIC LINT pin */
#define MADT_TYPE_LAPIC_ADDR	   5 /* 64-bit local APIC address override */

/* Processor local APIC flags (section 5.2.12.2). */
#define MADT_LAPIC_ENABLED	   0x1 /* usable now */
#define MADT_LAPIC_ONLINE_CAPABLE  0x2 /* may be enabled later */

/* MPS INTI flags of overrides and NMI entries (section 5.2.12.5, table
 * "MPS INTI Flags"): polarity in bits 0-1, trigger mode in bits 2-3.
 * "Conforms" means "the bus's default": for ISA, edge and active high. */
#define MPS_INTI_POLARITY_MASK	   0x3
#define MPS_INTI_POLARITY_CONFORMS 0x0
#define MPS_INTI_POLARITY_HIGH	   0x1
#define MPS_INTI_POLARITY_LOW	   0x3
#define MPS_INTI_TRIGGER_MASK	   0xc
#define MPS_INTI_TRIGGER_CONFORMS  0x0
#define MPS_INTI_TRIGGER_EDGE	   0x4
#define MPS_INTI_TRIGGER_LEVEL	   0xc

#define MADT_BUS_ISA		   0 /* the only bus overrides name */
#define ISA_NR_IRQS		   16
#define ISA_CASCADE_IRQ		   2 /* the 8259 cascade: no ISA device */

#define MADT_MAX_CPUS		   32
#define MADT_MAX_IOAPICS	   4
#define MADT_MAX_OVERRIDES	   16
#define MADT_MAX_LAPIC_NMIS	   8

struct madt_cpu {
	uint8_t acpi_uid; /* the processor's ACPI UID */
	uint8_t apic_id;  /* its local APIC ID: the target of IPIs */
};

struct madt_ioapic {
	uint8_t id;
	uint32_t addr;	   /* physical MMIO base */
	uint32_t gsi_base; /* GSI of its pin 0 */
};

struct madt_override {
	uint8_t bus;	/* 0 = ISA */
	uint8_t source; /* the bus's IRQ number */
	uint32_t gsi;	/* where it really arrives */
	uint16_t flags; /* MPS INTI flags */
};

struct madt_lapic_nmi {
	uint8_t acpi_uid; /* 0xff = every processor */
	uint16_t flags;	  /* MPS INTI flags */
	uint8_t lint;	  /* 0 = LINT0, 1 = LINT1 */
};

struct madt_info {
	uint64_t lapic_addr; /* after any type-5 override */
	bool lapic_addr_overridden;
	uint32_t flags; /* MADT_FLAG_* */

	unsigned int nr_cpus; /* enabled or online-capable processors */
	struct madt_cpu cpus[MADT_MAX_CPUS];

	unsigned int nr_ioapics;
	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];

	unsigned int nr_overrides;
	struct madt_override overrides[MADT_MAX_OVERRIDES];

	unsigned int nr_lapic_nmis;
	struct madt_lapic_nmi lapic_nmis[MADT_MAX_LAPIC_NMIS];

	unsigned int nr_unknown; /* entries of types not decoded here */
	unsigned int dropped;	 /* entries beyond the arrays above */
};

/*
 * Check and decode the MADT at table, which the caller says is len bytes
 * long (from the RSDT entry's header, or a test's buffer). Returns 0 and
 * fills *out, or:
 *   -EINVAL  wrong signature, header length not within len, too short for
 *            the fixed fields, or an entry that is truncated or runs past
 *            the end of the table
 *   -EIO     the checksum is wrong
 * On error *out is zeroed.
 */
int madt_parse(const void *table, uint32_t len, struct madt_info *out);

/* MPS INTI flags of an ISA source -> IRQF_TRIGGER_RISING/FALLING/HIGH/LOW
 * ("conforms" = ISA's edge, active high). */
unsigned long madt_inti_to_trigger(uint16_t inti_flags);

/* acpi_isa_irq_to_gsi() on a given MADT (NULL = no MADT: the defaults). */
int madt_isa_irq_to_gsi(const struct madt_info *mi, unsigned int irq,
			unsigned int *gsi, unsigned long *trigger_flags);

#endif
