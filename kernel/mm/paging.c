/* kernel/mm/paging.c - see paging.h. */
#include "kernel/mm/paging.h"

#include <stddef.h>

#include "boot/gdt.h"
#include "kernel/mm/page.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "lib/errno.h"

#define PD_INDEX(va)	 ((va) >> 22)
#define PT_INDEX(va)	 (((va) >> 12) & 0x3ff)
#define HUGE_REGION_SKIP (64u << 20) /* e.g. q35's 256 MiB PCIe window */

/* Linker symbols: the image, and the end of its read-only part (the last
 * table in .rodata; .data starts on the next page, see linker.ld). */
extern char __kernel_start[], __kernel_end[], __ktest_suites_end[];

static uint32_t *page_dir; /* physical = virtual */
static bool paging_on;
static unsigned long nr_page_tables;
static DEFINE_SPINLOCK(paging_lock);

/* Every process page directory, so a new kernel page table reaches all. */
#define PGDIRS_MAX 64
static uint32_t *pgdirs[PGDIRS_MAX];
static unsigned long nr_pgdirs;

static bool is_user_pde(unsigned int i)
{
	return i >= PD_INDEX(USER_BASE) && i < PD_INDEX(USER_END);
}

/* A kernel page directory entry changed: copy it into every space. */
static void share_kernel_pde(unsigned int i)
{
	for (int n = 0; n < PGDIRS_MAX; n++)
		if (pgdirs[n])
			pgdirs[n][i] = page_dir[i];
}

