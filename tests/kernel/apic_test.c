/*
 * tests/kernel/apic_test.c - the IOAPIC and local APIC on the running
 * machine. Every case expects APIC mode (QEMU pc or q35 without noapic)
 * and skips, saying why, when the kernel stayed on the 8259.
 */
#include <stddef.h>
#include <stdint.h>

#include "drivers/acpi/acpi.h"
#include "drivers/acpi/madt.h"
#include "drivers/irqchip/ioapic.h"
#include "drivers/irqchip/irqchip.h"
#include "drivers/irqchip/lapic.h"
#include "drivers/timer/lapic_timer.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/percpu.h"
#include "kernel/sched/time.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"

#define TIMER_IRQ	0
#define QEMU_TIMER_GSI	2  /* ACPI override on QEMU pc and q35 */
#define MIN_PINS	24 /* QEMU's IOAPIC (and most PCs') */
#define TICKS_WAITED	3
#define WAIT_MS		2000
#define LVT_MASKED	(1u << 16)
#define LVT_DM_MASK	(7u << 8)
#define LVT_DM_NMI	(4u << 8)
#define SVR_SW_ENABLE	(1u << 8)
#define SVR_VECTOR_MASK 0xff

#define SKIP_UNLESS_APIC(t)                                                  \
	do {                                                                 \
		if (strcmp(irqchip_mode(), "APIC"))                          \
			KTEST_SKIP(t, "irqchip is the 8259 PIC (noapic, or " \
				      "no usable MADT)");                    \
	} while (0)

/* An irq on the IOAPIC with no handler and edge trigger, or -1. Edge, so
 * unmasking it cannot latch a level that keeps firing. */
static int spare_irq(void)
{
	for (unsigned int irq = 3; irq < NR_IRQS; irq++) {
		const struct irq_desc *d = &irq_desc[irq];

		if (d->chip == &ioapic_chip && !d->action &&
		    d->trigger == IRQF_TRIGGER_RISING)
			return (int)irq;
	}
	return -1;
}

/* The MADT lists an IOAPIC, and it has at least 24 pins. */
static void ioapic_has_24_pins(struct ktest *t)
{
	SKIP_UNLESS_APIC(t);
	ASSERT_TRUE(t, acpi_madt() != NULL);
	EXPECT_GE(t, acpi_madt()->nr_ioapics, 1);
	EXPECT_GE(t, ioapic_count(), 1);
	EXPECT_GE(t, ioapic_nr_pins(0), MIN_PINS);
	EXPECT_EQ(t, ioapic_nr_pins(ioapic_count()), 0);
}

/* The timer's ISA IRQ0 arrives on GSI 2 and keeps its number 0. */
static void isa_irq0_on_gsi2(struct ktest *t)
{
	unsigned int gsi;
	unsigned long trig;

	SKIP_UNLESS_APIC(t);
	ASSERT_EQ(t, acpi_isa_irq_to_gsi(TIMER_IRQ, &gsi, &trig), 0);
	EXPECT_EQ(t, gsi, QEMU_TIMER_GSI);
	EXPECT_EQ(t, trig, IRQF_TRIGGER_RISING);
	EXPECT_EQ(t, ioapic_irq_to_gsi(TIMER_IRQ), QEMU_TIMER_GSI);
	EXPECT_EQ(t, ioapic_irq_to_pin(TIMER_IRQ), QEMU_TIMER_GSI);
	EXPECT_EQ(t, irq_desc[TIMER_IRQ].hwirq, QEMU_TIMER_GSI);
}

/* No irq claims the cascade, GSI 0 (freed by the override) stays masked,
 * and out-of-range lines have no pin. */
static void cascade_and_gsi0_unused(struct ktest *t)
{
	uint64_t rte;

	SKIP_UNLESS_APIC(t);
	EXPECT_EQ(t, ioapic_irq_to_pin(ISA_CASCADE_IRQ), -1);
	EXPECT_PTR_EQ(t, irq_desc[ISA_CASCADE_IRQ].chip, NULL);
	EXPECT_EQ(t, ioapic_irq_to_pin(NR_IRQS), -1);
	for (unsigned int irq = 0; irq < NR_IRQS; irq++)
		EXPECT_NE(t, ioapic_irq_to_gsi(irq), 0);
	ASSERT_EQ(t, ioapic_read_rte(0, &rte), 0);
	EXPECT_NE(t, rte & IOAPIC_RTE_MASKED, 0);
	EXPECT_EQ(t, ioapic_read_rte(4096, &rte), -EINVAL);
}

