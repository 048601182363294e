/* kernel/mm/page.c - see page.h. */
#include "kernel/mm/page.h"

#include <stdbool.h>
#include <stddef.h>

#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "lib/bitmap.h"
#include "lib/bitops.h"
#include "lib/string.h"

extern char __kernel_start[], __kernel_end[];

/* Bit n describes the frame at n * PAGE_SIZE; 1 = not free / reserved. */
static unsigned long *used_map, *reserved_map;
static uint32_t nr_frames;
static unsigned long total_pages, reserved_pages, allocated_pages;
static uint32_t search_hint; /* word index where the last search ended */
static DEFINE_SPINLOCK(page_lock);

static uint64_t region_end(const struct mem_region *r)
{
	return r->base + r->length;
}

/* The end of usable RAM, capped at PAGE_RAM_LIMIT. */
static uint32_t find_ram_end(void)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < mem_region_count(); i++) {
		const struct mem_region *r = mem_region(i);
		uint64_t e = region_end(r);

		if (r->type != MB_MEMORY_AVAILABLE || r->base >= PAGE_RAM_LIMIT)
			continue;
		if (e > PAGE_RAM_LIMIT)
			e = PAGE_RAM_LIMIT;
		if (e > end)
			end = e;
	}
	return page_align_down((uint32_t)end);
}

/* The end of whatever the loader put above the kernel (boot modules). */
static uint32_t modules_end(void)
{
	uint32_t end = page_align_up((uint32_t)__kernel_end);

	for (unsigned int i = 0; i < boot_module_count(); i++)
		if (boot_module(i)->end > end)
			end = page_align_up(boot_module(i)->end);
	return end;
}

/* Room for the bitmaps: usable RAM above 1 MiB that is not the kernel
 * nor a boot module (the modules are loaded right after the kernel). */
static uint32_t find_bitmap_home(uint32_t size, uint32_t ram_end)
{
	uint32_t kstart = (uint32_t)__kernel_start;
	uint32_t kend = modules_end();

	for (unsigned int i = 0; i < mem_region_count(); i++) {
		const struct mem_region *r = mem_region(i);
		uint64_t lo = r->base, hi = region_end(r);

		if (r->type != MB_MEMORY_AVAILABLE || lo >= ram_end)
			continue;
		if (hi > ram_end)
			hi = ram_end;
		lo = page_align_up(lo < LOW_MEMORY_END ? LOW_MEMORY_END : lo);
		if (lo < kend && hi > kstart)
			lo = kend; /* use what follows the kernel image */
		if (hi > lo && hi - lo >= size)
			return (uint32_t)lo;
	}
	panic("mm: no room for the page bitmaps (%lu bytes)",
	      (unsigned long)size);
}

/* Frames [first, last) get the given state in both maps (at boot, with
 * nobody else looking: whole words at once, lib/bitmap.h). */
static void set_frames(uint32_t first, uint32_t last, bool usable)
{
	if (last > nr_frames)
		last = nr_frames;
	if (usable) {
		bitmap_clear_range(used_map, first, last);
		bitmap_clear_range(reserved_map, first, last);
	} else {
		bitmap_set_range(used_map, first, last);
		bitmap_set_range(reserved_map, first, last);
	}
}

/* A usable region covers only whole frames; a reserved one any frame it
 * touches (a partial page of ACPI data must not be handed out). */
static void apply_region(const struct mem_region *r)
{
	uint64_t lo = r->base, hi = region_end(r);

	if (lo >= (uint64_t)nr_frames * PAGE_SIZE)
		return;
	if (r->type == MB_MEMORY_AVAILABLE)
		set_frames((lo + PAGE_SIZE - 1) >> PAGE_SHIFT, hi >> PAGE_SHIFT,
			   true);
	else
		set_frames(lo >> PAGE_SHIFT, (hi + PAGE_SIZE - 1) >> PAGE_SHIFT,
			   false);
}

