/*
 * boot/gdt.c - build and load the GDT and TSS (Intel SDM vol. 3, 3.4.5
 * segment descriptors, 7.2.1 the 32-bit TSS).
 */
#include "boot/gdt.h"

#include <stddef.h>

#include "kernel/percpu.h"

/* An 8-byte segment descriptor, split the odd way the 80286 left us. */
struct gdt_entry {
	uint16_t limit_low;
	uint16_t base_low;
	uint8_t base_mid;
	uint8_t access;	     /* present, DPL, type */
	uint8_t flags_limit; /* granularity, size, limit 19:16 */
	uint8_t base_high;
} __attribute__((packed));

struct gdt_pointer {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

#define ACC_PRESENT	0x80
#define ACC_DPL(n)	((n) << 5)
#define ACC_SEGMENT	0x10 /* code/data, not a system descriptor */
#define ACC_CODE	0x0a /* execute/read */
#define ACC_DATA	0x02 /* read/write */
#define ACC_TSS32	0x09 /* available 32-bit TSS */
#define FLAG_4K		0x80 /* limit counts 4 KiB pages */
#define FLAG_32BIT	0x40

#define EFLAGS_RESERVED 0x2 /* bit 1 is always 1 */

/* The main TSS with its I/O permission bitmap right behind it: one bit
 * per port, 0 = ring 3 may use it. The CPU reads one byte past the last
 * port's byte, which must be all ones and inside the limit (SDM vol. 1,
 * 19.5.2). */
struct tss_with_iomap {
	struct tss tss;
	uint8_t iomap[TSS_IOMAP_BYTES];
	uint8_t iomap_end; /* 0xff */
} __attribute__((packed));

#define GDT_ENTRIES 8

/* One GDT per CPU: the same flat segments everywhere, but each CPU's own
 * TSS and per-CPU segment (base = its struct cpu) at the same selectors.
 * gdts[0] is the boot CPU's. */
static struct gdt_entry gdts[MAX_CPUS][GDT_ENTRIES];
/* Each CPU's main TSS (everything but #DF) and double-fault task. */
static struct tss_with_iomap main_tss[MAX_CPUS];
static struct tss df_tss[MAX_CPUS];

static void gdt_set_in(struct gdt_entry *gdt, int i, uint32_t base,
		       uint32_t limit, uint8_t access, uint8_t flags)
{
	gdt[i].limit_low = limit & 0xffff;
	gdt[i].base_low = base & 0xffff;
	gdt[i].base_mid = (base >> 16) & 0xff;
	gdt[i].access = access;
	gdt[i].flags_limit = flags | ((limit >> 16) & 0x0f);
	gdt[i].base_high = (base >> 24) & 0xff;
}

static void gdt_set(int i, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
{
	gdt_set_in(gdts[0], i, base, limit, access, flags);
}

/* The per-CPU segment: byte granular, exactly one struct cpu long, so a
 * stray %fs access past it faults instead of reading a neighbour. */
static void gdt_set_percpu(struct gdt_entry *gdt, struct cpu *c)
{
	gdt_set_in(gdt, GDT_PERCPU >> 3, (uint32_t)c, sizeof(*c) - 1,
		   ACC_PRESENT | ACC_SEGMENT | ACC_DATA, FLAG_32BIT);
}

/* Load GDTR, then reload every segment register so none keeps a stale
 * cached descriptor from the loader's GDT; CS needs a far jump. */
static void gdt_load(const struct gdt_pointer *p)
{
	asm volatile("lgdt (%0)\n\t"
		     "ljmp %1, $1f\n"
		     "1:\n\t"
		     "movw %w2, %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%gs\n\t"
		     "movw %%ax, %%ss\n\t"
		     "movw %w3, %%ax\n\t"
		     "movw %%ax, %%fs\n\t" /* this_cpu() works from here */
		     :
		     : "r"(p), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA),
		       "i"(GDT_PERCPU)
		     : "eax", "memory");
}

/* CPU c's two TSSes. The main one: every port denied until ioperm()
 * grants some (kernel/proc/ioperm.c). The double-fault task runs in ring
 * 0 with IRQs off; its EIP, ESP and CR3 are filled in once paging is on. */
static void tss_prepare(unsigned int c)
{
	struct tss_with_iomap *m = &main_tss[c];
	struct tss *df = &df_tss[c];

	m->tss.ss0 = GDT_KERNEL_DATA;
	for (unsigned int i = 0; i < TSS_IOMAP_BYTES; i++)
		m->iomap[i] = 0xff;
	m->iomap_end = 0xff;
	m->tss.iomap_base = sizeof(struct tss);
	df->cs = GDT_KERNEL_CODE;
	df->ds = df->es = df->gs = df->ss = GDT_KERNEL_DATA;
	df->fs = GDT_PERCPU;
	df->ss0 = GDT_KERNEL_DATA;
	df->eflags = EFLAGS_RESERVED;
	df->iomap_base = sizeof(*df);
}

/* CPU c's TSS descriptors in its GDT (marked not busy). */
static void gdt_set_tsses(struct gdt_entry *gdt, unsigned int c)
{
	gdt_set_in(gdt, GDT_TSS >> 3, (uint32_t)&main_tss[c],
		   sizeof(main_tss[c]) - 1, ACC_PRESENT | ACC_TSS32, 0);
	gdt_set_in(gdt, GDT_DF_TSS >> 3, (uint32_t)&df_tss[c],
		   sizeof(df_tss[c]) - 1, ACC_PRESENT | ACC_TSS32, 0);
}

void gdt_init(void)
{
	struct gdt_pointer p = { sizeof(gdts[0]) - 1, (uint32_t)gdts[0] };
	uint8_t kflags = FLAG_4K | FLAG_32BIT;

	gdt_set(0, 0, 0, 0, 0); /* the CPU requires a null descriptor */
	gdt_set(1, 0, 0xfffff, ACC_PRESENT | ACC_SEGMENT | ACC_CODE, kflags);
	gdt_set(2, 0, 0xfffff, ACC_PRESENT | ACC_SEGMENT | ACC_DATA, kflags);
	gdt_set(3, 0, 0xfffff,
		ACC_PRESENT | ACC_DPL(3) | ACC_SEGMENT | ACC_CODE, kflags);
	gdt_set(4, 0, 0xfffff,
		ACC_PRESENT | ACC_DPL(3) | ACC_SEGMENT | ACC_DATA, kflags);

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		tss_prepare(c);
	gdt_set_tsses(gdts[0], 0);
	gdt_set_percpu(gdts[0], &cpus[0]);

	gdt_load(&p);
	asm volatile("ltr %w0" : : "r"(GDT_TSS));
}

void tss_set_kernel_stack(uint32_t esp0)
{
	main_tss[smp_processor_id()].tss.esp0 = esp0;
}

/* Every CPU's: they all share the kernel's page directory. */
void tss_set_cr3(uint32_t cr3)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		main_tss[c].tss.cr3 = cr3;
		df_tss[c].cr3 = cr3;
	}
}

