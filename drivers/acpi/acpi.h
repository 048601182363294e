/*
 * drivers/acpi/acpi.h - just enough ACPI to find the interrupt hardware.
 *
 * The firmware (SeaBIOS under QEMU) leaves a chain of tables in memory:
 *
 *   RSDP ("RSD PTR ", found by scanning BIOS memory)
 *     -> RSDT ("RSDT", an array of 32-bit table addresses)
 *          -> MADT ("APIC": local APICs, IOAPICs, interrupt overrides)
 *          -> FACP, HPET, ... (not read here)
 *
 * Every table carries a checksum: all its bytes add up to 0 (mod 256).
 * Interlude trusts nothing it has not checked: a missing or corrupt table
 * is reported with pr_warn and an error code, and the kernel carries on
 * with the 8259 PIC. The MADT itself is decoded by madt_parse() (madt.h).
 *
 * Paging is off today, so the tables are read where they are. The paging
 * work must identity-map the BIOS areas (EBDA, 0xe0000-0xfffff) and the
 * RSDT/MADT before acpi_init() runs, or copy what it needs first.
 *
 * Rules:
 *  - acpi_init() runs once at boot; afterwards the results are read-only.
 *  - acpi_isa_irq_to_gsi() works before and without ACPI: with no MADT it
 *    returns the ISA defaults (identity, edge, active high).
 *
 * Context: acpi_init() at boot, IRQs off; the readers from any context.
 */
#ifndef DRIVERS_ACPI_ACPI_H
#define DRIVERS_ACPI_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* The header every System Description Table starts with (ACPI 6.4,
 * section 5.2.6 "System Description Table Header"). */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* makes the bytes of the table sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* Sum of len bytes, mod 256: 0 for an intact table. */
static inline uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

struct madt_info;

/*
 * Find the RSDP, the RSDT and the MADT, check them, parse the MADT and
 * log what it says. Returns 0, or:
 *   -ENOENT  no RSDP, or no "APIC" table in the RSDT
 *   -EIO     a checksum is wrong (RSDP, RSDT or MADT)
 *   -EINVAL  a table is malformed (bad length, truncated MADT entry)
 * acpi_fail_reason() then says which, in words ("MADT checksum bad").
 */
int acpi_init(void);
const char *acpi_fail_reason(void); /* NULL after a successful acpi_init */

/* The parsed MADT, or NULL if acpi_init() failed or has not run. */
const struct madt_info *acpi_madt(void);

/*
 * Which GSI (IOAPIC input) ISA IRQ irq arrives on, and how it signals, as
 * IRQF_TRIGGER_* flags. Without an override: gsi = irq, RISING (edge,
 * active high). Returns 0, or -EINVAL for irq > 15.
 */
int acpi_isa_irq_to_gsi(unsigned int irq, unsigned int *gsi,
			unsigned long *trigger_flags);

#endif
