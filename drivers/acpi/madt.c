/*
 * drivers/acpi/madt.c - see madt.h. Entry layouts from the ACPI 6.4
 * specification, section 5.2.12 "Multiple APIC Description Table".
 */
#include "drivers/acpi/madt.h"

#include "kernel/irq/irq.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Every entry begins with these two bytes. */
struct madt_entry_header {
	uint8_t type;
	uint8_t length; /* of the whole entry, these two bytes included */
} __attribute__((packed));

/* Type 0 (section 5.2.12.2). */
struct madt_lapic_entry {
	struct madt_entry_header h;
	uint8_t acpi_uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

/* Type 1 (section 5.2.12.3). */
struct madt_ioapic_entry {
	struct madt_entry_header h;
	uint8_t id;
	uint8_t reserved;
	uint32_t addr;
	uint32_t gsi_base;
} __attribute__((packed));

/* Type 2 (section 5.2.12.5). */
struct madt_override_entry {
	struct madt_entry_header h;
	uint8_t bus;
	uint8_t source;
	uint32_t gsi;
	uint16_t flags;
} __attribute__((packed));

/* Type 4 (section 5.2.12.7). */
struct madt_lapic_nmi_entry {
	struct madt_entry_header h;
	uint8_t acpi_uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

/* Type 5 (section 5.2.12.8). */
struct madt_lapic_addr_entry {
	struct madt_entry_header h;
	uint16_t reserved;
	uint64_t addr;
} __attribute__((packed));

/* Known types must be at least this long; a shorter one is corrupt. */
static uint8_t min_entry_length(uint8_t type)
{
	switch (type) {
	case MADT_TYPE_LAPIC:
		return sizeof(struct madt_lapic_entry);
	case MADT_TYPE_IOAPIC:
		return sizeof(struct madt_ioapic_entry);
	case MADT_TYPE_INT_SRC_OVR:
		return sizeof(struct madt_override_entry);
	case MADT_TYPE_LAPIC_NMI:
		return sizeof(struct madt_lapic_nmi_entry);
	case MADT_TYPE_LAPIC_ADDR:
		return sizeof(struct madt_lapic_addr_entry);
	default:
		return sizeof(struct madt_entry_header);
	}
}

static void add_cpu(struct madt_info *mi, const struct madt_lapic_entry *e)
{
	/* A disabled, not online-capable processor is not there at all. */
	if (!(e->flags & (MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAPABLE)))
		return;
	if (mi->nr_cpus >= MADT_MAX_CPUS) {
		mi->dropped++;
		return;
	}
	mi->cpus[mi->nr_cpus].acpi_uid = e->acpi_uid;
	mi->cpus[mi->nr_cpus].apic_id = e->apic_id;
	mi->nr_cpus++;
}

static void add_ioapic(struct madt_info *mi, const struct madt_ioapic_entry *e)
{
	if (mi->nr_ioapics >= MADT_MAX_IOAPICS) {
		mi->dropped++;
		return;
	}
	mi->ioapics[mi->nr_ioapics].id = e->id;
	mi->ioapics[mi->nr_ioapics].addr = e->addr;
	mi->ioapics[mi->nr_ioapics].gsi_base = e->gsi_base;
	mi->nr_ioapics++;
}

static void add_override(struct madt_info *mi,
			 const struct madt_override_entry *e)
{
	if (mi->nr_overrides >= MADT_MAX_OVERRIDES) {
		mi->dropped++;
		return;
	}
	mi->overrides[mi->nr_overrides].bus = e->bus;
	mi->overrides[mi->nr_overrides].source = e->source;
	mi->overrides[mi->nr_overrides].gsi = e->gsi;
	mi->overrides[mi->nr_overrides].flags = e->flags;
	mi->nr_overrides++;
}

static void add_lapic_nmi(struct madt_info *mi,
			  const struct madt_lapic_nmi_entry *e)
{
	if (mi->nr_lapic_nmis >= MADT_MAX_LAPIC_NMIS) {
		mi->dropped++;
		return;
	}
	mi->lapic_nmis[mi->nr_lapic_nmis].acpi_uid = e->acpi_uid;
	mi->lapic_nmis[mi->nr_lapic_nmis].flags = e->flags;
	mi->lapic_nmis[mi->nr_lapic_nmis].lint = e->lint;
	mi->nr_lapic_nmis++;
}

static void decode_entry(struct madt_info *mi,
			 const struct madt_entry_header *h)
{
	switch (h->type) {
	case MADT_TYPE_LAPIC:
		add_cpu(mi, (const struct madt_lapic_entry *)h);
		break;
	case MADT_TYPE_IOAPIC:
		add_ioapic(mi, (const struct madt_ioapic_entry *)h);
		break;
	case MADT_TYPE_INT_SRC_OVR:
		add_override(mi, (const struct madt_override_entry *)h);
		break;
	case MADT_TYPE_LAPIC_NMI:
		add_lapic_nmi(mi, (const struct madt_lapic_nmi_entry *)h);
		break;
	case MADT_TYPE_LAPIC_ADDR:
		mi->lapic_addr =
			((const struct madt_lapic_addr_entry *)h)->addr;
		mi->lapic_addr_overridden = true;
		break;
	default:
		mi->nr_unknown++; /* x2APIC, GIC, ...: not for us */
		break;
	}
}

/* The fixed part: signature, a length that fits, the checksum. */
static int check_table(const struct acpi_sdt_header *h, uint32_t len)
{
	if (len < MADT_ENTRIES_OFF || memcmp(h->signature, MADT_SIGNATURE, 4))
		return -EINVAL;
	if (h->length < MADT_ENTRIES_OFF || h->length > len)
		return -EINVAL;
	if (acpi_checksum(h, h->length))
		return -EIO;
	return 0;
}

int madt_parse(const void *table, uint32_t len, struct madt_info *out)
{
	const struct acpi_sdt_header *h = table;
	const uint8_t *base = table;
	uint32_t off;
	int err;

	memset(out, 0, sizeof(*out));
	err = check_table(h, len);
	if (err)
		return err;

	out->lapic_addr = *(const uint32_t *)(base + MADT_LAPIC_ADDR_OFF);
	out->flags = *(const uint32_t *)(base + MADT_FLAGS_OFF);

	for (off = MADT_ENTRIES_OFF; off < h->length;) {
		const struct madt_entry_header *e = (const void *)(base + off);

		/* The two header bytes, then the whole entry, must fit. */
		if (h->length - off < sizeof(*e) ||
		    e->length < min_entry_length(e->type) ||
		    e->length > h->length - off) {
			memset(out, 0, sizeof(*out));
			return -EINVAL;
		}
		decode_entry(out, e);
		off += e->length;
	}
	return 0;
}

unsigned long madt_inti_to_trigger(uint16_t inti_flags)
{
	bool low =
		(inti_flags & MPS_INTI_POLARITY_MASK) == MPS_INTI_POLARITY_LOW;
	bool level =
		(inti_flags & MPS_INTI_TRIGGER_MASK) == MPS_INTI_TRIGGER_LEVEL;

	/* The reserved encodings (10b) are treated like "conforms". */
	if (level)
		return low ? IRQF_TRIGGER_LOW : IRQF_TRIGGER_HIGH;
	return low ? IRQF_TRIGGER_FALLING : IRQF_TRIGGER_RISING;
}

int madt_isa_irq_to_gsi(const struct madt_info *mi, unsigned int irq,
			unsigned int *gsi, unsigned long *trigger_flags)
{
	if (irq >= ISA_NR_IRQS)
		return -EINVAL;
	*gsi = irq;
	*trigger_flags = IRQF_TRIGGER_RISING;
	if (!mi)
		return 0;
	for (unsigned int i = 0; i < mi->nr_overrides; i++) {
		const struct madt_override *o = &mi->overrides[i];

		if (o->bus == MADT_BUS_ISA && o->source == irq) {
			*gsi = o->gsi;
			*trigger_flags = madt_inti_to_trigger(o->flags);
			break;
		}
	}
	return 0;
}
