/*
 * kernel/console.h - where kernel text goes: the system console.
 *
 * One console device (the first UART, ttyS0) registers itself; printk and
 * the shell write through console_write(), which turns "\n" into "\r\n"
 * for the terminal. console_printf() is for interactive output (the shell,
 * test reports): it is neither timestamped nor kept in the log.
 *
 * Context: any; does not sleep (a full output ring is drained by polling).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console {
	const char *name;
	/* Accepts all n bytes before returning (it may have to wait). */
	void (*write)(const char *s, size_t n);
	/* Returns when every byte written so far has left the machine. */
	void (*flush)(void);
};

void console_register(struct console *con);
void console_write(const char *s, size_t n);
void console_puts(const char *s);
/* Push out buffered output: before power-off, exit, reboot or a halt. */
void console_flush(void);
int console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
