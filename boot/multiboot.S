/*
 * boot/multiboot.S - the first instructions Interlude runs.
 *
 * A Multiboot v1 loader (GRUB or QEMU -kernel) finds the header below in
 * the first 8 KiB of the image, loads the ELF at 1 MiB and jumps to _start
 * in 32-bit protected mode with paging off, interrupts off, EAX holding the
 * loader's magic (0x2BADB002) and EBX the physical address of the
 * Multiboot information structure. The loader's GDT is not ours to keep,
 * and there is no stack yet: we set one up and call kmain(magic, info).
 */
#define MULTIBOOT_MAGIC		0x1BADB002	/* Multiboot spec 3.1.2 */
#define MB_FLAG_ALIGN		(1 << 0)	/* modules page aligned */
#define MB_FLAG_MEMINFO		(1 << 1)	/* give us the memory map */
#define MULTIBOOT_FLAGS		(MB_FLAG_ALIGN | MB_FLAG_MEMINFO)

#define BOOT_STACK_SIZE		16384

	.section .multiboot, "a"
	.align 4
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)	/* checksum: sum is 0 */

	.section .bss
	.align 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .text
	.globl _start
	.type _start, @function
_start:
	cli
	movl	$boot_stack_top, %esp
	pushl	$0			/* a known EFLAGS: IF=0, DF=0 */
	popfl
	xorl	%ebp, %ebp		/* ebp = 0 ends every backtrace */
	pushl	%ebx			/* multiboot info (physical = virtual) */
	pushl	%eax			/* loader magic */
	call	kmain
	/* kmain never returns; if it does, stop here for the debugger. */
1:	cli
	hlt
	jmp	1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
