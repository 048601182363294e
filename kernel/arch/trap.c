/* kernel/arch/trap.c - see trap.h. */
#include "kernel/arch/trap.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/bh/softirq.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/trace/trace.h"

static trap_handler_t trap_handlers[256];
static void (*trap_exit_hook)(struct trap_frame *f);
static void (*trap_fault_hook)(struct trap_frame *f);
static void (*trap_user_fault_hook)(struct trap_frame *f);
static void (*trap_user_return_hook)(struct trap_frame *f);
static void (*trap_unexpected_hook)(unsigned int vector);

void trap_set_unexpected_hook(void (*hook)(unsigned int vector))
{
	trap_unexpected_hook = hook;
}

void trap_set_user_fault_hook(void (*hook)(struct trap_frame *f))
{
	trap_user_fault_hook = hook;
}

void trap_set_user_return_hook(void (*hook)(struct trap_frame *f))
{
	trap_user_return_hook = hook;
}

void trap_set_exit_hook(void (*hook)(struct trap_frame *f))
{
	trap_exit_hook = hook;
}

void trap_set_fault_hook(void (*hook)(struct trap_frame *f))
{
	trap_fault_hook = hook;
}

static const char *const exception_names[NR_EXCEPTIONS] = {
	[0] = "divide error",
	[1] = "debug",
	[2] = "non-maskable interrupt",
	[3] = "breakpoint",
	[4] = "overflow",
	[5] = "bound range exceeded",
	[6] = "invalid opcode",
	[7] = "device not available",
	[8] = "double fault",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS",
	[11] = "segment not present",
	[12] = "stack-segment fault",
	[13] = "general protection fault",
	[14] = "page fault",
	[16] = "x87 floating-point error",
	[17] = "alignment check",
	[18] = "machine check",
	[19] = "SIMD floating-point error",
	[20] = "virtualization exception",
	[21] = "control protection exception",
	[29] = "VMM communication exception",
	[30] = "security exception",
};

const char *exception_name(unsigned vector)
{
	if (vector < NR_EXCEPTIONS && exception_names[vector])
		return exception_names[vector];
	return "reserved";
}

trap_handler_t trap_set_handler(unsigned vector, trap_handler_t handler)
{
	trap_handler_t old = NULL;

	if (vector < 256) {
		old = trap_handlers[vector];
		trap_handlers[vector] = handler;
	}
	return old;
}

/* The stack pointer at the moment of the trap: for a trap from the same
 * privilege level the CPU pushed no ESP, so it is just past the frame. */
static uint32_t frame_esp(const struct trap_frame *f)
{
	if (f->cs & 3)
		return f->useresp;
	return (uint32_t)&f->useresp;
}

void trap_dump_frame(const struct trap_frame *f)
{
	printk(KERN_ERR " eax=%08lx ebx=%08lx ecx=%08lx edx=%08lx\n",
	       (unsigned long)f->eax, (unsigned long)f->ebx,
	       (unsigned long)f->ecx, (unsigned long)f->edx);
	printk(KERN_ERR " esi=%08lx edi=%08lx ebp=%08lx esp=%08lx\n",
	       (unsigned long)f->esi, (unsigned long)f->edi,
	       (unsigned long)f->ebp, (unsigned long)frame_esp(f));
	printk(KERN_ERR " eip=%08lx cs=%04lx ds=%04lx eflags=%08lx\n",
	       (unsigned long)f->eip, (unsigned long)f->cs,
	       (unsigned long)f->ds, (unsigned long)f->eflags);
	if (f->vector == TRAP_PF)
		printk(KERN_ERR " cr2=%08lx (the faulting address)\n",
		       (unsigned long)read_cr2());
}

static void report_exception(const struct trap_frame *f, const char *how)
{
	uint32_t off;
	const char *sym = ksym_lookup(f->eip, &off);

	printk(KERN_ERR
	       "TRAP: #%lu %s, error code 0x%lx, at %08lx <%s+0x%lx>%s\n",
	       (unsigned long)f->vector, exception_name(f->vector),
	       (unsigned long)f->err_code, (unsigned long)f->eip,
	       sym ? sym : "?", (unsigned long)(sym ? off : 0), how);
	trap_dump_frame(f);
	backtrace_from(f->eip, f->ebp);
}

void trap_catch_arm(struct trap_catch *tc, unsigned vector)
{
	tc->vector = vector;
	tc->caught = 0;
	this_cpu()->trap_catch = tc;
}

void trap_catch_disarm(struct trap_catch *tc)
{
	if (this_cpu()->trap_catch == tc)
		this_cpu()->trap_catch = NULL;
}

/* An exception a test asked for: report it, then resume at its ksetjmp. */
static void resume_caught(struct trap_catch *tc, struct trap_frame *f)
{
	this_cpu()->trap_catch = NULL;
	tc->frame = *f;
	tc->caught = 1;
	report_exception(f, " (expected by a test)");
	klongjmp(&tc->env, 1);
}

void trap_exception_default(struct trap_frame *f)
{
	struct trap_catch *tc = this_cpu()->trap_catch;

	if (tc && tc->vector == f->vector)
		resume_caught(tc, f);
	if ((f->cs & 3) && trap_user_fault_hook)
		trap_user_fault_hook(f); /* kills the process: no return */
	report_exception(f, "");
	if (trap_fault_hook)
		trap_fault_hook(f); /* returns only if it cannot recover */
	panic("unhandled exception #%lu (%s)", (unsigned long)f->vector,
	      exception_name(f->vector));
}

void trap_dispatch(struct trap_frame *f)
{
	trap_handler_t h = trap_handlers[f->vector];
	bool exception = f->vector < NR_EXCEPTIONS;

	if (exception)
		trace_event(TRACE_EXCEPTION_ENTRY, f->vector, f->eip,
			    f->err_code);
	if (h) {
		h(f);
	} else if (exception) {
		trap_exception_default(f);
	} else {
		this_cpu()->unexpected_traps++;
		printk(KERN_WARNING "trap: unexpected vector %lu ignored\n",
		       (unsigned long)f->vector);
		if (trap_unexpected_hook)
			trap_unexpected_hook(f->vector);
	}
	/* Exceptions and system calls do not pass irq_exit(): run what they
	 * raised here. (Hardware IRQs ran the loop in irq_exit, with its
	 * budget; a second loop here would double it.) */
	if (exception) {
		trace_event(TRACE_EXCEPTION_EXIT, f->vector, 0, 0);
		softirq_on_trap_return((f->eflags & EFLAGS_IF) != 0,
				       SOFTIRQ_AT_EXCEPTION);
	} else if (f->vector == SYSCALL_VECTOR)
		softirq_on_trap_return((f->eflags & EFLAGS_IF) != 0,
				       SOFTIRQ_AT_SYSCALL);
	if (trap_exit_hook)
		trap_exit_hook(f);
	if ((f->cs & 3) && trap_user_return_hook)
		trap_user_return_hook(f);
}
