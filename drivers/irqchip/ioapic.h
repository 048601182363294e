/*
 * drivers/irqchip/ioapic.h - the I/O APIC (Intel 82093AA and compatibles).
 *
 * An IOAPIC has a number of input pins (24 on QEMU and most PCs). Each
 * pin has a 64-bit redirection table entry: which vector to send, to
 * which local APIC, edge or level, active high or low, and a mask bit.
 * Pins are numbered system-wide as GSIs ("global system interrupts"):
 * an IOAPIC serves GSIs gsi_base .. gsi_base + pins - 1 (from the MADT).
 *
 * Line numbers follow Linux, so an ISA device keeps its familiar IRQ:
 *   - ISA IRQs 0-15 keep their numbers even where an ACPI override moves
 *     them to another pin (the timer's IRQ0 arrives on GSI 2 on QEMU and
 *     most PCs). IRQ 2, the 8259 cascade, has no ISA device and no pin.
 *   - Other GSIs from 16 up (PCI INTx lines: level, active low) are
 *     irq = GSI, up to NR_IRQS - 1.
 *   - A GSI below 16 that no ISA IRQ uses (GSI 0 when IRQ0 is on GSI 2)
 *     stays masked with no irq.
 * The vector of irq N is IOAPIC_VECTOR_BASE + N, on every CPU; fixed
 * delivery, physical destination mode: each entry names one local APIC.
 * Every entry starts with the boot CPU's; irq_set_affinity() moves a
 * line to another CPU (the chip's set_affinity rewrites the destination).
 *
 * End of interrupt is the local APIC's (lapic_eoi): for a level-triggered
 * line the local APIC broadcasts it to the IOAPIC, which clears the
 * entry's remote IRR bit so the line can interrupt again.
 *
 * The registers are memory-mapped at 0xfec00000 on a PC. Paging is off
 * today; the paging work must identity-map (uncached) each IOAPIC's page.
 *
 * Context: ioapic_init() once at boot, IRQs off, after lapic_init(). The
 * chip operations and the readers from any context (they take a spinlock
 * with IRQs off: the index/data register pair must not be interleaved).
 */
#ifndef DRIVERS_IRQCHIP_IOAPIC_H
#define DRIVERS_IRQCHIP_IOAPIC_H

#include <stdint.h>

#include "drivers/acpi/madt.h"
#include "kernel/irq/irqdesc.h"

/* Redirection table entry bits (82093AA datasheet, 3.2.4 "IOREDTBL"). */
#define IOAPIC_RTE_VECTOR_MASK	0xffull	     /* bits 0-7 */
#define IOAPIC_RTE_DM_FIXED	(0ull << 8)  /* delivery mode, bits 8-10 */
#define IOAPIC_RTE_DEST_LOGICAL (1ull << 11) /* clear = physical */
#define IOAPIC_RTE_DELIVS	(1ull << 12) /* read-only: send pending */
#define IOAPIC_RTE_ACTIVE_LOW	(1ull << 13) /* polarity */
#define IOAPIC_RTE_REMOTE_IRR	(1ull << 14) /* read-only: level accepted */
#define IOAPIC_RTE_LEVEL	(1ull << 15) /* trigger mode */
#define IOAPIC_RTE_MASKED	(1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT	56 /* bits 56-63: destination APIC ID */

extern struct irq_chip ioapic_chip;

/*
 * Take over the interrupt lines: map every IOAPIC the MADT lists, mask
 * all their pins, program the ISA IRQs (with the MADT's overrides) and
 * the PCI GSIs as described above, all masked, and attach ioapic_chip to
 * each irq. Returns 0, or -ENODEV if the MADT lists no IOAPIC.
 */
int ioapic_init(const struct madt_info *mi);

/* The pin (on its IOAPIC) that irq arrives on, or -1: the "hwirq". */
int ioapic_irq_to_pin(unsigned int irq);
/* The GSI irq arrives on, or -1. */
int ioapic_irq_to_gsi(unsigned int irq);

unsigned int ioapic_count(void);
/* Pins of IOAPIC idx (MADT order), 0 if there is no such IOAPIC. */
unsigned int ioapic_nr_pins(unsigned int idx);

/* The redirection table entry of gsi; 0 and -EINVAL if no IOAPIC has it. */
int ioapic_read_rte(unsigned int gsi, uint64_t *rte);

#endif
