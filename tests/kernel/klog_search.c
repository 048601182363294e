/* tests/kernel/klog_search.c - see klog_search.h. */
#include "tests/kernel/klog_search.h"

#include "kernel/printk.h"
#include "lib/string.h"

static char copy[32 * 1024 + 1]; /* the log ring's size, and a NUL */
static size_t copy_len;

static void collect(const char *s, size_t n)
{
	if (copy_len + n >= sizeof(copy))
		n = sizeof(copy) - 1 - copy_len;
	memcpy(copy + copy_len, s, n);
	copy_len += n;
	copy[copy_len] = '\0';
}

const char *klog_snapshot(void)
{
	copy_len = 0;
	copy[0] = '\0';
	printk_log_dump(collect);
	return copy;
}

bool klog_contains(const char *needle)
{
	return strstr(klog_snapshot(), needle) != NULL;
}
