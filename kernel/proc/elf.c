/*
 * kernel/proc/elf.c - load a static 32-bit ELF executable into an
 * address space.
 *
 * elf_check() (elf_check.c, tested on the host) decides whether the file
 * is one to trust - header, program headers, every segment inside the
 * file and inside the program area of user space, the entry point in an
 * executable segment. A file that breaks a rule is refused with a
 * message naming the rule. Then each PT_LOAD segment gets zeroed pages
 * (the tail past filesz is .bss) and its file bytes; nothing of a failed
 * load stays mapped (the caller destroys the half-built address space).
 */
#include <stddef.h>

#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/printk.h"
#include "kernel/proc/elf_check.h"
#include "kernel/proc/proc.h"
#include "lib/errno.h"
#include "lib/string.h"

static int refuse(const struct boot_module *m, const char *why)
{
	pr_err("elf: %s: %s; refused\n", m->name, why);
	return -ENOEXEC;
}

/* Make sure every page of [va, va + len) is mapped; add W if asked. */
static int map_segment_pages(uint32_t *pd, uint32_t va, uint32_t len,
			     bool write)
{
	uint32_t end = va + len;

	for (uint32_t pg = page_align_down(va); pg < end; pg += PAGE_SIZE) {
		uint32_t pte = pgdir_lookup(pd, pg);
		uint32_t flags =
			PAGE_USER_RO | PTE_OWNED | (write ? PTE_WRITE : 0);
		void *page;

		if (pte & PTE_PRESENT) { /* shared with the previous segment */
			if (write)
				pgdir_map(pd, pg, pte,
					  (pte | PTE_WRITE) & 0xfff);
			continue;
		}
		page = page_zalloc();
		if (!page || pgdir_map(pd, pg, (uint32_t)page, flags)) {
			if (page)
				page_free(page);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Copy file bytes into the segment through the physical pages (RAM is
 * identity-mapped), so the target space need not be the active one. */
static void copy_into(uint32_t *pd, uint32_t va, const uint8_t *src,
		      uint32_t len)
{
	while (len) {
		uint32_t off = va & ~PAGE_MASK;
		uint32_t chunk = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		uint8_t *dst =
			(uint8_t *)(pgdir_lookup(pd, va) & PTE_ADDR_MASK);

		memcpy(dst + off, src, chunk);
		va += chunk;
		src += chunk;
		len -= chunk;
	}
}

int elf_load(uint32_t *pd, const struct boot_module *m, uint32_t *entry)
{
	const uint8_t *file = (const uint8_t *)m->start;
	struct elf_image img;
	const char *why = elf_check(file, m->end - m->start, USER_BASE,
				    USER_MMIO_BASE, &img);

	if (why)
		return refuse(m, why);
	for (int i = 0; i < img.nr_segments; i++) {
		const struct elf_segment *s = &img.seg[i];
		int err;

		if (!s->memsz)
			continue;
		err = map_segment_pages(pd, s->vaddr, s->memsz, s->writable);
		if (err) {
			pr_err("elf: %s: out of memory\n", m->name);
			return err;
		}
		copy_into(pd, s->vaddr, file + s->offset, s->filesz);
	}
	*entry = img.entry;
	return 0;
}
