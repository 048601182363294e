/*
 * kernel/backtrace.h - name the functions on the stack.
 *
 * The kernel is built with frame pointers: every function's prologue
 * pushes the caller's EBP, so [ebp] is the previous frame and [ebp+4] the
 * return address. Walking that chain and looking each address up in the
 * symbol table embedded by the second link pass (scripts/mksyms.sh) gives
 * a readable call trace.
 *
 * Context: any; does not sleep. Never faults on a broken chain: frames
 * outside the kernel's memory end the walk.
 */
#ifndef KERNEL_BACKTRACE_H
#define KERNEL_BACKTRACE_H

#include <stdint.h>

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(uint32_t addr, uint32_t *offset);
/* Look a function up by name; 0 if absent. */
uint32_t ksym_address(const char *name);
unsigned int ksym_count(void);

/* Print " [<eip>] name+0xoff" lines, starting at the given frame. */
void backtrace_from(uint32_t eip, uint32_t ebp);
void dump_stack(void);

#endif
