/*
 * boot/gdt.c - build and load the GDT and TSS (Intel SDM vol. 3, 3.4.5
 * segment descriptors, 7.2.1 the 32-bit TSS).
 */
#include "boot/gdt.h"

#include <stddef.h>

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

static struct gdt_entry gdt[7];
static struct tss_with_iomap main_tss; /* everything but #DF */
static struct tss df_tss;	       /* the double-fault task */

static void gdt_set(int i, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
{
	gdt[i].limit_low = limit & 0xffff;
	gdt[i].base_low = base & 0xffff;
	gdt[i].base_mid = (base >> 16) & 0xff;
	gdt[i].access = access;
	gdt[i].flags_limit = flags | ((limit >> 16) & 0x0f);
	gdt[i].base_high = (base >> 24) & 0xff;
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
		     "movw %%ax, %%fs\n\t"
		     "movw %%ax, %%gs\n\t"
		     "movw %%ax, %%ss\n\t"
		     :
		     : "r"(p), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA)
		     : "eax", "memory");
}

void gdt_init(void)
{
	struct gdt_pointer p = { sizeof(gdt) - 1, (uint32_t)gdt };
	uint8_t kflags = FLAG_4K | FLAG_32BIT;

	gdt_set(0, 0, 0, 0, 0); /* the CPU requires a null descriptor */
	gdt_set(1, 0, 0xfffff, ACC_PRESENT | ACC_SEGMENT | ACC_CODE, kflags);
	gdt_set(2, 0, 0xfffff, ACC_PRESENT | ACC_SEGMENT | ACC_DATA, kflags);
	gdt_set(3, 0, 0xfffff,
		ACC_PRESENT | ACC_DPL(3) | ACC_SEGMENT | ACC_CODE, kflags);
	gdt_set(4, 0, 0xfffff,
		ACC_PRESENT | ACC_DPL(3) | ACC_SEGMENT | ACC_DATA, kflags);

	main_tss.tss.ss0 = GDT_KERNEL_DATA;
	/* Every port denied until ioperm() grants some (kernel/proc/ioperm.c). */
	for (unsigned int i = 0; i < TSS_IOMAP_BYTES; i++)
		main_tss.iomap[i] = 0xff;
	main_tss.iomap_end = 0xff;
	main_tss.tss.iomap_base = sizeof(struct tss);
	gdt_set(5, (uint32_t)&main_tss, sizeof(main_tss) - 1,
		ACC_PRESENT | ACC_TSS32, 0);

	/* The double-fault task runs in ring 0 with IRQs off; its EIP, ESP
	 * and CR3 are filled in once paging is on. */
	df_tss.cs = GDT_KERNEL_CODE;
	df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = df_tss.ss =
		GDT_KERNEL_DATA;
	df_tss.ss0 = GDT_KERNEL_DATA;
	df_tss.eflags = EFLAGS_RESERVED;
	df_tss.iomap_base = sizeof(df_tss);
	gdt_set(6, (uint32_t)&df_tss, sizeof(df_tss) - 1,
		ACC_PRESENT | ACC_TSS32, 0);

	gdt_load(&p);
	asm volatile("ltr %w0" : : "r"(GDT_TSS));
}

void tss_set_kernel_stack(uint32_t esp0)
{
	main_tss.tss.esp0 = esp0;
}

void tss_set_cr3(uint32_t cr3)
{
	main_tss.tss.cr3 = cr3;
	df_tss.cr3 = cr3;
}

void tss_set_double_fault_task(uint32_t eip, uint32_t esp)
{
	df_tss.eip = eip;
	df_tss.esp = esp;
}

uint8_t *tss_io_bitmap(void)
{
	return main_tss.iomap;
}

struct tss *tss_main(void)
{
	return &main_tss.tss;
}
