/*
 * kernel/arch/idt.c - the interrupt descriptor table (SDM vol. 3, 6.11).
 *
 * All 256 gates are 32-bit interrupt gates (the CPU clears IF on entry),
 * pointing at the stubs generated in entry.S. Ring 3 may raise only the
 * gates opened with idt_set_user_gate() (DPL 3: the system call vector,
 * int 0x80); "int n" on any other vector is a #GP.
 *
 * One exception: once paging is on, the double fault (vector 8) becomes a
 * task gate (idt_set_task_gate), so it runs on its own stack even when the
 * current stack is the broken thing (kernel/mm/double_fault.c).
 */
#include <stdint.h>

#include "boot/gdt.h"
#include "kernel/arch/trap.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr; /* present | DPL | gate type */
	uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

#define GATE_PRESENT	 0x80
#define GATE_INTERRUPT32 0x0e
#define GATE_TASK	 0x05
#define GATE_DPL3	 0x60

extern const uint32_t trap_stub_table[256];
static struct idt_gate idt[256];

void idt_load(void)
{
	struct idt_pointer p = { sizeof(idt) - 1, (uint32_t)idt };

	asm volatile("lidt (%0)" : : "r"(&p) : "memory");
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint32_t stub = trap_stub_table[v];

		idt[v].offset_low = stub & 0xffff;
		idt[v].selector = GDT_KERNEL_CODE;
		idt[v].zero = 0;
		idt[v].type_attr = GATE_PRESENT | GATE_INTERRUPT32;
		idt[v].offset_high = stub >> 16;
	}
	idt_load();
}

void idt_set_task_gate(unsigned vector, uint16_t tss_selector)
{
	if (vector >= 256)
		return;
	idt[vector].offset_low = 0; /* a task gate has no offset */
	idt[vector].selector = tss_selector;
	idt[vector].zero = 0;
	idt[vector].type_attr = GATE_PRESENT | GATE_TASK;
	idt[vector].offset_high = 0;
}

void idt_set_user_gate(unsigned vector)
{
	if (vector < 256)
		idt[vector].type_attr |= GATE_DPL3;
}