/* irq_desc[0] is driven by the IO-APIC chip, edge-triggered. */
static void timer_on_ioapic_chip(struct ktest *t)
{
	SKIP_UNLESS_APIC(t);
	EXPECT_PTR_EQ(t, irq_desc[TIMER_IRQ].chip, &ioapic_chip);
	EXPECT_STREQ(t, irq_desc[TIMER_IRQ].chip->name, "IO-APIC");
	EXPECT_EQ(t, irq_desc[TIMER_IRQ].trigger, IRQF_TRIGGER_RISING);
}

/* The timer's pin: unmasked (the PIT has its handler), vector 0x30,
 * fixed, physical, edge, active high, to this CPU. */
static void timer_rte_unmasked_vector_0x30(struct ktest *t)
{
	uint64_t rte;

	SKIP_UNLESS_APIC(t);
	ASSERT_EQ(t, ioapic_read_rte(QEMU_TIMER_GSI, &rte), 0);
	EXPECT_EQ(t, rte & IOAPIC_RTE_MASKED, 0);
	EXPECT_EQ(t, rte & IOAPIC_RTE_VECTOR_MASK, IOAPIC_VECTOR_BASE);
	EXPECT_EQ(t, IOAPIC_VECTOR_BASE, 0x30);
	EXPECT_EQ(t, rte & (7ull << 8), IOAPIC_RTE_DM_FIXED);
	EXPECT_EQ(t, rte & IOAPIC_RTE_DEST_LOGICAL, 0);
	EXPECT_EQ(t, rte & IOAPIC_RTE_LEVEL, 0);
	EXPECT_EQ(t, rte & IOAPIC_RTE_ACTIVE_LOW, 0);
	EXPECT_EQ(t, rte >> IOAPIC_RTE_DEST_SHIFT, lapic_id());
}

/* PCI GSIs 16..23 are irq = GSI, level, active low, masked (no user). */
static void pci_gsis_level_low(struct ktest *t)
{
	SKIP_UNLESS_APIC(t);
	for (unsigned int gsi = ISA_NR_IRQS; gsi < NR_IRQS; gsi++) {
		uint64_t rte;

		if (ioapic_irq_to_gsi(gsi) != (int)gsi)
			continue; /* an ISA IRQ took it */
		ASSERT_EQ(t, ioapic_read_rte(gsi, &rte), 0);
		EXPECT_EQ(t, rte & IOAPIC_RTE_VECTOR_MASK,
			  IOAPIC_VECTOR_BASE + gsi);
		EXPECT_NE(t, rte & IOAPIC_RTE_LEVEL, 0);
		EXPECT_NE(t, rte & IOAPIC_RTE_ACTIVE_LOW, 0);
		if (!irq_desc[gsi].action)
			EXPECT_NE(t, rte & IOAPIC_RTE_MASKED, 0);
	}
}

/* Wait until jiffies passes target, or the TSC says WAIT_MS went by. */
static int wait_jiffies(unsigned long target)
{
	uint64_t deadline = rdtsc() + (uint64_t)WAIT_MS * tsc_khz;

	while ((long)(jiffies - target) < 0) {
		if (rdtsc() > deadline)
			return -ETIMEDOUT;
		safe_halt();
	}
	return 0;
}

/* Timer interrupts really arrive through the IOAPIC: jiffies advance
 * and irq 0's count (kept by the IOAPIC vector's path) grows with them. */
static void jiffies_advance_through_ioapic(struct ktest *t)
{
	unsigned long count0, j0;

	SKIP_UNLESS_APIC(t);
	count0 = kstat_irqs(TIMER_IRQ);
	j0 = jiffies;
	ASSERT_EQ(t, wait_jiffies(j0 + TICKS_WAITED), 0);
	EXPECT_GE(t, kstat_irqs(TIMER_IRQ) - count0, TICKS_WAITED);
}

