/* kernel/mm/kstack.c - see kstack.h. */
#include "kernel/mm/kstack.h"

#include <stddef.h>

#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/panic.h"
#include "kernel/sched/spinlock.h"
#include "lib/errno.h"
#include "lib/string.h"

/* Pages mapped in each slot; 0 = the slot is free. */
static unsigned char slot_pages[KSTACK_SLOTS];
static unsigned nr_stacks;
static DEFINE_SPINLOCK(kstack_lock);

static uint32_t slot_top(int slot)
{
	return KSTACK_AREA_BASE + (uint32_t)(slot + 1) * KSTACK_SLOT_SIZE;
}

void kstack_init(void)
{
	if (paging_prealloc_tables(KSTACK_AREA_BASE,
				   KSTACK_AREA_END - KSTACK_AREA_BASE))
		panic("mm: no memory for the kernel stack area's page tables");
}

static int claim_slot(unsigned pages)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	int slot = -1;

	for (int i = 0; i < KSTACK_SLOTS && slot < 0; i++)
		if (!slot_pages[i])
			slot = i;
	if (slot >= 0) {
		slot_pages[slot] = pages;
		nr_stacks++;
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return slot;
}

static void release_slot(int slot)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);

	slot_pages[slot] = 0;
	nr_stacks--;
	spin_unlock_irqrestore(&kstack_lock, flags);
}

/* Unmap and free the first n pages of the stack at base. */
static void unmap_stack_pages(uint32_t base, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t va = base + i * PAGE_SIZE, pa;

		if (virt_to_phys(va, &pa)) {
			unmap_page(va);
			page_free((void *)pa);
		}
	}
}

int kstack_alloc(struct kstack *ks, unsigned pages)
{
	uint32_t base;
	int slot;

	ks->slot = -1;
	if (pages < 1 || pages > KSTACK_PAGES_MAX)
		return -EINVAL;
	slot = claim_slot(pages);
	if (slot < 0)
		return -ENOMEM;
	base = slot_top(slot) - pages * PAGE_SIZE;
	for (unsigned i = 0; i < pages; i++) {
		void *p = page_alloc();

		/* The tables were preallocated, so map_page cannot fail. */
		if (!p ||
		    map_page(base + i * PAGE_SIZE, (uint32_t)p, PAGE_KERNEL)) {
			if (p)
				page_free(p);
			unmap_stack_pages(base, i);
			release_slot(slot);
			return -ENOMEM;
		}
	}
	memset((void *)base, KSTACK_FILL, pages * PAGE_SIZE);
	ks->base = base;
	ks->top = slot_top(slot);
	ks->pages = pages;
	ks->slot = slot;
	return 0;
}

void kstack_free(struct kstack *ks)
{
	if (ks->slot < 0 || ks->slot >= KSTACK_SLOTS)
		return;
	if (WARN_ON(slot_pages[ks->slot] != ks->pages))
		return; /* not the stack this slot holds: a double free? */
	unmap_stack_pages(ks->base, ks->pages);
	release_slot(ks->slot);
	ks->slot = -1;
}

bool kstack_guard_hit(uint32_t addr, struct kstack *ks)
{
	int slot;
	unsigned pages;
	uint32_t base;

	if (addr < KSTACK_AREA_BASE || addr >= KSTACK_AREA_END)
		return false;
	slot = (addr - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE;
	pages = slot_pages[slot];
	base = slot_top(slot) - pages * PAGE_SIZE;
	if (!pages || addr >= base)
		return false;
	if (ks) {
		ks->base = base;
		ks->top = slot_top(slot);
		ks->pages = pages;
		ks->slot = slot;
	}
	return true;
}

unsigned kstack_used_bytes(const struct kstack *ks)
{
	const unsigned char *p = (const unsigned char *)ks->base;
	const unsigned char *end = (const unsigned char *)ks->top;

	while (p < end && *p == KSTACK_FILL)
		p++;
	return end - p;
}

unsigned kstack_count(void)
{
	return nr_stacks;
}
