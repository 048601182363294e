/*
 * kernel/shell/cmds_input.c - the keyboard from the shell: "kbd" shows the
 * counters and recent presses; "kbd read [SECONDS]" reads what is typed
 * on the PS/2 keyboard (through the driver's reader queue) until Enter,
 * Ctrl-C or the timeout, and prints it.
 */
#include "drivers/input/i8042.h"
#include "kernel/console.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/string.h"

#define KBD_READ_MAX	 80
#define KBD_READ_DEFAULT 10   /* seconds */
#define KBD_READ_LIMIT	 600  /* seconds */
#define CTRL_C		 0x03 /* what the decoder makes of Ctrl+C */

enum read_end { END_ENTER, END_CTRL_C, END_TIMEOUT, END_FULL, END_CONSOLE };
#define CONSOLE_LOOK_TICKS ((long)hz / 10 + 1) /* how often COM1 is looked at */

/* Add one press to the line; returns true when the line has ended. */
static bool take_press(const struct key_event *p, char *line, size_t *len,
		       enum read_end *end)
{
	char c = p->ascii;

	if (c == CTRL_C) {
		*end = END_CTRL_C;
		return true;
	}
	if (c == '\n') {
		*end = END_ENTER;
		return true;
	}
	if (c == '\b') {
		if (*len)
			(*len)--;
		return false;
	}
	if (c < ' ' || c >= 0x7f)
		return false; /* Shift, arrows...: nothing typed */
	line[(*len)++] = c;
	if (*len < KBD_READ_MAX - 1)
		return false;
	*end = END_FULL;
	return true;
}

static int kbd_read(unsigned long seconds)
{
	static const char *const why[] = { "Enter", "Ctrl-C", "timeout",
					   "line full",
					   "Ctrl-C on the console" };
	unsigned long deadline = jiffies + seconds * hz;
	unsigned long dropped = kbd_queue_stats.dropped;
	char line[KBD_READ_MAX];
	enum read_end end = END_TIMEOUT;
	struct key_event p;
	size_t len = 0;

	i8042_flush_keys(); /* from now on */
	console_printf(
		"kbd read: type on the keyboard; Enter or Ctrl-C ends (timeout %lu s)\n",
		seconds);
	/* The keyboard wakes us; the console is looked at between waits. */
	while ((long)(deadline - jiffies) > 0) {
		long left = (long)(deadline - jiffies);
		int r = i8042_read_key(&p, left < CONSOLE_LOOK_TICKS
						   ? left
						   : CONSOLE_LOOK_TICKS);

		if (r < 0)
			return r;
		if (r && take_press(&p, line, &len, &end))
			break;
		if (shell_interrupted()) {
			end = END_CONSOLE;
			break;
		}
	}
	line[len] = 0;
	console_printf("kbd read: \"%s\" (%s)\n", line, why[end]);
	if (kbd_queue_stats.dropped != dropped)
		console_printf(
			"kbd read: %lu key presses dropped (queue full)\n",
			kbd_queue_stats.dropped - dropped);
	return end == END_CTRL_C || end == END_CONSOLE ? -EINTR : 0;
}

static int cmd_kbd(int argc, char **argv)
{
	struct key_event ev[KBD_RECENT];
	unsigned long seconds = KBD_READ_DEFAULT;
	int n;

	if (argc >= 2) {
		if (strcmp(argv[1], "read") ||
		    (argc == 3 && (kstrtoul(argv[2], 0, &seconds) || !seconds ||
				   seconds > KBD_READ_LIMIT))) {
			console_printf("usage: %s (SECONDS 1-%d)\n",
				       shell_find("kbd")->usage,
				       KBD_READ_LIMIT);
			return -EINVAL;
		}
		return kbd_read(seconds);
	}
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
SHELL_COMMAND(
	kbd, cmd_kbd, 0, 2, "kbd [read [SECONDS]]",
	"keyboard counters and recent presses; read: print what is typed until Enter/Ctrl-C");
