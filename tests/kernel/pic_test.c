/* tests/kernel/pic_test.c - the 8259 pair: masking and spurious IRQs. */
#include <stddef.h>

#include "drivers/irqchip/pic8259.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ELCR1	  0x4d0 /* PIIX edge/level control, IRQ 0-7 (1 = level) */
#define ELCR2	  0x4d1 /* IRQ 8-15 */

#define TEST_LINE 5 /* LPT2/sound on a PC: unused under QEMU */

/* Masking a line sets its bit in the IMR; unmasking clears it. */
static void mask_roundtrip(struct ktest *t)
{
	unsigned long flags = local_irq_save();

	pic_chip.unmask(TEST_LINE);
	EXPECT_EQ(t, pic_get_mask() & (1u << TEST_LINE), 0);
	pic_chip.mask(TEST_LINE);
	EXPECT_NE(t, pic_get_mask() & (1u << TEST_LINE), 0);
	local_irq_restore(flags);
}

/* Slave lines have their own IMR; the cascade line stays open. */
static void slave_line_and_cascade(struct ktest *t)
{
	unsigned long flags = local_irq_save();

	pic_chip.unmask(12);
	EXPECT_EQ(t, pic_get_mask() & (1u << 12), 0);
	pic_chip.mask(12);
	EXPECT_NE(t, pic_get_mask() & (1u << 12), 0);
	if (irq_desc[0].chip == &pic_chip) /* in APIC mode all is masked */
		EXPECT_EQ(t, pic_get_mask() & (1u << PIC_CASCADE_IRQ), 0);
	local_irq_restore(flags);
}

/* The timer's line is open after boot: IRQ0 has a handler. */
static void timer_line_unmasked(struct ktest *t)
{
	if (irq_desc[0].chip != &pic_chip)
		KTEST_SKIP(t, "IRQ0 is not on the 8259");
	EXPECT_EQ(t, pic_get_mask() & 1, 0);
}

static uint16_t isr_nothing(void)
{
	return 0;
}

static uint16_t isr_all(void)
{
	return 0xffff;
}

/* IRQ7 with its ISR bit clear is spurious: counted, and no EOI at all. */
static void spurious_irq7_no_eoi(struct ktest *t)
{
	unsigned long flags = local_irq_save();
	struct pic_stats before = pic_stats;

	pic_set_isr_reader(isr_nothing);
	EXPECT_TRUE(t, pic_check_spurious(7));
	pic_set_isr_reader(NULL);
	EXPECT_EQ(t, pic_stats.spurious[7], before.spurious[7] + 1);
	EXPECT_EQ(t, pic_stats.eoi_master, before.eoi_master);
	EXPECT_EQ(t, pic_stats.eoi_slave, before.eoi_slave);
	local_irq_restore(flags);
}

/* Spurious IRQ15: the master still gets its EOI (for the cascade), the
 * slave none. */
static void spurious_irq15_master_eoi(struct ktest *t)
{
	unsigned long flags = local_irq_save();
	struct pic_stats before = pic_stats;

	pic_set_isr_reader(isr_nothing);
	EXPECT_TRUE(t, pic_check_spurious(15));
	pic_set_isr_reader(NULL);
	EXPECT_EQ(t, pic_stats.spurious[15], before.spurious[15] + 1);
	EXPECT_EQ(t, pic_stats.eoi_master, before.eoi_master + 1);
	EXPECT_EQ(t, pic_stats.eoi_slave, before.eoi_slave);
	local_irq_restore(flags);
}

/* A real IRQ7 (ISR bit set), or any other line, is never spurious. */
static void real_irq_not_spurious(struct ktest *t)
{
	struct pic_stats before = pic_stats;

	pic_set_isr_reader(isr_all);
	EXPECT_FALSE(t, pic_check_spurious(7));
	EXPECT_FALSE(t, pic_check_spurious(15));
	pic_set_isr_reader(isr_nothing);
	EXPECT_FALSE(t, pic_check_spurious(3));
	pic_set_isr_reader(NULL);
	EXPECT_EQ(t, pic_stats.spurious[7], before.spurious[7]);
	EXPECT_EQ(t, pic_stats.spurious[15], before.spurious[15]);
}

/* Regression for "level lines registered as edge in PIC mode": every
 * 8259 line has the trigger its ELCR bit gives, and the flow that goes
 * with it. QEMU's pc BIOS makes the PCI lines 10 and 11 level. */
static void elcr_level_lines_are_level(struct ktest *t)
{
	uint16_t elcr = inb(ELCR1) | (inb(ELCR2) << 8);

	if (irq_desc[0].chip != &pic_chip)
		KTEST_SKIP(t, "the lines are on the IOAPIC");
	for (unsigned int irq = 0; irq < PIC_NR_LINES; irq++) {
		bool level = elcr & (1u << irq);

		if (irq_desc[irq].chip != &pic_chip)
			continue;
		EXPECT_EQ(t, irq_line_level(irq), level);
		EXPECT_STREQ(t, irq_flow_name(&irq_desc[irq]),
			     level ? "level" : "edge");
	}
	EXPECT_NE(t, elcr & (1u << 11), 0); /* SeaBIOS: PCI INTC/D */
}

/* The ELCR can be set through set_type for level-capable lines only;
 * the test line ends as it began. */
static void elcr_set_type(struct ktest *t)
{
	unsigned long before = pic_elcr_trigger(TEST_LINE);

	EXPECT_EQ(t, pic_chip.set_type(TEST_LINE, IRQF_TRIGGER_HIGH), 0);
	EXPECT_EQ(t, pic_elcr_trigger(TEST_LINE), IRQF_TRIGGER_HIGH);
	EXPECT_EQ(t, pic_chip.set_type(TEST_LINE, IRQF_TRIGGER_RISING), 0);
	EXPECT_EQ(t, pic_elcr_trigger(TEST_LINE), IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, pic_chip.set_type(TEST_LINE, IRQF_TRIGGER_LOW), -EINVAL);
	EXPECT_EQ(t, pic_chip.set_type(0, IRQF_TRIGGER_HIGH), -EINVAL);
	EXPECT_EQ(t, pic_chip.set_type(TEST_LINE, before), 0);
}

KTEST_SUITE(pic, KTEST_CASE(mask_roundtrip), KTEST_CASE(slave_line_and_cascade),
	    KTEST_CASE(timer_line_unmasked), KTEST_CASE(spurious_irq7_no_eoi),
	    KTEST_CASE(spurious_irq15_master_eoi),
	    KTEST_CASE(real_irq_not_spurious),
	    KTEST_CASE(elcr_level_lines_are_level), KTEST_CASE(elcr_set_type));
