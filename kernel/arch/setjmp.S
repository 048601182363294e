/* kernel/arch/setjmp.S - see setjmp.h. Offsets follow struct jmp_buf. */

	.text
	.globl ksetjmp
	.type ksetjmp, @function
ksetjmp:
	movl	4(%esp), %eax		/* jb */
	movl	%ebx, 0(%eax)
	movl	%esi, 4(%eax)
	movl	%edi, 8(%eax)
	movl	%ebp, 12(%eax)
	leal	4(%esp), %ecx		/* caller's esp after our return */
	movl	%ecx, 16(%eax)
	movl	(%esp), %ecx		/* return address */
	movl	%ecx, 20(%eax)
	pushfl
	popl	24(%eax)
	xorl	%eax, %eax		/* first return: 0 */
	ret
	.size ksetjmp, . - ksetjmp

	.globl klongjmp
	.type klongjmp, @function
klongjmp:
	movl	4(%esp), %edx		/* jb */
	movl	8(%esp), %eax		/* val: never 0 */
	testl	%eax, %eax
	jnz	1f
	incl	%eax
1:	movl	0(%edx), %ebx
	movl	4(%edx), %esi
	movl	8(%edx), %edi
	movl	12(%edx), %ebp
	movl	16(%edx), %esp
	pushl	24(%edx)
	popfl
	jmp	*20(%edx)
	.size klongjmp, . - klongjmp

	.section .note.GNU-stack, "", @progbits
