/* kernel/percpu.c - the per-CPU state slots (see percpu.h). */
#include "kernel/percpu.h"

struct cpu cpus[MAX_CPUS];
unsigned int nr_cpus = 1;
