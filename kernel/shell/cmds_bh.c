/*
 * kernel/shell/cmds_bh.c - bottom halves from the shell: softirqs,
 * tasklets, raise, timers, storm, sleep, defer.
 */
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/backtrace.h"
#include "kernel/bh/defer.h"
#include "kernel/block/blockdemo.h"
#include "kernel/net/loopback.h"
#include "kernel/bh/softirq.h"
#include "kernel/bh/storm.h"
#include "kernel/bh/tasklet.h"
#include "kernel/console.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/hrtimer.h"
#include "kernel/sched/time.h"
#include "kernel/sched/timer.h"
#include "kernel/sched/wait.h"
#include "kernel/shell/shell.h"
#include "kernel/test/bench.h"
#include "lib/errno.h"
#include "lib/string.h"

static const char *const slot_owner[NR_SOFTIRQS] = {
	"tasklets, high priority", "kernel timers",
	"net TX: e1000, lo",	   "net RX: NAPI polls",
	"block: completions",	   "tasklets",
	"scheduler accounting",	   "high-resolution timers",
};

static unsigned long us(uint64_t cycles)
{
	return (unsigned long)(tsc_to_ns(cycles) / 1000);
}

static void print_vector(void)
{
	console_printf("%12s", "");
	for (unsigned int c = 0; c < nr_cpus; c++)
		console_printf("       CPU%u", c);
	console_printf("\n");
	for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++) {
		console_printf("%11s:", softirq_name(nr));
		for (unsigned int c = 0; c < nr_cpus; c++)
			console_printf(" %10lu", softirq_stat(c, nr)->runs);
		console_printf("\n");
	}
}

static void print_slot_details(unsigned int cpu)
{
	console_printf("\nCPU%u SLOT      RAISES  TOTAL(us)  MAX(us)  OWNER\n",
		       cpu);
	for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++) {
		const struct softirq_stat *st = softirq_stat(cpu, nr);

		console_printf("     %-8s %8lu %10lu %8lu  %s\n",
			       softirq_name(nr), st->raises, us(st->cycles),
			       us(st->max_cycles), slot_owner[nr]);
	}
}

static void print_loop(unsigned int cpu)
{
	const struct softirq_loop_stat *ls = softirq_loop_stat(cpu);

	console_printf(
		"\nloop: %lu runs, %lu passes (%lu restarts); budget "
		"spent: %lu by passes (max %u), %lu by time (max %u us), "
		"%lu for a reschedule\n",
		ls->loops, ls->passes, ls->restarts, ls->budget_passes,
		softirq_max_restart, ls->budget_time, softirq_max_time_us,
		ls->budget_resched);
	console_printf("ksoftirqd/%u: %lu wakeups, %lu passes%s; pending now "
		       "0x%02x\n",
		       cpu, ls->wakeups, ls->ksoftirqd_passes,
		       ksoftirqd_busy_on(cpu) ? " (awake now)" : "",
		       (unsigned int)cpus[cpu].softirq_pending);
}

/* `softirqs where`: each slot's runs on this CPU by the place that ran
 * the loop (the accounting `raise` reads). */
static void print_places(unsigned int cpu)
{
	console_printf("CPU%u SLOT    ", cpu);
	for (unsigned int i = 0; i < NR_SOFTIRQ_PLACES; i++)
		console_printf(" %10s", softirq_place_name(i));
	console_printf("\n");
	for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++) {
		console_printf("     %-8s", softirq_name(nr));
		for (unsigned int i = 0; i < NR_SOFTIRQ_PLACES; i++)
			console_printf(" %10lu",
				       softirq_stat(cpu, nr)->runs_at[i]);
		console_printf("\n");
	}
}