/* Reserve usable frames in [base, base + len); counts them as reserved. */
static void reserve_frames(uint32_t base, uint32_t len)
{
	uint32_t first = base >> PAGE_SHIFT;
	uint32_t last = (uint32_t)(((uint64_t)base + len + PAGE_SIZE - 1) >>
				   PAGE_SHIFT);

	for (uint32_t pfn = first; pfn < last && pfn < nr_frames; pfn++) {
		if (test_bit(pfn, reserved_map))
			continue;
		if (test_bit(pfn, used_map))
			allocated_pages--; /* an allocated page retired */
		set_bit(pfn, used_map);
		set_bit(pfn, reserved_map);
		reserved_pages++;
	}
}

/* The boot modules' frames; one line for all of them (the shell's
 * `programs` lists each: a line per module cost 3 us a byte at boot). */
static void reserve_modules(void)
{
	uint32_t lo = UINT32_MAX, hi = 0;

	for (unsigned int i = 0; i < boot_module_count(); i++) {
		const struct boot_module *m = boot_module(i);

		reserve_frames(m->start, m->end - m->start);
		if (m->start < lo)
			lo = m->start;
		if (m->end > hi)
			hi = m->end;
	}
	if (boot_module_count())
		pr_info("mm: %u boot modules reserved in 0x%08lx-0x%08lx ('programs' lists them)\n",
			boot_module_count(), (unsigned long)lo,
			(unsigned long)hi - 1);
}

void page_alloc_init(void)
{
	uint32_t ram_end = find_ram_end();
	uint32_t map_bytes, home;

	nr_frames = ram_end >> PAGE_SHIFT;
	map_bytes = (nr_frames + BITS_PER_LONG - 1) / BITS_PER_LONG *
		    sizeof(unsigned long);
	home = find_bitmap_home(2 * map_bytes, ram_end);
	used_map = (unsigned long *)home;
	reserved_map = (unsigned long *)(home + map_bytes);
	memset(used_map, 0xff, 2 * map_bytes); /* nothing is RAM yet */

	/* Usable regions first, then reserved ones: where a BIOS lists a
	 * frame in both, "reserved" wins. */
	for (unsigned int i = 0; i < mem_region_count(); i++)
		if (mem_region(i)->type == MB_MEMORY_AVAILABLE)
			apply_region(mem_region(i));
	for (unsigned int i = 0; i < mem_region_count(); i++)
		if (mem_region(i)->type != MB_MEMORY_AVAILABLE)
			apply_region(mem_region(i));
	total_pages = nr_frames - bitmap_weight(used_map, nr_frames);

	reserve_frames(0, LOW_MEMORY_END);
	reserve_frames((uint32_t)__kernel_start,
		       (uint32_t)__kernel_end - (uint32_t)__kernel_start);
	reserve_frames(home, 2 * map_bytes);
	reserve_modules();
	pr_info("mm: %lu pages of RAM up to 0x%08lx, %lu reserved (low 1 MiB, kernel 0x%08lx-0x%08lx, bitmaps at 0x%08lx)\n",
		total_pages, (unsigned long)ram_end, reserved_pages,
		(unsigned long)__kernel_start, (unsigned long)__kernel_end - 1,
		(unsigned long)home);
}

/* First free frame at or after word `from`; nr_frames if none. */
static uint32_t find_free_frame(uint32_t from)
{
	uint32_t words = (nr_frames + BITS_PER_LONG - 1) / BITS_PER_LONG;

	for (uint32_t n = 0; n < words; n++) {
		uint32_t w = (from + n) % words;
		unsigned long bits = ~used_map[w];

		if (bits) {
			uint32_t pfn = w * BITS_PER_LONG + __builtin_ctzl(bits);

			if (pfn < nr_frames) {
				search_hint = w;
				return pfn;
			}
		}
	}
	return nr_frames;
}

