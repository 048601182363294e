/*
 * kernel/shell/shell.c - read a line, split it, run the command.
 *
 * Line editing (echo, Backspace, history, Tab) is the pure state machine
 * in lineedit.c; this file feeds it bytes from the console UART and runs
 * what it returns.
 */
#include "kernel/shell/shell.h"

#include <stdbool.h>

#include "drivers/tty/uart16550.h"
#include "kernel/arch/cpu.h"
#include "kernel/console.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/lineedit.h"
#include "lib/args.h"
#include "lib/ringbuf.h"
#include "lib/errno.h"
#include "lib/string.h"

static struct lineedit shell_le;

const struct shell_cmd *shell_find(const char *name)
{
	for (const struct shell_cmd *c = __shell_cmds_start;
	     c < __shell_cmds_end; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int shell_usage(const char *name)
{
	const struct shell_cmd *c = shell_find(name);

	if (c)
		console_printf("usage: %s\n", c->usage);
	return -EINVAL;
}

static bool args_fit(const struct shell_cmd *c, int nargs)
{
	return nargs >= c->min_args &&
	       (c->max_args < 0 || nargs <= c->max_args);
}

static int shell_exec_line(char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = split_args(line, argv, SHELL_MAX_ARGS);
	const struct shell_cmd *c;

	if (argc == -E2BIG) {
		console_printf("interlude: too many words (max %d)\n",
			       SHELL_MAX_ARGS);
		return argc;
	}
	if (argc < 0) {
		console_printf("interlude: unterminated quote\n");
		return argc;
	}
	if (argc == 0)
		return 0;
	c = shell_find(argv[0]);
	if (!c) {
		console_printf("interlude: %s: command not found\n", argv[0]);
		return -ENOENT;
	}
	if (!args_fit(c, argc - 1))
		return shell_usage(c->name);
	return c->fn(argc, argv);
}

static void shell_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

/* Tab completion: every command whose name starts with the prefix. */
static int shell_complete(void *ctx, const char *prefix, size_t len,
			  const char **matches, int max)
{
	int n = 0;

	(void)ctx;
	for (const struct shell_cmd *c = __shell_cmds_start;
	     c < __shell_cmds_end && n < max; c++)
		if (!strncmp(c->name, prefix, len))
			matches[n++] = c->name;
	return n;
}

/* ---- Ctrl-C while a command runs ------------------------------------- */

#define CTRL_C	       0x03
#define TYPEAHEAD_SIZE 256 /* a power of two (lib/ringbuf.h) */

static uint8_t typeahead_buf[TYPEAHEAD_SIZE];
static struct ringbuf typeahead; /* typed during a command */
static bool interrupted;	 /* Ctrl-C seen since the command began */

/* Take what was typed: Ctrl-C is noted, the rest kept for the prompt.
 * With the typeahead full, bytes stay in the UART's ring. */
static void take_console_input(void)
{
	struct uart_port *con = &uart_ports[0];
	char c;

	while (!ringbuf_full(&typeahead) && uart_read(con, &c, 1) == 1) {
		if (c == CTRL_C)
			interrupted = true;
		else
			ringbuf_put(&typeahead, (uint8_t)c);
	}
}

bool shell_interrupted(void)
{
	take_console_input();
	return interrupted;
}

int shell_sleep(unsigned long ticks)
{
	struct uart_port *con = &uart_ports[0];
	unsigned long end = jiffies + ticks;

	while (!shell_interrupted() && (long)(end - jiffies) > 0)
		wait_event_timeout(con->rx_wait, uart_rx_available(con),
				   (long)(end - jiffies));
	return interrupted ? -EINTR : 0;
}

int shell_exec(char *line)
{
	interrupted = false; /* a Ctrl-C typed before it is not for it */
	return shell_exec_line(line);
}

/*
 * Wait for the next byte typed on the console: first what was typed
 * ahead during the last command, then the port itself - the shell thread
 * sleeps on its wait queue until the UART's interrupt handler has put
 * received bytes into the ring and woken it.
 */
static char shell_getc(void)
{
	struct uart_port *con = &uart_ports[0];
	uint8_t b;
	char c;

	if (ringbuf_get(&typeahead, &b))
		return (char)b;
	while (uart_read(con, &c, 1) != 1)
		uart_wait_rx(con);
	return c;
}

static enum lineedit_event shell_read_line(void)
{
	enum lineedit_event ev;

	lineedit_start(&shell_le);
	do
		ev = lineedit_feed(&shell_le, shell_getc());
	while (ev == LE_NONE);
	return ev;
}

void shell_main(void)
{
	char line[LINEEDIT_MAX];

	ringbuf_init(&typeahead, typeahead_buf, sizeof(typeahead_buf));
	lineedit_init(&shell_le, SHELL_PROMPT, shell_out, NULL, shell_complete);
	console_printf("Type 'help' for the list of commands.\n");
	for (;;) {
		switch (shell_read_line()) {
		case LE_LINE:
			strlcpy(line, lineedit_line(&shell_le), sizeof(line));
			shell_exec(line);
			break;
		case LE_TOO_LONG:
			console_printf(
				"interlude: line too long (max %d characters); ignored\n",
				LINEEDIT_MAX - 1);
			break;
		default: /* LE_CANCEL: Ctrl-C, nothing to run */
			break;
		}
	}
}
