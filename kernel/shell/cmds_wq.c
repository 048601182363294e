/*
 * kernel/shell/cmds_wq.c - the wq command: work queues, worker pools and
 * the items they hold right now.
 */
#include "kernel/bh/workqueue.h"
#include "kernel/console.h"
#include "kernel/shell/shell.h"

static char wq_text[4096]; /* only the shell thread uses it */

/* The report is formatted under the pool locks into memory, then
 * printed: the serial line is slow, the locks keep IRQs off. */
static int cmd_wq(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	wq_snprint(wq_text, sizeof(wq_text));
	console_printf("%s", wq_text);
	return 0;
}
SHELL_COMMAND(
	wq, cmd_wq, 0, 0, "wq",
	"work queues (active, pending, running, counts), worker pools and their items");
