/* kernel/proc/uaccess.c - see uaccess.h. */
#include "kernel/proc/uaccess.h"

#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/proc/proc.h"
#include "lib/errno.h"
#include "lib/string.h"

bool user_range_ok(const uint32_t *pd, uint32_t addr, uint32_t len, bool write)
{
	uint32_t need = PTE_PRESENT | PTE_USER | (write ? PTE_WRITE : 0);
	uint32_t last;

	if (!pd || addr < USER_BASE || addr >= USER_END)
		return false;
	if (len == 0)
		return true;
	if (len > USER_END - addr) /* runs past user space, or wraps */
		return false;
	last = addr + len - 1;
	for (uint32_t pg = page_align_down(addr); pg <= last; pg += PAGE_SIZE) {
		if ((pgdir_lookup(pd, pg) & need) != need)
			return false;
		if (pg + PAGE_SIZE < pg)
			break;
	}
	return true;
}

static const uint32_t *current_pgdir(void)
{
	struct process *p = current_process();

	return p ? p->pgdir : NULL;
}

int copy_from_user(void *dst, uint32_t usrc, uint32_t len)
{
	if (!user_range_ok(current_pgdir(), usrc, len, false))
		return -EFAULT;
	memcpy(dst, (const void *)usrc, len);
	return 0;
}

int copy_to_user(uint32_t udst, const void *src, uint32_t len)
{
	if (!user_range_ok(current_pgdir(), udst, len, true))
		return -EFAULT;
	memcpy((void *)udst, src, len);
	return 0;
}
