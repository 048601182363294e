/*
 * test_lineedit.c - kernel/shell/lineedit.c fed byte strings as a serial
 * terminal would send them; checks events, the line and the echo.
 */
#include <stdbool.h>
#include <stddef.h>
#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "kernel/shell/lineedit.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PROMPT "> "

/* Everything the editor printed since the last screen_clear(). */
static char screen[8192];
static size_t screen_len;

static void screen_clear(void)
{
	screen_len = 0;
	screen[0] = '\0';
}

static void out(void *ctx, const char *s, size_t n)
{
	CHECK(ctx == screen);
	CHECK(n > 0);
	CHECK(screen_len + n < sizeof(screen));
	if (screen_len + n < sizeof(screen)) {
		memcpy(screen + screen_len, s, n);
		screen_len += n;
		screen[screen_len] = '\0';
	}
}

static const char *const commands[] = {
	"help", "halt", "history", "ls", "lsirq", "mem",
};
static int complete_calls;

static int complete(void *ctx, const char *prefix, size_t len,
		    const char **matches, int max)
{
	size_t i;
	int n = 0;

	CHECK(ctx == screen);
	CHECK_EQ(strlen(prefix), len);
	complete_calls++;
	for (i = 0; i < ARRAY_SIZE(commands) && n < max; i++) {
		if (!strncmp(commands[i], prefix, len))
			matches[n++] = commands[i];
	}
	return n;
}

static struct lineedit le;
static int event_count; /* events other than LE_NONE in the last feed() */

/* A fresh editor with the prompt printed, and a clean screen. */
static void setup(void)
{
	screen_clear();
	lineedit_init(&le, PROMPT, out, screen, complete);
	lineedit_start(&le);
	CHECK_STR(screen, PROMPT);
	screen_clear();
	complete_calls = 0;
}

/* Feed a string; returns the last event that was not LE_NONE. */
static enum lineedit_event feed_n(const char *s, size_t n)
{
	enum lineedit_event last = LE_NONE, ev;

	event_count = 0;
	while (n--) {
		ev = lineedit_feed(&le, *s++);
		if (ev != LE_NONE) {
			last = ev;
			event_count++;
		}
	}
	return last;
}

static enum lineedit_event feed(const char *s)
{
	return feed_n(s, strlen(s));
}