void *page_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&page_lock);
	uint32_t pfn = find_free_frame(search_hint);

	if (pfn < nr_frames) {
		set_bit(pfn, used_map);
		allocated_pages++;
	}
	spin_unlock_irqrestore(&page_lock, flags);
	return pfn < nr_frames ? (void *)(pfn << PAGE_SHIFT) : NULL;
}

void clear_page(void *page)
{
	uint32_t *w = page;

	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = 0;
}

void *page_zalloc(void)
{
	void *p = page_alloc();

	if (p)
		clear_page(p);
	return p;
}

/* First fit: the lowest run of n free frames. */
void *page_alloc_contig(unsigned int n)
{
	unsigned long flags;
	uint32_t run = 0, pfn;

	if (n <= 1)
		return n ? page_alloc() : NULL;
	flags = spin_lock_irqsave(&page_lock);
	for (pfn = 0; pfn < nr_frames && run < n; pfn++)
		run = test_bit(pfn, used_map) ? 0 : run + 1;
	if (run == n) {
		for (uint32_t i = pfn - n; i < pfn; i++)
			set_bit(i, used_map);
		allocated_pages += n;
	}
	spin_unlock_irqrestore(&page_lock, flags);
	return run == n ? (void *)((pfn - n) << PAGE_SHIFT) : NULL;
}

/* Returns false (after a WARNING) if the frame cannot be freed. */
static bool free_one(uint32_t addr)
{
	uint32_t pfn = addr >> PAGE_SHIFT;

	if (addr & ~PAGE_MASK || pfn >= nr_frames) {
		pr_warn("page_free: 0x%08lx is not a managed page\n",
			(unsigned long)addr);
		return !WARN_ON(addr & ~PAGE_MASK || pfn >= nr_frames);
	}
	if (test_bit(pfn, reserved_map)) {
		pr_warn("page_free: 0x%08lx is reserved, never allocated\n",
			(unsigned long)addr);
		return !WARN_ON(test_bit(pfn, reserved_map));
	}
	if (!test_bit(pfn, used_map)) {
		pr_warn("page_free: double free of page 0x%08lx\n",
			(unsigned long)addr);
		return !WARN_ON(!test_bit(pfn, used_map));
	}
	clear_bit(pfn, used_map);
	allocated_pages--;
	return true;
}

bool page_is_reserved(uint32_t addr)
{
	uint32_t pfn = addr >> PAGE_SHIFT;

	return pfn < nr_frames && test_bit(pfn, reserved_map);
}

void page_free(void *p)
{
	unsigned long flags = spin_lock_irqsave(&page_lock);

	free_one((uint32_t)p);
	spin_unlock_irqrestore(&page_lock, flags);
}

void page_free_contig(void *p, unsigned int n)
{
	unsigned long flags = spin_lock_irqsave(&page_lock);

	for (unsigned int i = 0; i < n; i++)
		if (!free_one((uint32_t)p + i * PAGE_SIZE))
			break;
	spin_unlock_irqrestore(&page_lock, flags);
}

void page_reserve(uint32_t base, uint32_t len)
{
	unsigned long flags = spin_lock_irqsave(&page_lock);

	reserve_frames(base, len);
	spin_unlock_irqrestore(&page_lock, flags);
}

struct page_stats page_stats(void)
{
	struct page_stats s;
	unsigned long flags = spin_lock_irqsave(&page_lock);
	unsigned long run = 0, best = 0;

	for (uint32_t pfn = 0; pfn < nr_frames; pfn++) {
		run = test_bit(pfn, used_map) ? 0 : run + 1;
		if (run > best)
			best = run;
	}
	s.total = total_pages;
	s.reserved = reserved_pages;
	s.allocated = allocated_pages;
	s.free = total_pages - reserved_pages - allocated_pages;
	s.largest_run = best;
	spin_unlock_irqrestore(&page_lock, flags);
	return s;
}

uint32_t page_ram_end(void)
{
	return nr_frames << PAGE_SHIFT;
}
