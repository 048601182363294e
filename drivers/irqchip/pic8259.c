/*
 * drivers/irqchip/pic8259.c - see pic8259.h. Command words from the Intel
 * 8259A datasheet (ICW1-4 initialisation, OCW2 EOI, OCW3 register reads).
 */
#include "drivers/irqchip/pic8259.h"

#include "kernel/arch/io.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/sched/spinlock.h"
#include "lib/errno.h"

#define PIC1_CMD      0x20 /* master command/status */
#define PIC1_DATA     0x21 /* master interrupt mask register (IMR) */
#define PIC2_CMD      0xa0
#define PIC2_DATA     0xa1

#define ICW1_INIT     0x10		     /* start initialisation */
#define ICW1_ICW4     0x01		     /* an ICW4 will follow */
#define ICW3_MASTER   (1 << PIC_CASCADE_IRQ) /* slave sits on line 2 */
#define ICW3_SLAVE    PIC_CASCADE_IRQ	     /* slave's identity */
#define ICW4_8086     0x01		     /* 8086 mode, normal EOI */
#define OCW2_EOI      0x20		     /* non-specific end of interrupt */
#define OCW3_READ_ISR 0x0b /* next read of CMD returns the ISR */

/* Edge/Level Control Registers (Intel 82371AB PIIX4 datasheet, 4.1.12
 * "ELCR1/ELCR2"): one bit per line, 1 = level-triggered. The BIOS sets
 * the lines it routed PCI interrupts to (QEMU's pc: 10 and 11). Lines 0,
 * 1, 2, 8 and 13 must stay edge (their bits are reserved). */
#define ELCR1	      0x4d0 /* IRQ 0-7 */
#define ELCR2	      0x4d1 /* IRQ 8-15 */
#define ELCR_EDGE_ONLY \
	((1u << 0) | (1u << 1) | (1u << 2) | (1u << 8) | (1u << 13))

struct pic_stats pic_stats;
static uint16_t pic_mask = 0xffff; /* cached IMRs, all masked */
/* The cache covers all 16 lines, and the core calls mask/unmask under
 * each line's own lock: two lines' updates would race without this one
 * (read-modify-write of pic_mask, then two port writes). */
static DEFINE_SPINLOCK(pic_lock);
static uint16_t (*isr_reader)(void) = pic_read_isr;

static void pic_write_mask(void)
{
	outb(PIC1_DATA, pic_mask & 0xff);
	outb(PIC2_DATA, pic_mask >> 8);
}

static void pic_mask_irq(unsigned int irq)
{
	unsigned long flags = spin_lock_irqsave(&pic_lock);

	pic_mask |= 1u << irq;
	pic_write_mask();
	spin_unlock_irqrestore(&pic_lock, flags);
}

static void pic_unmask_irq(unsigned int irq)
{
	unsigned long flags = spin_lock_irqsave(&pic_lock);

	pic_mask &= ~(1u << irq);
	pic_write_mask();
	spin_unlock_irqrestore(&pic_lock, flags);
}

/* The slave's line needs an EOI at both chips: the slave's own, and the
 * master's for the cascade line the slave raised. Slave first. The 8259
 * has no separate acknowledge: the flows' "ack" is this EOI, which lets
 * the next interrupt of the same or a lower priority through. */
static void pic_eoi(unsigned int irq)
{
	if (irq >= 8) {
		outb(PIC2_CMD, OCW2_EOI);
		pic_stats.eoi_slave++;
	}
	outb(PIC1_CMD, OCW2_EOI);
	pic_stats.eoi_master++;
}

static uint16_t elcr_read(void)
{
	return inb(ELCR1) | (inb(ELCR2) << 8);
}

static void elcr_write(uint16_t elcr)
{
	outb(ELCR1, elcr & 0xff);
	outb(ELCR2, elcr >> 8);
}

unsigned long pic_elcr_trigger(unsigned int irq)
{
	if (irq >= PIC_NR_LINES || !(elcr_read() & (1u << irq)))
		return IRQF_TRIGGER_RISING;
	return IRQF_TRIGGER_HIGH;
}

/* The 8259 senses a rising edge or a high level; the PCI router inverts
 * PCI's active-low INTx# before it reaches the PIC. */
static int pic_set_type(unsigned int irq, unsigned long trigger)
{
	uint16_t bit = 1u << irq, elcr = elcr_read();

	switch (trigger & IRQF_TRIGGER_MASK) {
	case IRQF_TRIGGER_RISING:
		elcr_write(elcr & ~bit);
		return 0;
	case IRQF_TRIGGER_HIGH:
		if (bit & ELCR_EDGE_ONLY)
			return -EINVAL;
		elcr_write(elcr | bit);
		return 0;
	default:
		return -EINVAL;
	}
}

struct irq_chip pic_chip = {
	.name = "XT-PIC",
	.mask = pic_mask_irq,
	.unmask = pic_unmask_irq,
	.ack = pic_eoi,
	.set_type = pic_set_type,
	.level_flow = handle_level_irq,
};

uint16_t pic_get_mask(void)
{
	return inb(PIC1_DATA) | (inb(PIC2_DATA) << 8);
}

uint16_t pic_read_isr(void)
{
	outb(PIC1_CMD, OCW3_READ_ISR);
	outb(PIC2_CMD, OCW3_READ_ISR);
	return inb(PIC1_CMD) | (inb(PIC2_CMD) << 8);
}

void pic_set_isr_reader(uint16_t (*reader)(void))
{
	isr_reader = reader ? reader : pic_read_isr;
}

bool pic_check_spurious(unsigned int irq)
{
	if (irq != 7 && irq != 15)
		return false;
	if (isr_reader() & (1u << irq))
		return false; /* really in service: a real IRQ */
	pic_stats.spurious[irq]++;
	irq_note_spurious();
	if (irq == 15) {
		outb(PIC1_CMD, OCW2_EOI); /* master saw its cascade line */
		pic_stats.eoi_master++;
	}
	return true;
}

/* Vectors 0x20-0x2f land here. */
static void pic_vector_handler(struct trap_frame *f)
{
	unsigned int irq = f->vector - IRQ_VECTOR_BASE;

	if (pic_check_spurious(irq))
		return;
	handle_irq(irq);
}

void pic_init(void)
{
	/* ICW1-ICW4 to each chip, with a pause between writes. */
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_wait();
	outb(PIC1_DATA, IRQ_VECTOR_BASE); /* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8);
	io_wait();
	outb(PIC1_DATA, ICW3_MASTER);
	io_wait();
	outb(PIC2_DATA, ICW3_SLAVE);
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();

	/* Everything masked except the cascade, so slave lines can pass once
	 * they are unmasked themselves. */
	pic_mask = 0xffff & ~(1u << PIC_CASCADE_IRQ);
	pic_write_mask();

	for (unsigned int irq = 0; irq < PIC_NR_LINES; irq++) {
		trap_set_handler(IRQ_VECTOR_BASE + irq, pic_vector_handler);
		if (irq != PIC_CASCADE_IRQ)
			irq_set_chip(irq, &pic_chip, pic_elcr_trigger(irq));
	}
}

void pic_disable(void)
{
	pic_mask = 0xffff;
	pic_write_mask();
}
