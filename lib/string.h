/*
 * string.h - memory and string helpers with the standard C names.
 *
 * Rules:
 *  - Same behaviour as the C library functions of the same name, so a
 *    student's knowledge of C carries over. strlcpy() is the BSD one: it
 *    always NUL-terminates (if size > 0) and returns strlen(src), so
 *    `if (strlcpy(dst, src, sizeof(dst)) >= sizeof(dst))` detects truncation.
 *  - The compiler may emit calls to memcpy/memmove/memset/memcmp by itself
 *    (for struct copies, for example), even in a freestanding kernel; that
 *    is why these four must exist with exactly these names.
 *  - kstrtoul()/kstrtol() are strict: the whole string must be one number,
 *    with no spaces and no trailing newline. They return 0 and store the
 *    value, -EINVAL for an empty or malformed string (or a base other than
 *    0 or 2..16), -ERANGE if the number does not fit. Base 0 picks the base
 *    from the prefix like C source: "0x1f" is hex, "017" octal, else
 *    decimal. Base 16 also accepts a "0x" prefix.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
char *strstr(const char *haystack, const char *needle);

int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtol(const char *s, unsigned int base, long *res);

#endif /* LIB_STRING_H */