static inline void write_cr3(uint32_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint32_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* Drop the TLB's cached copy of one translation. */
static inline void invlpg(uint32_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* The page table covering va, allocating it if asked; NULL if none. */
static uint32_t *page_table(uint32_t va, bool create)
{
	uint32_t *pde = &page_dir[PD_INDEX(va)];
	uint32_t *pt;

	if (*pde & PTE_PRESENT)
		return (uint32_t *)(*pde & PTE_ADDR_MASK);
	if (!create)
		return NULL;
	pt = page_zalloc();
	if (!pt)
		return NULL;
	nr_page_tables++;
	*pde = (uint32_t)pt | PTE_PRESENT | PTE_WRITE;
	share_kernel_pde(PD_INDEX(va));
	return pt;
}

/* The kernel's tables are copied into every address space: a kernel
 * mapping in user space would replace each process's own page table
 * there (the mm suite once did that to every running program). */
static bool refuse_user_va(const char *who, uint32_t virt)
{
	if (virt < USER_BASE || virt >= USER_END)
		return false;
	pr_err("%s: 0x%08lx is in user space, which belongs to the processes (use pgdir_map); refused\n",
	       who, (unsigned long)virt);
	return true;
}

int map_page(uint32_t virt, uint32_t phys, uint32_t flags)
{
	unsigned long irqf;
	uint32_t *pt;

	if (refuse_user_va("map_page", virt))
		return -EINVAL;
	irqf = spin_lock_irqsave(&paging_lock);
	pt = page_table(virt, true);

	if (pt) {
		pt[PT_INDEX(virt)] = (phys & PTE_ADDR_MASK) | flags;
		if (paging_on)
			invlpg(virt);
	}
	spin_unlock_irqrestore(&paging_lock, irqf);
	return pt ? 0 : -ENOMEM;
}

void unmap_page(uint32_t virt)
{
	unsigned long irqf;
	uint32_t *pt;

	if (refuse_user_va("unmap_page", virt))
		return;
	irqf = spin_lock_irqsave(&paging_lock);
	pt = page_table(virt, false);

	if (pt) {
		pt[PT_INDEX(virt)] = 0;
		if (paging_on)
			invlpg(virt);
	}
	spin_unlock_irqrestore(&paging_lock, irqf);
}

int paging_prealloc_tables(uint32_t virt, uint32_t len)
{
	unsigned long irqf = spin_lock_irqsave(&paging_lock);
	uint64_t end = (uint64_t)virt + len;
	int ret = 0;

	for (uint64_t va = virt & ~0x3fffffu; va < end; va += 1u << 22)
		if (!page_table((uint32_t)va, true))
			ret = -ENOMEM;
	spin_unlock_irqrestore(&paging_lock, irqf);
	return ret;
}

uint32_t pte_lookup(uint32_t virt)
{
	uint32_t *pt;

	if (!page_dir)
		return 0;
	pt = page_table(virt, false);
	return pt ? pt[PT_INDEX(virt)] : 0;
}

bool vm_is_mapped(uint32_t virt)
{
	return !paging_on || (pte_lookup(virt) & PTE_PRESENT);
}

bool virt_to_phys(uint32_t virt, uint32_t *phys)
{
	uint32_t pte;

	if (!paging_on) {
		*phys = virt;
		return true;
	}
	pte = pte_lookup(virt);
	if (!(pte & PTE_PRESENT))
		return false;
	*phys = (pte & PTE_ADDR_MASK) | (virt & ~PTE_ADDR_MASK);
	return true;
}

/*
 * Identity-map [start, end) (rounded out to pages) with the given flags,
 * a page table at a time under one hold of the lock: at boot this maps
 * every page of RAM, and one map_page() call per page (lock, table
 * lookup, unlock) cost more than the rest of the boot's instructions.
 */
static void identity_map(uint64_t start, uint64_t end, uint32_t flags)
{
	unsigned long irqf;
	uint64_t a = start & PAGE_MASK;

	if (end > 0x100000000ull)
		end = 0x100000000ull;
	if (a < USER_END && end > USER_BASE)
		panic("mm: identity map [%08llx-%08llx] would cover user space",
		      a, end - 1);
	irqf = spin_lock_irqsave(&paging_lock);
	while (a < end) {
		uint32_t *pt = page_table((uint32_t)a, true);

		if (!pt)
			panic("mm: out of memory for page tables at 0x%08lx",
			      (unsigned long)a);
		do {
			pt[PT_INDEX(a)] = ((uint32_t)a & PTE_ADDR_MASK) | flags;
			if (paging_on)
				invlpg((uint32_t)a);
			a += PAGE_SIZE;
		} while (a < end && PT_INDEX(a) != 0);
	}
	spin_unlock_irqrestore(&paging_lock, irqf);
}

void *ioremap(uint32_t phys, uint32_t len)
{
	uint64_t end = (uint64_t)phys + len;

	if (end > USER_BASE && phys < USER_END) {
		pr_err("ioremap: 0x%08lx+0x%lx overlaps user space; refused\n",
		       (unsigned long)phys, (unsigned long)len);
		return NULL;
	}

	for (uint64_t a = phys & PAGE_MASK; a < end; a += PAGE_SIZE)
		if (map_page((uint32_t)a, (uint32_t)a, PAGE_KERNEL_IO))
			return NULL;
	return (void *)phys;
}

/*
 * Every region the firmware lists below 4 GiB is mapped, RAM or not: the
 * ACPI tables sit in "reserved" memory at the top of RAM, and the BIOS
 * ROM at the top of the 4 GiB. Left out: huge reserved windows (PCIe
 * config space; their page tables would cost 4 KiB per 4 MiB) and
 * anything between PAGE_RAM_LIMIT and the I/O window (device memory, and
 * the kernel stack area): drivers map what they need with ioremap().
 */
static void map_firmware_regions(uint32_t ram_end)
{
	for (unsigned int i = 0; i < mem_region_count(); i++) {
		const struct mem_region *r = mem_region(i);
		uint64_t end = r->base + r->length;

		if (r->base >= 0x100000000ull)
			continue;
		if (r->type == MB_MEMORY_AVAILABLE) {
			if (end > ram_end)
				end = ram_end;
		} else if (r->length > HUGE_REGION_SKIP ||
			   (r->base < IO_WINDOW_BASE && end > PAGE_RAM_LIMIT)) {
			pr_info("mm: not mapping reserved [%08llx-%08llx]\n",
				r->base, end - 1);
			continue;
		}
		identity_map(r->base, end, PAGE_KERNEL);
	}
}

static void map_kernel_readonly(void)
{
	uint32_t ro_end = page_align_up((uint32_t)__ktest_suites_end);

	identity_map((uint32_t)__kernel_start, ro_end, PAGE_KERNEL_RO);
}

void paging_init(void)
{
	uint32_t ram_end = page_ram_end();

	page_dir = page_zalloc();
	if (!page_dir)
		panic("mm: no page for the page directory");
	identity_map(0, LOW_MEMORY_END, PAGE_KERNEL);
	map_firmware_regions(ram_end);
	map_kernel_readonly();
	identity_map(IO_WINDOW_BASE, IO_WINDOW_END, PAGE_KERNEL_IO);
	/* The scratch page's table exists from the start: mapping it later
	 * then costs no page (a test's page counts stay exact). */
	if (!page_table(KERNEL_SCRATCH_VA, true))
		panic("mm: no page for the scratch page table");

	/* A task switch (the double-fault task gate) loads CR3 from the TSS
	 * it switches to, and the CPU never writes CR3 back: both TSSes must
	 * hold the kernel's page directory. */
	tss_set_cr3((uint32_t)page_dir);
	write_cr3((uint32_t)page_dir);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
	paging_on = true;
	pr_info("mm: paging on, page directory at 0x%08lx, %lu page tables, kernel text read-only 0x%08lx-0x%08lx\n",
		(unsigned long)page_dir, nr_page_tables,
		(unsigned long)__kernel_start,
		(unsigned long)page_align_up((uint32_t)__ktest_suites_end) - 1);
}

bool paging_enabled(void)
{
	return paging_on;
}

uint32_t kernel_page_directory(void)
{
	return (uint32_t)page_dir;
}

unsigned long paging_nr_tables(void)
{
	return nr_page_tables;
}

/* ---- address spaces ----------------------------------------------------- */

uint32_t *pgdir_create(void)
{
	uint32_t *pd = page_zalloc();
	unsigned long irqf;
	int slot = -1;

	if (!pd)
		return NULL;
	irqf = spin_lock_irqsave(&paging_lock);
	for (int n = 0; n < PGDIRS_MAX && slot < 0; n++)
		if (!pgdirs[n])
			slot = n;
	if (slot >= 0) {
		for (unsigned int i = 0; i < 1024; i++)
			if (!is_user_pde(i))
				pd[i] = page_dir[i];
		pgdirs[slot] = pd;
		nr_pgdirs++;
	}
	spin_unlock_irqrestore(&paging_lock, irqf);
	if (slot < 0) {
		pr_err("mm: more than %d address spaces\n", PGDIRS_MAX);
		page_free(pd);
		return NULL;
	}
	return pd;
}

static void free_user_table(uint32_t *pt)
{
	for (unsigned int i = 0; i < 1024; i++)
		if ((pt[i] & PTE_PRESENT) && (pt[i] & PTE_OWNED))
			page_free((void *)(pt[i] & PTE_ADDR_MASK));
	page_free(pt);
}

void pgdir_destroy(uint32_t *pd)
{
	unsigned long irqf = spin_lock_irqsave(&paging_lock);

	for (int n = 0; n < PGDIRS_MAX; n++)
		if (pgdirs[n] == pd) {
			pgdirs[n] = NULL;
			nr_pgdirs--;
		}
	spin_unlock_irqrestore(&paging_lock, irqf);
	for (unsigned int i = PD_INDEX(USER_BASE); i < PD_INDEX(USER_END); i++)
		if (pd[i] & PTE_PRESENT)
			free_user_table((uint32_t *)(pd[i] & PTE_ADDR_MASK));
	page_free(pd);
}

int pgdir_map(uint32_t *pd, uint32_t virt, uint32_t phys, uint32_t flags)
{
	uint32_t *pde = &pd[PD_INDEX(virt)];
	uint32_t *pt;

	if (virt < USER_BASE || virt >= USER_END)
		return -EINVAL;
	if (!(*pde & PTE_PRESENT)) {
		pt = page_zalloc();
		if (!pt)
			return -ENOMEM;
		*pde = (uint32_t)pt | PTE_PRESENT | PTE_WRITE | PTE_USER;
	}
	pt = (uint32_t *)(*pde & PTE_ADDR_MASK);
	pt[PT_INDEX(virt)] = (phys & PTE_ADDR_MASK) | flags;
	if (paging_on)
		invlpg(virt);
	return 0;
}

/* A TLB holds entries of the active space only (CR3 loads flush user
 * entries), so one invlpg here covers the case where pd is running. */
void pgdir_unmap(uint32_t *pd, uint32_t virt)
{
	uint32_t pde = pd[PD_INDEX(virt)];

	if (virt < USER_BASE || virt >= USER_END || !(pde & PTE_PRESENT))
		return;
	((uint32_t *)(pde & PTE_ADDR_MASK))[PT_INDEX(virt)] = 0;
	if (paging_on)
		invlpg(virt);
}

uint32_t pgdir_lookup(const uint32_t *pd, uint32_t virt)
{
	uint32_t pde = pd[PD_INDEX(virt)];

	if (!(pde & PTE_PRESENT))
		return 0;
	return ((const uint32_t *)(pde & PTE_ADDR_MASK))[PT_INDEX(virt)];
}

void pgdir_activate(uint32_t *pd)
{
	uint32_t want = (uint32_t)(pd ? pd : page_dir);
	uint32_t now;

	asm volatile("mov %%cr3, %0" : "=r"(now));
	if (now != want)
		write_cr3(want);
}

unsigned long pgdir_count(void)
{
	return nr_pgdirs;
}
