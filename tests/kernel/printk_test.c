/* tests/kernel/printk_test.c - printk's log ring and timestamps. */
#include "kernel/klog.h"
#include "kernel/printk.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"
#include "tests/kernel/klog_search.h"

static const char *dump; /* the log, as dump_kernel_log last copied it */

static void dump_kernel_log(void)
{
	dump = klog_snapshot();
}

/* A printk line lands in the log with a "[    s.uuuuuu] " stamp. */
static void line_is_logged_with_timestamp(struct ktest *t)
{
	const char *line;

	pr_info("ktest-marker-%d\n", 4242);
	dump_kernel_log();
	line = strstr(dump, "ktest-marker-4242");
	ASSERT_TRUE(t, line != NULL);
	ASSERT_TRUE(t, line - dump >= 15);
	/* "[%5lu.%06lu] " is 15 characters before the text */
	EXPECT_EQ(t, line[-15], '[');
	EXPECT_EQ(t, line[-9], '.');
	EXPECT_EQ(t, line[-2], ']');
	EXPECT_EQ(t, line[-1], ' ');
}

/* Timestamps never go backwards. */
static void timestamps_increase(struct ktest *t)
{
	const char *a, *b;

	pr_info("ktest-ts-first\n");
	pr_info("ktest-ts-second\n");
	dump_kernel_log();
	a = strstr(dump, "ktest-ts-first");
	b = strstr(dump, "ktest-ts-second");
	ASSERT_TRUE(t, a && b && b > a);
	EXPECT_LE(t, memcmp(a - 15, b - 15, 14), 0);
}

/* A message longer than a line is cut and marked, not overflowed. */
static void long_message_is_cut(struct ktest *t)
{
	static char big[PRINTK_LINE_MAX * 2];

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	printk(KERN_DEBUG "%s\n", big); /* debug: stays out of the console */
	dump_kernel_log();
	EXPECT_TRUE(t, strstr(dump, "yyy[...]\n") != NULL);
}

/* The ring forgets whole old lines, and counts them. */
static void ring_drops_whole_lines(struct ktest *t)
{
	static char storage[32];
	struct klog log;

	klog_init(&log, storage, sizeof(storage));
	klog_append(&log, "first line\n", 11);
	klog_append(&log, "second line\n", 12);
	EXPECT_EQ(t, log.lines_lost, 0);
	klog_append(&log, "third line!\n", 12); /* 35 > 32: drop "first" */
	EXPECT_EQ(t, log.lines_lost, 1);
	EXPECT_EQ(t, ringbuf_len(&log.rb), 24);
	EXPECT_EQ(t, ringbuf_peek(&log.rb, 0), 's');
}

/* Levels: console_loglevel filters the console, never the log. */
static void debug_level_still_logged(struct ktest *t)
{
	pr_debug("ktest-debug-only\n");
	dump_kernel_log();
	EXPECT_TRUE(t, strstr(dump, "ktest-debug-only") != NULL);
}

KTEST_SUITE(printk, KTEST_CASE(line_is_logged_with_timestamp),
	    KTEST_CASE(timestamps_increase), KTEST_CASE(long_message_is_cut),
	    KTEST_CASE(ring_drops_whole_lines),
	    KTEST_CASE(debug_level_still_logged));
