/* kernel/mm/mm.c - see mm.h. */
#include "kernel/mm/mm.h"

#include "kernel/mm/fault.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"

void mm_init(void)
{
	page_alloc_init();
	paging_init();
	kstack_init();
	page_fault_init();
	double_fault_init();
}