static void typing_echoes(void)
{
	setup();
	CHECK_EQ(feed("ls -l"), LE_NONE);
	CHECK_STR(screen, "ls -l");
	CHECK_EQ(feed("\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "ls -l");
	CHECK_STR(screen, "ls -l\r\n");
}

static void empty_line(void)
{
	setup();
	CHECK_EQ(feed("\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "");
	CHECK_STR(screen, "\r\n");
}

/* The next feed starts a new line even without lineedit_start(). */
static void line_reset_after_enter(void)
{
	setup();
	feed("abc\r");
	CHECK_EQ(feed("d\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "d");
}

static void cr_lf_pairs_are_one_enter(void)
{
	setup();
	CHECK_EQ(feed("a\r\n"), LE_LINE);
	CHECK_EQ(event_count, 1);
	CHECK_STR(lineedit_line(&le), "a");
	CHECK_EQ(feed("b\n\r"), LE_LINE);
	CHECK_EQ(event_count, 1);
	CHECK_EQ(feed("\r\r"), LE_LINE); /* two Enters: two lines */
	CHECK_EQ(event_count, 2);
	CHECK_EQ(feed("x\n\n"), LE_LINE); /* "\r\r\n\n" would be 3 */
	CHECK_EQ(event_count, 2);
	/* The pair may be split by the caller's lineedit_start(). */
	CHECK_EQ(feed("c\r"), LE_LINE);
	lineedit_start(&le);
	CHECK_EQ(feed("\n"), LE_NONE);
	CHECK_EQ(feed("d\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "d");
	/* Only an immediate follower is swallowed. */
	CHECK_EQ(feed("\rx\n"), LE_LINE);
	CHECK_EQ(event_count, 2);
	CHECK_STR(lineedit_line(&le), "x");
}

static void backspace_and_del(void)
{
	setup();
	feed("abc\b\x7f");
	CHECK_STR(screen, "abc\b \b\b \b");
	screen_clear();
	feed("\b\b\b"); /* only one left to erase */
	CHECK_STR(screen, "\b \b");
	CHECK_EQ(feed("z\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "z");
}

static void ctrl_u_kills_line(void)
{
	setup();
	feed("hey\x15");
	CHECK_STR(screen, "hey\b \b\b \b\b \b");
	CHECK_EQ(feed("you\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "you");
}

static void ctrl_c_cancels(void)
{
	setup();
	CHECK_EQ(feed("abc\x03"), LE_CANCEL);
	CHECK_STR(screen, "abc^C\r\n");
	lineedit_start(&le);
	CHECK_EQ(feed("\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "");
}

static void ignored_bytes(void)
{
	setup();
	CHECK_EQ(feed("a\x01\x02\x07\x80\xff\x1f"
		      "b\r"),
		 LE_LINE);
	CHECK_STR(lineedit_line(&le), "ab");
	CHECK_STR(screen, "ab\r\n");
}

static void escape_sequences_ignored(void)
{
	setup();
	/* Right, left, Delete key, Ctrl-Home, Alt-x, then SS3 F1 (ESC O P). */
	CHECK_EQ(feed("a\x1b[C\x1b[D\x1b[3~\x1b[1;5H\x1bx\x1bOPb\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "ab");
	CHECK_STR(screen, "ab\r\n");
	/* A control byte breaks off a sequence and still works. */
	CHECK_EQ(feed("q\x1b[\x03"), LE_CANCEL);
}

static void enter_lines(const char *const *lines, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		lineedit_start(&le);
		feed(lines[i]);
		CHECK_EQ(feed("\r"), LE_LINE);
	}
	lineedit_start(&le);
	screen_clear();
}

#define UP   "\x1b[A"
#define DOWN "\x1b[B"

static void history_walk(void)
{
	static const char *const lines[] = { "one", "two", "two", "", "three" };

	setup();
	enter_lines(lines, ARRAY_SIZE(lines));
	feed("ab");
	screen_clear();
	feed(UP); /* replaces the typed "ab" */
	CHECK_STR(screen, "\b \b\b \bthree");
	CHECK_STR(lineedit_line(&le), "three");
	feed(UP); /* "two" once: no consecutive duplicates */
	CHECK_STR(lineedit_line(&le), "two");
	feed("\x1bOA"); /* ESC O A is Up too; "" was not stored */
	CHECK_STR(lineedit_line(&le), "one");
	screen_clear();
	feed(UP); /* oldest: stays, prints nothing */
	CHECK_STR(lineedit_line(&le), "one");
	CHECK_STR(screen, "");
	feed(DOWN);
	CHECK_STR(lineedit_line(&le), "two");
	feed(DOWN "\x1bOB");
	CHECK_STR(lineedit_line(&le), ""); /* past the newest: empty */
	screen_clear();
	feed(DOWN);
	CHECK_STR(screen, "");
	feed(UP UP "!\r"); /* a recalled line can be edited and entered */
	CHECK_STR(lineedit_line(&le), "two!");
}

static void history_keeps_sixteen(void)
{
	char names[20][8];
	const char *lines[20];
	int i;

	setup();
	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "c%d", i);
		lines[i] = names[i];
	}
	enter_lines(lines, 20);
	for (i = 0; i < LINEEDIT_HISTORY; i++)
		feed(UP);
	CHECK_STR(lineedit_line(&le), "c4");
	feed(UP);
	CHECK_STR(lineedit_line(&le), "c4");
}

static void tab_single_match(void)
{
	setup();
	feed("he\t");
	CHECK_STR(lineedit_line(&le), "help ");
	CHECK_STR(screen, "help ");
	CHECK_EQ(feed("\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "help ");
}

static void tab_common_prefix(void)
{
	setup();
	feed("l\t"); /* ls, lsirq share "ls" */
	CHECK_STR(lineedit_line(&le), "ls");
	CHECK_STR(screen, "ls");
	screen_clear();
	feed("\t"); /* nothing left to add: list them */
	CHECK_STR(screen, "\r\nls  lsirq\r\n" PROMPT "ls");
	CHECK_STR(lineedit_line(&le), "ls");
	feed("\x15h\t");
	CHECK_STR(lineedit_line(&le), "h");
	feed("i\t");
	CHECK_STR(lineedit_line(&le), "history ");
}

static void tab_only_first_word(void)
{
	setup();
	feed("ls he\t");
	CHECK_EQ(complete_calls, 0);
	CHECK_STR(lineedit_line(&le), "ls he");
	feed("\x15zz\t"); /* no match: nothing happens */
	CHECK_EQ(complete_calls, 1);
	CHECK_STR(lineedit_line(&le), "zz");
	lineedit_init(&le, PROMPT, out, screen, NULL);
	lineedit_start(&le);
	feed("he\t"); /* no completer: Tab ignored */
	CHECK_STR(lineedit_line(&le), "he");
}

static void fill(char c, int n)
{
	while (n--)
		lineedit_feed(&le, c);
}

static void longest_line_fits(void)
{
	setup();
	fill('a', LINEEDIT_MAX - 1);
	CHECK_EQ(screen_len, LINEEDIT_MAX - 1);
	CHECK_EQ(feed("\r"), LE_LINE);
	CHECK_EQ(strlen(lineedit_line(&le)), LINEEDIT_MAX - 1);
}

static void overflow_reports_too_long(void)
{
	setup();
	fill('a', LINEEDIT_MAX - 1);
	screen_clear();
	fill('b', 500); /* dropped: not stored, not echoed */
	CHECK_EQ(screen_len, 0);
	CHECK_EQ(le.len, LINEEDIT_MAX - 1);
	CHECK_EQ(le.buf[LINEEDIT_MAX - 1], '\0');
	feed("\b\b"); /* erasing does not bring the lost text back */
	CHECK_EQ(feed("\r"), LE_TOO_LONG);
	CHECK_STR(screen, "\b \b\b \b\r\n");
	/* A too-long line is not put in the history. */
	lineedit_start(&le);
	feed(UP);
	CHECK_STR(lineedit_line(&le), "");
	CHECK_EQ(feed("ok\r"), LE_LINE);
	CHECK_STR(lineedit_line(&le), "ok");
}

static void ctrl_u_clears_overflow(void)
{
	setup();
	fill('a', LINEEDIT_MAX + 10);
	CHECK_EQ(feed("\x15"
		      "fine\r"),
		 LE_LINE);
	CHECK_STR(lineedit_line(&le), "fine");
}

static const struct test_case cases[] = {
	TEST_CASE(typing_echoes),
	TEST_CASE(empty_line),
	TEST_CASE(line_reset_after_enter),
	TEST_CASE(cr_lf_pairs_are_one_enter),
	TEST_CASE(backspace_and_del),
	TEST_CASE(ctrl_u_kills_line),
	TEST_CASE(ctrl_c_cancels),
	TEST_CASE(ignored_bytes),
	TEST_CASE(escape_sequences_ignored),
	TEST_CASE(history_walk),
	TEST_CASE(history_keeps_sixteen),
	TEST_CASE(tab_single_match),
	TEST_CASE(tab_common_prefix),
	TEST_CASE(tab_only_first_word),
	TEST_CASE(longest_line_fits),
	TEST_CASE(overflow_reports_too_long),
	TEST_CASE(ctrl_u_clears_overflow),
};

int main(void)
{
	return RUN_TESTS(cases);
}
