/*
 * kernel/arch/cpu.h - the few CPU instructions C cannot express.
 *
 * The local_irq_* names are Linux's: "local" because they affect only
 * this CPU's interrupt flag, never another CPU's.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_ARCH_CPU_H
#define KERNEL_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define EFLAGS_IF (1u << 9) /* interrupt enable flag */

static inline uint32_t read_eflags(void)
{
	uint32_t f;

	asm volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

static inline void local_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void local_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

static inline bool irqs_disabled(void)
{
	return !(read_eflags() & EFLAGS_IF);
}

/* Save the interrupt flag and disable; restore puts back what was there,
 * so the pair nests correctly inside code that already had IRQs off. */
static inline unsigned long local_irq_save(void)
{
	unsigned long flags = read_eflags();

	local_irq_disable();
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & EFLAGS_IF)
		local_irq_enable();
}

/* Wait for the next interrupt. "sti; hlt" enables interrupts only after
 * the following instruction, so no interrupt can slip in between the
 * check the caller made and the halt. */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* Model-specific registers (SDM vol. 4) and CPU identification. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr"
		     :
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

static inline uint32_t cpuid_edx(uint32_t leaf)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf));
	return d;
}

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#endif
