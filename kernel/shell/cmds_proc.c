/*
 * kernel/shell/cmds_proc.c - user programs from the shell: run, programs.
 *
 * `run NAME [ARGS]` starts a program in the foreground: the shell stays
 * in this command, sleeping on the console's receive queue, until the
 * process ends. Bytes typed meanwhile go to the process's read(); Ctrl-C
 * kills it. The process's exit wakes the same queue, so one wait covers
 * both events. `run NAME ... &` leaves it running in the background
 * (no input, no Ctrl-C: `kill TID` ends it) and frees it when it ends.
 */
#include "drivers/tty/uart16550.h"
#include "kernel/console.h"
#include "kernel/multiboot.h"
#include "kernel/proc/proc.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/string.h"

#define CTRL_C 0x03

static struct uart_port *console_port(void)
{
	return &uart_ports[0];
}

/* Forward typed bytes; Ctrl-C kills. */
static void feed_foreground(struct process *p)
{
	struct uart_port *con = console_port();
	char c;

	while (uart_read(con, &c, 1) == 1) {
		if (c == CTRL_C) { /* a second one ends the grace */
			console_printf("^C\n");
			proc_kill(p, "killed by Ctrl-C");
		} else if (!proc_input(p, (uint8_t)c)) {
			console_printf("\n[%s is not reading: input dropped]\n",
				       p->name);
		}
	}
}

static int cmd_run(int argc, char **argv)
{
	struct uart_port *con = console_port();
	bool background = !strcmp(argv[argc - 1], "&");
	struct process *p;
	int err, code, pid;

	if (background)
		argc--;
	p = proc_spawn(argv[1], argc - 1, argv + 1, &con->rx_wait, &err);
	if (!p) {
		console_printf("run: cannot start %s: %s\n", argv[1],
			       errno_name(err));
		return err;
	}
	pid = p->pid;
	if (background) {
		console_printf(
			"[%s: pid %d, tid %d, in the background; 'kill %d' ends it]\n",
			p->name, pid, p->thread->tid, p->thread->tid);
		proc_detach(p);
		return 0;
	}
	for (;;) {
		wait_event(con->rx_wait, !uart_rx_empty(con) || proc_exited(p));
		if (proc_exited(p))
			break;
		feed_foreground(p);
	}
	console_printf("[%s (pid %d): %s, exit code %d]\n", argv[1], pid,
		       p->end_reason, p->exit_code);
	code = proc_reap(p);
	return code;
}
SHELL_COMMAND(
	run, cmd_run, 1, PROC_ARGS_MAX - 1, "run NAME [ARGS...]",
	"run a user program (a boot module) in the foreground; Ctrl-C kills it");

static int cmd_programs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!boot_module_count())
		console_printf(
			"no programs (no Multiboot modules were loaded)\n");
	for (unsigned int i = 0; i < boot_module_count(); i++) {
		const struct boot_module *m = boot_module(i);

		console_printf("%-16s %7lu bytes at 0x%08lx\n", m->name,
			       (unsigned long)(m->end - m->start),
			       (unsigned long)m->start);
	}
	return 0;
}
SHELL_COMMAND(programs, cmd_programs, 0, 0, "programs",
	      "list the user programs loaded as boot modules");
