/*
 * boot/gdt.h - segments: the flat GDT and the task state segment.
 *
 * x86 protected mode needs a GDT even when, like Interlude, it uses a flat
 * 4 GiB address space: every segment here has base 0 and limit 4 GiB, and
 * only the privilege level differs. The TSS is needed for one thing: when
 * an interrupt arrives in ring 3 the CPU loads the kernel stack from
 * tss.esp0 - the top of the running thread's kernel stack, switched on
 * every context switch - and ring 3's I/O permission bitmap lives at its
 * end (one bit per port; ioperm() clears the bits of granted ports).
 *
 * A second TSS belongs to the double-fault task (kernel/mm/double_fault.c):
 * vector 8 is a task gate, so a double fault - typically a kernel stack
 * overflow, where the CPU cannot push a page-fault frame onto the broken
 * stack - switches to a fresh stack and register set. The CPU then saves
 * the broken context into the main TSS, where tss_main() lets the handler
 * read it (and rewrite it, to resume somewhere sane).
 *
 * Each CPU has a GDT of its own (same selectors everywhere): the boot
 * CPU's is built by gdt_init(), an application processor's by
 * gdt_prepare_ap() before it is started. They differ in two entries: the
 * TSSes (each CPU's own main TSS with its I/O bitmap, and its own
 * double-fault task with its own stack) and GDT_PERCPU, the per-CPU segment whose base is
 * that CPU's struct cpu (kernel/percpu.h: this_cpu() is "movl %fs:0").
 *
 * Context: gdt_init() once at boot, IRQs off. tss_set_kernel_stack() on
 * every switch to a thread with a user part (IRQs off); tss_set_cr3() on
 * every switch of address space; tss_set_double_fault_task() once.
 */
#ifndef BOOT_GDT_H
#define BOOT_GDT_H

/* Selectors: index * 8 | table (0 = GDT) | requested privilege level. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE	(0x18 | 3)
#define GDT_USER_DATA	(0x20 | 3)
#define GDT_TSS		0x28
#define GDT_DF_TSS	0x30 /* the double-fault task */
#define GDT_PERCPU	0x38 /* %fs in the kernel: base = this CPU's struct cpu */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The 32-bit TSS (Intel SDM vol. 3, 7.2.1). */
struct tss {
	uint32_t prev_task, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

#define TSS_IOMAP_BYTES 8192 /* 65536 ports, one bit each */

void gdt_init(void);
/* This CPU's main TSS's I/O permission bitmap (bit set = port denied). */
uint8_t *tss_io_bitmap(void);
/* This CPU's ring-0 stack for traps from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);
/* The page directory a task switch loads, in every CPU's TSSes. */
void tss_set_cr3(uint32_t cr3);
/* Where CPU cpu's double-fault task starts, on which stack. */
void tss_set_double_fault_task(unsigned int cpu, uint32_t eip, uint32_t esp);
/* This CPU's main TSS: after a task switch away, the interrupted state. */
struct tss *tss_main(void);

/* Build CPU cpu's GDT (its TSS with ring-0 stack esp0, its per-CPU
 * segment) and say where it is, for the AP trampoline's lgdt. Context:
 * the boot CPU, before starting that CPU. */
void gdt_prepare_ap(unsigned int cpu, uint32_t esp0, uint16_t *limit,
		    uint32_t *base);
/* ltr GDT_TSS: on an AP, once its own GDT is loaded. */
void gdt_load_task_register(void);
/* The base of CPU cpu's per-CPU segment, as its descriptor holds it. */
uint32_t gdt_percpu_base(unsigned int cpu);
#endif

#endif
