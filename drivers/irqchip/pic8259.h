/*
 * drivers/irqchip/pic8259.h - the two cascaded Intel 8259A PICs.
 *
 * The master handles lines 0-7, the slave lines 8-15 and is wired to the
 * master's line 2 (the cascade). Both are remapped to vectors 0x20-0x2f,
 * out of the way of the CPU's exceptions (0-31), and run edge-triggered.
 *
 * Spurious interrupts: if a request goes away before the CPU acknowledges
 * it, the 8259 still delivers its lowest-priority line (7 on the master,
 * 15 on the slave) but does not set that line's in-service bit. Such an
 * interrupt is counted and never reaches handlers; a spurious IRQ7 gets no
 * EOI at all, a spurious IRQ15 gets an EOI on the master only (the master
 * did see a real request on its cascade line 2).
 *
 * Context: pic_init() at boot with IRQs off; the rest from any context.
 */
#ifndef DRIVERS_IRQCHIP_PIC8259_H
#define DRIVERS_IRQCHIP_PIC8259_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/irq/irqdesc.h"

#define PIC_NR_LINES	16
#define PIC_CASCADE_IRQ 2

extern struct irq_chip pic_chip;

struct pic_stats {
	unsigned long spurious[PIC_NR_LINES]; /* only 7 and 15 ever count */
	unsigned long eoi_master;
	unsigned long eoi_slave;
};
extern struct pic_stats pic_stats;

void pic_init(void);	     /* remap, mask all, attach as irq_chip */
void pic_disable(void);	     /* mask every line (APIC mode) */
uint16_t pic_get_mask(void); /* the IMRs: bit set = line masked */
uint16_t pic_read_isr(void); /* the in-service registers */
/* The line's trigger as the ELCR says: IRQF_TRIGGER_HIGH or _RISING. */
unsigned long pic_elcr_trigger(unsigned int irq);

/* Is this interrupt on line 7 or 15 spurious? Counts and EOIs as needed. */
bool pic_check_spurious(unsigned int irq);

/* Tests replace the ISR read to fake a spurious interrupt. */
void pic_set_isr_reader(uint16_t (*reader)(void));

#endif
