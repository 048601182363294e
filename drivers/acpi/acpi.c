/*
 * drivers/acpi/acpi.c - see acpi.h. Table layouts from the ACPI 6.4
 * specification: 5.2.5 "Root System Description Pointer", 5.2.7 "Root
 * System Description Table"; the BIOS data area from the IBM PC BIOS
 * interface (word 0x40e: the EBDA's segment).
 *
 * Paging is off: physical = virtual, so the BIOS areas and the tables are
 * read through plain pointers. The paging work must identity-map them.
 */
#include "drivers/acpi/acpi.h"

#include <stdbool.h>

#include "drivers/acpi/madt.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define RSDP_SIGNATURE	   "RSD PTR "
#define RSDP_ALIGN	   16	   /* 5.2.5.1: on a 16-byte boundary */
#define BDA_EBDA_SEGMENT   0x40e   /* BIOS data area: EBDA segment >> 4 */
#define EBDA_SEARCH_LEN	   1024	   /* 5.2.5.1: the EBDA's first 1 KiB */
#define BIOS_ROM_START	   0xe0000 /* 5.2.5.1: the BIOS read-only area */
#define BIOS_ROM_END	   0x100000
#define RSDP_V1_LEN	   20 /* bytes the first checksum covers */
#define RSDP_REV_EXTENDED  2  /* ACPI 2.0+: length, XSDT, ext. sum */
#define RSDT_SIGNATURE	   "RSDT"
#define ACPI_MAX_TABLE_LEN 0x10000 /* sanity bound before summing */

/* 5.2.5.3 "Root System Description Pointer (RSDP) Structure". */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum; /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 0 = ACPI 1.0, 2 = ACPI 2.0 and later */
	uint32_t rsdt_addr;
	/* revision >= 2 only: */
	uint32_t length; /* of this structure */
	uint64_t xsdt_addr;
	uint8_t ext_checksum; /* over the whole structure */
	uint8_t reserved[3];
} __attribute__((packed));

static struct madt_info madt;
static bool madt_valid;
static const char *fail_reason = "ACPI not probed";

const struct madt_info *acpi_madt(void)
{
	return madt_valid ? &madt : NULL;
}

const char *acpi_fail_reason(void)
{
	return madt_valid ? NULL : fail_reason;
}

static int fail(int err, const char *reason)
{
	fail_reason = reason;
	pr_warn("acpi: %s\n", reason);
	return err;
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
	if (acpi_checksum(r, RSDP_V1_LEN))
		return false;
	if (r->revision < RSDP_REV_EXTENDED)
		return true;
	return r->length >= sizeof(*r) && r->length <= ACPI_MAX_TABLE_LEN &&
	       !acpi_checksum(r, r->length);
}

/* The first RSDP with a good checksum in [start, end). A signature with
 * a bad checksum is reported (and the search goes on: it may be stale). */
static const struct acpi_rsdp *scan_rsdp(uintptr_t start, uintptr_t end)
{
	start = (start + RSDP_ALIGN - 1) & ~(uintptr_t)(RSDP_ALIGN - 1);
	for (uintptr_t p = start; p + sizeof(struct acpi_rsdp) <= end;
	     p += RSDP_ALIGN) {
		const struct acpi_rsdp *r = (const void *)p;

		if (memcmp(r->signature, RSDP_SIGNATURE, 8))
			continue;
		if (rsdp_valid(r))
			return r;
		pr_warn("acpi: RSDP signature at 0x%08lx but checksum bad\n",
			(unsigned long)p);
	}
	return NULL;
}

/* A word of the BIOS data area. GCC assumes nothing lives in the first
 * 4 KiB (the null page) and rejects a constant pointer there; the empty
 * asm hides the constant from it. */
static uint16_t bda_read16(uintptr_t addr)
{
	const volatile uint16_t *p;

	asm("" : "=r"(p) : "0"(addr));
	return *p;
}

static const struct acpi_rsdp *find_rsdp(void)
{
	uintptr_t ebda = (uintptr_t)bda_read16(BDA_EBDA_SEGMENT) << 4;
	const struct acpi_rsdp *r = NULL;

	/* A real EBDA sits just below 640 KiB; anything else is junk. */
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = scan_rsdp(ebda, ebda + EBDA_SEARCH_LEN);
	if (!r)
		r = scan_rsdp(BIOS_ROM_START, BIOS_ROM_END);
	return r;
}

/* A table's header is sane and its checksum right. */
static int check_sdt(const struct acpi_sdt_header *h, const char *sig)
{
	if (memcmp(h->signature, sig, 4))
		return -ENOENT;
	if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN)
		return -EINVAL;
	if (acpi_checksum(h, h->length))
		return -EIO;
	return 0;
}

/* The RSDT's entry whose table has signature sig, or NULL. */
static const struct acpi_sdt_header *
rsdt_find(const struct acpi_sdt_header *rsdt, const char *sig)
{
	const uint32_t *entry = (const uint32_t *)(rsdt + 1);
	unsigned int n = (rsdt->length - sizeof(*rsdt)) / sizeof(uint32_t);

	for (unsigned int i = 0; i < n; i++) {
		const struct acpi_sdt_header *h = (const void *)entry[i];

		if (h && !memcmp(h->signature, sig, 4))
			return h;
	}
	return NULL;
}

