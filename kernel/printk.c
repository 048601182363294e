/* kernel/printk.c - see printk.h. */
#include "kernel/printk.h"

#include <stdbool.h>

#include "kernel/arch/cpu.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/klog.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "lib/printf.h"
#include "lib/string.h"

#define LOG_BUF_SIZE (32 * 1024) /* power of two */

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

static char log_buf[LOG_BUF_SIZE];
static struct klog kernel_log = {
	.rb = { (uint8_t *)log_buf, LOG_BUF_SIZE, 0, 0 },
};
static DEFINE_SPINLOCK(printk_lock);
static bool at_line_start = true; /* the next byte begins a new line */

/* The last PRINTK_REPORTS_KEPT report lines, by number modulo that. */
static char report_text[PRINTK_REPORTS_KEPT][PRINTK_REPORT_TEXT];
static unsigned long report_count;

static const char *const report_markers[] = {
	"BUG:",
	"WARNING:",
	"Oops:",
	"Kernel panic",
};

/* Does this line (n bytes, not NUL-terminated) say the kernel is
 * broken? */
static bool is_report(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(report_markers) / sizeof(*report_markers);
	     i++) {
		size_t len = strlen(report_markers[i]);

		for (size_t at = 0; at + len <= n; at++)
			if (!memcmp(s + at, report_markers[i], len))
				return true;
	}
	return false;
}

/* Keep a report line for ktest (kernel/test/ktest.c), newline dropped. */
static void note_report(const char *s, size_t n)
{
	char *slot = report_text[report_count % PRINTK_REPORTS_KEPT];

	if (n && s[n - 1] == '\n')
		n--;
	if (n >= PRINTK_REPORT_TEXT)
		n = PRINTK_REPORT_TEXT - 1;
	memcpy(slot, s, n);
	slot[n] = '\0';
	report_count++;
}

/* Split off a KERN_<LEVEL> prefix, if any. */
static const char *printk_level(const char *s, int *level)
{
	*level = LOGLEVEL_DEFAULT;
	if (s[0] == KERN_SOH[0] && s[1] >= '0' && s[1] <= '7') {
		*level = s[1] - '0';
		return s + 2;
	}
	return s;
}

static void printk_emit(const char *s, size_t n, bool to_console)
{
	klog_append(&kernel_log, s, n);
	if (to_console)
		console_write(s, n);
}

/* Emit text, stamping "[    s.micros] " in front of every new line. */
static void printk_lines(const char *text, bool to_console)
{
	uint64_t us = ktime_get_ns() / 1000;
	char stamp[24];

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) + 1 : strlen(text);

		if (at_line_start) {
			int len =
				snprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ",
					 (unsigned long)(us / 1000000),
					 (unsigned long)(us % 1000000));
			printk_emit(stamp, len, to_console);
			if (is_report(text, n))
				note_report(text, n);
		}
		printk_emit(text, n, to_console);
		at_line_start = nl != NULL;
		text += n;
	}
}

int vprintk(const char *fmt, va_list ap)
{
	char line[PRINTK_LINE_MAX];
	unsigned long flags;
	int level, n;

	fmt = printk_level(fmt, &level);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line)) /* cut: say so, keep the newline */
		strlcpy(line + sizeof(line) - 7, "[...]\n", 7);

	flags = spin_lock_irqsave(&printk_lock);
	printk_lines(line, level <= console_loglevel);
	spin_unlock_irqrestore(&printk_lock, flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

unsigned long printk_report_count(void)
{
	return __atomic_load_n(&report_count, __ATOMIC_RELAXED);
}

bool printk_report_text(unsigned long nr, char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	bool kept =
		nr < report_count && report_count - nr <= PRINTK_REPORTS_KEPT;

	if (kept)
		strlcpy(buf, report_text[nr % PRINTK_REPORTS_KEPT], size);
	spin_unlock_irqrestore(&printk_lock, flags);
	return kept;
}

unsigned long printk_log_dump(void (*out)(const char *s, size_t n))
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	unsigned long lost = kernel_log.lines_lost;

	klog_for_each(&kernel_log, out);
	spin_unlock_irqrestore(&printk_lock, flags);
	return lost;
}

static int loglevel_param(const char *val)
{
	unsigned long v;

	if (kstrtoul(val, 10, &v) || v > 7)
		return -1;
	console_loglevel = (int)v;
	return 0;
}
KERNEL_PARAM(loglevel, loglevel_param, "console shows levels <= N (0-7)");
