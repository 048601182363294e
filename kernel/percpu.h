/*
 * kernel/percpu.h - per-CPU state, reached through this_cpu().
 *
 * Everything that belongs to "the CPU we are running on" - the preempt
 * count, the bottom-half state, statistics - lives in one struct cpu,
 * slot N of cpus[] for CPU N. Code never names a slot for "this CPU": it
 * goes through this_cpu(), which finds the running CPU's slot through a
 * segment register, as Linux does on 32-bit x86.
 *
 * The per-CPU segment: every CPU has its own GDT (boot/gdt.c), and in
 * each one the descriptor GDT_PERCPU has as its base the address of that
 * CPU's struct cpu. Kernel code always runs with %fs = GDT_PERCPU (the
 * boot code, the trap entry path and an AP's entry load it before any C
 * runs), so "%fs:0" is this CPU's struct cpu, whose first field points at
 * itself: this_cpu() is one instruction, "movl %fs:0, reg", and
 * smp_processor_id() one too ("movl %fs:4, reg"). No lookup table, no
 * LAPIC ID read, nothing that could be half-set-up in an exception.
 *
 * nr_cpus counts the CPUs online: slots 0 .. nr_cpus-1 all run threads,
 * bottom halves and interrupts (kernel/smp/smp.h). Loops "for every CPU"
 * use it.
 *
 * Context: any, including the trap entry path and the double-fault task.
 * A thread never changes CPU (kernel/sched/thread.h), so in task
 * context the pointer stays this thread's CPU's; what is in the slot
 * may still change under an interrupt unless IRQs are off.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS 8

struct trap_catch;

/* What a CPU slot is (kernel/smp/smpboot.c moves it along). */
enum cpu_state {
	CPU_ABSENT,    /* no CPU in this slot */
	CPU_BOOT,      /* the boot CPU: runs everything */
	CPU_DOWN,      /* listed in the MADT, not started (nosmp, PIC mode) */
	CPU_STARTING,  /* INIT-SIPI-SIPI sent, not answered yet */
	CPU_PARKED,    /* answered; waits in its start-up loop to join */
	CPU_ONLINE,    /* runs its threads, bottom halves and interrupts */
	CPU_NO_ANSWER, /* never answered within the bound: left alone */
};

struct cpu {
	struct cpu *self; /* offset 0: what this_cpu() reads through %fs */
	unsigned int id;  /* offset 4: slot number = smp_processor_id() */
	unsigned int preempt_count; /* see kernel/sched/preempt.h */

	/* irq_offload(): the function to run from the test vector */
	void (*offload_fn)(void *arg);
	void *offload_arg;

	volatile bool need_resched; /* schedule() at the next chance */
	uint32_t softirq_pending;   /* raised softirqs, bit = slot */

	struct trap_catch *trap_catch;	/* armed by a test, or NULL */
	unsigned long unexpected_traps; /* vectors nobody handles */

	/* SMP bring-up and the parked idle loop (kernel/smp/smp.h) */
	volatile int state;   /* enum cpu_state */
	unsigned int apic_id; /* its local APIC's ID (from the MADT) */
	/* what the CPU itself saw once up: this_cpu(), smp_processor_id(),
	 * its LAPIC ID register - so CPU 0 can check its segment */
	struct cpu *seen_self;
	unsigned int seen_id;
	unsigned int seen_apic_id;
	/* what the parked loop runs next (smp_online_cpus: joining) */
	void (*volatile park_fn)(void *arg);
	void *park_arg;

	/* interrupts that are not IRQ lines, as /proc/interrupts counts
	 * them: the local tick (APs), and the IPIs (kernel/smp/ipi.h) */
	unsigned long local_ticks;
	unsigned long ipi_resched, ipi_call, ipi_irq_work;
};

#define PERCPU_SELF_OFFSET 0
#define PERCPU_ID_OFFSET   4

extern struct cpu cpus[MAX_CPUS];
extern unsigned int nr_cpus;

/* One load through the per-CPU segment. volatile: the compiler must not
 * move it above the code that loads %fs, nor merge it across a context
 * switch that could (in a later phase) change CPUs. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	asm volatile("movl %%fs:%c1, %0" : "=r"(c) : "i"(PERCPU_SELF_OFFSET));
	return c;
}

static inline unsigned int smp_processor_id(void)
{
	unsigned int id;

	asm volatile("movl %%fs:%c1, %0" : "=r"(id) : "i"(PERCPU_ID_OFFSET));
	return id;
}

#endif
