/*
 * printf.h - formatting into a caller's buffer (the kernel's printk and
 * the shell build on these).
 *
 * Rules:
 *  - C99 snprintf semantics: the return value is the length the complete
 *    output would have had, so `ret >= size` means it was truncated. When
 *    size > 0 the buffer is always NUL-terminated and nothing is written
 *    past buf[size - 1]; with size == 0 nothing is written at all (buf may
 *    then be NULL).
 *  - Conversions: %d %i %u %x %X %o %c %s %p %%. Length modifiers: l, ll,
 *    z (size_t). Flags: '-' (left-align), '0' (zero-pad), '+' and ' '
 *    (sign of positive numbers). Field width and precision may be numbers
 *    or '*'. Precision limits the bytes printed (and read) by %s, and is
 *    the minimum digit count for integers, as in C.
 *  - %s of NULL prints "(null)" instead of faulting.
 *  - %p differs from glibc on purpose: it always prints "0x" and the
 *    pointer's full width of hex digits (8 on i386), so addresses line up
 *    in columns: 0x00100000.
 *  - An unknown conversion is printed literally, '%' included.
 *
 * Context: any; does not sleep. Uses no locks and no global state.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* LIB_PRINTF_H */
