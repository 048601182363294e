/*
 * kernel/mm/double_fault.c - the double-fault task: where a kernel stack
 * overflow is reported.
 *
 * Why a task: when a thread overflows its stack into the guard page, the
 * page fault's delivery needs to push EFLAGS, CS, EIP and the error code
 * onto that same stack - and faults again. A fault while delivering a
 * page fault is a double fault (SDM vol. 3, table 6-5). Delivered through
 * an ordinary interrupt gate it would push onto the same broken stack and
 * fault a third time: the CPU resets (triple fault), with no message.
 *
 * A task gate (SDM vol. 3, 7.3) makes the CPU switch tasks instead: it
 * saves every register of the broken context into the main TSS, loads the
 * double-fault TSS - a fresh stack, CR3, EIP = double_fault_task - and
 * pushes the error code there. The handler reads the broken context from
 * the main TSS. "iret" with EFLAGS.NT set switches back to the main TSS;
 * so to resume somewhere else, the handler rewrites the main TSS first.
 *
 * The CPU saves this task's own registers into its TSS when it irets, so
 * the next double fault starts just after the iret: hence the loop below.
 */
#include <stddef.h>

#include "boot/gdt.h"
#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/mm/fault.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

#define DF_STACK_SIZE	8192
#define EXC_FRAME_BYTES 16 /* error code, EIP, CS, EFLAGS */

bool (*stack_overflow_hook)(struct stack_overflow *so);

/* One stack per CPU: two CPUs may overflow at once. */
static uint8_t df_stack[MAX_CPUS][DF_STACK_SIZE] __attribute__((aligned(16)));

void double_fault_task(void);
void double_fault_handler(uint32_t err_code);

/* Entered by the task switch with the error code on top of the stack:
 * it is the argument of the call. */
asm(".text\n"
    ".globl double_fault_task\n"
    ".type double_fault_task, @function\n"
    "double_fault_task:\n"
    "	xorl	%ebp, %ebp\n" /* ends the backtrace here */
    "	call	double_fault_handler\n"
    "	addl	$4, %esp\n" /* the error code */
    "	iret\n"		    /* task return: back to the main TSS */
    "	jmp	double_fault_task\n"
    ".size double_fault_task, . - double_fault_task\n");

static void report_context(const struct stack_overflow *so)
{
	uint32_t off;
	const char *sym = ksym_lookup(so->eip, &off);

	printk(KERN_EMERG
	       " eip=%08lx <%s+0x%lx> esp=%08lx ebp=%08lx eflags=%08lx\n",
	       (unsigned long)so->eip, sym ? sym : "?",
	       (unsigned long)(sym ? off : 0), (unsigned long)so->esp,
	       (unsigned long)so->ebp, (unsigned long)so->eflags);
	backtrace_from(so->eip, so->ebp);
}

/* Abandon the broken context: the main task resumes at the hook's
 * choice, in ring 0 with IRQs off and a fresh frame chain. */
static void redirect_main_task(const struct stack_overflow *so)
{
	struct tss *t = tss_main();

	t->eip = so->resume_eip;
	t->esp = so->resume_esp;
	t->ebp = 0;
	t->eflags = 0x2;
	t->cs = GDT_KERNEL_CODE;
	t->ds = t->es = t->gs = t->ss = GDT_KERNEL_DATA;
	t->fs = GDT_PERCPU; /* the per-CPU segment (kernel/percpu.h) */
}

void double_fault_handler(uint32_t err_code)
{
	struct tss *t = tss_main();
	struct stack_overflow so = {
		.fault_addr = read_cr2(),
		.eip = t->eip,
		.esp = t->esp,
		.ebp = t->ebp,
		.eflags = t->eflags,
	};

	/* The overflow is recognised by the stack pointer: the exception
	 * frame the CPU failed to push reaches into a guard page. */
	if (!kstack_guard_hit(so.esp - EXC_FRAME_BYTES, &so.stack)) {
		printk(KERN_EMERG
		       "double fault (error code 0x%lx), cr2=%08lx\n",
		       (unsigned long)err_code, (unsigned long)so.fault_addr);
		report_context(&so);
		panic("double fault");
	}
	printk(KERN_EMERG
	       "double fault: stack overflow in guard page at 0x%08lx\n",
	       (unsigned long)so.fault_addr);
	printk(KERN_EMERG
	       "BUG: stack overflow: guard page hit at 0x%08lx (kernel stack 0x%08lx-0x%08lx, slot %d)\n",
	       (unsigned long)so.fault_addr, (unsigned long)so.stack.base,
	       (unsigned long)so.stack.top - 1, so.stack.slot);
	report_context(&so);
	if (stack_overflow_hook && stack_overflow_hook(&so)) {
		redirect_main_task(&so);
		return;
	}
	panic("kernel stack overflow (stack 0x%08lx-0x%08lx)",
	      (unsigned long)so.stack.base, (unsigned long)so.stack.top - 1);
}

void double_fault_init(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		tss_set_double_fault_task(c, (uint32_t)double_fault_task,
					  (uint32_t)df_stack[c] +
						  DF_STACK_SIZE);
	idt_set_task_gate(TRAP_DF, GDT_DF_TSS);
}
