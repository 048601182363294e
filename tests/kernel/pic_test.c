/* tests/kernel/pic_test.c - the 8259 pair: masking and spurious IRQs. */
#include <stddef.h>

#include "drivers/irqchip/pic8259.h"
#include "kernel/arch/cpu.h"
#include "kernel/test/ktest.h"

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

KTEST_SUITE(pic, KTEST_CASE(mask_roundtrip), KTEST_CASE(slave_line_and_cascade),
	    KTEST_CASE(timer_line_unmasked), KTEST_CASE(spurious_irq7_no_eoi),
	    KTEST_CASE(spurious_irq15_master_eoi),
	    KTEST_CASE(real_irq_not_spurious));
