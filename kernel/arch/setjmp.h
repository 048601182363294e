/*
 * kernel/arch/setjmp.h - save and resume a point of execution.
 *
 * Used by the trap code to let a test survive a deliberate exception:
 * the test saves a point with ksetjmp(), arms a trap catch, faults, and the
 * exception handler resumes at the saved point with klongjmp(). The saved
 * EFLAGS are restored too, so the interrupt flag comes back as it was.
 *
 * Rules: klongjmp() only to a ksetjmp() whose function has not returned;
 * locals changed between the two must be volatile.
 * Context: any; does not sleep.
 */
#ifndef KERNEL_ARCH_SETJMP_H
#define KERNEL_ARCH_SETJMP_H

#include <stdint.h>

struct jmp_buf {
	uint32_t ebx, esi, edi, ebp, esp, eip, eflags;
};

int ksetjmp(struct jmp_buf *jb) __attribute__((returns_twice));
void klongjmp(struct jmp_buf *jb, int val) __attribute__((noreturn));

#endif