/* The local APIC is on, with a plausible ID and version: integrated
 * APICs are version 0x1X, with 4 to 7 LVT entries. */
static void lapic_id_version_sane(struct ktest *t)
{
	const struct madt_info *mi = acpi_madt();
	int listed = 0;

	SKIP_UNLESS_APIC(t);
	ASSERT_TRUE(t, lapic_enabled());
	EXPECT_GE(t, lapic_version(), 0x10);
	EXPECT_LE(t, lapic_version(), 0x1f);
	EXPECT_GE(t, lapic_nr_lvt(), 4);
	EXPECT_LE(t, lapic_nr_lvt(), 7);
	EXPECT_EQ(t, lapic_base(), LAPIC_DEFAULT_BASE);
	ASSERT_TRUE(t, mi != NULL);
	for (unsigned int i = 0; i < mi->nr_cpus; i++)
		listed |= mi->cpus[i].apic_id == lapic_id();
	EXPECT_TRUE(t, listed); /* the boot CPU is in the MADT */
}

/* SVR: software-enabled, spurious vector 0xff; LINT0 masked, LINT1 NMI;
 * TPR 0 so every vector class gets through. */
static void lapic_registers_programmed(struct ktest *t)
{
	uint32_t svr, lint1;

	SKIP_UNLESS_APIC(t);
	svr = lapic_read(LAPIC_SVR);
	EXPECT_NE(t, svr & SVR_SW_ENABLE, 0);
	EXPECT_EQ(t, svr & SVR_VECTOR_MASK, SPURIOUS_VECTOR);
	EXPECT_NE(t, lapic_read(LAPIC_LVT_LINT0) & LVT_MASKED, 0);
	lint1 = lapic_read(LAPIC_LVT_LINT1);
	EXPECT_EQ(t, lint1 & LVT_MASKED, 0);
	EXPECT_EQ(t, lint1 & LVT_DM_MASK, LVT_DM_NMI);
	/* The timer is the hrtimers' one-shot clock event (vector 0xef,
	 * unmasked, one-shot mode = bits 17-18 clear) once calibrated. */
	if (lapic_timer_khz())
		EXPECT_EQ(t, lapic_read(LAPIC_LVT_TIMER) & 0x700ff,
			  LAPIC_TIMER_VECTOR);
	else
		EXPECT_NE(t, lapic_read(LAPIC_LVT_TIMER) & LVT_MASKED, 0);
	EXPECT_EQ(t, lapic_read(LAPIC_TPR), 0);
}

/* The spurious vector's handler counts (a software INT stands in for
 * the APIC: same vector, same handler, and neither needs an EOI). */
static void spurious_vector_counted(struct ktest *t)
{
	unsigned long before;

	SKIP_UNLESS_APIC(t);
	before = lapic_spurious_count();
	asm volatile("int %0" : : "i"(SPURIOUS_VECTOR) : "memory");
	EXPECT_EQ(t, lapic_spurious_count(), before + 1);
}

#define STRAY_VECTOR 0xd0	/* no handler: above the IOAPIC's 0x30-0x47 */
#define ICR_SELF     (1u << 18) /* destination shorthand: self */
#define ICR_ASSERT   (1u << 14)

/* Regression for "an unexpected vector gets no EOI": a vector nobody
 * handles, delivered by the local APIC (a self-IPI sets its ISR bit), is
 * counted, reported and ended. Without the EOI its priority class and
 * every class below - all device interrupts - stay blocked: the timer
 * would stop. */
static void unexpected_vector_gets_eoi(struct ktest *t)
{
	unsigned long traps, eois, j;

	SKIP_UNLESS_APIC(t);
	traps = this_cpu()->unexpected_traps;
	eois = lapic_unexpected_eois;
	lapic_write(LAPIC_ICR_HIGH, 0);
	lapic_write(LAPIC_ICR_LOW, STRAY_VECTOR | ICR_SELF | ICR_ASSERT);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(this_cpu()->unexpected_traps != traps));
	EXPECT_EQ(t, lapic_unexpected_eois, eois + 1);
	EXPECT_FALSE(t, lapic_in_service(STRAY_VECTOR));
	j = jiffies;
	EXPECT_TRUE(t, KTEST_WAIT_FOR(jiffies - j >= TICKS_WAITED));
}

