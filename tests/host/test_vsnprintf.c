/*
 * test_vsnprintf.c - lib/vsnprintf.c against the host C library.
 *
 * Every comparison also truncates the output at every buffer size from 0
 * to length + 2 and checks that the return value never changes, that the
 * stored bytes are a NUL-terminated prefix, and that a canary right after
 * the buffer is never written.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "tests/host/check.h"
#include "tests/host/ref_libc.h"
#include "tests/host/rename.h"
#include "lib/printf.h"

#define CANARY	   0x5a
#define CANARY_LEN 4

/* snprintf'd output of size sz must be ref[0..sz-1) + NUL, then canaries. */
static bool truncated_ok(const char *ref, int ref_len, const char *t, size_t sz,
			 int got_len)
{
	size_t keep = sz && (size_t)ref_len >= sz ? sz - 1 : (size_t)ref_len;
	size_t i;

	if (got_len != ref_len) {
		printf("# size %zu: returned %d, want %d\n", sz, got_len,
		       ref_len);
		return false;
	}
	for (i = 0; i < CANARY_LEN; i++) {
		if ((unsigned char)t[sz + i] != CANARY) {
			printf("# size %zu: wrote past the buffer at +%zu\n",
			       sz, i);
			return false;
		}
	}
	if (!sz)
		return true;
	for (i = 0; i < keep; i++) {
		if (t[i] != ref[i]) {
			printf("# size %zu: byte %zu differs\n", sz, i);
			return false;
		}
	}
	if (t[keep] != '\0') {
		printf("# size %zu: not NUL-terminated at %zu\n", sz, keep);
		return false;
	}
	return true;
}

/*
 * Compare one format with libc, then re-run it truncated at every size.
 * A macro, because the arguments are passed on unchanged.
 */
#define CMP(...)                                                              \
	do {                                                                  \
		char cmp_ref[512], cmp_got[512];                              \
		int cmp_rn =                                                  \
			ref_snprintf(cmp_ref, sizeof(cmp_ref), __VA_ARGS__);  \
		int cmp_gn = snprintf(cmp_got, sizeof(cmp_got), __VA_ARGS__); \
		CHECK_EQ(cmp_gn, cmp_rn);                                     \
		CHECK_STR(cmp_got, cmp_ref);                                  \
		for (size_t sz = 0; sz <= (size_t)cmp_rn + 2; sz++) {         \
			char *t = malloc(sz + CANARY_LEN);                    \
			for (size_t k = 0; k < sz + CANARY_LEN; k++)          \
				t[k] = CANARY;                                \
			int n = snprintf(t, sz, __VA_ARGS__);                 \
			CHECK(truncated_ok(cmp_ref, cmp_rn, t, sz, n));       \
			free(t);                                              \
		}                                                             \
	} while (0)

static const char *const int_formats[] = {
	"%d",	 "%i",	   "%5d",   "%-5d|", "%05d",	"%+d",	   "% d",
	"%+05d", "%-+6d|", "%.3d",  "%8.3d", "%-8.3d|", "%08.3d",  "%.0d",
	"%5.0d", "%1d",	   "%012d", "%u",    "%10u",	"%x",	   "%X",
	"%08x",	 "%-8x|",  "%.6x",  "%o",    "%.0x",	"[%3d%%]", "a%db",
};

static const int int_values[] = {
	0,	 1,	 -1,	  7,	   -7,		42,	   99999,
	-100000, 0x7fff, INT_MAX, INT_MIN, INT_MIN + 1, 123456789,
};

static void int_conversions(void)
{
	size_t f, v;

	for (f = 0; f < ARRAY_SIZE(int_formats); f++)
		for (v = 0; v < ARRAY_SIZE(int_values); v++)
			CMP(int_formats[f], int_values[v]);
}