static const char *polarity_name(uint16_t inti)
{
	switch (inti & MPS_INTI_POLARITY_MASK) {
	case MPS_INTI_POLARITY_CONFORMS:
		return "conforms";
	case MPS_INTI_POLARITY_HIGH:
		return "high";
	case MPS_INTI_POLARITY_LOW:
		return "low";
	default:
		return "reserved";
	}
}

static const char *trigger_name(uint16_t inti)
{
	switch (inti & MPS_INTI_TRIGGER_MASK) {
	case MPS_INTI_TRIGGER_CONFORMS:
		return "conforms";
	case MPS_INTI_TRIGGER_EDGE:
		return "edge";
	case MPS_INTI_TRIGGER_LEVEL:
		return "level";
	default:
		return "reserved";
	}
}

static void log_override(const struct madt_override *o)
{
	unsigned long t = madt_inti_to_trigger(o->flags);

	/* For ISA, show what "conforms" resolves to: that is what we use. */
	if (o->bus == MADT_BUS_ISA)
		pr_info("acpi: INT_SRC_OVR bus %u irq %u -> gsi %lu (%s, %s)\n",
			o->bus, o->source, (unsigned long)o->gsi,
			(t & (IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW)) ? "level"
								     : "edge",
			(t & (IRQF_TRIGGER_FALLING | IRQF_TRIGGER_LOW))
				? "low"
				: "high");
	else
		pr_info("acpi: INT_SRC_OVR bus %u irq %u -> gsi %lu (%s, %s)\n",
			o->bus, o->source, (unsigned long)o->gsi,
			trigger_name(o->flags), polarity_name(o->flags));
}

static void log_madt(const struct madt_info *mi)
{
	char ids[4 * MADT_MAX_CPUS + 1] = "";
	size_t n = 0;

	pr_info("acpi: MADT: local APIC at 0x%08lx%s, flags 0x%lx%s\n",
		(unsigned long)mi->lapic_addr,
		mi->lapic_addr_overridden ? " (64-bit override)" : "",
		(unsigned long)mi->flags,
		(mi->flags & MADT_FLAG_PCAT_COMPAT) ? " (PCAT_COMPAT)" : "");
	for (unsigned int i = 0; i < mi->nr_cpus && n < sizeof(ids); i++)
		n += snprintf(ids + n, sizeof(ids) - n, " %u",
			      mi->cpus[i].apic_id);
	pr_info("acpi: %u CPU%s, local APIC IDs:%s\n", mi->nr_cpus,
		mi->nr_cpus == 1 ? "" : "s", ids);
	for (unsigned int i = 0; i < mi->nr_ioapics; i++)
		pr_info("acpi: IOAPIC id %u at 0x%08lx, GSI base %lu\n",
			mi->ioapics[i].id, (unsigned long)mi->ioapics[i].addr,
			(unsigned long)mi->ioapics[i].gsi_base);
	for (unsigned int i = 0; i < mi->nr_overrides; i++)
		log_override(&mi->overrides[i]);
	for (unsigned int i = 0; i < mi->nr_lapic_nmis; i++)
		pr_info("acpi: LAPIC_NMI uid 0x%02x LINT%u (%s, %s)\n",
			mi->lapic_nmis[i].acpi_uid, mi->lapic_nmis[i].lint,
			trigger_name(mi->lapic_nmis[i].flags),
			polarity_name(mi->lapic_nmis[i].flags));
	if (mi->dropped)
		pr_warn("acpi: MADT: %u entries beyond our tables ignored\n",
			mi->dropped);
}

int acpi_init(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_sdt_header *rsdt, *h;
	int err;

	madt_valid = false;
	rsdp = find_rsdp();
	if (!rsdp)
		return fail(-ENOENT, "no RSDP found");
	rsdt = (const void *)(uintptr_t)rsdp->rsdt_addr;
	pr_info("acpi: RSDP at 0x%08lx (revision %u, OEM %.6s), RSDT at 0x%08lx\n",
		(unsigned long)(uintptr_t)rsdp, rsdp->revision, rsdp->oem_id,
		(unsigned long)rsdp->rsdt_addr);

	err = check_sdt(rsdt, RSDT_SIGNATURE);
	if (err == -ENOENT)
		return fail(-EINVAL, "RSDT signature bad");
	if (err == -EINVAL)
		return fail(err, "RSDT length bad");
	if (err)
		return fail(err, "RSDT checksum bad");

	h = rsdt_find(rsdt, MADT_SIGNATURE);
	if (!h)
		return fail(-ENOENT, "no MADT");
	if (h->length > ACPI_MAX_TABLE_LEN)
		return fail(-EINVAL, "MADT length bad");
	err = madt_parse(h, h->length, &madt);
	if (err == -EIO)
		return fail(err, "MADT checksum bad");
	if (err)
		return fail(err, "MADT malformed");

	madt_valid = true;
	pr_info("acpi: MADT at 0x%08lx, %lu bytes\n",
		(unsigned long)(uintptr_t)h, (unsigned long)h->length);
	log_madt(&madt);
	return 0;
}

int acpi_isa_irq_to_gsi(unsigned int irq, unsigned int *gsi,
			unsigned long *trigger_flags)
{
	return madt_isa_irq_to_gsi(acpi_madt(), irq, gsi, trigger_flags);
}
