/* kernel/irq/offload.c - see offload.h. */
#include "kernel/irq/offload.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/percpu.h"

static void irq_offload_handler(struct trap_frame *f)
{
	struct cpu *cpu = this_cpu();

	(void)f;
	irq_enter();
	if (cpu->offload_fn)
		cpu->offload_fn(cpu->offload_arg);
	irq_exit();
}

void irq_offload_init(void)
{
	trap_set_handler(IRQ_OFFLOAD_VECTOR, irq_offload_handler);
}

void irq_offload(void (*fn)(void *arg), void *arg)
{
	unsigned long flags = local_irq_save();
	struct cpu *cpu = this_cpu();

	cpu->offload_fn = fn;
	cpu->offload_arg = arg;
	asm volatile("int %0" : : "i"(IRQ_OFFLOAD_VECTOR) : "memory");
	cpu->offload_fn = NULL;
	local_irq_restore(flags);
}
