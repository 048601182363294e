/*
 * kernel/mm/fault.h - page faults (#PF, vector 14) and double faults.
 *
 * A page fault is always a kernel bug in Interlude today (nothing is
 * paged in on demand), so the handler only explains it - the faulting
 * address from CR2, the error code decoded, what the page tables hold
 * there, and "stack overflow" when the address is a kernel stack's guard
 * page - and then takes the generic exception path (trap.h): a test's
 * trap catch, or the report and panic.
 *
 * A stack overflow usually does not arrive here, though: the CPU pushes
 * the #PF frame onto the same overflowed stack, faults again and raises a
 * double fault. That one is a task gate with its own stack
 * (double_fault_init), which reports the overflow and then asks
 * stack_overflow_hook where to go on - see struct stack_overflow.
 *
 * Context: the handlers run in exception context, IRQs off.
 */
#ifndef KERNEL_MM_FAULT_H
#define KERNEL_MM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/trap.h"
#include "kernel/mm/kstack.h"

/* #PF error code bits (Intel SDM vol. 3, 4.7). */
#define PF_PROT	 (1u << 0) /* 0: page not present; 1: protection */
#define PF_WRITE (1u << 1) /* 0: read; 1: write */
#define PF_USER	 (1u << 2) /* 0: supervisor mode; 1: user mode */
#define PF_RSVD	 (1u << 3) /* a reserved bit set in a paging entry */
#define PF_INSTR (1u << 4) /* instruction fetch */

void page_fault_init(void);
/* Print the page-fault explanation for frame f (vector 14). */
void page_fault_report(const struct trap_frame *f);

/*
 * What the double-fault task knows about a stack overflow. The hook may
 * fill in resume_eip/resume_esp and return true: the overflowing context
 * is then abandoned and the CPU resumes there (ring 0, IRQs off, EBP 0),
 * e.g. in a "kill the current thread" trampoline on a good stack.
 * Returning false (or no hook) panics with the report.
 */
struct stack_overflow {
	uint32_t fault_addr;		/* CR2: the guard-page address */
	uint32_t eip, esp, ebp, eflags; /* the overflowing context */
	struct kstack stack;		/* the stack that overflowed */
	uint32_t resume_eip, resume_esp;
};

extern bool (*stack_overflow_hook)(struct stack_overflow *so);

/* Turn vector 8 into a task gate; needs paging on (uses its CR3). */
void double_fault_init(void);

#endif
