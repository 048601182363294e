/*
 * test_elf_check.c - kernel/proc/elf_check.c: a good ELF passes, and each
 * way of breaking one is refused with its own reason (the loader must
 * never map or copy anything a broken header points at).
 */
#include <stdint.h>
#include <string.h>

#include "tests/host/check.h"
#include "kernel/proc/elf_check.h"

#define LO    0xe0000000u
#define HI    0xec000000u
#define FSIZE 0x3000u

/* The header and program header layouts, as the ELF spec gives them. */
struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __attribute__((packed));

struct phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
} __attribute__((packed));

static uint8_t file[FSIZE];
static struct elf_image img;

static struct ehdr *eh(void)
{
	return (struct ehdr *)file;
}

static struct phdr *ph(int i)
{
	return (struct phdr *)(file + sizeof(struct ehdr)) + i;
}

/* text (r-x) at LO from offset 0x1000, data (rw-) at LO + 0x1000 with
 * a bss tail, entry at LO + 0x10. */
static void good_file(void)
{
	memset(file, 0, sizeof(file));
	memcpy(eh()->ident, "\177ELF\1\1\1", 7);
	eh()->type = 2;
	eh()->machine = 3;
	eh()->version = 1;
	eh()->entry = LO + 0x10;
	eh()->phoff = sizeof(struct ehdr);
	eh()->ehsize = sizeof(struct ehdr);
	eh()->phentsize = sizeof(struct phdr);
	eh()->phnum = 2;
	*ph(0) = (struct phdr){ 1, 0x1000, LO, LO, 0x800, 0x800, 5, 0x1000 };
	*ph(1) = (struct phdr){ 1,     0x2000, LO + 0x1000, LO + 0x1000,
				0x100, 0x3000, 6,	    0x1000 };
}

static const char *check(void)
{
	return elf_check(file, FSIZE, LO, HI, &img);
}

static void good_file_passes(void)
{
	good_file();
	CHECK(check() == NULL);
	CHECK_EQ(img.nr_segments, 2);
	CHECK_EQ(img.entry, LO + 0x10);
	CHECK(img.seg[0].executable && !img.seg[0].writable);
	CHECK(img.seg[1].writable && img.seg[1].memsz == 0x3000);
}

static void refused(const char *want)
{
	const char *why = check();

	CHECK(why != NULL);
	if (why && strcmp(why, want)) {
		printf("# got \"%s\", want \"%s\"\n", why, want);
		CHECK(0);
	}
}

static void header_rules(void)
{
	good_file();
	CHECK_EQ(strcmp(elf_check(file, 20, LO, HI, &img),
			"shorter than an ELF header"),
		 0);
	good_file();
	file[1] = 'X';
	refused("no ELF magic");
	good_file();
	eh()->ident[4] = 2; /* ELFCLASS64 */
	refused("not 32-bit little-endian");
	good_file();
	eh()->type = 3; /* ET_DYN */
	refused("not an i386 executable (ET_EXEC, EM_386)");
	good_file();
	eh()->machine = 62; /* x86-64 */
	refused("not an i386 executable (ET_EXEC, EM_386)");
	good_file();
	eh()->phnum = 0;
	refused("bad program header size or count");
	good_file();
	eh()->phentsize = 56;
	refused("bad program header size or count");
	good_file();
	eh()->phoff = FSIZE - 16; /* table runs past the end */
	refused("program headers outside the file");
	good_file();
	eh()->phoff = 0xfffffff0; /* huge: must not wrap */
	refused("program headers outside the file");
}

static void segment_rules(void)
{
	good_file();
	ph(1)->filesz = 0x4000;
	refused("segment with filesz > memsz");
	good_file();
	ph(0)->offset = FSIZE - 0x100; /* 0x800 bytes from there: past EOF */
	refused("segment bytes outside the file");
	good_file();
	ph(0)->offset = 0xfffff900; /* offset + filesz wraps around */
	refused("segment bytes outside the file");
	good_file();
	ph(1)->vaddr = 0xd0000000; /* kernel stacks */
	refused("segment outside the program area of user space");
	good_file();
	ph(1)->vaddr = HI - 0x1000; /* runs over the device/stack area */
	refused("segment outside the program area of user space");
	good_file();
	ph(1)->vaddr = LO + 0x1000;
	ph(1)->memsz = 0xfffff000; /* vaddr + memsz wraps */
	refused("segment outside the program area of user space");
}

static void entry_rules(void)
{
	good_file();
	eh()->entry = LO + 0x1000; /* in the data segment: not executable */
	refused("entry point not in an executable segment");
	good_file();
	eh()->entry = 0x00100000; /* the kernel */
	refused("entry point not in an executable segment");
	good_file();
	ph(0)->type = 4; /* PT_NOTE */
	ph(1)->type = 6; /* PT_PHDR */
	refused("no loadable segment");
}

static const struct test_case cases[] = {
	TEST_CASE(good_file_passes),
	TEST_CASE(header_rules),
	TEST_CASE(segment_rules),
	TEST_CASE(entry_rules),
};

int main(void)
{
	return RUN_TESTS(cases);
}
