/*
 * drivers/irqchip/irqchip.h - choosing the interrupt controller at boot.
 *
 * A PC has two ways to deliver device interrupts:
 *   PIC mode   the two 8259As (drivers/irqchip/pic8259.h), lines 0-15,
 *              vectors 0x20-0x2f. Always there, always understood.
 *   APIC mode  IOAPIC pins -> the local APIC (ioapic.h, lapic.h), lines
 *              0-23, vectors IOAPIC_VECTOR_BASE + irq. Needs an ACPI MADT
 *              that lists an IOAPIC.
 * irqchip_init() always initialises the 8259 first (to move it off the
 * exception vectors and mask it), then switches to APIC mode unless
 * "noapic" is on the command line or ACPI does not describe an IOAPIC.
 * Drivers do not care which: request_irq() on ISA IRQ N works either way.
 *
 * Context: irqchip_init() once at boot, IRQs off, before any request_irq.
 * irqchip_mode() from any context.
 */
#ifndef DRIVERS_IRQCHIP_IRQCHIP_H
#define DRIVERS_IRQCHIP_IRQCHIP_H

void irqchip_init(void);
const char *irqchip_mode(void); /* "APIC" or "PIC" */

#endif
