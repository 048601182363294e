/*
 * string.c - byte-at-a-time implementations: slower than word-at-a-time
 * versions, but each one fits on a screen and is obviously correct.
 */
#include "lib/string.h"
#include "lib/errno.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

/*
 * The regions may overlap. If dst is above src, copying forwards would
 * overwrite source bytes before they are read, so copy backwards then.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

/* Bytes compare as unsigned char, as the C standard requires. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

/* Never reads s[max] or beyond: s need not be terminated within max. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

/* Like the C library, strchr(s, '\0') finds the terminator. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	}
	return n ? NULL : (char *)haystack;
}

/* Value of one digit in any base up to 16, or 16 for "not a digit". */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 16;
}

static int has_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* Strip a prefix that selects the base; returns the first digit. */
static const char *parse_base(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (has_hex_prefix(s))
			*base = 16;
		else if (s[0] == '0' && s[1])
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && has_hex_prefix(s))
		return s + 2;
	if (*base == 8 && s[0] == '0' && s[1])
		return s + 1;
	return s;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	const unsigned long max = ~0UL;
	unsigned long val = 0;
	unsigned int d;

	if (base == 1 || base > 16)
		return -EINVAL;
	s = parse_base(s, &base);
	if (!*s)
		return -EINVAL; /* empty, or a bare "0x" */
	for (; *s; s++) {
		d = digit_value(*s);
		if (d >= base)
			return -EINVAL;
		/* Check before multiplying: afterwards the bits are lost. */
		if (val > (max - d) / base)
			return -ERANGE;
		val = val * base + d;
	}
	*res = val;
	return 0;
}

int kstrtol(const char *s, unsigned int base, long *res)
{
	const unsigned long long_max = ~0UL >> 1;
	unsigned long val;
	int neg = (*s == '-');
	int err;

	err = kstrtoul(s + neg, base, &val);
	if (err)
		return err;
	/* Two's complement: the negative range is one larger. */
	if (val > long_max + neg)
		return -ERANGE;
	/* 0UL - val wraps modulo 2^N, which is exactly -val in two's complement. */
	*res = neg ? (long)(0UL - val) : (long)val;
	return 0;
}
