/*
 * tests/kernel/madt_test.c - the MADT parser on synthetic tables, and the
 * ISA IRQ -> GSI mapping with and without overrides. Pure: runs the same
 * in APIC and PIC mode.
 */
#include <stddef.h>
#include <stdint.h>

#include "drivers/acpi/acpi.h"
#include "drivers/acpi/madt.h"
#include "kernel/irq/irq.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TBL_MAX 512

/* A table under construction: header, fixed fields, entries. */
struct tbl {
	uint8_t buf[TBL_MAX];
	uint32_t len;
};

static struct tbl tb; /* too big for a comfortable stack frame */
static struct madt_info mi;

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void tbl_start(struct tbl *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->buf, MADT_SIGNATURE, 4);
	memcpy(t->buf + 10, "KTEST ", 6); /* OEM ID */
	put32(t->buf + MADT_LAPIC_ADDR_OFF, 0xfee00000);
	put32(t->buf + MADT_FLAGS_OFF, MADT_FLAG_PCAT_COMPAT);
	t->len = MADT_ENTRIES_OFF;
}

static void tbl_add(struct tbl *t, const uint8_t *e, size_t n)
{
	memcpy(t->buf + t->len, e, n);
	t->len += n;
}

/* Header length = what was added; checksum byte makes the sum 0. */
static void tbl_finish_len(struct tbl *t, uint32_t len)
{
	struct acpi_sdt_header *h = (void *)t->buf;

	h->length = len;
	h->checksum = 0;
	h->checksum = -acpi_checksum(t->buf, len);
}

static void tbl_finish(struct tbl *t)
{
	tbl_finish_len(t, t->len);
}

/* Entries in their byte layout (ACPI 6.4, 5.2.12.x), little-endian. */
static const uint8_t cpu0[] = { 0, 8, 0, 0, 1, 0, 0, 0 };    /* enabled */
static const uint8_t cpu1[] = { 0, 8, 1, 3, 2, 0, 0, 0 };    /* online cap. */
static const uint8_t cpu_off[] = { 0, 8, 2, 7, 0, 0, 0, 0 }; /* absent */
static const uint8_t ioapic0[] = { 1,	 12,   4,    0,	   0x00, 0x00,
				   0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t ovr_0_2[] = { 2, 10, 0, 0, 2, 0, 0, 0, 0x00, 0 };
static const uint8_t ovr_9_lvl_high[] = { 2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0 };
static const uint8_t ovr_7_lvl_low[] = { 2, 10, 0, 7, 17, 0, 0, 0, 0x0f, 0 };
static const uint8_t ovr_4_bus1[] = { 2, 10, 1, 4, 20, 0, 0, 0, 0x0f, 0 };
static const uint8_t nmi_lint1[] = { 4, 6, 0xff, 0x05, 0x00, 1 };
static const uint8_t x2apic[16] = { 9, 16, 0, 0, 0x10 }; /* unknown */
static const uint8_t vendor[2] = { 0x7f, 2 };		 /* unknown */
static const uint8_t lapic_ovr[] = {
	5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0
}; /* 0x1fee00000 */

static void build_qemu_like(void)
{
	tbl_start(&tb);
	tbl_add(&tb, cpu0, sizeof(cpu0));
	tbl_add(&tb, cpu1, sizeof(cpu1));
	tbl_add(&tb, cpu_off, sizeof(cpu_off));
	tbl_add(&tb, ioapic0, sizeof(ioapic0));
	tbl_add(&tb, ovr_0_2, sizeof(ovr_0_2));
	tbl_add(&tb, ovr_9_lvl_high, sizeof(ovr_9_lvl_high));
	tbl_add(&tb, ovr_7_lvl_low, sizeof(ovr_7_lvl_low));
	tbl_add(&tb, ovr_4_bus1, sizeof(ovr_4_bus1));
	tbl_add(&tb, nmi_lint1, sizeof(nmi_lint1));
	tbl_finish(&tb);
}

/* A well-formed table: every entry type lands in its array. */
static void parses_good_table(struct ktest *t)
{
	build_qemu_like();
	ASSERT_EQ(t, madt_parse(tb.buf, tb.len, &mi), 0);
	EXPECT_EQ(t, mi.lapic_addr, 0xfee00000);
	EXPECT_FALSE(t, mi.lapic_addr_overridden);
	EXPECT_EQ(t, mi.flags, MADT_FLAG_PCAT_COMPAT);
	/* now: two CPUs (enabled + online-capable), the absent one skipped */
	ASSERT_EQ(t, mi.nr_cpus, 2);
	EXPECT_EQ(t, mi.cpus[0].apic_id, 0);
	EXPECT_EQ(t, mi.cpus[1].apic_id, 3);
	EXPECT_EQ(t, mi.cpus[1].acpi_uid, 1);
	ASSERT_EQ(t, mi.nr_ioapics, 1);
	EXPECT_EQ(t, mi.ioapics[0].id, 4);
	EXPECT_EQ(t, mi.ioapics[0].addr, 0xfec00000);
	EXPECT_EQ(t, mi.ioapics[0].gsi_base, 0);
	ASSERT_EQ(t, mi.nr_overrides, 4);
	EXPECT_EQ(t, mi.overrides[0].source, 0);
	EXPECT_EQ(t, mi.overrides[0].gsi, 2);
	EXPECT_EQ(t, mi.overrides[1].flags, 0x0d);
	EXPECT_EQ(t, mi.overrides[3].bus, 1);
	ASSERT_EQ(t, mi.nr_lapic_nmis, 1);
	EXPECT_EQ(t, mi.lapic_nmis[0].acpi_uid, 0xff);
	EXPECT_EQ(t, mi.lapic_nmis[0].lint, 1);
	EXPECT_EQ(t, mi.lapic_nmis[0].flags, 0x05);
	EXPECT_EQ(t, mi.nr_unknown, 0);
	EXPECT_EQ(t, mi.dropped, 0);
}

/* One flipped byte: the checksum catches it, and *out is cleared. */
static void bad_checksum_rejected(struct ktest *t)
{
	build_qemu_like();
	tb.buf[MADT_ENTRIES_OFF + 3] ^= 0x40;
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EIO);
	EXPECT_EQ(t, mi.nr_ioapics, 0);
	EXPECT_EQ(t, mi.nr_cpus, 0);
}

