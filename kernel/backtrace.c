/* kernel/backtrace.c - see backtrace.h. */
#include "kernel/backtrace.h"

#include <stddef.h>

#include "kernel/mm/paging.h"
#include "kernel/printk.h"
#include "lib/string.h"

/*
 * The .ksyms section (generated): a count, then that many entries sorted
 * by address, each an address and a pointer to its NUL-terminated name.
 * The first link pass has an empty section, so lookups just fail.
 */
struct ksym {
	uint32_t addr;
	const char *name;
};

extern const uint32_t __ksyms_start[], __ksyms_end[];
extern const char __kernel_start[], __kernel_end[];

#define BACKTRACE_MAX_FRAMES 16

unsigned int ksym_count(void)
{
	if ((uintptr_t)__ksyms_end == (uintptr_t)__ksyms_start)
		return 0;
	return __ksyms_start[0];
}

static const struct ksym *ksym_table(void)
{
	return (const struct ksym *)&__ksyms_start[1];
}

const char *ksym_lookup(uint32_t addr, uint32_t *offset)
{
	const struct ksym *syms = ksym_table();
	unsigned int lo = 0, hi = ksym_count();

	if (!hi || addr < syms[0].addr)
		return NULL;
	/* Binary search for the last symbol at or below addr. */
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - syms[lo].addr;
	return syms[lo].name;
}

uint32_t ksym_address(const char *name)
{
	const struct ksym *syms = ksym_table();

	for (unsigned int i = 0; i < ksym_count(); i++)
		if (!strcmp(syms[i].name, name))
			return syms[i].addr;
	return 0;
}

static void print_frame(uint32_t eip)
{
	uint32_t off;
	const char *name = ksym_lookup(eip, &off);

	if (name)
		printk(KERN_ERR " [<%08lx>] %s+0x%lx\n", (unsigned long)eip,
		       name, (unsigned long)off);
	else
		printk(KERN_ERR " [<%08lx>] ?\n", (unsigned long)eip);
}

/* A frame pointer we may read: word aligned and mapped (stacks live in
 * RAM or in the stack area at 0xd0000000). */
static int frame_ok(uint32_t ebp)
{
	if (!ebp || (ebp & 3) || ebp < 0x1000)
		return 0;
	return !paging_enabled() ||
	       (vm_is_mapped(ebp) && vm_is_mapped(ebp + 7));
}

void backtrace_from(uint32_t eip, uint32_t ebp)
{
	printk(KERN_ERR "Call trace:\n");
	print_frame(eip);
	for (int i = 0; i < BACKTRACE_MAX_FRAMES && frame_ok(ebp); i++) {
		const uint32_t *frame = (const uint32_t *)ebp;
		uint32_t ret = frame[1];

		if (!ret)
			break;
		print_frame(ret - 1); /* -1: name the call, not what follows */
		if (frame[0] <= ebp)  /* stacks grow down: callers are above */
			break;
		ebp = frame[0];
	}
}

void dump_stack(void)
{
	uint32_t ebp;

	asm volatile("movl %%ebp, %0" : "=r"(ebp));
	backtrace_from((uint32_t)__builtin_return_address(0),
		       ((const uint32_t *)ebp)[0]);
}
