/*
 * test_string.c - lib/string.c: memory and string functions, kstrto*.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include "tests/host/check.h"
#include "tests/host/ref_libc.h"
#include "tests/host/rename.h"
#include "lib/errno.h"
#include "lib/string.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void mem_copy_set(void)
{
	char buf[16];
	int i;

	CHECK(memset(buf, 'x', sizeof(buf)) == buf);
	for (i = 0; i < 16; i++)
		CHECK_EQ(buf[i], 'x');
	CHECK(memcpy(buf + 2, "hello", 5) == buf + 2);
	CHECK_EQ(memcmp(buf, "xxhellox", 8), 0);
	memset(buf, 0x1ff, 1); /* only the low byte is used */
	CHECK_EQ((unsigned char)buf[0], 0xff);
	memcpy(buf, "abc", 0);
	CHECK_EQ((unsigned char)buf[0], 0xff);
}

/* Overlap in both directions, compared with a slow obvious version. */
static void mem_move_overlap(void)
{
	char buf[32], want[32], tmp[32];
	int src, dst, n, i;

	for (src = 0; src < 12; src++) {
		for (dst = 0; dst < 12; dst++) {
			for (n = 0; n <= 20; n++) {
				for (i = 0; i < 32; i++)
					buf[i] = want[i] = (char)i;
				for (i = 0; i < n; i++)
					tmp[i] = want[src + i];
				for (i = 0; i < n; i++)
					want[dst + i] = tmp[i];
				CHECK(memmove(buf + dst, buf + src, n) ==
				      buf + dst);
				CHECK_EQ(ref_memcmp(buf, want, 32), 0);
			}
		}
	}
}

static void compare_functions(void)
{
	static const char *const s[] = {
		"", "a", "b", "ab", "abc", "abd", "abcd", "\x80", "\xff", "Z",
	};
	size_t i, j, n;

	for (i = 0; i < ARRAY_SIZE(s); i++) {
		for (j = 0; j < ARRAY_SIZE(s); j++) {
			CHECK_EQ(sign(strcmp(s[i], s[j])),
				 sign(ref_strcmp(s[i], s[j])));
			for (n = 0; n < 6; n++)
				CHECK_EQ(sign(strncmp(s[i], s[j], n)),
					 sign(ref_strncmp(s[i], s[j], n)));
		}
	}
	/* Bytes compare unsigned: 0x80 is greater than 'a'. */
	CHECK(memcmp("\x80", "a", 1) > 0);
	CHECK_EQ(memcmp("abc", "abd", 2), 0);
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK_EQ(memcmp("a", "b", 0), 0);
}

static void lengths(void)
{
	static const char unterminated[4] = { 'a', 'b', 'c', 'd' };

	CHECK_EQ(strlen(""), 0);
	CHECK_EQ(strlen("hello"), 5);
	CHECK_EQ(strnlen("hello", 3), 3);
	CHECK_EQ(strnlen("hello", 10), 5);
	CHECK_EQ(strnlen(unterminated, 4), 4); /* must not read byte 4 */
	CHECK_EQ(strnlen("", 0), 0);
}

static void search_functions(void)
{
	static const char *const hay[] = { "", "a", "abcabc", "aaab",
					   "hello world" };
	static const char *const needle[] = { "",    "a",     "b", "abc",
					      "aab", "world", "x", "cab" };
	const char *s = "a/b/c";
	size_t i, j;

	CHECK(strchr(s, '/') == s + 1);
	CHECK(strrchr(s, '/') == s + 3);
	CHECK(strchr(s, 'x') == NULL);
	CHECK(strrchr(s, 'x') == NULL);
	CHECK(strchr(s, '\0') == s + 5); /* the terminator counts */
	CHECK(strrchr(s, '\0') == s + 5);
	CHECK(strchr(s, 'a' + 256) == s); /* c is converted to char */
	for (i = 0; i < ARRAY_SIZE(hay); i++)
		for (j = 0; j < ARRAY_SIZE(needle); j++)
			CHECK(strstr(hay[i], needle[j]) ==
			      ref_strstr(hay[i], needle[j]));
}

static void strlcpy_truncates(void)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(strlcpy(buf, "hello", sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
	CHECK_EQ(strlcpy(buf, "a longer string", sizeof(buf)), 15);
	CHECK_STR(buf, "a longe");
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(strlcpy(buf, "abc", 0), 3); /* size 0: writes nothing */
	CHECK_EQ(buf[0], 'x');
	CHECK_EQ(strlcpy(buf, "abc", 1), 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], 'x');
}

