/*
 * kernel/proc/elf_check.h - is this file a program Interlude can load?
 * (System V ABI "ELF" chapter; i386 supplement.)
 *
 * Pure logic - no memory is mapped, nothing is printed - so the rules are
 * tested on the host (tests/host/test_elf_check.c) with every kind of
 * broken file. elf_check() trusts nothing in the file:
 *  - ELF magic, ELFCLASS32, little endian, ET_EXEC, EM_386;
 *  - program header entries of the ELF32 size, 1..ELF_MAX_SEGMENTS of
 *    them, the table inside the file;
 *  - each PT_LOAD segment: filesz <= memsz, its file bytes inside the
 *    file, [vaddr, vaddr + memsz) inside [lo, hi) without wrapping;
 *  - at least one PT_LOAD; the entry point inside a loaded, executable
 *    segment.
 * It returns NULL and fills *img, or the rule the file broke (a string
 * for the refusal message).
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_PROC_ELF_CHECK_H
#define KERNEL_PROC_ELF_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint32_t vaddr, memsz;	 /* where, how big in memory */
	uint32_t offset, filesz; /* the bytes from the file */
	bool writable, executable;
};

struct elf_image {
	uint32_t entry;
	int nr_segments; /* PT_LOAD segments only, in file order */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

const char *elf_check(const uint8_t *file, uint32_t size, uint32_t lo,
		      uint32_t hi, struct elf_image *img);

#endif
