/*
 * kernel/mm/mm.h - bring up memory management.
 *
 * mm_init() runs once at boot, after the memory map is known
 * (multiboot_init) and before any driver touches device memory:
 *
 *   1. page_alloc_init   the physical page bitmaps (page.h)
 *   2. paging_init       the kernel page directory; paging on (paging.h)
 *   3. kstack_init       the kernel stack area (kstack.h)
 *   4. fault handlers    #PF reports, #DF as a task gate (fault.h)
 *
 * From then on kmalloc() (kmalloc.h) works.
 *
 * Context: once, at boot, IRQs off.
 */
#ifndef KERNEL_MM_MM_H
#define KERNEL_MM_MM_H

void mm_init(void);

#endif