static void bad_signature_rejected(struct ktest *t)
{
	build_qemu_like();
	memcpy(tb.buf, "FACP", 4);
	tbl_finish(&tb);
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EINVAL);
}

/* The header claims more bytes than the caller has, or fewer than the
 * fixed fields: both malformed. */
static void bad_length_rejected(struct ktest *t)
{
	build_qemu_like();
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len - 1, &mi), -EINVAL);
	EXPECT_EQ(t, madt_parse(tb.buf, 20, &mi), -EINVAL);
	tbl_finish_len(&tb, MADT_ENTRIES_OFF - 4);
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EINVAL);
}

/* The table ends in the middle of an entry (checksum still right). */
static void truncated_entry_rejected(struct ktest *t)
{
	tbl_start(&tb);
	tbl_add(&tb, cpu0, sizeof(cpu0));
	tbl_add(&tb, ioapic0, sizeof(ioapic0));
	tbl_finish_len(&tb, tb.len - 5);
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EINVAL);
	EXPECT_EQ(t, mi.nr_cpus, 0); /* nothing half-parsed is left */

	/* Only one byte of an entry header fits. */
	tbl_start(&tb);
	tbl_add(&tb, cpu0, sizeof(cpu0));
	tbl_add(&tb, vendor, 1);
	tbl_finish(&tb);
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EINVAL);
}

/* A known type shorter than its layout: an override of 6 bytes. */
static void short_known_entry_rejected(struct ktest *t)
{
	uint8_t e[sizeof(ovr_0_2)];

	memcpy(e, ovr_0_2, sizeof(e));
	e[1] = 6;
	tbl_start(&tb);
	tbl_add(&tb, e, 6);
	tbl_finish(&tb);
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EINVAL);
}

/* Regression: an entry of length 0 would make the walk spin forever. */
static void zero_length_entry_no_hang(struct ktest *t)
{
	static const uint8_t zero[4] = { 0x42, 0 };

	tbl_start(&tb);
	tbl_add(&tb, zero, sizeof(zero));
	tbl_finish(&tb);
	EXPECT_EQ(t, madt_parse(tb.buf, tb.len, &mi), -EINVAL);
}

/* Types we do not decode are stepped over by their length. */
static void unknown_types_skipped(struct ktest *t)
{
	tbl_start(&tb);
	tbl_add(&tb, x2apic, sizeof(x2apic));
	tbl_add(&tb, vendor, sizeof(vendor));
	tbl_add(&tb, ioapic0, sizeof(ioapic0));
	tbl_finish(&tb);
	ASSERT_EQ(t, madt_parse(tb.buf, tb.len, &mi), 0);
	EXPECT_EQ(t, mi.nr_unknown, 2);
	ASSERT_EQ(t, mi.nr_ioapics, 1);
	EXPECT_EQ(t, mi.ioapics[0].addr, 0xfec00000);
}

/* Type 5 replaces the 32-bit address with a 64-bit one. */
static void lapic_address_override(struct ktest *t)
{
	tbl_start(&tb);
	tbl_add(&tb, cpu0, sizeof(cpu0));
	tbl_add(&tb, lapic_ovr, sizeof(lapic_ovr));
	tbl_finish(&tb);
	ASSERT_EQ(t, madt_parse(tb.buf, tb.len, &mi), 0);
	EXPECT_TRUE(t, mi.lapic_addr_overridden);
	EXPECT_EQ(t, mi.lapic_addr, 0x1fee00000ull);
}

