/* kernel/shell/cmds_input.c - the keyboard from the shell: kbd. */
#include "drivers/input/i8042.h"
#include "kernel/console.h"
#include "kernel/shell/shell.h"

static int cmd_kbd(int argc, char **argv)
{
	struct key_event ev[KBD_RECENT];
	int n;

	(void)argc;
	(void)argv;
	i8042_process();
	console_printf(
		"i8042: %lu interrupts, %lu scancodes, %lu key events, %lu overruns\n",
		i8042_stats.interrupts, i8042_stats.scancodes,
		i8042_stats.key_events, i8042_stats.overruns);
	n = i8042_recent(ev, KBD_RECENT);
	console_printf("recent:");
	for (int i = 0; i < n; i++) {
		char buf[2];

		console_printf(" %s", key_name(&ev[i], buf));
	}
	console_printf("\n");
	return 0;
}
SHELL_COMMAND(kbd, cmd_kbd, 0, 0, "kbd",
	      "keyboard counters and the most recent key presses");
