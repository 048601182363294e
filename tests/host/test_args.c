/*
 * test_args.c - lib/args.c: word splitting, quotes, escapes and limits.
 */
#include <stdarg.h>
#include <stdbool.h>
#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/args.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAX_ARGS 8

/*
 * Split `input` and compare with the expected words (a NULL-terminated
 * list). Returns false, after printing why, on any mismatch.
 */
static bool split_is(const char *input, ...)
{
	char line[128];
	char *argv[MAX_ARGS + 1];
	const char *want;
	va_list ap;
	int argc, i = 0;
	bool ok = true;

	strlcpy(line, input, sizeof(line));
	argc = split_args(line, argv, MAX_ARGS);
	va_start(ap, input);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= argc || !check_str_equal(argv[i], want)) {
			printf("# input [%s]: word %d is [%s], want [%s]\n",
			       input, i, i < argc ? argv[i] : "(none)", want);
			ok = false;
		}
		i++;
	}
	va_end(ap);
	if (argc != i || argv[argc] != NULL) {
		printf("# input [%s]: argc %d, want %d\n", input, argc, i);
		ok = false;
	}
	return ok;
}

static void plain_words(void)
{
	CHECK(split_is("ls", "ls", NULL));
	CHECK(split_is("echo a b c", "echo", "a", "b", "c", NULL));
	CHECK(split_is("  \t lead and trail  \t", "lead", "and", "trail",
		       NULL));
	CHECK(split_is("a\tb", "a", "b", NULL));
}

static void blank_lines(void)
{
	CHECK(split_is("", NULL));
	CHECK(split_is("   ", NULL));
	CHECK(split_is("\t \t", NULL));
}

static void double_quotes(void)
{
	CHECK(split_is("echo \"a b\" c", "echo", "a b", "c", NULL));
	CHECK(split_is("ab\"c d\"e", "abc de", NULL));
	CHECK(split_is("\"\"", "", NULL));
	CHECK(split_is("x \"\" y", "x", "", "y", NULL));
	CHECK(split_is("\"  spaced  \"", "  spaced  ", NULL));
	CHECK(split_is("\"a\"\"b\"", "ab", NULL));
}

static void escapes_in_quotes(void)
{
	CHECK(split_is("\"say \\\"hi\\\"\"", "say \"hi\"", NULL));
	CHECK(split_is("\"back\\\\slash\"", "back\\slash", NULL));
	CHECK(split_is("\"keep \\n\"", "keep \\n", NULL));
	/* Outside quotes a backslash is an ordinary character. */
	CHECK(split_is("a\\b", "a\\b", NULL));
}

static void unterminated_quote(void)
{
	char line[] = "echo \"abc";
	char line2[] = "\"x\\\""; /* the escaped quote does not close */
	char *argv[MAX_ARGS + 1];

	CHECK_EQ(split_args(line, argv, MAX_ARGS), -EINVAL);
	CHECK_EQ(split_args(line2, argv, MAX_ARGS), -EINVAL);
}

static void too_many_words(void)
{
	char exact[] = "1 2 3 4 5 6 7 8";
	char over[] = "1 2 3 4 5 6 7 8 9";
	char trailing[] = "1 2 3 4 5 6 7 8   ";
	char *argv[MAX_ARGS + 1];

	CHECK_EQ(split_args(exact, argv, MAX_ARGS), 8);
	CHECK(argv[8] == NULL);
	CHECK_STR(argv[7], "8");
	CHECK_EQ(split_args(over, argv, MAX_ARGS), -E2BIG);
	CHECK_EQ(split_args(trailing, argv, MAX_ARGS),
		 8); /* blanks are not words */
}

/* split_args_rest: the words that fit, and the rest of the line as it
 * was (the cmdline keeps the first 32 options and logs the rest). */
static void rest_of_line_kept(void)
{
	char over[] = "1 \"2 x\" 3 4 5 6 7 8   9  \"ten\"";
	char fits[] = "1 2";
	char *argv[MAX_ARGS + 1], *rest;

	CHECK_EQ(split_args_rest(over, argv, MAX_ARGS, &rest), 8);
	CHECK_STR(argv[1], "2 x");
	CHECK_STR(argv[7], "8");
	CHECK(rest != NULL);
	CHECK_STR(rest, "9  \"ten\"");
	CHECK_EQ(split_args_rest(fits, argv, MAX_ARGS, &rest), 2);
	CHECK(rest == NULL);
}

static void zero_max_args(void)
{
	char blank[] = "  ", word[] = "x";
	char *argv[1];

	CHECK_EQ(split_args(blank, argv, 0), 0);
	CHECK(argv[0] == NULL);
	CHECK_EQ(split_args(word, argv, 0), -E2BIG);
}

static const struct test_case cases[] = {
	TEST_CASE(plain_words),	       TEST_CASE(blank_lines),
	TEST_CASE(double_quotes),      TEST_CASE(escapes_in_quotes),
	TEST_CASE(unterminated_quote), TEST_CASE(too_many_words),
	TEST_CASE(zero_max_args),      TEST_CASE(rest_of_line_kept),
};

int main(void)
{
	return RUN_TESTS(cases);
}
