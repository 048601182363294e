/*
 * tests/kernel/mm_test.c - the memory layer: physical pages, paging,
 * kmalloc, kernel stacks with guard pages, and the stack-overflow report.
 */
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/backtrace.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/panic.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"

#define SCRATCH_VA KERNEL_SCRATCH_VA /* nothing is mapped there */

extern char __kernel_start[];

/* One page: allocated and freed, the counts follow. */
static void page_alloc_counts(struct ktest *t)
{
	struct page_stats s0 = page_stats(), s1;
	void *p = page_alloc();

	ASSERT_TRUE(t, p != NULL);
	EXPECT_EQ(t, (uint32_t)p & ~PAGE_MASK, 0);
	EXPECT_GE(t, (uint32_t)p, LOW_MEMORY_END); /* low memory reserved */
	s1 = page_stats();
	EXPECT_EQ(t, s1.allocated, s0.allocated + 1);
	EXPECT_EQ(t, s1.free, s0.free - 1);
	EXPECT_EQ(t, s1.total, s1.free + s1.reserved + s1.allocated);
	page_free(p);
	s1 = page_stats();
	EXPECT_EQ(t, s1.allocated, s0.allocated);
	EXPECT_EQ(t, s1.free, s0.free);
}

/* Double free, a reserved page (the kernel image) and a misaligned
 * address each WARN once and change no count. */
static void page_bad_free_warns(struct ktest *t)
{
	void *p = page_alloc();
	unsigned long w0;
	struct page_stats s0, s1;

	/* a double free, a reserved page, an address that is no page (the
	 * WARN conditions, not line numbers: those move with every edit) */
	KTEST_EXPECT_REPORT(t, ": !test_bit(pfn, used_map)");
	KTEST_EXPECT_REPORT(t, ": test_bit(pfn, reserved_map)");
	KTEST_EXPECT_REPORT(t, ": addr & ~PAGE_MASK || pfn >= nr_frames");
	ASSERT_TRUE(t, p != NULL);
	page_free(p);
	s0 = page_stats();
	w0 = warn_count;
	page_free(p);
	EXPECT_EQ(t, warn_count, w0 + 1);
	page_free(__kernel_start);
	EXPECT_EQ(t, warn_count, w0 + 2);
	page_free((char *)p + 8);
	EXPECT_EQ(t, warn_count, w0 + 3);
	s1 = page_stats();
	EXPECT_EQ(t, s1.allocated, s0.allocated);
	EXPECT_EQ(t, s1.free, s0.free);
}

/* Three contiguous pages come back as one run. */
static void page_contig_run(struct ktest *t)
{
	struct page_stats s0 = page_stats();
	char *p = page_alloc_contig(3);

	ASSERT_TRUE(t, p != NULL);
	EXPECT_EQ(t, page_stats().allocated, s0.allocated + 3);
	memset(p, 0xa5, 3 * PAGE_SIZE); /* all three are ours and mapped */
	page_free_contig(p, 3);
	EXPECT_EQ(t, page_stats().allocated, s0.allocated);
	EXPECT_LE(t, s0.largest_run, s0.free);
}

