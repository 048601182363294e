/*
 * kernel/printk.h - the kernel log: printk() and its levels.
 *
 * Every printk line is stamped with the seconds.microseconds since boot,
 * kept in a ring buffer (read back by the shell's dmesg) and, if its level
 * is at least as urgent as console_loglevel, written to the console.
 * Levels use Linux's convention: a message starts with KERN_ERR etc.
 * (a "\001" byte and a digit); no prefix means KERN_INFO.
 *
 * Reports: a line that contains "BUG:", "WARNING:", "Oops:" or "Kernel
 * panic" says the kernel found itself broken. printk numbers such lines
 * from 0 and keeps the text of the last PRINTK_REPORTS_KEPT, so that
 * ktest can fail a case that printed one it did not declare
 * (kernel/test/ktest.h). Only the first piece of a line is looked at: a
 * report is printed with its marker in one printk call.
 *
 * Context: any, including hard-IRQ context; does not sleep. A line longer
 * than PRINTK_LINE_MAX is cut and marked "[...]".
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define KERN_SOH		 "\001"
#define KERN_EMERG		 KERN_SOH "0"
#define KERN_ALERT		 KERN_SOH "1"
#define KERN_CRIT		 KERN_SOH "2"
#define KERN_ERR		 KERN_SOH "3"
#define KERN_WARNING		 KERN_SOH "4"
#define KERN_NOTICE		 KERN_SOH "5"
#define KERN_INFO		 KERN_SOH "6"
#define KERN_DEBUG		 KERN_SOH "7"

#define LOGLEVEL_DEFAULT	 6
#define CONSOLE_LOGLEVEL_DEFAULT 7 /* levels <= 7: everything, debug too */
#define PRINTK_LINE_MAX		 256

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

#define pr_emerg(fmt, ...)  printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG fmt, ##__VA_ARGS__)

extern int console_loglevel;

#define PRINTK_REPORTS_KEPT 64
#define PRINTK_REPORT_TEXT  120

/* Report lines printed since boot. */
unsigned long printk_report_count(void);
/* Copy report number nr (0 = the first since boot) into buf; false if it
 * was not printed yet or is no longer kept. */
bool printk_report_text(unsigned long nr, char *buf, size_t size);

/* Copy the log, oldest first, to out(); returns lines lost to overflow. */
unsigned long printk_log_dump(void (*out)(const char *s, size_t n));

#endif
