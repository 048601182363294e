/*
 * kernel/shell/cmds_mem.c - "mem": how memory is used.
 *
 *   pages:   32639 total, 31925 free, 714 used (488 reserved, 226 allocated)
 *   largest: 31900 contiguous free pages (124 MiB)
 *   paging:  38 page tables
 *   kmalloc: 5 allocations, 384 bytes in use (1 slab pages, 0 large pages)
 *            since boot 12 allocs, 7 frees, 0 bad frees ignored
 *   stacks:  3 kernel stacks with guard pages
 */
#include "kernel/console.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/shell/shell.h"

static int cmd_mem(int argc, char **argv)
{
	struct page_stats ps = page_stats();
	struct kmalloc_stats ks = kmalloc_stats();

	(void)argc;
	(void)argv;
	console_printf(
		"pages:   %lu total, %lu free, %lu used (%lu reserved, %lu allocated)\n",
		ps.total, ps.free, ps.reserved + ps.allocated, ps.reserved,
		ps.allocated);
	console_printf("largest: %lu contiguous free pages (%lu KiB)\n",
		       ps.largest_run, ps.largest_run * (PAGE_SIZE / 1024));
	console_printf("paging:  %lu page tables\n", paging_nr_tables());
	console_printf(
		"kmalloc: %lu allocations, %lu bytes in use (%lu slab pages, %lu large pages)\n",
		ks.allocs, ks.bytes, ks.slab_pages, ks.large_pages);
	console_printf(
		"         since boot %lu allocs, %lu frees, %lu bad frees ignored\n",
		ks.total_allocs, ks.total_frees, ks.bad_frees);
	console_printf("stacks:  %u kernel stacks with guard pages\n",
		       kstack_count());
	return 0;
}
SHELL_COMMAND(mem, cmd_mem, 0, 0, "mem",
	      "physical pages, kmalloc heap and kernel stacks in use");
