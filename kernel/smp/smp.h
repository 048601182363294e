/*
 * kernel/smp/smp.h - bringing up the application processors (SMP phase 1).
 *
 * The MADT (drivers/acpi/madt.h) lists every CPU's local APIC ID. At boot
 * the boot CPU starts each other listed CPU, one at a time, with the
 * INIT-SIPI-SIPI sequence of the Intel SDM (vol. 3A, 8.4.4 "MP
 * Initialization Example"): an INIT IPI, 10 ms, a STARTUP IPI whose vector
 * names the trampoline page (TRAMPOLINE_PHYS, below 1 MiB, reserved by the
 * page allocator like all of the low 1 MiB, identity mapped), 200 us, a
 * second STARTUP IPI, 200 us; then it waits, bounded, for the AP to
 * answer. The AP runs kernel/smp/trampoline.S into smp_ap_main(): its own
 * GDT, TSS and per-CPU segment (this_cpu() is its slot), the shared IDT,
 * the kernel's page directory, a kernel stack with a guard page, its
 * local APIC on (timer masked). docs/smp.md draws it.
 *
 * Phase 1: an AP runs no threads and no bottom halves. It parks in an
 * idle loop of its own (hlt with IRQs on, nothing routed to it) and counts
 * how often hlt returned (struct cpu.idle_wakeups). Only CPU 0 runs the
 * scheduler, the softirqs, tasklets and work queues; nr_cpus stays 1.
 *
 * "nosmp" on the command line keeps the APs down; in PIC mode (noapic)
 * there is no local APIC to send IPIs with, and they stay down too.
 *
 * Rules:
 *  - A CPU that does not answer within the bound is logged ("smp: CPU N
 *    (APIC ID A) did not answer ...") and left in CPU_NO_ANSWER; its
 *    stack is kept, so that a late answer lands on a valid stack (and
 *    then halts for good: it finds its slot no longer STARTING).
 *  - An AP takes no interrupts but SMP_WAKE_VECTOR (and NMIs): nothing
 *    routes an IRQ line to it, its LAPIC timer is masked.
 *  - Phase 1 APs have no double-fault task (their GDT has none): a double
 *    fault on an AP resets the machine.
 *
 * Context: smp_boot_aps() once, from kmain, on the boot CPU, IRQs off,
 * after mm_init(), irqchip_init() and the TSC calibration. The readers:
 * any. The test hooks: task context, one caller at a time.
 */
#ifndef KERNEL_SMP_SMP_H
#define KERNEL_SMP_SMP_H

#include <stdbool.h>
#include <stdint.h>

#define TRAMPOLINE_PHYS	   0x8000u /* the SIPI vector is its page number */
#define SMP_WAKE_VECTOR	   0xf1	   /* wakes a parked AP (test hook) */
#define SMP_INIT_WAIT_US   10000   /* SDM 8.4.4: INIT, then 10 ms */
#define SMP_SIPI_WAIT_US   200	   /* after each STARTUP IPI */
#define SMP_ANSWER_WAIT_US 500000  /* then the AP has this long to answer */

void smp_boot_aps(void);

/* CPUs up: the boot CPU and the parked APs. */
unsigned int smp_cpus_online(void);
/* CPUs the MADT listed (at most MAX_CPUS are used). */
unsigned int smp_cpus_listed(void);
/* Was "nosmp" given? */
bool smp_nosmp(void);
/* "boot CPU", "parked", "down", ... for enum cpu_state. */
const char *cpu_state_name(int state);

/* ---- test hooks -------------------------------------------------------- */

/* Run INIT-SIPI-SIPI for slot cpu (CPU_ABSENT or CPU_NO_ANSWER) towards
 * apic_id, waiting answer_us for the answer: 0 (it is parked), -ETIMEDOUT
 * (logged; the slot is CPU_NO_ANSWER), -EBUSY, -ENODEV, -ENOMEM. */
int smp_start_cpu(unsigned int cpu, unsigned int apic_id,
		  unsigned int answer_us);
/* Have parked CPU cpu run fn(arg) from its idle loop (IRQs off there):
 * an IPI on SMP_WAKE_VECTOR wakes it. Waits until fn returned: 0,
 * -ENODEV (not parked), -ETIMEDOUT (timeout_ms passed: fn may still
 * run). */
int smp_run_on_parked(unsigned int cpu, void (*fn)(void *arg), void *arg,
		      unsigned int timeout_ms);
/* The same without waiting: 0 once the IPI is sent (-ENODEV: not
 * parked, or still busy with the last one); smp_parked_busy() says
 * whether fn has not returned yet. */
int smp_kick_parked(unsigned int cpu, void (*fn)(void *arg), void *arg);
bool smp_parked_busy(unsigned int cpu);

#endif
