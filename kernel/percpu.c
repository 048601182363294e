/*
 * kernel/percpu.c - the per-CPU state slots (see percpu.h).
 *
 * Every slot points at itself and knows its number from the start, so
 * the per-CPU segment of any CPU is ready the moment its GDT is loaded.
 */
#include "kernel/percpu.h"

_Static_assert(offsetof(struct cpu, self) == PERCPU_SELF_OFFSET,
	       "this_cpu() reads the self pointer at %fs:0");
_Static_assert(offsetof(struct cpu, id) == PERCPU_ID_OFFSET,
	       "smp_processor_id() reads the id at %fs:4");

#define CPU_SLOT(n) [n] = { .self = &cpus[n], .id = n }

/* Slot 0 is the boot CPU from the first instruction (smp_boot_aps fills
 * in its APIC ID). */
struct cpu cpus[MAX_CPUS] = {
	[0] = { .self = &cpus[0], .id = 0, .state = CPU_BOOT },
	CPU_SLOT(1),
	CPU_SLOT(2),
	CPU_SLOT(3),
	CPU_SLOT(4),
	CPU_SLOT(5),
	CPU_SLOT(6),
	CPU_SLOT(7),
};
_Static_assert(MAX_CPUS == 8, "one CPU_SLOT per slot");

unsigned int nr_cpus = 1;
