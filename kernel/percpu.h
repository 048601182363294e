/*
 * kernel/percpu.h - per-CPU state, reached through this_cpu().
 *
 * Everything that belongs to "the CPU we are running on" - the preempt
 * count, the bottom-half state, statistics - lives in one struct cpu.
 * Interlude runs on one CPU today, but code never assumes so: it always
 * goes through this_cpu(), which on SMP will find the running CPU's slot
 * (through the local APIC ID or a GS-based pointer) instead of slot 0.
 *
 * Context: any. The returned pointer is stable only while the caller
 * cannot migrate (IRQs or preemption off) - trivially true on one CPU.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_CPUS 8

struct trap_catch;

struct cpu {
	unsigned int id;
	unsigned int preempt_count; /* see kernel/sched/preempt.h */

	/* irq_offload(): the function to run from the test vector */
	void (*offload_fn)(void *arg);
	void *offload_arg;

	volatile bool need_resched; /* schedule() at the next chance */
	uint32_t softirq_pending;   /* raised softirqs, bit = slot */

	struct trap_catch *trap_catch;	/* armed by a test, or NULL */
	unsigned long unexpected_traps; /* vectors nobody handles */
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned int nr_cpus;

static inline struct cpu *this_cpu(void)
{
	return &cpus[0];
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->id;
}

#endif
