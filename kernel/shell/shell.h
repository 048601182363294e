/*
 * kernel/shell/shell.h - the serial-console command shell.
 *
 * Each command is declared where it is implemented, with SHELL_COMMAND:
 * the linker gathers them into one table (no central list to edit). The
 * shell splits a line into words (double quotes group words), finds the
 * command, checks the number of arguments against min/max (excluding the
 * command's own name; max -1 = any) and prints the usage string if they do
 * not fit. A command returns 0 or a negative error code.
 *
 * Context: commands run in the shell's own context (task context, IRQs
 * on); they may wait but should return promptly.
 */
#ifndef KERNEL_SHELL_SHELL_H
#define KERNEL_SHELL_SHELL_H

#include <stdbool.h>
#include <stddef.h>

struct shell_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	int min_args;
	int max_args;	   /* -1: no limit */
	const char *usage; /* e.g. "ktest [SUITE...]" */
	const char *help;  /* one line */
};

#define SHELL_COMMAND(cname, func, min, max, usage_str, help_str)             \
	static const struct shell_cmd __shell_cmd_##cname                     \
		__attribute__((used, section(".shell_cmds"), aligned(4))) = { \
			#cname, func, min, max, usage_str, help_str           \
		}

#define SHELL_PROMPT   "interlude> "
#define SHELL_MAX_ARGS 16

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

const struct shell_cmd *shell_find(const char *name);
/* "usage: " and the command's registered usage line; returns -EINVAL,
 * for a command to end with on bad arguments. Context: the shell. */
int shell_usage(const char *name);
/* Run one command line (modified in place); returns the command's result. */
int shell_exec(char *line);

/*
 * Ctrl-C on the console while a command runs. A command that waits asks
 * shell_interrupted() (or sleeps with shell_sleep) and returns promptly,
 * with -EINTR and a word saying so. The bytes typed meanwhile that are
 * not Ctrl-C are kept, in order, and reach the next prompt (typeahead);
 * if the typeahead is full they stay in the UART's ring: none is lost.
 * Context: the shell thread, inside a command.
 */
bool shell_interrupted(void);
/* Sleep ticks jiffies, waking at once for console input; -EINTR if it
 * was Ctrl-C, else 0. */
int shell_sleep(unsigned long ticks);
void shell_main(void) __attribute__((noreturn));

#endif
