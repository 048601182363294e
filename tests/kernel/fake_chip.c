/* tests/kernel/fake_chip.c - see fake_chip.h. */
#include "tests/kernel/fake_chip.h"

struct fake_chip_state fchip;

static void fake_mask(unsigned int irq)
{
	(void)irq;
	fchip.masked = true;
	fchip.masks++;
}

static void fake_unmask(unsigned int irq)
{
	(void)irq;
	fchip.masked = false;
	fchip.unmasks++;
}

static void fake_ack(unsigned int irq)
{
	(void)irq;
	fchip.acks++;
}

static void fake_eoi(unsigned int irq)
{
	(void)irq;
	fchip.eois++;
}

static int fake_set_type(unsigned int irq, unsigned long flow)
{
	(void)irq;
	(void)flow;
	fchip.set_types++;
	return 0;
}

struct irq_chip fake_chip = {
	.name = "fake",
	.mask = fake_mask,
	.unmask = fake_unmask,
	.ack = fake_ack,
	.eoi = fake_eoi,
	.set_type = fake_set_type,
};
