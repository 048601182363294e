/* ref_libc.h - host libc reference functions, see ref_libc.c. */
#ifndef TESTS_HOST_REF_LIBC_H
#define TESTS_HOST_REF_LIBC_H

#include <stddef.h>

int ref_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ref_memcmp(const void *a, const void *b, size_t n);
int ref_strcmp(const char *a, const char *b);
int ref_strncmp(const char *a, const char *b, size_t n);
char *ref_strstr(const char *haystack, const char *needle);

#endif /* TESTS_HOST_REF_LIBC_H */
