/*
 * kernel/sched/switch.S - switch_to(prev, next): the context switch.
 *
 * The C calling convention lets a function clobber eax, ecx and edx;
 * the caller of switch_to (schedule) expects ebx, esi, edi, ebp and esp
 * to survive. So those four are pushed on prev's stack, prev's stack
 * pointer is stored in prev->esp (offset 0 of struct thread), next's
 * stack pointer is loaded, and the four are popped off next's stack. The
 * final "ret" returns into whatever next was doing when it last called
 * switch_to - or, for a new thread, into thread_entry (see thread.c).
 */
	.text
	.globl switch_to
	.type switch_to, @function
switch_to:
	movl	4(%esp), %eax		/* prev */
	movl	8(%esp), %edx		/* next */
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, (%eax)		/* prev->esp = esp */
	movl	(%edx), %esp		/* esp = next->esp: now on next's stack */
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size switch_to, . - switch_to

	.section .note.GNU-stack, "", @progbits
