/*
 * drivers/irqchip/lapic.h - the CPU's local APIC (xAPIC mode).
 *
 * Every CPU has its own local APIC. It receives interrupt messages (from
 * IOAPICs, other CPUs' APICs and its own timer and LINT pins), queues them
 * by priority and hands the CPU one vector at a time. A fixed interrupt
 * stays "in service" until the handler writes the EOI register; only then
 * can one of equal or lower priority be delivered. For a level-triggered
 * interrupt the EOI is also broadcast to the IOAPICs, which clears the
 * line's "remote IRR" bit there so it may fire again.
 *
 * The registers are memory-mapped, 16-byte aligned, at 0xfee00000 unless
 * the IA32_APIC_BASE MSR moves them. Paging is off today; the paging work
 * must identity-map (uncached) that page.
 *
 * Spurious interrupts: if an interrupt goes away between the APIC's
 * decision to deliver and the CPU's acknowledgement, the APIC delivers
 * SPURIOUS_VECTOR instead. It is counted and needs no EOI (Intel SDM
 * vol. 3A, 10.9 "Spurious Interrupt").
 *
 * LVT: LINT0 (where QEMU and PCs wire the 8259's output, as ExtINT) is
 * masked, since the 8259 is unused in APIC mode; LINT1 stays the NMI
 * input. Timer, error and performance/thermal entries are masked until a
 * driver wants them (the LAPIC timer: drivers/timer/lapic_timer.c).
 * IPIs go through the interrupt command register: lapic_send_ipi(), used
 * by the AP bring-up (kernel/smp/smpboot.c, INIT-SIPI-SIPI).
 *
 * Section numbers are from the Intel SDM vol. 3A editions up to 2022,
 * where the APIC is chapter 10 (chapter 11 in later editions).
 *
 * Context: lapic_init() once at boot on the boot CPU, lapic_init_ap()
 * once on each application processor; IRQs off. lapic_eoi() from
 * the interrupt handler that is finishing. The readers from any context.
 */
#ifndef DRIVERS_IRQCHIP_LAPIC_H
#define DRIVERS_IRQCHIP_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (SDM 3A, table 10-1 "Local APIC Register Address
 * Map"). Every register is 32 bits wide, on a 16-byte boundary. */
#define LAPIC_ID	   0x020 /* 10.4.6: APIC ID in bits 24-31 */
#define LAPIC_VERSION	   0x030 /* 10.4.8: version, max LVT entry */
#define LAPIC_TPR	   0x080 /* 10.8.3.1: task priority */
#define LAPIC_EOI	   0x0b0 /* 10.8.5: write 0 to end an interrupt */
#define LAPIC_SVR	   0x0f0 /* 10.9: spurious interrupt vector */
#define LAPIC_ISR0	   0x100 /* 10.8.4: in-service, 8 regs of 32 bits */
#define LAPIC_ESR	   0x280 /* 10.5.3: error status */
#define LAPIC_LVT_CMCI	   0x2f0 /* 10.5.1: corrected machine check */
#define LAPIC_ICR_LOW	   0x300 /* 10.6.1: interrupt command (IPIs) */
#define LAPIC_ICR_HIGH	   0x310
#define LAPIC_LVT_TIMER	   0x320 /* 10.5.1: local vector table entries */
#define LAPIC_LVT_THERMAL  0x330
#define LAPIC_LVT_PERF	   0x340
#define LAPIC_LVT_LINT0	   0x350
#define LAPIC_LVT_LINT1	   0x360
#define LAPIC_LVT_ERROR	   0x370
#define LAPIC_TIMER_INIT   0x380 /* 10.5.4: timer initial count */
#define LAPIC_TIMER_CUR	   0x390 /* timer current count */
#define LAPIC_TIMER_DIV	   0x3e0 /* timer divide configuration */

#define LAPIC_DEFAULT_BASE 0xfee00000u /* 10.4.1: after reset */

/* Interrupt command register (10.6.1, figure 10-12). */
#define ICR_DM_FIXED	   (0u << 8) /* delivery mode, bits 8-10 */
#define ICR_DM_INIT	   (5u << 8)
#define ICR_DM_STARTUP	   (6u << 8)  /* vector = start page number */
#define ICR_SEND_PENDING   (1u << 12) /* delivery status: not sent yet */
#define ICR_LEVEL_ASSERT   (1u << 14)
#define ICR_TRIGGER_LEVEL  (1u << 15)
#define ICR_DEST_SHIFT	   24 /* in ICR_HIGH: the destination APIC ID */

unsigned long lapic_spurious_count(void); /* all CPUs */

/*
 * Enable this CPU's local APIC: global enable in IA32_APIC_BASE, software
 * enable and SPURIOUS_VECTOR in the SVR, TPR 0, unused LVT entries
 * masked, LINT1 as NMI. madt_addr is where the MADT says the APIC is (0 if
 * unknown); the MSR has the last word. Returns 0, or -ENODEV if CPUID says
 * this CPU has no APIC.
 */
int lapic_init(uint32_t madt_addr);
bool lapic_enabled(void);
/* An application processor's own local APIC, programmed as the boot
 * CPU's (LVT masked but LINT1 = NMI, TPR 0, SVR on), its timer masked.
 * 0, or -ENODEV (no lapic_init() before, or its MSR moved the registers).
 * Context: on the AP itself, IRQs off. */
int lapic_init_ap(void);
/* Send an IPI: icr_low (ICR_DM_*, level, vector) to one APIC ID. Waits,
 * bounded, until the APIC has sent it: 0, -ETIMEDOUT, -ENODEV (no APIC).
 * Context: any; IRQs are off for the two register writes. */
int lapic_send_ipi(unsigned int apic_id, uint32_t icr_low);

/* Signal the end of the interrupt in service. Does nothing before
 * lapic_init(), so a stray caller cannot fault. */
void lapic_eoi(void);
/* Is vector in service here (its ISR bit set)? */
bool lapic_in_service(unsigned int vector);
/* For a vector nobody handles: EOI it if it is in service (a stray
 * vector from a misrouted IOAPIC pin or IPI); the spurious vector is
 * never in service and gets none. Context: hard IRQ, its own vector. */
void lapic_end_unexpected(unsigned int vector);
extern unsigned long lapic_unexpected_eois; /* EOIs it sent */

unsigned int lapic_id(void);	  /* this CPU's APIC ID */
unsigned int lapic_version(void); /* bits 0-7 of the version register */
unsigned int lapic_nr_lvt(void);  /* LVT entries: max LVT entry + 1 */
uint32_t lapic_base(void);	  /* physical address of the registers */

uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t val);

#endif
