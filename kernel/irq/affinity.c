/*
 * kernel/irq/affinity.c - which CPU a line's interrupts go to (irq.h,
 * docs/irq.md "Affinity").
 *
 *   irq_set_affinity(4, 1)                     drivers/irqchip/ioapic.c
 *     checks: line, chip, no_balancing, cpu online
 *     desc->lock (IRQs off)
 *       chip->set_affinity(4, 1) ───────────>  ioapic_set_affinity()
 *                                                ioapic_lock
 *                                                RTE bits 56-63 <- APIC ID
 *                                                of CPU 1 (one register)
 *       desc->affinity = 1
 *     unlock
 *
 * Why moving a live line at once is safe here (Linux, with a vector per
 * CPU, must wait for the next interrupt to move an edge line and clean
 * the old vector up afterwards):
 *  - Every CPU shares one IDT and the line's vector is IOAPIC_VECTOR_BASE
 *    + irq everywhere: an interrupt that the IOAPIC already sent to the
 *    old CPU arrives there on the right vector, runs the line's flow, and
 *    gets its EOI from that CPU's local APIC, which took it.
 *  - The destination is one 32-bit register (the entry's high dword):
 *    the IOAPIC sees the old destination or the new one, never half.
 *  - An edge that reaches the new CPU while the old one still runs the
 *    handlers finds the line INPROGRESS: the edge flow marks it PENDING,
 *    and the old CPU runs it before it lets go (kernel/irq/chip.c). A
 *    level line cannot even be sent again before the old CPU's EOI (the
 *    remote IRR bit holds the pin). Nothing is lost, nothing runs twice
 *    at once.
 * The rule a reader can rely on: from the moment irq_set_affinity
 * returns, every interrupt the controller sends goes to the new CPU.
 */
#include "kernel/irq/irqdesc.h"
#include "kernel/smp/ipi.h"
#include "lib/errno.h"

/* Why the line cannot go to cpu, or 0. Desc lock held. */
static int affinity_refusal(const struct irq_desc *desc, unsigned int cpu)
{
	if (!desc->chip)
		return -ENODEV;
	if (!desc->chip->set_affinity)
		return -EIO; /* as Linux's /proc/irq/N/smp_affinity says */
	if (desc->no_balancing)
		return -EPERM;
	if (!cpu_online(cpu))
		return -ENXIO;
	return 0;
}

int irq_set_affinity(unsigned int irq, unsigned int cpu)
{
	struct irq_desc *desc;
	unsigned long flags;
	int err;

	if (irq >= NR_IRQS)
		return -EINVAL;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	err = affinity_refusal(desc, cpu);
	if (!err)
		err = desc->chip->set_affinity(irq, cpu);
	if (!err)
		desc->affinity = cpu;
	spin_unlock_irqrestore(&desc->lock, flags);
	return err;
}

int irq_get_affinity(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return -EINVAL;
	return (int)__atomic_load_n(&irq_desc[irq].affinity, __ATOMIC_RELAXED);
}

void irq_set_no_balancing(unsigned int irq)
{
	struct irq_desc *desc;
	unsigned long flags;

	if (irq >= NR_IRQS)
		return;
	desc = &irq_desc[irq];
	flags = spin_lock_irqsave(&desc->lock);
	desc->no_balancing = true;
	spin_unlock_irqrestore(&desc->lock, flags);
}
