/*
 * kernel/multiboot.h - what the boot loader tells us (Multiboot spec 0.6.96,
 * section 3.3 "Boot information format").
 *
 * The loader leaves a struct multiboot_info in low memory; multiboot_init()
 * copies out what Interlude needs (command line, memory map, loader name,
 * the list of boot modules) before anything can overwrite it. The modules'
 * contents stay where the loader put them: page_alloc_init() reserves
 * their pages so the allocator never hands them out.
 *
 * Context: multiboot_init() once at boot; the getters anywhere.
 */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_LOADER_MAGIC 0x2badb002 /* in EAX at entry */

#define MB_INFO_MEMORY	       (1u << 0) /* mem_lower/mem_upper valid */
#define MB_INFO_CMDLINE	       (1u << 2)
#define MB_INFO_MODS	       (1u << 3)
#define MB_INFO_MEM_MAP	       (1u << 6)
#define MB_INFO_LOADER_NAME    (1u << 9)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / above */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

/* One memory map entry; "size" does not count itself. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

#define MB_MEMORY_AVAILABLE 1

struct mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* 1 = usable RAM; others reserved */
};

#define MEM_REGIONS_MAX 32

/* A boot module (Multiboot 3.3 "mods"): a file the loader put in memory
 * beside the kernel - here, the user programs. The name is the first word
 * of the module's command line without directories and ".elf". A module
 * that is a ustar archive (the ISO's programs.tar, lib/ustar.h) is split:
 * each regular file in it is a module, named after the file. */
struct multiboot_mod_entry {
	uint32_t mod_start, mod_end, cmdline, reserved;
} __attribute__((packed));

#define MODULES_MAX	32
#define MODULE_NAME_LEN 24
#define MODULE_ARGS_LEN 64

struct boot_module {
	uint32_t start, end; /* physical [start, end) */
	char name[MODULE_NAME_LEN];
};

/* Returns 0, or -1 if the magic is not a Multiboot loader's. */
int multiboot_init(uint32_t magic, const struct multiboot_info *info);
const char *multiboot_cmdline(void);
const char *multiboot_loader_name(void);
unsigned int mem_region_count(void);
const struct mem_region *mem_region(unsigned int i);
uint64_t mem_usable_bytes(void);
unsigned int boot_module_count(void);
const struct boot_module *boot_module(unsigned int i);
const struct boot_module *boot_module_find(const char *name);

#endif
