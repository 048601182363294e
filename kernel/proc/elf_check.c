/* kernel/proc/elf_check.c - see elf_check.h. */
#include "kernel/proc/elf_check.h"

#include <stddef.h>

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

static const char *check_header(const struct elf32_ehdr *eh, uint32_t size)
{
	if (size < sizeof(*eh))
		return "shorter than an ELF header";
	if (memcmp(eh->e_ident, "\177ELF", 4))
		return "no ELF magic";
	if (eh->e_ident[4] != ELFCLASS32 || eh->e_ident[5] != ELFDATA2LSB)
		return "not 32-bit little-endian";
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_386)
		return "not an i386 executable (ET_EXEC, EM_386)";
	if (eh->e_phentsize != sizeof(struct elf32_phdr) || !eh->e_phnum ||
	    eh->e_phnum > ELF_MAX_SEGMENTS)
		return "bad program header size or count";
	if (eh->e_phoff > size ||
	    (uint32_t)eh->e_phnum * eh->e_phentsize > size - eh->e_phoff)
		return "program headers outside the file";
	return NULL;
}

static const char *check_segment(const struct elf32_phdr *ph, uint32_t size,
				 uint32_t lo, uint32_t hi)
{
	if (ph->p_filesz > ph->p_memsz)
		return "segment with filesz > memsz";
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return "segment bytes outside the file";
	if (ph->p_vaddr < lo || ph->p_vaddr >= hi ||
	    ph->p_memsz > hi - ph->p_vaddr)
		return "segment outside the program area of user space";
	return NULL;
}

static bool entry_ok(const struct elf_image *img)
{
	for (int i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (s->executable && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

const char *elf_check(const uint8_t *file, uint32_t size, uint32_t lo,
		      uint32_t hi, struct elf_image *img)
{
	const struct elf32_ehdr *eh = (const struct elf32_ehdr *)file;
	const struct elf32_phdr *ph;
	const char *why = check_header(eh, size);

	if (why)
		return why;
	ph = (const struct elf32_phdr *)(file + eh->e_phoff);
	img->nr_segments = 0;
	img->entry = eh->e_entry;
	for (int i = 0; i < eh->e_phnum; i++) {
		struct elf_segment *s = &img->seg[img->nr_segments];

		if (ph[i].p_type != PT_LOAD)
			continue;
		why = check_segment(&ph[i], size, lo, hi);
		if (why)
			return why;
		*s = (struct elf_segment){ ph[i].p_vaddr,
					   ph[i].p_memsz,
					   ph[i].p_offset,
					   ph[i].p_filesz,
					   (ph[i].p_flags & PF_W) != 0,
					   (ph[i].p_flags & PF_X) != 0 };
		img->nr_segments++;
	}
	if (!img->nr_segments)
		return "no loadable segment";
	if (!entry_ok(img))
		return "entry point not in an executable segment";
	return NULL;
}