static int cmd_softirqs(int argc, char **argv)
{
	bool where = argc > 1 && !strcmp(argv[1], "where");

	if (argc > 1 && !where) {
		console_printf("softirqs: '%s'? (softirqs [where])\n", argv[1]);
		return -EINVAL;
	}
	if (!where)
		print_vector();
	for (unsigned int c = 0; c < nr_cpus; c++) {
		if (where) {
			print_places(c);
			continue;
		}
		print_slot_details(c);
		print_loop(c);
	}
	return 0;
}
SHELL_COMMAND(softirqs, cmd_softirqs, 0, 1, "softirqs [where]",
	      "the softirq vector: runs per CPU (as /proc/softirqs), raises, "
	      "time, the run loop's budget and ksoftirqd; 'where': runs by "
	      "the place that ran them");

/* ---- tasklets --------------------------------------------------------- */

static const char *tasklet_state(const struct tasklet *t)
{
	if (t->state & TASKLET_STATE_RUN)
		return "running";
	if (t->state & TASKLET_STATE_PARKED)
		return "parked";
	if (t->state & TASKLET_STATE_SCHED)
		return "scheduled";
	return "idle";
}

/*
 * Reports copy under the list's lock and print afterwards: printing at
 * line speed inside a spinlock (IRQs off) would hold off every interrupt
 * for as long, and a tasklet's name may go with it when it is killed.
 */
#define REPORT_ROWS 32

struct tasklet_row {
	char name[24];
	const char *state;
	bool hi;
	int count;
	unsigned long schedules, runs;
	unsigned int cpu;
};

static struct tasklet_row tasklet_rows[REPORT_ROWS]; /* shell thread only */
static unsigned int nr_rows, rows_left_out;

static void copy_tasklet(const struct tasklet *t, void *arg)
{
	struct tasklet_row *r = &tasklet_rows[nr_rows];

	(void)arg;
	if (nr_rows == REPORT_ROWS) {
		rows_left_out++;
		return;
	}
	strlcpy(r->name, t->name ? t->name : "?", sizeof(r->name));
	r->state = tasklet_state(t);
	r->hi = t->state & TASKLET_STATE_HI;
	r->count = t->count;
	r->schedules = t->schedules;
	r->runs = t->runs;
	r->cpu = t->cpu;
	nr_rows++;
}

static void print_left_out(void)
{
	if (rows_left_out)
		console_printf("... and %u more\n", rows_left_out);
}

static int cmd_tasklets(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	nr_rows = rows_left_out = 0;
	for_each_tasklet(copy_tasklet, NULL);
	console_printf("NAME             STATE     PRIO DISABLED  SCHEDULES "
		       "      RUNS  CPU\n");
	for (unsigned int i = 0; i < nr_rows; i++) {
		const struct tasklet_row *r = &tasklet_rows[i];

		console_printf("%-16s %-9s %-4s %8d %10lu %10lu %4u\n", r->name,
			       r->state, r->hi ? "HI" : "", r->count,
			       r->schedules, r->runs, r->cpu);
	}
	print_left_out();
	return 0;
}
SHELL_COMMAND(tasklets, cmd_tasklets, 0, 0, "tasklets",
	      "tasklets: state, disable count, times scheduled and run");

/* ---- raise ------------------------------------------------------------ */

/*
 * raise NAME [irq|exception|syscall]: raise a softirq from a top half
 * (irq_offload), from an exception handler (int3, with the breakpoint
 * vector borrowed for the instruction) or from a system call (the netsend
 * program's net_send), and say where it ran - read from the softirq
 * accounting (runs_at[]), not inferred.
 */
static int raise_nr;

static void raise_it(void)
{
	switch (raise_nr) {
	case NET_TX_SOFTIRQ:
		loopback_send(1); /* give lo something to carry */
		break;
	case BLOCK_SOFTIRQ:
		blockdemo_submit(1); /* a null-disk request to complete */
		break;
	default:
		raise_softirq(raise_nr);
	}
}

static void raise_from_top_half(void *arg)
{
	(void)arg;
	raise_it();
}

static void raise_from_breakpoint(struct trap_frame *f)
{
	(void)f;
	raise_it();
}

