/*
 * drivers/irqchip/irqchip.c - see irqchip.h.
 *
 * The IMCR (ports 0x22/0x23, MultiProcessor Specification 1.4, 3.6.2.1)
 * is not touched. Only boards that start in the MP spec's "PIC mode"
 * have one (the MP floating pointer announces it), and there it must be
 * switched to route INTR through the APIC. ACPI machines such as QEMU's
 * start in "virtual wire" mode, where the 8259 reaches the CPU through
 * the local APIC's LINT0; the MADT's PCAT_COMPAT flag only says the 8259s
 * exist, so they must be masked (pic_disable) before the APIC takes over.
 */
#include "drivers/irqchip/irqchip.h"

#include <stdbool.h>

#include "drivers/acpi/acpi.h"
#include "drivers/acpi/madt.h"
#include "drivers/irqchip/ioapic.h"
#include "drivers/irqchip/lapic.h"
#include "drivers/irqchip/pic8259.h"
#include "kernel/arch/trap.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"

static bool noapic;
static bool apic_mode;

static int noapic_param(const char *val)
{
	if (*val)
		return -1; /* a bare flag */
	noapic = true;
	return 0;
}
KERNEL_PARAM(noapic, noapic_param, "stay on the 8259 PIC, ignore the APICs");

const char *irqchip_mode(void)
{
	return apic_mode ? "APIC" : "PIC";
}

/* Why APIC mode is impossible, or NULL if it is possible. */
static const char *apic_unusable(void)
{
	const struct madt_info *mi;

	if (noapic)
		return "noapic";
	if (acpi_init())
		return acpi_fail_reason();
	mi = acpi_madt();
	if (!mi->nr_ioapics)
		return "no IOAPIC in the MADT";
	return NULL;
}

void irqchip_init(void)
{
	const struct madt_info *mi;
	const char *why;

	pic_init();
	why = apic_unusable();
	if (why)
		goto out_pic;

	/* The local APIC first: IOAPIC entries name the boot CPU's APIC ID.
	 * An APIC-less CPU (pre-P6) fails here, before anything changed. */
	mi = acpi_madt();
	if (lapic_init(mi->lapic_addr >> 32 ? 0 : (uint32_t)mi->lapic_addr)) {
		why = "no local APIC";
		goto out_pic;
	}
	pic_disable();
	ioapic_init(mi); /* cannot fail: apic_unusable() saw an IOAPIC */
	apic_mode = true;
	trap_set_unexpected_hook(lapic_end_unexpected);
	pr_info("irqchip: using IO-APIC + local APIC\n");
	return;

out_pic:
	pr_info("irqchip: using 8259 PIC (%s)\n", why);
}
