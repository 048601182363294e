/*
 * kernel/arch/trap.h - the trap frame and per-vector handlers.
 *
 * Every one of the 256 IDT vectors enters through a tiny stub (entry.S)
 * that saves the interrupted state as a struct trap_frame on the stack and
 * calls trap_dispatch(). The dispatcher looks the vector up in a table of
 * handlers; drivers and subsystems install theirs with trap_set_handler(),
 * so this file knows nothing about PICs, APICs or devices.
 *
 * CPU exceptions (vectors 0-31) print a report (name, error code,
 * registers, backtrace) and panic - unless a test has armed a trap catch
 * for that vector, in which case the report is printed and execution
 * resumes at the test's ksetjmp() point.
 *
 * Context: trap_set_handler() at init, IRQs off. Handlers run with IRQs
 * off (all vectors are interrupt gates).
 */
#ifndef KERNEL_ARCH_TRAP_H
#define KERNEL_ARCH_TRAP_H

/* Exception vectors (Intel SDM vol. 3, table 6-1) that code names. */
#define TRAP_DE		   0  /* divide error */
#define TRAP_BP		   3  /* breakpoint */
#define TRAP_UD		   6  /* invalid opcode */
#define TRAP_DF		   8  /* double fault */
#define TRAP_GP		   13 /* general protection */
#define TRAP_PF		   14 /* page fault */
#define NR_EXCEPTIONS	   32

/* Vectors Interlude assigns. */
#define IRQ_VECTOR_BASE	   0x20 /* 8259 lines 0-15 */
#define IOAPIC_VECTOR_BASE 0x30 /* IOAPIC: irq N on 0x30 + N */
#define SYSCALL_VECTOR	   0x80 /* int 0x80 from ring 3 (DPL 3 gate) */
#define IRQ_OFFLOAD_VECTOR 0xf0 /* run a function in hard-IRQ context */
#define SPURIOUS_VECTOR	   0xff /* local APIC spurious vector */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "kernel/arch/setjmp.h"

/* Pushed by entry.S, lowest address first. The last five fields are
 * pushed by the CPU itself (useresp/ss only on a privilege change). */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax; /* pusha */
	uint32_t gs, fs, es, ds;
	uint32_t vector, err_code; /* err_code is 0 when the CPU gives none */
	uint32_t eip, cs, eflags;
	uint32_t useresp, ss;
};

typedef void (*trap_handler_t)(struct trap_frame *f);

void idt_init(void);
/* Load the (one, shared) IDT on this CPU: an AP at bring-up. */
void idt_load(void);
/* Make a vector a task gate to the given TSS (the double fault). */
void idt_set_task_gate(unsigned vector, uint16_t tss_selector);
/* Let ring 3 raise this vector with "int n" (the syscall gate). */
void idt_set_user_gate(unsigned vector);
/* Returns the handler it replaces (NULL: none), so that a test or a demo
 * can borrow a vector and put its owner back. */
trap_handler_t trap_set_handler(unsigned vector, trap_handler_t handler);
void trap_dispatch(struct trap_frame *f);

/*
 * Hooks for the layers above (the arch code knows nothing of threads):
 *  - the exit hook runs after every handler, on the way back to the
 *    interrupted code: the scheduler preempts there;
 *  - the fault hook runs for an exception nobody expected, before the
 *    panic: the scheduler kills the faulting thread there (an "oops") and
 *    does not return if it could.
 */
void trap_set_exit_hook(void (*hook)(struct trap_frame *f));
void trap_set_fault_hook(void (*hook)(struct trap_frame *f));
/*
 * Hooks for user space (kernel/proc), for traps that came from ring 3:
 *  - the user-fault hook runs for an unexpected exception in ring 3
 *    instead of the kernel's report: it kills the process and does not
 *    return;
 *  - the user-return hook runs last, just before the iret back to ring 3
 *    (after the exit hook, so after any preemption): a process that was
 *    killed meanwhile ends there instead of going back.
 */
void trap_set_user_fault_hook(void (*hook)(struct trap_frame *f));
/*
 *  - the unexpected-vector hook runs for a vector >= 32 that has no
 *    handler, after it was counted and reported: the interrupt
 *    controller ends it if it is in service (a local APIC that gets no
 *    EOI keeps the vector's priority class blocked).
 */
void trap_set_unexpected_hook(void (*hook)(unsigned int vector));
void trap_set_user_return_hook(void (*hook)(struct trap_frame *f));

const char *exception_name(unsigned vector);
void trap_dump_frame(const struct trap_frame *f);
/* What an exception without a handler gets: resume an armed trap catch,
 * or report and panic. A handler that only adds to the report (the page
 * fault handler) ends by calling this. */
void trap_exception_default(struct trap_frame *f) __attribute__((noreturn));

/*
 * Surviving a deliberate exception (for tests):
 *
 *	struct trap_catch tc;
 *	trap_catch_arm(&tc, TRAP_DE);
 *	if (ksetjmp(&tc.env) == 0) {
 *		divide_by_zero();	// resumes below with ksetjmp() == 1
 *	}
 *	trap_catch_disarm(&tc);		// tc.frame holds what the CPU saw
 */
struct trap_catch {
	struct jmp_buf env;
	unsigned vector;
	int caught;
	struct trap_frame frame;
};

void trap_catch_arm(struct trap_catch *tc, unsigned vector);
void trap_catch_disarm(struct trap_catch *tc);

#endif /* __ASSEMBLER__ */

#endif
