/* kernel/bh/storm.c - see storm.h. */
#include "kernel/bh/storm.h"

#include "kernel/bh/softirq.h"
#include "kernel/bh/tasklet.h"
#include "kernel/irq/offload.h"
#include "kernel/net/loopback.h"
#include "kernel/printk.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/smp/ipi.h"
#include "lib/errno.h"

#define STORM_MAX 100000000ul

static struct storm_report now, last;
static volatile bool running;
static unsigned long net_base; /* loopback demo packets delivered at the start */
static uint64_t start_ns;
static DECLARE_WAIT_QUEUE_HEAD(storm_done);

static void storm_fn(struct tasklet *t)
{
	if (++now.runs < now.target)
		tasklet_schedule(t);
	else
		wake_up(&storm_done);
}
static DECLARE_TASKLET(storm_tasklet, storm_fn);

static unsigned long runs_so_far(void)
{
	if (now.kind == STORM_SOFTIRQ)
		return loopback_stats()->delivered - net_base;
	return now.runs;
}

/* The first raise comes from a top half, as a device's would. */
static void storm_top_half(void *arg)
{
	(void)arg;
	if (now.kind == STORM_TASKLET)
		tasklet_schedule(&storm_tasklet);
	else
		loopback_send(now.target);
}

/* clang-format off */
#define LOOP_FIELDS(X)                                                  \
	X(passes) X(restarts) X(budget_passes) X(budget_time)           \
	X(budget_resched) X(wakeups) X(ksoftirqd_passes)
/* clang-format on */

static void snapshot_loop(struct storm_report *r)
{
	const struct softirq_loop_stat *ls =
		softirq_loop_stat(smp_processor_id());
#define COPY(f) r->f = ls->f;
	LOOP_FIELDS(COPY)
#undef COPY
}

static void subtract_loop(struct storm_report *r, const struct storm_report *b)
{
#define SUB(f) r->f -= b->f;
	LOOP_FIELDS(SUB)
#undef SUB
}

static void print_report(const struct storm_report *r)
{
	pr_info("storm: %s done: %lu/%lu runs in %llu ms; loop: %lu passes, "
		"%lu restarts, budget hit %lu (passes) %lu (time) %lu "
		"(resched), ksoftirqd: %lu wakeups, %lu passes (CPU %u)\n",
		r->kind == STORM_TASKLET ? "tasklet" : "softirq", r->runs,
		r->target, r->ns / 1000000, r->passes, r->restarts,
		r->budget_passes, r->budget_time, r->budget_resched, r->wakeups,
		r->ksoftirqd_passes, r->cpu);
}

/* Waits for the last run, then reports (the shell is free meanwhile).
 * Runs on the storm's CPU: the top half, the tasklet and the figures
 * are all that CPU's. */
static int storm_reporter(void *arg)
{
	struct storm_report before;

	(void)arg;
	snapshot_loop(&before);
	irq_offload(storm_top_half, NULL);
	if (now.kind == STORM_TASKLET)
		wait_event(storm_done, runs_so_far() >= now.target);
	else
		wait_event(loopback_drained, runs_so_far() >= now.target);
	/* Let ksoftirqd notice the end of the storm and go back to sleep
	 * (bounded: 100 ms). */
	for (int i = 0; i < 100 && ksoftirqd_busy(); i++)
		msleep(1);
	snapshot_loop(&now);
	subtract_loop(&now, &before);
	now.runs = runs_so_far();
	now.ns = ktime_get_ns() - start_ns;
	last = now;
	print_report(&last);
	running = false;
	return 0;
}

int storm_start(enum storm_kind kind, unsigned long n, unsigned int cpu)
{
	struct thread *reporter;

	if (n == 0 || n > STORM_MAX)
		return -EINVAL;
	if (!cpu_online(cpu))
		return -ENXIO;
	if (running)
		return -EBUSY;
	running = true;
	now = (struct storm_report){ .kind = kind, .cpu = cpu, .target = n };
	net_base = loopback_stats()->delivered;
	start_ns = ktime_get_ns();
	reporter = kthread_create_on_cpu(storm_reporter, NULL, cpu, "storm");
	if (!reporter) {
		running = false;
		return -ENOMEM;
	}
	wake_up_new_thread(reporter);
	return 0;
}

bool storm_running(void)
{
	return running;
}

const struct storm_report *storm_last(void)
{
	return &last;
}