static void raise_from_exception(void)
{
	unsigned long flags = local_irq_save();
	trap_handler_t owner = trap_set_handler(TRAP_BP, raise_from_breakpoint);

	local_irq_restore(flags); /* the return path runs softirqs: IRQs on */
	asm volatile("int3");
	flags = local_irq_save();
	trap_set_handler(TRAP_BP, owner);
	local_irq_restore(flags);
}

static const struct softirq_stat *slot_stat(int nr)
{
	return softirq_stat(smp_processor_id(), nr);
}

static const char *const place_words[NR_SOFTIRQ_PLACES] = {
	[SOFTIRQ_AT_IRQ_EXIT] = "at irq_exit",
	[SOFTIRQ_AT_EXCEPTION] = "on the exception's return, before the "
				 "interrupted code resumed",
	[SOFTIRQ_AT_SYSCALL] = "on a syscall's return",
	[SOFTIRQ_AT_BH_ENABLE] = "at local_bh_enable",
	[SOFTIRQ_AT_DO_SOFTIRQ] = "in do_softirq",
	[SOFTIRQ_AT_KSOFTIRQD] = "in ksoftirqd",
};

/* "ran 1 time(s) at irq_exit", or "ran 3 time(s): 1 at irq_exit, 2 in
 * ksoftirqd" when several places ran it. */
static void print_where(const struct softirq_stat *before,
			const struct softirq_stat *after)
{
	unsigned long total = after->runs - before->runs;
	const char *sep = ":";

	console_printf("ran %lu time(s)", total);
	for (unsigned int i = 0; i < NR_SOFTIRQ_PLACES; i++) {
		unsigned long n = after->runs_at[i] - before->runs_at[i];

		if (n && n == total) {
			console_printf(" %s", place_words[i]);
		} else if (n) {
			console_printf("%s %lu %s", sep, n, place_words[i]);
			sep = ",";
		}
	}
	if (!total)
		console_printf(" (still pending)");
	console_printf("\n");
}

/* A system call's raise comes from ring 3: the netsend program. */
static int raise_from_syscall(const char *name)
{
	char line[] = "run netsend";

	if (raise_nr != NET_TX_SOFTIRQ) {
		console_printf(
			"raise: from a system call only NET_TX (netsend's "
			"net_send queues a packet), not %s\n",
			name);
		return -EINVAL;
	}
	return shell_exec(line);
}

static int cmd_raise(int argc, char **argv)
{
	const char *how = argc > 2 ? argv[2] : "irq";
	struct softirq_stat before;
	const char *from;

	raise_nr = softirq_by_name(argv[1]);
	if (raise_nr < 0) {
		console_printf("raise: no softirq '%s' (HI TIMER NET_TX NET_RX "
			       "BLOCK TASKLET SCHED HRTIMER)\n",
			       argv[1]);
		return -EINVAL;
	}
	if (!strcmp(how, "syscall"))
		return raise_from_syscall(argv[1]);
	before = *slot_stat(raise_nr);
	if (!strcmp(how, "irq")) {
		from = "a top half";
		irq_offload(raise_from_top_half, NULL); /* as a device would */
	} else if (!strcmp(how, "exception")) {
		from = "an exception handler (int3)";
		raise_from_exception();
	} else {
		console_printf("raise: '%s'? irq, exception or syscall\n", how);
		return -EINVAL;
	}
	/* Unless ksoftirqd has taken over a storm: then it runs there. */
	for (int i = 0; i < 100 && slot_stat(raise_nr)->runs == before.runs;
	     i++)
		msleep(1);
	console_printf("raised %s from %s: ", argv[1], from);
	print_where(&before, slot_stat(raise_nr));
	return 0;
}
SHELL_COMMAND(raise, cmd_raise, 1, 2, "raise NAME [irq|exception|syscall]",
	      "raise a softirq (NET_RX, BLOCK, ...) from a top half, an "
	      "exception or a system call; say where it ran");

