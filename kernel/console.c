/* kernel/console.c - see console.h. */
#include "kernel/console.h"

#include <stdarg.h>

#include "kernel/arch/cpu.h"
#include "lib/printf.h"
#include "lib/string.h"

static struct console *console;

void console_register(struct console *con)
{
	console = con;
}

void console_write(const char *s, size_t n)
{
	size_t start = 0;

	if (!console)
		return;
	/* Terminals want "\r\n": send each line's text, then the pair. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		console->write(s + start, i - start);
		console->write("\r\n", 2);
		start = i + 1;
	}
	if (start < n)
		console->write(s + start, n - start);
}

void console_flush(void)
{
	if (console && console->flush)
		console->flush();
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

int console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf,
		      (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
