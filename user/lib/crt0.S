/*
 * user/lib/crt0.S - where every user program starts.
 *
 * The kernel enters ring 3 here with ESP pointing at argc, then argv
 * (kernel/proc/proc.c, build_stack). Call main(argc, argv) and pass its
 * return value to exit(): a program that returns from main ends cleanly.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp		/* ends backtraces */
	movl	(%esp), %eax		/* argc */
	movl	4(%esp), %edx		/* argv */
	pushl	%edx
	pushl	%eax
	call	main
	pushl	%eax
	call	exit
1:	jmp	1b

	.section .note.GNU-stack, "", @progbits
