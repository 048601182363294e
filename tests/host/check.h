/*
 * check.h - the smallest test harness that prints KTAP.
 *
 * A test file defines void functions that use CHECK*, lists them in an
 * array with TEST_CASE(fn), and returns run_tests() from main(). A failed
 * check prints a "# file:line" diagnostic and marks the current case
 * "not ok", but the case goes on, so one run shows every failure.
 *
 * Include it BEFORE tests/host/rename.h: it relies on the host libc only.
 */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

#include <stdio.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_CASE(fn)   \
	{               \
#fn, fn \
	}
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int check_failures; /* in the running case */

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("# %s:%d: CHECK(%s) failed\n", __FILE__, \
			       __LINE__, #cond);                        \
			check_failures++;                               \
		}                                                       \
	} while (0)

/* Integers of any type; both are shown, as signed and as hex. */
#define CHECK_EQ(a, b)                                                                               \
	do {                                                                                         \
		long long check_a = (long long)(a);                                                  \
		long long check_b = (long long)(b);                                                  \
		if (check_a != check_b) {                                                            \
			printf("# %s:%d: CHECK_EQ(%s, %s) failed: %lld (0x%llx) != %lld (0x%llx)\n", \
			       __FILE__, __LINE__, #a, #b, check_a,                                  \
			       (unsigned long long)check_a, check_b,                                 \
			       (unsigned long long)check_b);                                         \
			check_failures++;                                                            \
		}                                                                                    \
	} while (0)

/* Compared by hand, so it does not depend on the strcmp under test. */
static inline int check_str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Control bytes as \xNN, so a diagnostic stays on one "# " line. */
static inline void check_print_escaped(const char *s)
{
	if (!s) {
		printf("NULL");
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

#define CHECK_STR(a, b)                                               \
	do {                                                          \
		const char *check_a = (a), *check_b = (b);            \
		if (!check_str_equal(check_a, check_b)) {             \
			printf("# %s:%d: CHECK_STR(%s, %s) failed: ", \
			       __FILE__, __LINE__, #a, #b);           \
			check_print_escaped(check_a);                 \
			printf(" != ");                               \
			check_print_escaped(check_b);                 \
			printf("\n");                                 \
			check_failures++;                             \
		}                                                     \
	} while (0)

/* Runs the cases, prints KTAP version 1; returns main()'s exit status. */
static inline int run_tests(const struct test_case *cases, int n)
{
	int i, failed = 0;

	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		check_failures = 0;
		cases[i].fn();
		printf("%sok %d %s\n", check_failures ? "not " : "", i + 1,
		       cases[i].name);
		if (check_failures)
			failed++;
	}
	if (failed)
		printf("# %d of %d cases failed\n", failed, n);
	return failed ? 1 : 0;
}

#define RUN_TESTS(cases) run_tests(cases, (int)ARRAY_SIZE(cases))

#endif /* TESTS_HOST_CHECK_H */
