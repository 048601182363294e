/*
 * kernel/mm/paging.h - the kernel's page directory: map, unmap, look up.
 *
 * Interlude uses classic 32-bit paging with 4 KiB pages only (no 4 MiB
 * PSE pages), so every page - including a stack's guard page - is treated
 * the same way: a page directory of 1024 entries, each pointing at a page
 * table of 1024 entries, each mapping 4 KiB (Intel SDM vol. 3, 4.3).
 *
 * There is one address space, the kernel's:
 *
 *   0 .. RAM end          identity (virtual = physical), supervisor only:
 *                         low 1 MiB and RAM read/write, kernel text and
 *                         read-only data read-only (CR0.WP makes that bind
 *                         the kernel too)
 *   ACPI/BIOS regions     identity, as the Multiboot map lists them
 *   0xd0000000            kernel stacks with guard pages (kstack.h)
 *   0xdf000000            KERNEL_SCRATCH_VA: one page never mapped at
 *                         boot, for tests (kernel only, every space; its
 *                         page table is made at boot)
 *   0xe0000000-0xefffffff user space: per process, pages with the U bit
 *   0xfec00000-0xffffffff IOAPIC, HPET, local APIC: identity, uncached
 *
 * Rules:
 *  - Addresses are virtual unless a name says phys. RAM is identity
 *    mapped, so a page table is reached through its physical address.
 *  - map_page() replaces whatever was mapped at virt; it allocates the
 *    page table if there is none. Page tables are never freed.
 *  - map_page() and unmap_page() change the kernel's part, which every
 *    address space shares: they refuse user space ([USER_BASE,
 *    USER_END), -EINVAL), which belongs to the processes (pgdir_map).
 *  - The kernel's page directory entries are supervisor read/write; the
 *    page table entry alone decides.
 *
 * Address spaces (one per process): a page directory whose kernel
 * entries are copies of the kernel's - every process sees the kernel
 * exactly as the kernel does, supervisor-only - plus entries of its own
 * for [USER_BASE, USER_END), whose page tables and pages carry the U bit.
 * A page table the kernel adds later (ioremap) is copied into every
 * address space at once, so the kernel part never differs.
 *
 * Context: paging_init() once, from mm_init(), IRQs off. The others: any
 * context; they never sleep (a spinlock, IRQs off). Before paging_init()
 * vm_is_mapped() says yes to everything (paging is off).
 */
#ifndef KERNEL_MM_PAGING_H
#define KERNEL_MM_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/* Page directory / page table entry bits (SDM vol. 3, table 4-5, 4-6). */
#define PTE_PRESENT	  (1u << 0)
#define PTE_WRITE	  (1u << 1)
#define PTE_USER	  (1u << 2)
#define PTE_PWT		  (1u << 3) /* write-through */
#define PTE_PCD		  (1u << 4) /* cache disable */
#define PTE_ACCESSED	  (1u << 5)
#define PTE_DIRTY	  (1u << 6)
#define PTE_ADDR_MASK	  0xfffff000u

#define PAGE_KERNEL	  (PTE_PRESENT | PTE_WRITE)
#define PAGE_KERNEL_RO	  (PTE_PRESENT)
#define PAGE_KERNEL_IO	  (PTE_PRESENT | PTE_WRITE | PTE_PCD | PTE_PWT)

/* Control register bits (SDM vol. 3, 2.5). */
#define CR0_WP		  (1u << 16) /* supervisor writes honour read-only */
#define CR0_PG		  (1u << 31)

/* Device windows mapped uncached before the APIC drivers run. */
#define IO_WINDOW_BASE	  0xfec00000u /* IOAPIC 0xfec00000, LAPIC 0xfee00000 */
#define IO_WINDOW_END	  0xff000000u

/* The user part of every address space (docs/memory.md). Neither the
 * identity map (RAM below PAGE_RAM_LIMIT), the kernel stack area nor the
 * I/O window reaches into it. */
#define USER_BASE	  0xe0000000u
#define KERNEL_SCRATCH_VA 0xdf000000u
#define USER_END	  0xf0000000u
#define PAGE_USER_RW	  (PTE_PRESENT | PTE_WRITE | PTE_USER)
#define PAGE_USER_RO	  (PTE_PRESENT | PTE_USER)
#define PTE_OWNED	  (1u << 9) /* software bit: free the page with the space */

/* Build the page directory from the memory map and turn paging on. */
void paging_init(void);
bool paging_enabled(void);
unsigned long paging_nr_tables(void);
/* The physical address of the page directory (what CR3 holds). */
uint32_t kernel_page_directory(void);

/* 0, or -ENOMEM if a page table could not be allocated. */
int map_page(uint32_t virt, uint32_t phys, uint32_t flags);
void unmap_page(uint32_t virt);
/* The page table entry for virt (0 if no page table / not mapped). */
uint32_t pte_lookup(uint32_t virt);
bool vm_is_mapped(uint32_t virt);
/* The physical address behind virt; false if it is not mapped. */
bool virt_to_phys(uint32_t virt, uint32_t *phys);

/* Allocate the page tables for [virt, virt + len) now, so mapping there
 * later never needs memory (and every future address space that copies
 * the kernel's directory entries sees them). 0 or -ENOMEM. */
int paging_prealloc_tables(uint32_t virt, uint32_t len);

/* Address spaces. pgdir_create: a new directory sharing the kernel part,
 * NULL without memory. pgdir_destroy frees its user page tables and the
 * pages mapped PTE_OWNED; never the active one. pgdir_map: map one user
 * page (flags should include PTE_USER); 0 or -ENOMEM/-EINVAL.
 * pgdir_unmap: take one user page out (not freed: for device memory) and
 * flush its TLB entry. pgdir_lookup: the PTE for virt, 0 if none.
 * pgdir_activate(NULL) loads the kernel's own directory. */
uint32_t *pgdir_create(void);
void pgdir_destroy(uint32_t *pd);
int pgdir_map(uint32_t *pd, uint32_t virt, uint32_t phys, uint32_t flags);
void pgdir_unmap(uint32_t *pd, uint32_t virt);
uint32_t pgdir_lookup(const uint32_t *pd, uint32_t virt);
void pgdir_activate(uint32_t *pd);
unsigned long pgdir_count(void);

/* Map device registers: identity, uncached. NULL on failure. */
void *ioremap(uint32_t phys, uint32_t len);

#endif