/* More overrides than the array holds: counted, never written past it. */
static void too_many_entries_dropped(struct ktest *t)
{
	tbl_start(&tb);
	for (int i = 0; i < MADT_MAX_OVERRIDES + 4; i++)
		tbl_add(&tb, ovr_9_lvl_high, sizeof(ovr_9_lvl_high));
	tbl_finish(&tb);
	ASSERT_EQ(t, madt_parse(tb.buf, tb.len, &mi), 0);
	EXPECT_EQ(t, mi.nr_overrides, MADT_MAX_OVERRIDES);
	EXPECT_EQ(t, mi.dropped, 4);
}

/* MPS INTI flags -> IRQF_TRIGGER_*; ISA "conforms" is edge, high. */
static void inti_flags_to_trigger(struct ktest *t)
{
	EXPECT_EQ(t, madt_inti_to_trigger(0x0), IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, madt_inti_to_trigger(0x5), IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, madt_inti_to_trigger(0x1), IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, madt_inti_to_trigger(0x4), IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, madt_inti_to_trigger(0x3), IRQF_TRIGGER_FALLING);
	EXPECT_EQ(t, madt_inti_to_trigger(0x7), IRQF_TRIGGER_FALLING);
	EXPECT_EQ(t, madt_inti_to_trigger(0xc), IRQF_TRIGGER_HIGH);
	EXPECT_EQ(t, madt_inti_to_trigger(0xd), IRQF_TRIGGER_HIGH);
	EXPECT_EQ(t, madt_inti_to_trigger(0xf), IRQF_TRIGGER_LOW);
}

/* No MADT: every ISA IRQ is on its own GSI, edge, active high. */
static void isa_defaults_without_madt(struct ktest *t)
{
	unsigned int gsi = 99;
	unsigned long trig = 0;

	for (unsigned int irq = 0; irq < ISA_NR_IRQS; irq++) {
		ASSERT_EQ(t, madt_isa_irq_to_gsi(NULL, irq, &gsi, &trig), 0);
		EXPECT_EQ(t, gsi, irq);
		EXPECT_EQ(t, trig, IRQF_TRIGGER_RISING);
	}
	EXPECT_EQ(t, madt_isa_irq_to_gsi(NULL, 16, &gsi, &trig), -EINVAL);
}

/* Overrides move and retype ISA IRQs; other buses' overrides do not. */
static void isa_overrides_applied(struct ktest *t)
{
	unsigned int gsi;
	unsigned long trig;

	build_qemu_like();
	ASSERT_EQ(t, madt_parse(tb.buf, tb.len, &mi), 0);
	madt_isa_irq_to_gsi(&mi, 0, &gsi, &trig);
	EXPECT_EQ(t, gsi, 2);
	EXPECT_EQ(t, trig, IRQF_TRIGGER_RISING);
	madt_isa_irq_to_gsi(&mi, 9, &gsi, &trig);
	EXPECT_EQ(t, gsi, 9);
	EXPECT_EQ(t, trig, IRQF_TRIGGER_HIGH);
	madt_isa_irq_to_gsi(&mi, 7, &gsi, &trig);
	EXPECT_EQ(t, gsi, 17);
	EXPECT_EQ(t, trig, IRQF_TRIGGER_LOW);
	madt_isa_irq_to_gsi(&mi, 4, &gsi, &trig); /* bus 1: not ISA */
	EXPECT_EQ(t, gsi, 4);
	EXPECT_EQ(t, trig, IRQF_TRIGGER_RISING);
	madt_isa_irq_to_gsi(&mi, 3, &gsi, &trig);
	EXPECT_EQ(t, gsi, 3);
	EXPECT_EQ(t, trig, IRQF_TRIGGER_RISING);
}

/* The kernel's own answer agrees with the parser on the boot MADT (or
 * with the defaults when there is none). */
static void acpi_mapping_matches_boot_madt(struct ktest *t)
{
	for (unsigned int irq = 0; irq < ISA_NR_IRQS; irq++) {
		unsigned int g1, g2;
		unsigned long t1, t2;

		ASSERT_EQ(t, acpi_isa_irq_to_gsi(irq, &g1, &t1), 0);
		madt_isa_irq_to_gsi(acpi_madt(), irq, &g2, &t2);
		EXPECT_EQ(t, g1, g2);
		EXPECT_EQ(t, t1, t2);
	}
	EXPECT_TRUE(t, acpi_madt() || acpi_fail_reason());
}

KTEST_SUITE(madt, KTEST_CASE(parses_good_table),
	    KTEST_CASE(bad_checksum_rejected),
	    KTEST_CASE(bad_signature_rejected), KTEST_CASE(bad_length_rejected),
	    KTEST_CASE(truncated_entry_rejected),
	    KTEST_CASE(short_known_entry_rejected),
	    KTEST_CASE(zero_length_entry_no_hang),
	    KTEST_CASE(unknown_types_skipped),
	    KTEST_CASE(lapic_address_override),
	    KTEST_CASE(too_many_entries_dropped),
	    KTEST_CASE(inti_flags_to_trigger),
	    KTEST_CASE(isa_defaults_without_madt),
	    KTEST_CASE(isa_overrides_applied),
	    KTEST_CASE(acpi_mapping_matches_boot_madt));
