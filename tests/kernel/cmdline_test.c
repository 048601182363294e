/* tests/kernel/cmdline_test.c - the command-line parser against a private
 * table of options (the real table is left alone). */
#include "kernel/cmdline.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

static char seen_speed[32];
static int seen_flag;

static int set_speed(const char *val)
{
	if (!*val)
		return -1; /* needs a value */
	strlcpy(seen_speed, val, sizeof(seen_speed));
	return 0;
}

static int set_flag(const char *val)
{
	(void)val;
	seen_flag++;
	return 0;
}

static const struct kernel_param test_params[] = {
	{ "speed", set_speed, "test option with a value" },
	{ "flag", set_flag, "test option without one" },
};

static struct cmdline_result parse(const char *s)
{
	char buf[CMDLINE_MAX];

	seen_speed[0] = '\0';
	seen_flag = 0;
	strlcpy(buf, s, sizeof(buf));
	return cmdline_parse(buf, test_params, 2);
}

/* "speed=9" reaches its setter with "9"; the image name is skipped. */
static void parses_key_value(struct ktest *t)
{
	struct cmdline_result r = parse("/boot/interlude.elf speed=9");

	EXPECT_EQ(t, r.applied, 1);
	EXPECT_EQ(t, r.unknown, 0);
	EXPECT_STREQ(t, seen_speed, "9");
}

/* A bare word is an option with an empty value. */
static void bare_option(struct ktest *t)
{
	struct cmdline_result r = parse("build/interlude.elf flag flag");

	EXPECT_EQ(t, r.applied, 2);
	EXPECT_EQ(t, seen_flag, 2);
}

/* Unknown options are counted (and warned about), the rest still apply. */
static void unknown_option_ignored(struct ktest *t)
{
	struct cmdline_result r =
		parse("build/interlude.elf bogus=1 speed=fast nonsense");

	EXPECT_EQ(t, r.unknown, 2);
	EXPECT_EQ(t, r.applied, 1);
	EXPECT_STREQ(t, seen_speed, "fast");
}

/* A setter that refuses the value: counted as rejected, not applied. */
static void bad_value_rejected(struct ktest *t)
{
	struct cmdline_result r = parse("build/interlude.elf speed=");

	EXPECT_EQ(t, r.rejected, 1);
	EXPECT_EQ(t, r.applied, 0);
	EXPECT_STREQ(t, seen_speed, "");
}

/* Double quotes keep spaces inside one value. */
static void quoted_value(struct ktest *t)
{
	struct cmdline_result r =
		parse("build/interlude.elf \"speed=very fast\"");

	EXPECT_EQ(t, r.applied, 1);
	EXPECT_STREQ(t, seen_speed, "very fast");
}

/* Only the image name, or nothing at all: nothing applies, nothing breaks. */
static void empty_line(struct ktest *t)
{
	EXPECT_EQ(t, parse("interlude.elf").applied, 0);
	EXPECT_EQ(t, parse("").applied, 0);
	EXPECT_EQ(t, parse("   ").unknown, 0);
}

/* An unterminated quote: the line is refused as a whole. */
static void unterminated_quote(struct ktest *t)
{
	struct cmdline_result r = parse("build/interlude.elf speed=1 \"flag");

	EXPECT_EQ(t, r.applied, 0);
	EXPECT_EQ(t, seen_flag, 0);
}

/* Regression: GRUB passes no image path, so the first word is an option
 * and must not be skipped (it was, and hz= first was silently lost). */
static void grub_first_option_not_dropped(struct ktest *t)
{
	struct cmdline_result r = parse("speed=3 flag");

	EXPECT_EQ(t, r.applied, 2);
	EXPECT_STREQ(t, seen_speed, "3");
	r = parse("flag");
	EXPECT_EQ(t, r.applied, 1);
	EXPECT_EQ(t, seen_flag, 1);
}

/* The real table holds the options this kernel documents. */
static void real_table_has_hz(struct ktest *t)
{
	int found = 0;

	for (const struct kernel_param *p = __kernel_params_start;
	     p < __kernel_params_end; p++)
		found += !strcmp(p->name, "hz") || !strcmp(p->name, "ktest");
	EXPECT_EQ(t, found, 2);
}

/* Regression for "a kernel command line of more than 32 words drops
 * every option": the first 32 words apply, the rest are counted (and
 * logged as not applied). */
static void over_32_words_keeps_what_fits(struct ktest *t)
{
	char line[CMDLINE_MAX];
	size_t len = 0;
	struct cmdline_result r;

	for (int i = 0; i < 31; i++)
		len += strlcpy(line + len, "flag ", sizeof(line) - len);
	strlcpy(line + len, "speed=7 flag flag speed=8", sizeof(line) - len);
	r = parse(line); /* 35 words: the last 3 do not fit */
	EXPECT_EQ(t, r.applied, 32);
	EXPECT_EQ(t, seen_flag, 31);
	EXPECT_STREQ(t, seen_speed, "7");
	EXPECT_EQ(t, r.dropped, 3);
}

KTEST_SUITE(cmdline, KTEST_CASE(parses_key_value), KTEST_CASE(bare_option),
	    KTEST_CASE(unknown_option_ignored), KTEST_CASE(bad_value_rejected),
	    KTEST_CASE(quoted_value), KTEST_CASE(empty_line),
	    KTEST_CASE(unterminated_quote),
	    KTEST_CASE(grub_first_option_not_dropped),
	    KTEST_CASE(real_table_has_hz),
	    KTEST_CASE(over_32_words_keeps_what_fits));