static void kstrtoul_valid(void)
{
	unsigned long v = 99;

	CHECK_EQ(kstrtoul("0", 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(kstrtoul("12345", 10, &v), 0);
	CHECK_EQ(v, 12345);
	CHECK_EQ(kstrtoul("ff", 16, &v), 0);
	CHECK_EQ(v, 255);
	CHECK_EQ(kstrtoul("0xFF", 16, &v), 0);
	CHECK_EQ(v, 255);
	CHECK_EQ(kstrtoul("0x1f", 0, &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(kstrtoul("017", 0, &v), 0);
	CHECK_EQ(v, 15);
	CHECK_EQ(kstrtoul("0", 0, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(kstrtoul("42", 0, &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(kstrtoul("101", 2, &v), 0);
	CHECK_EQ(v, 5);
}

static void kstrtoul_invalid(void)
{
	static const char *const bad[] = {
		"",   "x",  "12a", " 1",  "1 ", "12\n",
		"-1", "+1", "0x",  "0xg", "09", "1.5",
	};
	unsigned long v = 77;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(kstrtoul(bad[i], 0, &v), -EINVAL);
		CHECK_EQ(v, 77); /* untouched on error */
	}
	CHECK_EQ(kstrtoul("1a", 10, &v), -EINVAL);
	CHECK_EQ(kstrtoul("12", 1, &v), -EINVAL);
	CHECK_EQ(kstrtoul("12", 17, &v), -EINVAL);
	CHECK_EQ(v, 77);
}

static void kstrtoul_range(void)
{
	char buf[64];
	unsigned long v;

	ref_snprintf(buf, sizeof(buf), "%lu", ULONG_MAX);
	CHECK_EQ(kstrtoul(buf, 10, &v), 0);
	CHECK(v == ULONG_MAX);
	ref_snprintf(buf, sizeof(buf), "%lu0", ULONG_MAX);
	CHECK_EQ(kstrtoul(buf, 10, &v), -ERANGE);
	/* ULONG_MAX + 1: the last digit alone overflows. */
	ref_snprintf(buf, sizeof(buf), "%lu", ULONG_MAX / 10);
	strlcpy(buf + strlen(buf), "6", 2);
	CHECK_EQ(kstrtoul(buf, 10, &v), -ERANGE);
	ref_snprintf(buf, sizeof(buf), "0x1%0*d", (int)(2 * sizeof(long)), 0);
	CHECK_EQ(kstrtoul(buf, 0, &v), -ERANGE);
}

static void kstrtol_signs(void)
{
	char buf[64];
	long v = 5;

	CHECK_EQ(kstrtol("-42", 10, &v), 0);
	CHECK_EQ(v, -42);
	CHECK_EQ(kstrtol("42", 10, &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(kstrtol("-0x10", 0, &v), 0);
	CHECK_EQ(v, -16);
	CHECK_EQ(kstrtol("-", 10, &v), -EINVAL);
	CHECK_EQ(kstrtol("--1", 10, &v), -EINVAL);
	CHECK_EQ(kstrtol("", 10, &v), -EINVAL);
	ref_snprintf(buf, sizeof(buf), "%ld", LONG_MAX);
	CHECK_EQ(kstrtol(buf, 10, &v), 0);
	CHECK(v == LONG_MAX);
	ref_snprintf(buf, sizeof(buf), "%ld", LONG_MIN);
	CHECK_EQ(kstrtol(buf, 10, &v), 0);
	CHECK(v == LONG_MIN);
	ref_snprintf(buf, sizeof(buf), "%lu", (unsigned long)LONG_MAX + 1);
	CHECK_EQ(kstrtol(buf, 10, &v), -ERANGE); /* LONG_MAX + 1 */
	ref_snprintf(buf, sizeof(buf), "-%lu", (unsigned long)LONG_MAX + 2);
	CHECK_EQ(kstrtol(buf, 10, &v), -ERANGE); /* LONG_MIN - 1 */
}

static void errno_names(void)
{
	CHECK_STR(errno_name(EINVAL), "EINVAL");
	CHECK_STR(errno_name(-EINVAL), "EINVAL");
	CHECK_STR(errno_name(-ETIMEDOUT), "ETIMEDOUT");
	CHECK_STR(errno_name(ENODEV), "ENODEV");
	CHECK_STR(errno_name(0), "E?");
	CHECK_STR(errno_name(9999), "E?");
	CHECK_STR(errno_name(INT_MIN), "E?");
	/* The numbers are Linux's. */
	CHECK_EQ(EINVAL, 22);
	CHECK_EQ(ENOSYS, 38);
	CHECK_EQ(ETIMEDOUT, 110);
}

static const struct test_case cases[] = {
	TEST_CASE(mem_copy_set),      TEST_CASE(mem_move_overlap),
	TEST_CASE(compare_functions), TEST_CASE(lengths),
	TEST_CASE(search_functions),  TEST_CASE(strlcpy_truncates),
	TEST_CASE(kstrtoul_valid),    TEST_CASE(kstrtoul_invalid),
	TEST_CASE(kstrtoul_range),    TEST_CASE(kstrtol_signs),
	TEST_CASE(errno_names),
};

int main(void)
{
	return RUN_TESTS(cases);
}
