/*
 * kernel/panic.h - when the kernel cannot or should not go on.
 *
 *  panic(fmt, ...)  prints "Kernel panic - not syncing: <msg>" and a
 *                   backtrace, then stops the machine (or, with panic=exit
 *                   on the command line and in test runs, exits QEMU with
 *                   status 5 so a harness sees it at once).
 *  BUG_ON(cond)     a broken invariant: panics, naming file and line.
 *  WARN_ON(cond)    something is wrong but survivable: prints a warning
 *                   with a backtrace and goes on; evaluates to cond.
 *
 * Context: any.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void warn_slowpath(const char *file, int line, const char *cond);

extern bool panic_exits_qemu;
extern unsigned long warn_count;

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (__builtin_expect(!!(cond), 0))                            \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#define WARN_ON(cond)                                             \
	({                                                        \
		bool __warn = !!(cond);                           \
		if (__builtin_expect(__warn, 0))                  \
			warn_slowpath(__FILE__, __LINE__, #cond); \
		__warn;                                           \
	})

#endif