/* ---- timers ----------------------------------------------------------- */

struct timer_row {
	uint64_t expires; /* jiffies, or ns for an hrtimer */
	uintptr_t function;
};

static struct timer_row timer_rows[REPORT_ROWS]; /* shell thread only */

static void add_timer_row(uint64_t expires, uintptr_t function)
{
	if (nr_rows == REPORT_ROWS) {
		rows_left_out++;
		return;
	}
	timer_rows[nr_rows++] = (struct timer_row){ expires, function };
}

static void copy_timer(const struct timer_list *t, void *arg)
{
	(void)arg;
	add_timer_row(t->expires, (uintptr_t)t->function);
}

static void copy_hrtimer(const struct hrtimer *t, void *arg)
{
	(void)arg;
	add_timer_row(t->expires_ns, (uintptr_t)t->function);
}

static const char *row_function(const struct timer_row *r)
{
	uint32_t off;
	const char *fn = ksym_lookup((uint32_t)r->function, &off);

	return fn ? fn : "?";
}

static int cmd_timers(int argc, char **argv)
{
	uint64_t now = ktime_get_ns();
	unsigned long now_jiffies = jiffies;

	(void)argc;
	(void)argv;
	nr_rows = rows_left_out = 0;
	for_each_timer(copy_timer, NULL);
	console_printf("timers: jiffies %lu, HZ %u, %u pending, %lu run\n",
		       now_jiffies, hz, timers_pending_count(),
		       timers_run_count);
	console_printf("   EXPIRES  IN(jif)  FUNCTION\n");
	for (unsigned int i = 0; i < nr_rows; i++)
		console_printf("%10lu %+8ld  %s\n",
			       (unsigned long)timer_rows[i].expires,
			       (long)((unsigned long)timer_rows[i].expires -
				      now_jiffies),
			       row_function(&timer_rows[i]));
	print_left_out();
	nr_rows = rows_left_out = 0;
	for_each_hrtimer(copy_hrtimer, NULL);
	console_printf("hrtimers: clock event %s, now %lu us, %u pending, "
		       "%lu run\n",
		       hrtimer_clock_name(), (unsigned long)(now / 1000),
		       hrtimers_pending_count(), hrtimers_run_count());
	console_printf("      EXPIRES           IN  FUNCTION\n");
	for (unsigned int i = 0; i < nr_rows; i++)
		console_printf(
			"%10lu us %+8ld us  %s\n",
			(unsigned long)(timer_rows[i].expires / 1000),
			(long)((int64_t)(timer_rows[i].expires - now) / 1000),
			row_function(&timer_rows[i]));
	print_left_out();
	return 0;
}
SHELL_COMMAND(timers, cmd_timers, 0, 0, "timers",
	      "pending kernel timers and hrtimers, soonest first");

/* ---- storm ------------------------------------------------------------ */

/* "cpu=C": the CPU to storm; else the shell's own. */
static int storm_cpu(int argc, char **argv, unsigned int *cpu)
{
	unsigned long c;

	*cpu = smp_processor_id();
	if (argc < 4)
		return 0;
	if (strncmp(argv[3], "cpu=", 4) || kstrtoul(argv[3] + 4, 10, &c))
		return -EINVAL;
	*cpu = (unsigned int)c; /* storm_start checks it is online */
	return 0;
}

static void storm_refused(int err, unsigned int cpu)
{
	if (err == -EBUSY)
		console_printf("storm: one is already running\n");
	else if (err == -ENXIO)
		console_printf("storm: CPU %u is not online (%u online)\n", cpu,
			       nr_cpus);
	else
		console_printf("storm: N must be 1..100000000\n");
}

