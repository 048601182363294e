/*
 * boot/gdt.h - segments: the flat GDT and the task state segment.
 *
 * x86 protected mode needs a GDT even when, like Interlude, it uses a flat
 * 4 GiB address space: every segment here has base 0 and limit 4 GiB, and
 * only the privilege level differs. The TSS is needed for one thing: when
 * an interrupt arrives in ring 3 the CPU loads the kernel stack from
 * tss.esp0. Ring 3 arrives with the user-space issue; the room is made now.
 *
 * Context: gdt_init() once at boot, IRQs off. tss_set_kernel_stack() on
 * every switch to a thread with a user part (IRQs off).
 */
#ifndef BOOT_GDT_H
#define BOOT_GDT_H

/* Selectors: index * 8 | table (0 = GDT) | requested privilege level. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE	(0x18 | 3)
#define GDT_USER_DATA	(0x20 | 3)
#define GDT_TSS		0x28

#ifndef __ASSEMBLER__
#include <stdint.h>

void gdt_init(void);
void tss_set_kernel_stack(uint32_t esp0);
#endif

#endif
