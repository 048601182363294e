/*
 * kernel/shell/cmds_wq.c - the wq command: work queues, worker pools and
 * the items they hold right now; "wq demo" queues a few sleeping items
 * to watch concurrency management at work.
 */
#include "kernel/bh/workqueue.h"
#include "kernel/console.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/shell.h"
#include "lib/string.h"

#define WQ_DEMO_ITEMS	 3
#define WQ_DEMO_SLEEP_MS 2000

static char wq_text[4096]; /* only the shell thread uses it */

/* Each demo item sleeps: the pool wakes (or starts) another worker for
 * the next one, so all three sleep at the same time. */
static void wq_demo_sleep(struct work_struct *work)
{
	(void)work;
	msleep(WQ_DEMO_SLEEP_MS);
}

static struct work_struct demo_items[WQ_DEMO_ITEMS];

static int wq_demo(void)
{
	int queued = 0;

	for (int i = 0; i < WQ_DEMO_ITEMS; i++) {
		if (!demo_items[i].func)
			INIT_WORK(&demo_items[i], wq_demo_sleep);
		queued += schedule_work(&demo_items[i]);
	}
	console_printf("queued %d of %d items on events (each sleeps %d ms)\n",
		       queued, WQ_DEMO_ITEMS, WQ_DEMO_SLEEP_MS);
	return 0;
}

/* The report is formatted under the pool locks into memory, then
 * printed: the serial line is slow, the locks keep IRQs off. */
static int cmd_wq(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "demo"))
		return wq_demo();
	if (argc != 1) {
		console_printf("usage: wq [demo]\n");
		return -1;
	}
	console_write(wq_text, wq_snprint(wq_text, sizeof(wq_text)));
	return 0;
}
SHELL_COMMAND(
	wq, cmd_wq, 0, 1, "wq [demo]",
	"work queues, worker pools and their items; demo: queue 3 sleeping items");
