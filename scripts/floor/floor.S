/*
 * scripts/floor/floor.S - the floor for scripts/boottime.py: the least a
 * Multiboot kernel can do and still be seen. It prints one line on COM1
 * and halts. Booting it measures what QEMU (and GRUB) cost before any
 * kernel code runs; Interlude's boot is judged as a ratio to it.
 */
#define MULTIBOOT_MAGIC	0x1BADB002
#define MULTIBOOT_FLAGS	0x3		/* page-aligned modules, memory map */
#define COM1		0x3f8
#define LSR_THR_EMPTY	0x20

	.section .multiboot, "a"
	.align 4
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	.section .text
	.globl _start
_start:
	cli
	movl	$message, %esi
1:	movb	(%esi), %al
	testb	%al, %al
	jz	3f
	movw	$COM1 + 5, %dx		/* wait for the transmitter */
2:	inb	%dx, %al
	testb	$LSR_THR_EMPTY, %al
	jz	2b
	movb	(%esi), %al
	movw	$COM1, %dx
	outb	%al, %dx
	incl	%esi
	jmp	1b
3:	hlt
	jmp	3b

	.section .rodata
message:
	.asciz "floor> \n"