static void long_conversions(void)
{
	CMP("%ld %ld %ld", 0L, LONG_MAX, LONG_MIN);
	CMP("%lu %lx %lX", ULONG_MAX, ULONG_MAX, 0xdeadbeefUL);
	CMP("%lld|%lld|%lld", LLONG_MIN, LLONG_MAX, -1LL);
	CMP("%llu %llx %llo", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	CMP("%20lld|%-20lld|%020lld", LLONG_MIN, -5LL, -5LL);
	CMP("%llu", 10000000000000000000ULL);
	CMP("%llu %llu", 4294967296ULL, 4294967295ULL);
	CMP("%.25llu", 12345ULL);
	CMP("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)48879, (ptrdiff_t)-5);
}

/* Powers of ten around the 32-bit boundary exercise the 64-bit divide. */
static void u64_division(void)
{
	unsigned long long v = 1;
	int i;

	for (i = 0; i < 20; i++, v *= 10) {
		CMP("%llu", v);
		CMP("%llu", v - 1);
		CMP("%llu", v + 7);
	}
	for (i = 0; i < 64; i++)
		CMP("%llu %llx %llo %lld", 1ULL << i, 1ULL << i, 1ULL << i,
		    (long long)(0 - (1ULL << i)));
}

static void string_conversions(void)
{
	static const char not_terminated[3] = { 'a', 'b', 'c' };
	char long_str[301];
	int i;

	CMP("%s", "hello");
	CMP("%s", "");
	CMP("[%10s]", "hi");
	CMP("[%-10s]", "hi");
	CMP("[%2s]", "longer");
	CMP("[%.3s]", "abcdef");
	CMP("[%.0s]", "abcdef");
	CMP("[%.10s]", "abc");
	CMP("[%10.3s]", "abcdef");
	CMP("[%-10.3s]", "abcdef");
	CMP("[%.*s]", 2, "abcdef");
	CMP("[%.*s]", -1, "abcdef"); /* negative: as if no precision */
	CMP("[%*s]", 6, "ab");
	CMP("[%*s]", -6, "ab");	       /* negative width: left-aligned */
	CMP("[%.3s]", not_terminated); /* must not read past 3 bytes */
	CMP("%s=%d, %s=%x", "a", 1, "b", 255);
	for (i = 0; i < 300; i++)
		long_str[i] = 'a' + i % 26;
	long_str[300] = '\0';
	CMP("<%s>", long_str);
}

static void char_and_percent(void)
{
	CMP("%c", 'a');
	CMP("[%3c]", 'x');
	CMP("[%-3c]", 'x');
	CMP("%c%c%c", 'a', 'b', 'c');
	CMP("100%%");
	CMP("%%%d%%", 5);
	CMP("no conversions at all");
	CMP("%s", "tab\there");
}

static void star_width(void)
{
	CMP("[%*d]", 6, 42);
	CMP("[%*d]", -6, 42);
	CMP("[%0*d]", 6, -42);
	CMP("[%*.*d]", 8, 4, 42);
	CMP("[%-*.*d]", 8, 4, -42);
}

/* %p: always 0x and the pointer's full width; not glibc's format. */
static void pointer_format(void)
{
	char buf[64], want[64];
	int n;

	n = snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	ref_snprintf(want, sizeof(want), "0x%0*lx", (int)(2 * sizeof(void *)),
		     0x1234UL);
	CHECK_STR(buf, want);
	CHECK_EQ(n, 2 + 2 * sizeof(void *));

	snprintf(buf, sizeof(buf), "%p", NULL);
	ref_snprintf(want, sizeof(want), "0x%0*x", (int)(2 * sizeof(void *)),
		     0);
	CHECK_STR(buf, want);

	snprintf(buf, sizeof(buf), "[%-20p]", (void *)0xabc);
	ref_snprintf(want, sizeof(want), "[%-20s]",
		     sizeof(void *) == 4 ? "0x00000abc" : "0x0000000000000abc");
	CHECK_STR(buf, want);
}

static void null_string(void)
{
	char buf[32];
	const char *volatile null = NULL;
	int n;

	/* volatile: otherwise gcc sees the NULL and refuses to build. */
	n = snprintf(buf, sizeof(buf), "[%s]", null);
	CHECK_STR(buf, "[(null)]");
	CHECK_EQ(n, 8);
	snprintf(buf, sizeof(buf), "[%.2s]", null);
	CHECK_STR(buf, "[(n]");
}

static void size_zero_and_null_buffer(void)
{
	char c = CANARY;

	CHECK_EQ(snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
	CHECK_EQ(snprintf(&c, 0, "xyz"), 3);
	CHECK_EQ(c, CANARY);
	CHECK_EQ(snprintf(&c, 1, "xyz"), 3);
	CHECK_EQ(c, '\0');
}

/* An unknown conversion is printed as is; a lone '%' at the end vanishes. */
static void unknown_conversion(void)
{
	const char *fmt_unknown = "a%qb", *fmt_trailing = "abc%";
	char buf[16];

	CHECK_EQ(snprintf(buf, sizeof(buf), fmt_unknown, 1), 4);
	CHECK_STR(buf, "a%qb");
	CHECK_EQ(snprintf(buf, sizeof(buf), fmt_trailing), 3);
	CHECK_STR(buf, "abc");
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void vsnprintf_direct(void)
{
	char buf[8];

	CHECK_EQ(call_vsnprintf(buf, sizeof(buf), "%s %d", "abcdef", 1234), 11);
	CHECK_STR(buf, "abcdef ");
}

static const struct test_case cases[] = {
	TEST_CASE(int_conversions),
	TEST_CASE(long_conversions),
	TEST_CASE(u64_division),
	TEST_CASE(string_conversions),
	TEST_CASE(char_and_percent),
	TEST_CASE(star_width),
	TEST_CASE(pointer_format),
	TEST_CASE(null_string),
	TEST_CASE(size_zero_and_null_buffer),
	TEST_CASE(unknown_conversion),
	TEST_CASE(vsnprintf_direct),
};

int main(void)
{
	return RUN_TESTS(cases);
}
