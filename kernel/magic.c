/* kernel/magic.c - see magic.h. */
#include "kernel/magic.h"

#include "kernel/backtrace.h"
#include "kernel/printk.h"

unsigned long bad_magic_count;

/* Out of line and cold: the callers' fast path is one compare. */
__attribute__((noinline, cold)) bool
bad_magic(const char *api, const char *what, const char *init, const void *obj,
	  uint32_t magic, const void *fn)
{
	uint32_t off, addr = (uint32_t)(uintptr_t)fn;
	/* a poisoned pointer would "resolve" to the last symbol */
	const char *sym =
		addr == FREED_MAGIC ? "poisoned" : ksym_lookup(addr, &off);

	bad_magic_count++;
	if (magic == FREED_MAGIC)
		printk(KERN_ERR
		       "BUG: %s: %s at %p (func %s) used after it was freed (magic 0x%08lx): refused\n",
		       api, what, obj, sym ? sym : "?", (unsigned long)magic);
	else
		printk(KERN_ERR
		       "BUG: %s: %s at %p (func %s) used before %s (magic 0x%08lx): refused\n",
		       api, what, obj, sym ? sym : "?", init,
		       (unsigned long)magic);
	dump_stack();
	return false;
}
