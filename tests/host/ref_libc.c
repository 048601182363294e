/*
 * ref_libc.c - the host C library's functions under ref_ names, as the
 * reference the tests compare lib/ against. Compiled WITHOUT rename.h,
 * so the names below are the real libc ones.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "tests/host/ref_libc.h"

int ref_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

int ref_memcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

int ref_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

int ref_strncmp(const char *a, const char *b, size_t n)
{
	return strncmp(a, b, n);
}

char *ref_strstr(const char *haystack, const char *needle)
{
	return strstr(haystack, needle);
}
