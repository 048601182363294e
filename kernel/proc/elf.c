/*
 * kernel/proc/elf.c - load a static 32-bit ELF executable into an
 * address space (System V ABI, "ELF" chapter; i386 supplement).
 *
 * Trust nothing in the file: the header must say ELF32, little endian,
 * EXEC, i386; the program header table and every PT_LOAD segment's file
 * bytes must lie inside the module; each segment must fit in user space
 * below the stack, with filesz <= memsz; the entry point must be inside a
 * loaded, executable segment. A file that breaks a rule is refused with a
 * message naming the rule, and nothing of it stays mapped (the caller
 * destroys the half-built address space).
 */
#include <stddef.h>

#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "lib/errno.h"
#include "lib/string.h"

#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define ET_EXEC	    2
#define EM_386	    3
#define PT_LOAD	    1
#define PF_X	    1
#define PF_W	    2

struct elf32_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum;
	uint16_t e_shentsize, e_shnum, e_shstrndx;
} __attribute__((packed));

struct elf32_phdr {
	uint32_t p_type, p_offset, p_vaddr, p_paddr;
	uint32_t p_filesz, p_memsz, p_flags, p_align;
} __attribute__((packed));

#define ELF_MAX_PHDRS 16

static int refuse(const struct boot_module *m, const char *why)
{
	pr_err("elf: %s: %s; refused\n", m->name, why);
	return -ENOEXEC;
}

static int check_header(const struct boot_module *m,
			const struct elf32_ehdr *eh, uint32_t size)
{
	if (size < sizeof(*eh))
		return refuse(m, "shorter than an ELF header");
	if (memcmp(eh->e_ident, "\177ELF", 4))
		return refuse(m, "no ELF magic");
	if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB)
		return refuse(m, "not 32-bit little-endian");
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_386)
		return refuse(m, "not an i386 executable (ET_EXEC, EM_386)");
	if (eh->e_phentsize != sizeof(struct elf32_phdr) || !eh->e_phnum ||
	    eh->e_phnum > ELF_MAX_PHDRS)
		return refuse(m, "bad program header size or count");
	if (eh->e_phoff > size ||
	    (uint32_t)eh->e_phnum * eh->e_phentsize > size - eh->e_phoff)
		return refuse(m, "program headers outside the file");
	return 0;
}

static int check_segment(const struct boot_module *m,
			 const struct elf32_phdr *ph, uint32_t size)
{
	if (ph->p_filesz > ph->p_memsz)
		return refuse(m, "segment with filesz > memsz");
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return refuse(m, "segment bytes outside the file");
	if (ph->p_vaddr < USER_BASE || ph->p_vaddr >= USER_STACK_BOTTOM ||
	    ph->p_memsz > USER_STACK_BOTTOM - ph->p_vaddr)
		return refuse(m,
			      "segment outside user space (or over the stack)");
	return 0;
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

static bool entry_ok(const struct elf32_ehdr *eh, const struct elf32_phdr *ph)
{
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X) &&
		    eh->e_entry >= ph[i].p_vaddr &&
		    eh->e_entry - ph[i].p_vaddr < ph[i].p_memsz)
			return true;
	return false;
}

int elf_load(uint32_t *pd, const struct boot_module *m, uint32_t *entry)
{
	const uint8_t *file = (const uint8_t *)m->start;
	uint32_t size = m->end - m->start;
	const struct elf32_ehdr *eh = (const struct elf32_ehdr *)file;
	const struct elf32_phdr *ph;
	int err = check_header(m, eh, size), loaded = 0;

	if (err)
		return err;
	ph = (const struct elf32_phdr *)(file + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		err = check_segment(m, &ph[i], size);
		if (err)
			return err;
	}
	if (!entry_ok(eh, ph))
		return refuse(m, "entry point not in an executable segment");
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		err = map_segment_pages(pd, ph[i].p_vaddr, ph[i].p_memsz,
					ph[i].p_flags & PF_W);
		if (err) {
			pr_err("elf: %s: out of memory\n", m->name);
			return err;
		}
		copy_into(pd, ph[i].p_vaddr, file + ph[i].p_offset,
			  ph[i].p_filesz);
		loaded++;
	}
	if (!loaded)
		return refuse(m, "no loadable segment");
	*entry = eh->e_entry;
	return 0;
}
