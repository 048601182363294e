/*
 * tests/kernel/klog_search.h - for tests that check a warning was
 * printed: does the kernel log (what dmesg shows) contain a string?
 *
 * Context: task (copies the log under printk's lock, IRQs off briefly).
 */
#ifndef TESTS_KERNEL_KLOG_SEARCH_H
#define TESTS_KERNEL_KLOG_SEARCH_H

#include <stdbool.h>

bool klog_contains(const char *needle);
/* The whole kernel log as it is now, copied (valid until the next call). */
const char *klog_snapshot(void);

#endif
