/* kernel/multiboot.c - see multiboot.h. */
#include "kernel/multiboot.h"

#include <stddef.h>

#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "lib/ustar.h"

static char boot_cmdline[CMDLINE_MAX];
static char loader_name[48];
static struct mem_region regions[MEM_REGIONS_MAX];
static unsigned int nr_regions;
static struct boot_module modules[MODULES_MAX];
static unsigned int nr_modules;

static void copy_mmap(const struct multiboot_info *info)
{
	uint32_t pos = info->mmap_addr;
	uint32_t end = info->mmap_addr + info->mmap_length;

	while (pos < end && nr_regions < MEM_REGIONS_MAX) {
		const struct multiboot_mmap_entry *e =
			(const struct multiboot_mmap_entry *)pos;

		regions[nr_regions].base = e->addr;
		regions[nr_regions].length = e->len;
		regions[nr_regions].type = e->type;
		nr_regions++;
		pos += e->size + sizeof(e->size);
	}
}

/* Without a map, the basic lower/upper sizes still describe usable RAM. */
static void basic_mmap(const struct multiboot_info *info)
{
	regions[0] = (struct mem_region){ 0, info->mem_lower * 1024ull, 1 };
	regions[1] =
		(struct mem_region){ 0x100000, info->mem_upper * 1024ull, 1 };
	nr_regions = 2;
}

/* "/boot/user/hello.elf args" -> "hello" */
static void module_name(char *dst, const char *cmdline)
{
	const char *start = cmdline, *end;
	size_t len;

	while (*start == ' ')
		start++;
	end = start;
	while (*end && *end != ' ')
		end++;
	for (const char *p = start; p < end; p++)
		if (*p == '/')
			start = p + 1;
	len = end - start;
	if (len > 4 && !strncmp(end - 4, ".elf", 4))
		len -= 4;
	if (len >= MODULE_NAME_LEN)
		len = MODULE_NAME_LEN - 1;
	memcpy(dst, start, len);
	dst[len] = '\0';
}

static struct boot_module *new_module(void)
{
	if (nr_modules == MODULES_MAX) {
		pr_warn("multiboot: more than %d modules; the rest are ignored\n",
			MODULES_MAX);
		return NULL;
	}
	return &modules[nr_modules++];
}

/* Each regular file of a ustar archive becomes a module of its own,
 * named after the file (lib/ustar.h): the ISO's programs.tar. */
static void split_archive(const char *archive_name, uint32_t start,
			  uint32_t end)
{
	const uint8_t *buf = (const uint8_t *)start;
	struct ustar_member m;
	struct boot_module *bm;
	size_t pos = 0;
	int r;

	while ((r = ustar_next(buf, end - start, &pos, &m)) > 0) {
		if (m.type != '0')
			continue; /* directories and links: nothing to run */
		bm = new_module();
		if (!bm)
			return;
		bm->start = (uint32_t)m.data;
		bm->end = bm->start + m.size;
		module_name(bm->name, m.name);
	}
	if (r < 0)
		pr_warn("multiboot: %s: damaged archive at byte %lu; the rest is ignored\n",
			archive_name, (unsigned long)pos);
}

static void copy_modules(const struct multiboot_info *info)
{
	const struct multiboot_mod_entry *m =
		(const struct multiboot_mod_entry *)info->mods_addr;

	for (uint32_t i = 0; i < info->mods_count; i++) {
		const char *cmdline =
			m[i].cmdline ? (const char *)m[i].cmdline : "?";
		struct boot_module *bm;

		if (ustar_is_archive((const uint8_t *)m[i].mod_start,
				     m[i].mod_end - m[i].mod_start)) {
			split_archive(cmdline, m[i].mod_start, m[i].mod_end);
			continue;
		}
		bm = new_module();
		if (!bm)
			return;
		bm->start = m[i].mod_start;
		bm->end = m[i].mod_end;
		module_name(bm->name, cmdline);
	}
}

int multiboot_init(uint32_t magic, const struct multiboot_info *info)
{
	if (magic != MULTIBOOT_LOADER_MAGIC || !info)
		return -1;
	if (info->flags & MB_INFO_CMDLINE)
		strlcpy(boot_cmdline, (const char *)info->cmdline,
			sizeof(boot_cmdline));
	if (info->flags & MB_INFO_LOADER_NAME)
		strlcpy(loader_name, (const char *)info->boot_loader_name,
			sizeof(loader_name));
	if (info->flags & MB_INFO_MEM_MAP)
		copy_mmap(info);
	else if (info->flags & MB_INFO_MEMORY)
		basic_mmap(info);
	if (info->flags & MB_INFO_MODS)
		copy_modules(info);
	return 0;
}

const char *multiboot_cmdline(void)
{
	return boot_cmdline;
}

const char *multiboot_loader_name(void)
{
	return loader_name[0] ? loader_name : "unknown loader";
}

unsigned int mem_region_count(void)
{
	return nr_regions;
}

const struct mem_region *mem_region(unsigned int i)
{
	return i < nr_regions ? &regions[i] : NULL;
}

uint64_t mem_usable_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < nr_regions; i++)
		if (regions[i].type == MB_MEMORY_AVAILABLE)
			sum += regions[i].length;
	return sum;
}

unsigned int boot_module_count(void)
{
	return nr_modules;
}

const struct boot_module *boot_module(unsigned int i)
{
	return i < nr_modules ? &modules[i] : NULL;
}

const struct boot_module *boot_module_find(const char *name)
{
	for (unsigned int i = 0; i < nr_modules; i++)
		if (!strcmp(modules[i].name, name))
			return &modules[i];
	return NULL;
}