void tss_set_double_fault_task(unsigned int cpu, uint32_t eip, uint32_t esp)
{
	df_tss[cpu].eip = eip;
	df_tss[cpu].esp = esp;
}

uint8_t *tss_io_bitmap(void)
{
	return main_tss[smp_processor_id()].iomap;
}

struct tss *tss_main(void)
{
	return &main_tss[smp_processor_id()].tss;
}

void gdt_prepare_ap(unsigned int cpu, uint32_t esp0, uint16_t *limit,
		    uint32_t *base)
{
	struct gdt_entry *gdt = gdts[cpu];

	for (int i = 0; i < GDT_ENTRIES; i++)
		gdt[i] = gdts[0][i];
	main_tss[cpu].tss.esp0 = esp0;
	gdt_set_tsses(gdt, cpu);
	gdt_set_percpu(gdt, &cpus[cpu]);
	*limit = sizeof(gdts[cpu]) - 1;
	*base = (uint32_t)gdt;
}

void gdt_load_task_register(void)
{
	asm volatile("ltr %w0" : : "r"(GDT_TSS));
}

uint32_t gdt_percpu_base(unsigned int cpu)
{
	const struct gdt_entry *e;

	if (cpu >= MAX_CPUS)
		return 0;
	e = &gdts[cpu][GDT_PERCPU >> 3];
	return e->base_low | (uint32_t)e->base_mid << 16 |
	       (uint32_t)e->base_high << 24;
}
