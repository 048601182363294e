/*
 * kernel/mm/page.h - the physical page allocator.
 *
 * Physical memory is handed out in 4 KiB page frames. One bit per frame
 * says "not free"; a second bit says "reserved": never to be handed out
 * (holes and reserved regions of the Multiboot memory map, everything
 * below 1 MiB, the kernel image, the bitmaps themselves). A frame is thus
 * reserved, free, or allocated.
 *
 * Rules:
 *  - RAM is identity-mapped (kernel/mm/paging.h): the address page_alloc()
 *    returns is both the physical address and a pointer the kernel may
 *    use. Pages are not cleared; page_zalloc() clears.
 *  - Only RAM below PAGE_RAM_LIMIT is managed (the rest of the 4 GiB
 *    belongs to the kernel stack area and to devices).
 *  - page_free() of a page that is free already (double free), reserved,
 *    or not managed at all prints a WARNING and changes nothing.
 *
 * Context: page_alloc_init() once at boot (mm_init). Everything else:
 * any context, including hard-IRQ; never sleeps (a spinlock, IRQs off).
 */
#ifndef KERNEL_MM_PAGE_H
#define KERNEL_MM_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT     12
#define PAGE_SIZE      (1u << PAGE_SHIFT)
#define PAGE_MASK      (~(PAGE_SIZE - 1))
#define PAGE_RAM_LIMIT 0xc0000000u /* RAM above 3 GiB is left unused */
#define LOW_MEMORY_END 0x100000u   /* BIOS, VGA, EBDA: never allocated */

static inline uint32_t page_align_down(uint32_t a)
{
	return a & PAGE_MASK;
}

static inline uint32_t page_align_up(uint32_t a)
{
	return (a + PAGE_SIZE - 1) & PAGE_MASK;
}

struct page_stats {
	unsigned long total;	   /* usable RAM pages from the memory map */
	unsigned long free;	   /* ready for page_alloc() */
	unsigned long reserved;	   /* usable but reserved at boot */
	unsigned long allocated;   /* handed out by page_alloc() */
	unsigned long largest_run; /* longest run of contiguous free pages */
};

/* Build the bitmaps from the Multiboot memory map. */
void page_alloc_init(void);

/* One page (or n contiguous pages); NULL when there is none. */
void *page_alloc(void);
void *page_zalloc(void);
void clear_page(void *page); /* 4 KiB of zeros, a word at a time */
void *page_alloc_contig(unsigned int n);
void page_free(void *p);
void page_free_contig(void *p, unsigned int n);

/* Take a range out of circulation (e.g. a boot module); page granular. */
void page_reserve(uint32_t base, uint32_t len);
/* Is the frame holding addr managed and reserved (never handed out)? */
bool page_is_reserved(uint32_t addr);

struct page_stats page_stats(void);
/* The highest managed RAM address + 1 (what paging identity-maps). */
uint32_t page_ram_end(void);

#endif
