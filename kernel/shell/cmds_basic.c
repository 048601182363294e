/*
 * kernel/shell/cmds_basic.c - the shell's basic commands: help, echo,
 * uptime, dmesg, cmdline, ktest, poweroff, reboot.
 */
#include "drivers/misc/qemu_exit.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/sched/stats.h"
#include "kernel/sched/time.h"
#include "kernel/shell/shell.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

#define HELP_NAME_WIDTH 10

static void help_one(const struct shell_cmd *c)
{
	console_printf("usage: %s\n  %s\n", c->usage, c->help);
}

/* List commands alphabetically: repeatedly pick the smallest name above
 * the previous one (the table is small, and this needs no memory). */
static void help_all(void)
{
	const char *prev = "";

	for (;;) {
		const struct shell_cmd *next = NULL;

		for (const struct shell_cmd *c = __shell_cmds_start;
		     c < __shell_cmds_end; c++)
			if (strcmp(c->name, prev) > 0 &&
			    (!next || strcmp(c->name, next->name) < 0))
				next = c;
		if (!next)
			break;
		console_printf("  %-*s %s\n", HELP_NAME_WIDTH, next->name,
			       next->help);
		prev = next->name;
	}
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *c;

	if (argc == 1) {
		help_all();
		return 0;
	}
	c = shell_find(argv[1]);
	if (!c) {
		console_printf("help: no command '%s'\n", argv[1]);
		return -1;
	}
	help_one(c);
	return 0;
}
SHELL_COMMAND(help, cmd_help, 0, 1, "help [COMMAND]",
	      "list commands, or explain one");

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		console_printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	console_printf("\n");
	return 0;
}
SHELL_COMMAND(echo, cmd_echo, 0, -1, "echo [WORD...]",
	      "print the words, separated by spaces");

/* Load averages as Linux prints them: fixed point to two decimals. */
static void print_load(unsigned long load)
{
	unsigned long centi = (load * 100 + FIXED_1 / 2) >> FSHIFT;

	console_printf("%lu.%02lu", centi / 100, centi % 100);
}

static void print_sched_stats(const struct sched_stats *st)
{
	console_printf("load average: ");
	for (int i = 0; i < 3; i++) {
		print_load(st->avenrun[i]);
		console_printf(i < 2 ? ", " : "");
	}
	console_printf("; ticks in task %lu, idle %lu, softirq %lu, irq %lu\n",
		       st->ticks[CPUTIME_TASK], st->ticks[CPUTIME_IDLE],
		       st->ticks[CPUTIME_SOFTIRQ], st->ticks[CPUTIME_IRQ]);
}

static int cmd_uptime(int argc, char **argv)
{
	uint64_t us = ktime_get_ns() / 1000;

	(void)argc;
	(void)argv;
	console_printf("up %lu.%06lu s, %lu jiffies, HZ=%u\n",
		       (unsigned long)(us / 1000000),
		       (unsigned long)(us % 1000000), jiffies, hz);
	print_sched_stats(sched_stats(smp_processor_id()));
	return 0;
}
SHELL_COMMAND(uptime, cmd_uptime, 0, 0, "uptime",
	      "time since boot (TSC) and timer ticks (jiffies)");

static int cmd_dmesg(int argc, char **argv)
{
	unsigned long lost;

	(void)argc;
	(void)argv;
	lost = printk_log_dump(console_write);
	if (lost)
		console_printf("(dmesg: %lu older lines were overwritten)\n",
			       lost);
	return 0;
}
SHELL_COMMAND(dmesg, cmd_dmesg, 0, 0, "dmesg", "print the kernel log");

static int cmd_cmdline(int argc, char **argv)
{
	const struct kernel_param *p;

	console_printf("%s\n", cmdline_get());
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		console_printf("known options:\n");
		for (p = __kernel_params_start; p < __kernel_params_end; p++)
			console_printf("  %-10s %s\n", p->name, p->help);
	}
	return 0;
}
SHELL_COMMAND(cmdline, cmd_cmdline, 0, 1, "cmdline [-v]",
	      "show the kernel command line (-v: and the known options)");

static int cmd_ktest(int argc, char **argv)
{
	struct ktest_totals tot;

	tot = ktest_run((const char *const *)&argv[1], argc - 1);
	console_printf("# ktest: %d passed, %d failed, %d skipped\n",
		       tot.passed, tot.failed, tot.skipped);
	return tot.failed ? -1 : 0;
}
SHELL_COMMAND(ktest, cmd_ktest, 0, SHELL_MAX_ARGS - 1, "ktest [SUITE...]",
	      "run in-kernel tests (all, or the named suites) and print KTAP");

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf("Powering off.\n");
	qemu_exit(QEMU_EXIT_SUCCESS);
}
SHELL_COMMAND(poweroff, cmd_poweroff, 0, 0, "poweroff",
	      "turn the machine off (exits QEMU)");

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf("Rebooting.\n");
	machine_reboot();
}
SHELL_COMMAND(reboot, cmd_reboot, 0, 0, "reboot", "reset the machine");
