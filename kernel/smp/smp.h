/*
 * kernel/smp/smp.h - bringing up the application processors.
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
 * Then each AP joins the scheduler: the boot CPU gives it a runqueue and
 * an idle thread (its start-up stack), kicks it out of its parked loop,
 * and the AP starts its local APIC timer as a periodic tick
 * (LOCAL_TICK_VECTOR, at hz: its scheduler's tick) and becomes "online"
 * in its idle loop. From then on it runs its threads (ksoftirqd/N,
 * kworker/N:M, whatever is bound to it), its softirqs and tasklets, and
 * the interrupts routed to it; IPIs (kernel/smp/ipi.h) reach it. nr_cpus
 * counts the online CPUs.
 *
 * Time is CPU 0's: its PIT tick drives jiffies and the timer wheel, its
 * LAPIC timer the hrtimers (another CPU that arms an hrtimer asks CPU 0
 * to reprogram, by IPI). An AP's tick only serves its scheduler.
 *
 * "nosmp" on the command line keeps the APs down; in PIC mode (noapic)
 * there is no local APIC to send IPIs with, and they stay down too.
 *
 * Rules:
 *  - A CPU that does not answer within the bound is logged ("smp: CPU N
 *    (APIC ID A) did not answer ...") and left in CPU_NO_ANSWER; its
 *    stack is kept, so that a late answer lands on a valid stack (and
 *    then halts for good: it finds its slot no longer STARTING).
 *  - Online CPUs are slots 0 .. nr_cpus-1 with no gap: a CPU answering
 *    after one that did not stays parked (logged).
 *
 * Context: smp_boot_aps() once, from kmain, on the boot CPU, IRQs off,
 * after mm_init(), irqchip_init(), sched_init(), ipi_init() and the TSC
 * and LAPIC timer calibrations. The readers:
 * any. The test hooks: task context, one caller at a time.
 */
#ifndef KERNEL_SMP_SMP_H
#define KERNEL_SMP_SMP_H

#include <stdbool.h>
#include <stdint.h>

#define TRAMPOLINE_PHYS	   0x8000u /* the SIPI vector is its page number */
#define SMP_WAKE_VECTOR	   0xf1	   /* wakes a parked AP to join */
#define SMP_INIT_WAIT_US   10000   /* SDM 8.4.4: INIT, then 10 ms */
#define SMP_SIPI_WAIT_US   200	   /* after each STARTUP IPI */
#define SMP_ANSWER_WAIT_US 500000  /* then the AP has this long to answer */

void smp_boot_aps(void);

/* CPUs online: the boot CPU and the APs that joined. */
unsigned int smp_cpus_online(void);
/* CPUs the MADT listed (at most MAX_CPUS are used). */
unsigned int smp_cpus_listed(void);
/* Was "nosmp" given? */
bool smp_nosmp(void);
/* "boot CPU", "parked", "down", ... for enum cpu_state. */
const char *cpu_state_name(int state);

/* ---- test hooks -------------------------------------------------------- */

/* Run INIT-SIPI-SIPI for slot cpu (CPU_ABSENT or CPU_NO_ANSWER) towards
 * apic_id, waiting answer_us for the answer: 0 (it is parked; CPUs join
 * only at boot), -ETIMEDOUT (logged; the slot is CPU_NO_ANSWER), -EBUSY,
 * -ENODEV, -ENOMEM. */
int smp_start_cpu(unsigned int cpu, unsigned int apic_id,
		  unsigned int answer_us);

#endif
