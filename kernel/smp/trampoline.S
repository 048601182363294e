/*
 * kernel/smp/trampoline.S - where an application processor starts.
 *
 * A STARTUP IPI with vector V starts the AP in real mode at CS = V * 256,
 * IP = 0: physical address V * 4096, below 1 MiB. The first part below
 * (smp_trampoline_start .. smp_trampoline_end) is copied there by the
 * boot CPU (smpboot.c); it is position independent (it addresses its own
 * data through CS) and does the least it can: load the AP's own GDT,
 * switch on protected mode and far-jump into the kernel proper.
 *
 *   real mode, at TRAMPOLINE_PHYS       protected mode, in the kernel
 *   cli, ds = cs                        smp_ap_entry32 (this file):
 *   lgdtl tramp_gdtr  (the AP's GDT)      segments: flat, fs = GDT_PERCPU
 *   CR0.PE = 1                            CR3 = the kernel's page directory
 *   ljmpl *tramp_far  ---------------->   CR0 = the boot CPU's (PG, WP)
 *                                         esp = its kernel stack, ebp = 0
 *                                         call smp_ap_main()
 *
 * The boot CPU patches tramp_gdtr for each AP before sending its SIPIs
 * and leaves smp_boot_cr3/cr0/esp (smpboot.c) for it to read: APs are
 * started one at a time, so one set of these is enough.
 */
#include "boot/gdt.h"

#define CR0_PE 1

	.text
	.code16
	.balign 16
	.globl smp_trampoline_start, smp_trampoline_end, smp_tramp_gdtr
smp_trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(smp_tramp_gdtr - smp_trampoline_start)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*(tramp_far - smp_trampoline_start)

	.balign 8
smp_tramp_gdtr:			/* patched: the AP's GDT (limit, base) */
	.word	0
	.long	0
	.balign 4
tramp_far:			/* a far pointer: offset, then selector */
	.long	smp_ap_entry32	/* absolute: the kernel runs where linked */
	.word	GDT_KERNEL_CODE
smp_trampoline_end:

	.code32
	.globl smp_ap_entry32
	.type smp_ap_entry32, @function
smp_ap_entry32:
	movw	$GDT_KERNEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %gs
	movw	$GDT_PERCPU, %ax	/* this_cpu() is this AP's slot */
	movw	%ax, %fs
	movl	smp_boot_cr3, %eax	/* paging: the kernel's page directory */
	movl	%eax, %cr3
	movl	smp_boot_cr0, %eax	/* PE, PG, WP as on the boot CPU */
	movl	%eax, %cr0
	movl	smp_boot_esp, %esp	/* its kernel stack (guard page below) */
	xorl	%ebp, %ebp		/* ends every backtrace */
	pushl	$0			/* EFLAGS: IF = 0, DF = 0 */
	popfl
	call	smp_ap_main		/* does not return */
1:	cli
	hlt
	jmp	1b
	.size smp_ap_entry32, . - smp_ap_entry32

	.section .note.GNU-stack, "", @progbits