/* ioapic_chip.mask/unmask flip bit 16 of a spare pin's entry and nothing
 * else; the pin is left masked as it was found. */
static void mask_unmask_spare_pin(struct ktest *t)
{
	int irq = spare_irq();
	unsigned long flags;
	uint64_t before, open, shut;
	unsigned int gsi;

	SKIP_UNLESS_APIC(t);
	if (irq < 0)
		KTEST_SKIP(t, "no unused edge-triggered IOAPIC line");
	gsi = ioapic_irq_to_gsi(irq);
	flags = local_irq_save();
	ioapic_read_rte(gsi, &before);
	ioapic_chip.unmask(irq);
	ioapic_read_rte(gsi, &open);
	ioapic_chip.mask(irq);
	ioapic_read_rte(gsi, &shut);
	local_irq_restore(flags);

	EXPECT_NE(t, before & IOAPIC_RTE_MASKED, 0); /* no handler: masked */
	EXPECT_EQ(t, open & IOAPIC_RTE_MASKED, 0);
	EXPECT_NE(t, shut & IOAPIC_RTE_MASKED, 0);
	EXPECT_EQ(t, open | IOAPIC_RTE_MASKED, before);
	EXPECT_EQ(t, shut, before);
}

/* set_type rewrites polarity and trigger; a flow without a type is
 * refused; the line ends as it began. */
static void set_type_roundtrip(struct ktest *t)
{
	int irq = spare_irq();
	uint64_t rte, orig;
	unsigned int gsi;

	SKIP_UNLESS_APIC(t);
	if (irq < 0)
		KTEST_SKIP(t, "no unused edge-triggered IOAPIC line");
	gsi = ioapic_irq_to_gsi(irq);
	ioapic_read_rte(gsi, &orig);

	EXPECT_EQ(t, ioapic_chip.set_type(irq, IRQF_TRIGGER_LOW), 0);
	ioapic_read_rte(gsi, &rte);
	EXPECT_NE(t, rte & IOAPIC_RTE_LEVEL, 0);
	EXPECT_NE(t, rte & IOAPIC_RTE_ACTIVE_LOW, 0);
	EXPECT_NE(t, rte & IOAPIC_RTE_MASKED, 0); /* still masked */

	EXPECT_EQ(t, ioapic_chip.set_type(irq, IRQF_TRIGGER_FALLING), 0);
	ioapic_read_rte(gsi, &rte);
	EXPECT_EQ(t, rte & IOAPIC_RTE_LEVEL, 0);
	EXPECT_NE(t, rte & IOAPIC_RTE_ACTIVE_LOW, 0);

	EXPECT_EQ(t, ioapic_chip.set_type(irq, IRQF_TRIGGER_NONE), -EINVAL);
	EXPECT_EQ(t, ioapic_chip.set_type(ISA_CASCADE_IRQ, IRQF_TRIGGER_LOW),
		  -EINVAL);
	EXPECT_EQ(t, ioapic_chip.set_type(irq, IRQF_TRIGGER_RISING), 0);
	ioapic_read_rte(gsi, &rte);
	EXPECT_EQ(t, rte, orig);
}

KTEST_SUITE(apic, KTEST_CASE(ioapic_has_24_pins), KTEST_CASE(isa_irq0_on_gsi2),
	    KTEST_CASE(cascade_and_gsi0_unused),
	    KTEST_CASE(timer_on_ioapic_chip),
	    KTEST_CASE(timer_rte_unmasked_vector_0x30),
	    KTEST_CASE(pci_gsis_level_low),
	    KTEST_CASE(jiffies_advance_through_ioapic),
	    KTEST_CASE(lapic_id_version_sane),
	    KTEST_CASE(lapic_registers_programmed),
	    KTEST_CASE(spurious_vector_counted),
	    KTEST_CASE(mask_unmask_spare_pin), KTEST_CASE(set_type_roundtrip),
	    KTEST_CASE(unexpected_vector_gets_eoi));
