/*
 * user/readkern.c - read kernel memory from ring 3: the kernel image at
 * 1 MiB is mapped in every address space, but supervisor-only, so the
 * read is a page fault (protection violation) and the process is killed.
 */
#include "user/lib/user.h"

int main(void)
{
	volatile uint32_t *kernel = (volatile uint32_t *)0x00100000;

	printf("readkern: reading kernel memory at %p\n", (void *)kernel);
	printf("readkern: read 0x%08lx: the kernel is readable (BUG)\n",
	       (unsigned long)*kernel);
	return 1;
}
