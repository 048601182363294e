/*
 * kernel/shell/cmds_wq.c - the wq command: work queues, then the worker
 * pools of every online CPU (pool N, NH, N BH, NH BH) and the items they
 * hold right now; "wq demo [CPU]" queues a few sleeping items (on the
 * shell's CPU, or on CPU's pool with queue_work_on) to watch concurrency
 * management at work.
 */
#include <stdarg.h>

#include "kernel/bh/workqueue.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/shell.h"
#include "lib/printf.h"
#include "lib/string.h"

#define WQ_DEMO_ITEMS	 3
#define WQ_DEMO_SLEEP_MS 2000
#define WQ_TEXT_SIZE	 8192 /* eight CPUs' pools fit, busy or not */

static char wq_text[WQ_TEXT_SIZE]; /* only the shell thread uses these */
static struct wq_snapshot wq_snap;

/* ---- the report: printed from a snapshot ---------------------------------- */

struct sbuf {
	char *buf;
	unsigned int size, len;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len += (unsigned int)n;
	if (sb->len >= sb->size)
		sb->len = sb->size - 1;
}

static const char *wq_flags_name(unsigned int flags)
{
	static const char *const names[] = { "-", "HIGHPRI", "BH", "BH,HI" };

	return names[flags & (WQ_HIGHPRI | WQ_BH)];
}

static void sb_queue(struct sbuf *sb, const struct wq_snap_queue *q)
{
	sb_printf(sb, "%-18s %-8s %6u/%-4d %7u %7u %8lu %8lu %8u\n", q->name,
		  wq_flags_name(q->flags), q->active, q->max_active, q->pending,
		  q->executing, q->queued, q->executed, q->max_executing);
}

static void sb_workers(struct sbuf *sb, const struct wq_snap_pool *p)
{
	for (unsigned int i = 0; i < p->nr_shown; i++) {
		const struct wq_snap_worker *w = &p->workers[i];

		if (w->busy)
			sb_printf(sb, "  %-16s %-8s %s (%s)\n", w->name,
				  w->sleeping ? "sleeping" : "running", w->func,
				  w->wq);
		else
			sb_printf(sb, "  %-16s %s\n", w->name,
				  w->idle ? "idle" : "starting");
	}
}

static void sb_items(struct sbuf *sb, const struct wq_snap_pool *p)
{
	for (unsigned int i = 0; i < p->nr_pending; i++) {
		if (i == WQ_SNAP_PENDING) {
			sb_printf(sb, "  ... %u pending in all\n",
				  p->nr_pending);
			break;
		}
		sb_printf(sb, "  pending          %s (%s)\n", p->items[i].func,
			  p->items[i].wq);
	}
}

static void sb_pool(struct sbuf *sb, const struct wq_snap_pool *p)
{
	const char *tag = p->highpri ? "H" : "";

	if (p->bh) {
		sb_printf(sb,
			  "pool %u%s BH (tasklet %s, %s): %s; max busy %u\n",
			  p->cpu, tag, p->bh_name,
			  p->highpri ? "HI_SOFTIRQ" : "TASKLET_SOFTIRQ",
			  p->bh_busy ? p->bh_func : "idle", p->max_busy);
	} else {
		sb_printf(
			sb,
			"pool %u%s (%s): %u workers, %u idle, %u running, %u busy (max %u); created %lu, exited %lu, oopsed %lu\n",
			p->cpu, tag, p->highpri ? "FIFO 1" : "NORMAL",
			p->nr_workers, p->nr_idle, p->nr_running, p->nr_busy,
			p->max_busy, p->nr_created, p->nr_exited, p->nr_oopsed);
		sb_workers(sb, p);
	}
	sb_items(sb, p);
}

/* Queues, then per CPU its normal, H, BH and BH H pools, into buf. */
static unsigned int wq_format(const struct wq_snapshot *snap, char *buf,
			      unsigned int size)
{
	struct sbuf sb = { buf, size, 0 };

	buf[0] = '\0';
	sb_printf(&sb, "%-18s %-8s %11s %7s %7s %8s %8s %8s\n", "WORKQUEUE",
		  "FLAGS", "ACTIVE/MAX", "PENDING", "RUNNING", "QUEUED",
		  "EXECUTED", "MAX_CONC");
	for (unsigned int i = 0; i < snap->nr_queues; i++)
		sb_queue(&sb, &snap->queues[i]);
	for (unsigned int i = 0; i < snap->nr_pools; i++)
		sb_pool(&sb, &snap->pools[i]);
	return sb.len;
}

/* Each demo item sleeps: the pool wakes (or starts) another worker for
 * the next one, so all three sleep at the same time. */
static void wq_demo_sleep(struct work_struct *work)
{
	(void)work;
	msleep(WQ_DEMO_SLEEP_MS);
}

static struct work_struct demo_items[WQ_DEMO_ITEMS];

/* On the shell's CPU (schedule_work), or on cpu's pool (cpu >= 0). */
static int wq_demo(int cpu)
{
	int queued = 0;

	for (int i = 0; i < WQ_DEMO_ITEMS; i++) {
		if (!demo_items[i].func)
			INIT_WORK(&demo_items[i], wq_demo_sleep);
		queued += cpu < 0 ? schedule_work(&demo_items[i])
				  : queue_work_on((unsigned int)cpu, system_wq,
						  &demo_items[i]);
	}
	if (cpu < 0)
		console_printf(
			"queued %d of %d items on events (each sleeps %d ms)\n",
			queued, WQ_DEMO_ITEMS, WQ_DEMO_SLEEP_MS);
	else
		console_printf(
			"queued %d of %d items on events for CPU %d (each sleeps %d ms)\n",
			queued, WQ_DEMO_ITEMS, cpu, WQ_DEMO_SLEEP_MS);
	return 0;
}

/* "wq demo CPU": which CPU, or -1 with a message if it is not online. */
static int demo_cpu(const char *arg)
{
	unsigned long cpu;

	if (kstrtoul(arg, 10, &cpu) || cpu >= nr_cpus) {
		console_printf("wq demo: no CPU '%s' online (CPUs 0-%u)\n", arg,
			       nr_cpus - 1);
		return -1;
	}
	return (int)cpu;
}

/* The snapshot is taken under the pool locks, then formatted and
 * printed: the serial line is slow, the locks keep IRQs off. */
static int cmd_wq(int argc, char **argv)
{
	unsigned int len;

	if (argc >= 2 && !strcmp(argv[1], "demo")) {
		int cpu = argc == 3 ? demo_cpu(argv[2]) : -1;

		if (argc == 3 && cpu < 0)
			return -1;
		return wq_demo(cpu);
	}
	if (argc != 1) {
		console_printf("usage: wq [demo [CPU]]\n");
		return -1;
	}
	wq_snapshot(&wq_snap);
	len = wq_format(&wq_snap, wq_text, sizeof(wq_text));
	console_write(wq_text, len);
	if (len == sizeof(wq_text) - 1) /* sb_printf stopped there */
		console_printf("... (the rest does not fit in %u bytes)\n",
			       (unsigned int)sizeof(wq_text));
	return 0;
}
SHELL_COMMAND(
	wq, cmd_wq, 0, 2, "wq [demo [CPU]]",
	"work queues, every CPU's worker pools and their items; demo: queue 3 sleeping items (on CPU)");
