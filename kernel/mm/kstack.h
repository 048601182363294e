/*
 * kernel/mm/kstack.h - kernel stacks with guard pages.
 *
 * Each kernel stack lives in its own 64 KiB slot of the kernel stack area
 * (virtual 0xd0000000 up). The stack's pages sit at the top of the slot;
 * everything below them in the slot stays unmapped - at least one guard
 * page. A stack that grows past its bottom touches the guard and faults
 * at once, instead of silently overwriting whatever lay below it:
 *
 *   slot base                                     slot base + 64 KiB
 *   | guard (unmapped) ........ | stack page | ... | stack page |
 *                               ^ ks->base                     ^ ks->top
 *                                 (lowest byte)    (initial ESP)
 *
 * The physical pages come from page_alloc() one by one; they need not be
 * contiguous, since the stack is reached only through its mapping.
 *
 * A new stack is filled with KSTACK_FILL bytes; kstack_used_bytes() finds
 * the lowest byte that is no longer the fill, i.e. the deepest the stack
 * has ever been (its high-water mark).
 *
 * Rules: a struct kstack is owned by its caller (a thread); kstack_free()
 * the stack you allocated, once, and not while running on it.
 *
 * Context: kstack_alloc/kstack_free: task context (not in an interrupt
 * handler); they do not sleep. kstack_guard_hit: any, including the
 * page-fault and double-fault handlers.
 */
#ifndef KERNEL_MM_KSTACK_H
#define KERNEL_MM_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#define KSTACK_AREA_BASE     0xd0000000u
#define KSTACK_SLOT_PAGES    16 /* 64 KiB of address space per stack */
#define KSTACK_SLOT_SIZE     (KSTACK_SLOT_PAGES * 4096u)
#define KSTACK_SLOTS	     256 /* at most this many stacks: 16 MiB */
#define KSTACK_AREA_END	     (KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE)
#define KSTACK_PAGES_DEFAULT 4 /* 16 KiB, the usual kernel thread stack */
#define KSTACK_PAGES_MAX     (KSTACK_SLOT_PAGES - 1) /* keeps a guard */
#define KSTACK_FILL	     0x57		     /* 'W': never written */

struct kstack {
	uint32_t base;	/* lowest mapped byte */
	uint32_t top;	/* one past the highest byte: the initial ESP */
	unsigned pages; /* mapped pages (without the guard) */
	int slot;	/* index in the stack area; -1 = none */
};

/* Reserve the area's page tables; from mm_init(). */
void kstack_init(void);

/* 0, -EINVAL (pages out of 1..KSTACK_PAGES_MAX), -ENOMEM (no slot or no
 * memory: nothing is left allocated). */
int kstack_alloc(struct kstack *ks, unsigned pages);
void kstack_free(struct kstack *ks);

/* Is addr in the unmapped part (the guard) of an allocated stack's slot?
 * If so and ks is not NULL, *ks describes that stack. */
bool kstack_guard_hit(uint32_t addr, struct kstack *ks);

/* Deepest use so far, in bytes from the top (the high-water mark). */
unsigned kstack_used_bytes(const struct kstack *ks);

/* Stacks allocated now. */
unsigned kstack_count(void);

#endif