static int cmd_storm(int argc, char **argv)
{
	enum storm_kind kind;
	unsigned int cpu;
	unsigned long n;
	int err;

	if (argc == 1) {
		console_printf("storm: %s\n",
			       storm_running() ? "running" : "none running");
		return 0;
	}
	if (!strcmp(argv[1], "tasklet"))
		kind = STORM_TASKLET;
	else if (!strcmp(argv[1], "softirq"))
		kind = STORM_SOFTIRQ;
	else
		kind = -1;
	if ((int)kind < 0 || argc < 3 || kstrtoul(argv[2], 10, &n) ||
	    storm_cpu(argc, argv, &cpu))
		return shell_usage("storm");
	err = storm_start(kind, n, cpu);
	if (err) {
		storm_refused(err, cpu);
		return err;
	}
	console_printf("storm: %lu %s runs started on CPU %u; the report "
		       "follows when they are done\n",
		       n, argv[1], cpu);
	return 0;
}
SHELL_COMMAND(storm, cmd_storm, 0, 3, "storm [tasklet|softirq N [cpu=C]]",
	      "a bottom half that re-raises itself N times, on CPU C if "
	      "given: watch the budget and ksoftirqd");

/* ---- sleep ------------------------------------------------------------ */

static int cmd_sleep(int argc, char **argv)
{
	unsigned long ms;

	(void)argc;
	if (kstrtoul(argv[1], 10, &ms) || ms > 60000) {
		console_printf("sleep: MS must be 0..60000\n");
		return -EINVAL;
	}
	/* A kernel timer wakes us (TIMER_SOFTIRQ runs it), or console input:
	 * Ctrl-C ends the sleep early. */
	if (shell_sleep(msecs_to_jiffies(ms))) {
		console_printf("sleep: interrupted (Ctrl-C)\n");
		return -EINTR;
	}
	return 0;
}
SHELL_COMMAND(sleep, cmd_sleep, 1, 1, "sleep MS",
	      "sleep on a kernel timer for MS milliseconds");

/* ---- defer ------------------------------------------------------------ */

static const char *context_name(const struct defer_result *r)
{
	if (r->hardirq)
		return "hardirq";
	if (r->softirq)
		return "softirq";
	return r->task ? "task" : "?";
}

#define DEFER_RUNS 5 /* the first run pays for cold caches (and TCG) */

static int defer_one(enum defer_mech m)
{
	struct defer_result r;
	uint64_t latency[DEFER_RUNS];
	int err = 0;

	for (int i = 0; i < DEFER_RUNS && !err; i++) {
		err = defer_run(m, &r);
		latency[i] = r.latency;
	}
	if (err) {
		console_printf("%-10s failed: %s\n", defer_mech_name(m),
			       errno_name(err));
		return err;
	}
	console_printf("%-10s %-8s 0x%06x  %-16s %-9s %10lu\n",
		       defer_mech_name(m), context_name(&r), r.preempt_count,
		       r.thread, r.may_sleep ? "yes" : "no",
		       (unsigned long)bench_median(latency, DEFER_RUNS));
	return 0;
}

static int cmd_defer(int argc, char **argv)
{
	int m = argc > 1 ? defer_mech_by_name(argv[1]) : -1;
	int err = 0;

	if (argc > 1 && m < 0 && strcmp(argv[1], "all")) {
		console_printf("defer: no mechanism '%s' (softirq tasklet bh "
			       "workqueue threaded all)\n",
			       argv[1]);
		return -EINVAL;
	}
	console_printf("the same job, triggered from a top half (hard IRQ):\n");
	console_printf(
		"MECHANISM  CONTEXT  PREEMPT   THREAD           MAY SLEEP "
		"TRIGGER->START (TSC, median of %d)\n",
		DEFER_RUNS);
	for (int i = 0; i < NR_DEFER_MECHS; i++)
		if (m < 0 || m == i)
			err = defer_one(i) ?: err;
	return err;
}
SHELL_COMMAND(defer, cmd_defer, 0, 1,
	      "defer [softirq|tasklet|bh|workqueue|threaded|all]",
	      "run one small job through each bottom half: context, thread, "
	      "may it sleep, TSC from trigger to start");