static const size_t sizes[] = { 1,    7,    16,	  17,	31,  64,   100,
				128,  200,  256,  511,	512, 1000, 1024,
				1025, 3000, 4080, 4081, 9000 };
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static bool filled_with(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* Every size, pattern-filled: no two blocks overlap, each is big enough
 * and 16-byte aligned from 16 bytes up; freeing all restores the counts. */
static void kmalloc_many_sizes(struct ktest *t)
{
	struct kmalloc_stats s0 = kmalloc_stats(), s1;
	unsigned char *p[NR_SIZES];

	for (unsigned i = 0; i < NR_SIZES; i++) {
		p[i] = kmalloc(sizes[i]);
		ASSERT_TRUE(t, p[i] != NULL);
		EXPECT_GE(t, ksize(p[i]), sizes[i]);
		if (sizes[i] >= 16)
			EXPECT_EQ(t, (uint32_t)p[i] & 15, 0);
		memset(p[i], 0x10 + i, sizes[i]);
	}
	s1 = kmalloc_stats();
	EXPECT_EQ(t, s1.allocs, s0.allocs + NR_SIZES);
	for (unsigned i = 0; i < NR_SIZES; i++)
		EXPECT_TRUE(t, filled_with(p[i], sizes[i], 0x10 + i));
	for (unsigned i = 0; i < NR_SIZES; i++)
		kfree(p[i]);
	s1 = kmalloc_stats();
	EXPECT_EQ(t, s1.allocs, s0.allocs);
	EXPECT_EQ(t, s1.bytes, s0.bytes);
	EXPECT_EQ(t, s1.large_pages, s0.large_pages);
}

/* A hundred 64-byte objects take new slab pages; freeing them gives the
 * pages back to the page allocator. */
static void kfree_returns_pages(struct ktest *t)
{
	struct kmalloc_stats s0 = kmalloc_stats();
	unsigned long pages0 = page_stats().allocated;
	void *p[100];

	for (int i = 0; i < 100; i++) {
		p[i] = kmalloc(64);
		ASSERT_TRUE(t, p[i] != NULL);
	}
	EXPECT_GT(t, kmalloc_stats().slab_pages, s0.slab_pages);
	EXPECT_EQ(t, kmalloc_stats().bytes, s0.bytes + 100 * 64);
	for (int i = 0; i < 100; i++)
		kfree(p[i]);
	EXPECT_EQ(t, kmalloc_stats().slab_pages, s0.slab_pages);
	EXPECT_EQ(t, kmalloc_stats().allocs, s0.allocs);
	EXPECT_EQ(t, page_stats().allocated, pages0);
}

/* kfree twice, kfree of a pointer kmalloc never returned: a WARNING each,
 * counted as bad frees, the live count untouched. kfree(NULL): nothing. */
static void kfree_bad_pointer_warns(struct ktest *t)
{
	static char not_from_kmalloc[32];
	void *small = kmalloc(32), *large = kmalloc(5000);
	struct kmalloc_stats s0;
	unsigned long w0;

	KTEST_EXPECT_REPORTS(t, "WARNING: at kernel/mm/kmalloc.c", 4);
	ASSERT_TRUE(t, small && large);
	kfree(small);
	kfree(large);
	s0 = kmalloc_stats();
	w0 = warn_count;
	kfree(small);
	kfree(large);
	kfree(not_from_kmalloc);
	kfree((void *)SCRATCH_VA); /* not even mapped: must not fault */
	EXPECT_EQ(t, warn_count, w0 + 4);
	kfree(NULL);
	EXPECT_EQ(t, warn_count, w0 + 4);
	EXPECT_EQ(t, kmalloc_stats().bad_frees, s0.bad_frees + 4);
	EXPECT_EQ(t, kmalloc_stats().allocs, s0.allocs);
	EXPECT_EQ(t, ksize(small), 0);
}

/* kzalloc clears; a freed object is poisoned with 0x6b. */
static void kzalloc_clears_kfree_poisons(struct ktest *t)
{
	unsigned char *keep = kmalloc(48); /* keeps the slab alive */
	unsigned char *p = kmalloc(48);

	ASSERT_TRUE(t, keep && p);
	memset(p, 0xff, 48);
	kfree(p);
	EXPECT_TRUE(t, filled_with(p, 64, KMALLOC_POISON));
	p = kzalloc(48);
	ASSERT_TRUE(t, p != NULL);
	EXPECT_TRUE(t, filled_with(p, 48, 0));
	kfree(p);
	kfree(keep);
	EXPECT_PTR_EQ(t, kmalloc(0), NULL);
}

/* The leak check the test framework runs around every suite. */
static void leak_check_counts(struct ktest *t)
{
	struct kmalloc_stats before = kmalloc_stats();
	struct kmalloc_leak l;
	void *p = kmalloc(100);

	ASSERT_TRUE(t, p != NULL);
	l = kmalloc_leak_since(&before);
	EXPECT_EQ(t, l.allocs, 1);
	EXPECT_EQ(t, l.bytes, 128); /* the 128-byte class */
	kfree(p);
	l = kmalloc_leak_since(&before);
	EXPECT_EQ(t, l.allocs, 0);
	EXPECT_EQ(t, l.bytes, 0);
}

/* Kernel text is identity-mapped, read-only, supervisor-only; RAM is
 * read/write; the APIC window is uncached; the scratch area is not. */
static void kernel_mapping(struct ktest *t)
{
	uint32_t text = ksym_address("kmain"), pa = 0;
	uint32_t pte = pte_lookup(text);
	uint32_t ram = (uint32_t)&pa; /* a stack variable: RAM */

	EXPECT_TRUE(t, paging_enabled());
	EXPECT_TRUE(t, vm_is_mapped(text));
	EXPECT_TRUE(t, virt_to_phys(text, &pa));
	EXPECT_EQ(t, pa, text);
	EXPECT_EQ(t, pte & (PTE_WRITE | PTE_USER), 0);
	EXPECT_EQ(t, pte_lookup(ram) & (PTE_WRITE | PTE_USER), PTE_WRITE);
	EXPECT_EQ(t, pte_lookup(0xfee00000) & PAGE_KERNEL_IO, PAGE_KERNEL_IO);
	EXPECT_EQ(t, pte_lookup(0xfec00000) & PAGE_KERNEL_IO, PAGE_KERNEL_IO);
	EXPECT_FALSE(t, vm_is_mapped(SCRATCH_VA));
	EXPECT_FALSE(t, virt_to_phys(SCRATCH_VA, &pa));
}

/* Reading an unmapped address is a #PF: not present, a read. */
static void unmapped_read_faults(struct ktest *t)
{
	struct trap_catch tc;

	trap_catch_arm(&tc, TRAP_PF);
	if (ksetjmp(&tc.env) == 0)
		(void)*(volatile uint32_t *)SCRATCH_VA;
	trap_catch_disarm(&tc);
	ASSERT_TRUE(t, tc.caught);
	EXPECT_EQ(t, read_cr2(), SCRATCH_VA);
	EXPECT_EQ(t, tc.frame.err_code & (PF_PROT | PF_WRITE | PF_USER), 0);
}

/* Writing kernel text (CR0.WP) is a protection #PF; the byte written is
 * the one already there, so even a failing test corrupts nothing. */
static void write_to_text_faults(struct ktest *t)
{
	volatile uint8_t *text = (volatile uint8_t *)ksym_address("kmain");
	uint8_t old = *text;
	struct trap_catch tc;

	trap_catch_arm(&tc, TRAP_PF);
	if (ksetjmp(&tc.env) == 0)
		*text = old;
	trap_catch_disarm(&tc);
	ASSERT_TRUE(t, tc.caught);
	EXPECT_EQ(t, read_cr2(), (uint32_t)text);
	EXPECT_EQ(t, tc.frame.err_code & (PF_PROT | PF_WRITE),
		  PF_PROT | PF_WRITE);
}

/* map_page makes an alias of a RAM page: read-only through the alias
 * (writes fault), read/write through the identity mapping. */
static void map_page_readonly_alias(struct ktest *t)
{
	uint32_t *page = page_zalloc(), pa = 0;
	volatile uint32_t *alias = (volatile uint32_t *)SCRATCH_VA;
	struct trap_catch tc;

	ASSERT_TRUE(t, page != NULL);
	ASSERT_EQ(t, map_page(SCRATCH_VA, (uint32_t)page, PAGE_KERNEL_RO), 0);
	EXPECT_TRUE(t, virt_to_phys(SCRATCH_VA + 4, &pa));
	EXPECT_EQ(t, pa, (uint32_t)page + 4);
	page[1] = 0x12345678;
	EXPECT_EQ(t, alias[1], 0x12345678);
	trap_catch_arm(&tc, TRAP_PF);
	if (ksetjmp(&tc.env) == 0)
		alias[1] = 0;
	trap_catch_disarm(&tc);
	EXPECT_TRUE(t, tc.caught);
	EXPECT_EQ(t, page[1], 0x12345678);
	unmap_page(SCRATCH_VA);
	EXPECT_FALSE(t, vm_is_mapped(SCRATCH_VA));
	page_free(page);
}

/* Regression for "ktest mm corrupts every running user process": the
 * kernel's page tables are shared by every address space, so a kernel
 * mapping inside user space replaced each process's own page table.
 * map_page and unmap_page now refuse user space. */
static void map_page_refuses_user_space(struct ktest *t)
{
	uint32_t pa;

	EXPECT_EQ(t, map_page(USER_BASE, 0x100000, PAGE_KERNEL), -EINVAL);
	EXPECT_EQ(t, map_page(USER_END - 4096, 0x100000, PAGE_KERNEL), -EINVAL);
	unmap_page(USER_BASE); /* refused too: nothing happens */
	EXPECT_FALSE(t, virt_to_phys(USER_BASE, &pa) && pa == 0x100000);
	EXPECT_TRUE(t, SCRATCH_VA + 4096 <= USER_BASE);
}

/* A fresh 4-page stack: mapped, filled, with an unmapped guard below it
 * that kstack_guard_hit recognises; touching the guard from another
 * stack (ours) is a plain #PF. Freeing unmaps it. */
static void kstack_guard_page(struct ktest *t)
{
	struct kstack ks, hit;
	unsigned n0 = kstack_count();
	struct trap_catch tc;

	KTEST_EXPECT_REPORT(t, "BUG: stack overflow: guard page hit");
	ASSERT_EQ(t, kstack_alloc(&ks, KSTACK_PAGES_DEFAULT), 0);
	EXPECT_EQ(t, ks.top - ks.base, KSTACK_PAGES_DEFAULT * PAGE_SIZE);
	EXPECT_EQ(t, kstack_count(), n0 + 1);
	EXPECT_TRUE(t, vm_is_mapped(ks.base));
	EXPECT_TRUE(t, vm_is_mapped(ks.top - 1));
	EXPECT_FALSE(t, vm_is_mapped(ks.base - 1));
	EXPECT_EQ(t, *(volatile uint8_t *)ks.base, KSTACK_FILL);
	EXPECT_TRUE(t, kstack_guard_hit(ks.base - 4, &hit));
	EXPECT_EQ(t, hit.slot, ks.slot);
	EXPECT_EQ(t, hit.base, ks.base);
	EXPECT_FALSE(t, kstack_guard_hit(ks.base, NULL));

	trap_catch_arm(&tc, TRAP_PF);
	if (ksetjmp(&tc.env) == 0)
		*(volatile uint32_t *)(ks.base - 4) = 1;
	trap_catch_disarm(&tc);
	EXPECT_TRUE(t, tc.caught);
	EXPECT_EQ(t, read_cr2(), ks.base - 4);

	kstack_free(&ks);
	EXPECT_EQ(t, kstack_count(), n0);
	EXPECT_FALSE(t, vm_is_mapped(ks.base));
	EXPECT_FALSE(t, kstack_guard_hit(ks.base - 4, NULL)); /* slot free */
}

/* The high-water mark follows the deepest write. */
static void kstack_high_water_mark(struct ktest *t)
{
	struct kstack ks;

	ASSERT_EQ(t, kstack_alloc(&ks, 2), 0);
	EXPECT_EQ(t, kstack_used_bytes(&ks), 0);
	*(volatile uint8_t *)(ks.top - 100) = 0;
	EXPECT_EQ(t, kstack_used_bytes(&ks), 100);
	*(volatile uint8_t *)(ks.top - 5000) = 0;
	EXPECT_EQ(t, kstack_used_bytes(&ks), 5000);
	kstack_free(&ks);
}

/* Sizes outside 1..KSTACK_PAGES_MAX are refused; every page comes back. */
static void kstack_sizes(struct ktest *t)
{
	struct kstack ks;
	unsigned long pages0 = page_stats().allocated;

	EXPECT_EQ(t, kstack_alloc(&ks, 0), -EINVAL);
	EXPECT_EQ(t, kstack_alloc(&ks, KSTACK_PAGES_MAX + 1), -EINVAL);
	ASSERT_EQ(t, kstack_alloc(&ks, KSTACK_PAGES_MAX), 0);
	EXPECT_EQ(t, page_stats().allocated, pages0 + KSTACK_PAGES_MAX);
	EXPECT_TRUE(t, kstack_guard_hit(ks.base - PAGE_SIZE, NULL));
	kstack_free(&ks);
	EXPECT_EQ(t, page_stats().allocated, pages0);
}

/*
 * A real stack overflow: recurse on a 1-page kstack (IRQs off) until the
 * guard page. The #PF cannot be delivered on that stack, so it becomes a
 * double fault, which the task gate handles on its own stack; our hook
 * then resumes the CPU in overflow_resume(), which jumps back here.
 */
static struct jmp_buf overflow_env;
static struct stack_overflow seen;
static int hook_calls;
static volatile unsigned depth;
static uint8_t resume_stack[2048] __attribute__((aligned(16)));

void call_on_stack(void (*fn)(void), uint32_t stack_top);
asm(".text\n"
    ".globl call_on_stack\n"
    "call_on_stack:\n"
    "	pushl	%ebp\n"
    "	movl	%esp, %ebp\n"
    "	movl	12(%ebp), %esp\n" /* stack_top */
    "	call	*8(%ebp)\n"	  /* fn */
    "	movl	%ebp, %esp\n"
    "	popl	%ebp\n"
    "	ret\n");

static __attribute__((noinline)) void recurse(void)
{
	volatile char buf[128];

	buf[0] = (char)depth++;
	if (depth < 100000)
		recurse();
	depth -= buf[1]; /* work after the call: no tail call */
}

static void overflow_start(void)
{
	recurse();
}

static __attribute__((noreturn, used)) void overflow_resume(void)
{
	klongjmp(&overflow_env, 1);
}

static bool test_overflow_hook(struct stack_overflow *so)
{
	seen = *so;
	hook_calls++;
	so->resume_eip = (uint32_t)overflow_resume;
	so->resume_esp = (uint32_t)resume_stack + sizeof(resume_stack);
	return true;
}

static void stack_overflow_double_fault(struct ktest *t)
{
	bool (*old_hook)(struct stack_overflow *) = stack_overflow_hook;
	static struct kstack ks; /* static: survives the jump back */
	unsigned long flags;
	uint32_t off;

	KTEST_EXPECT_REPORT(t, "BUG: stack overflow: guard page hit");
	ASSERT_EQ(t, kstack_alloc(&ks, 1), 0);
	hook_calls = 0;
	depth = 0;
	stack_overflow_hook = test_overflow_hook;
	flags = local_irq_save();
	if (ksetjmp(&overflow_env) == 0)
		call_on_stack(overflow_start, ks.top);
	local_irq_restore(flags);
	stack_overflow_hook = old_hook;

	EXPECT_EQ(t, hook_calls, 1);
	EXPECT_GT(t, depth, 5);
	EXPECT_EQ(t, seen.stack.slot, ks.slot);
	EXPECT_LT(t, seen.fault_addr, ks.base);
	EXPECT_GE(t, seen.fault_addr, ks.base - PAGE_SIZE);
	EXPECT_STREQ(t, ksym_lookup(seen.eip, &off), "recurse");
	/* nearly all of it: the last frame's unused locals keep the fill */
	EXPECT_GT(t, kstack_used_bytes(&ks), PAGE_SIZE - 256);
	kstack_free(&ks);
}

KTEST_SUITE(mm, KTEST_CASE(page_alloc_counts), KTEST_CASE(page_bad_free_warns),
	    KTEST_CASE(page_contig_run), KTEST_CASE(kmalloc_many_sizes),
	    KTEST_CASE(kfree_returns_pages),
	    KTEST_CASE(kfree_bad_pointer_warns),
	    KTEST_CASE(kzalloc_clears_kfree_poisons),
	    KTEST_CASE(leak_check_counts), KTEST_CASE(kernel_mapping),
	    KTEST_CASE(unmapped_read_faults), KTEST_CASE(write_to_text_faults),
	    KTEST_CASE(map_page_readonly_alias),
	    KTEST_CASE(map_page_refuses_user_space),
	    KTEST_CASE(kstack_guard_page), KTEST_CASE(kstack_high_water_mark),
	    KTEST_CASE(kstack_sizes), KTEST_CASE(stack_overflow_double_fault));
