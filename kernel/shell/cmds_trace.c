/*
 * kernel/shell/cmds_trace.c - "trace": the kernel tracer from the shell
 * (kernel/trace/trace.h, docs/tracing.md).
 *
 *   trace on [EVENTS]     record these events (all, or a comma list of
 *                         names or groups: irq, softirq, tasklet, sched,
 *                         workqueue, ksoftirqd, syscall, exception, uio,
 *                         block, napi, net, netif)
 *   trace off             stop recording; the records stay
 *   trace show [N]        the records (the last N), all CPUs merged in
 *                         time order, in ftrace's trace_pipe format
 *   trace clear           forget every record and count
 *   trace stats           per CPU: written, held, lost; mode; events on
 *   trace mode overwrite|stop   what a full ring does
 *   trace dump            everything, in binary, to QEMU's debugcon port
 *                         (make trace reads it: docs/tracing.md)
 */
#include "kernel/console.h"
#include "kernel/shell/shell.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"
#include "lib/string.h"

/* "irq" names every irq_... event, "sched" every sched_..., and so on. */
static uint32_t events_named(const char *word)
{
	size_t len = strlen(word);
	uint32_t mask = 0;

	if (!strcmp(word, "all"))
		return (1u << NR_TRACE_EVENTS) - 1;
	for (unsigned int ev = 0; ev < NR_TRACE_EVENTS; ev++) {
		const char *name = trace_event_name(ev);

		if (!strcmp(name, word) ||
		    (!strncmp(name, word, len) && name[len] == '_'))
			mask |= 1u << ev;
	}
	return mask;
}

/* A comma list of names and groups; 0 (and a message) if one is bad. */
static uint32_t parse_events(char *list)
{
	uint32_t mask = 0;

	for (char *word = list; word && *word;) {
		char *comma = strchr(word, ',');
		uint32_t m;

		if (comma)
			*comma = '\0';
		m = events_named(word);
		if (!m) {
			console_printf(
				"trace: no event or group '%s' (all, irq, softirq, tasklet, sched, workqueue, ksoftirqd, syscall, exception, uio, block, napi, net, netif, or an event name)\n",
				word);
			return 0;
		}
		mask |= m;
		word = comma ? comma + 1 : NULL;
	}
	return mask;
}

static void print_events(uint32_t mask)
{
	bool any = false;

	for (unsigned int ev = 0; ev < NR_TRACE_EVENTS; ev++) {
		if (mask & (1u << ev)) {
			console_printf("%s%s", any ? " " : "",
				       trace_event_name(ev));
			any = true;
		}
	}
	console_printf("%s\n", any ? "" : "(none)");
}

static void totals(unsigned long *held, unsigned long *lost)
{
	*held = *lost = 0;
	for (unsigned int c = 0; c < nr_cpus; c++) {
		struct trace_cpu_stats st;

		trace_cpu_stats(c, &st);
		*held += st.held;
		*lost += st.lost;
	}
}

static int cmd_stats(void)
{
	console_printf(
		"tracing %s, mode %s; events: ", trace_mask ? "on" : "off",
		trace_get_mode() == TRACE_STOP ? "stop" : "overwrite");
	print_events(trace_mask);
	for (unsigned int c = 0; c < nr_cpus; c++) {
		struct trace_cpu_stats st;

		trace_cpu_stats(c, &st);
		console_printf(
			"CPU%u: %lu written, %u held (ring of %u), %lu lost\n",
			c, st.written, st.held, TRACE_RING_RECORDS, st.lost);
	}
	return 0;
}

struct show {
	unsigned long skip; /* records before the last N */
	unsigned long shown;
};

static bool show_one(const struct trace_record *r, void *arg)
{
	struct show *s = arg;
	char line[240];

	if (s->skip) {
		s->skip--;
		return true;
	}
	trace_format(r, line, sizeof(line), true);
	console_printf("%s\n", line);
	s->shown++;
	return true;
}

/* Tracing pauses while it prints: the printing would be traced too. */
static int cmd_show(unsigned long last)
{
	uint32_t was = trace_pause();
	unsigned long held, lost;
	struct show s = { 0, 0 };

	totals(&held, &lost);
	if (last && last < held)
		s.skip = held - last;
	console_printf("# tracer: %lu records held on %u CPU(s), %lu lost\n",
		       held, nr_cpus, lost);
	console_printf(
		"#            TASK-PID   CPU# FLAGS  TIMESTAMP  EVENT\n");
	trace_for_each(show_one, &s);
	trace_resume(was);
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "stats";
	unsigned long n = 0;

	if (!strcmp(sub, "on")) {
		uint32_t mask = argc > 2 ? parse_events(argv[2])
					 : (1u << NR_TRACE_EVENTS) - 1;

		if (!mask)
			return -EINVAL;
		if (trace_enable(mask)) {
			console_printf(
				"trace: error: the tracepoints could not be patched on\n");
			return -EBUSY;
		}
		console_printf("trace: on: ");
		print_events(mask);
		return 0;
	}
	if (!strcmp(sub, "off")) {
		if (trace_disable())
			console_printf(
				"trace: off (recording stopped; the sites stay patched: error)\n");
		else
			console_printf("trace: off\n");
		return 0;
	}
	if (!strcmp(sub, "show")) {
		if (argc > 2 && (kstrtoul(argv[2], 10, &n) || !n)) {
			console_printf(
				"trace: show N: N is a count of records, 1 or more\n");
			return -EINVAL;
		}
		return cmd_show(n);
	}
	if (!strcmp(sub, "clear")) {
		uint32_t was = trace_pause();

		trace_clear();
		trace_resume(was);
		console_printf("trace: cleared\n");
		return 0;
	}
	if (!strcmp(sub, "mode") && argc > 2) {
		if (strcmp(argv[2], "overwrite") && strcmp(argv[2], "stop")) {
			console_printf("trace: mode is overwrite or stop\n");
			return -EINVAL;
		}
		trace_set_mode(strcmp(argv[2], "stop") ? TRACE_OVERWRITE
						       : TRACE_STOP);
		console_printf(
			"trace: a full ring now %s\n",
			trace_get_mode() == TRACE_STOP
				? "refuses new records (counted as lost)"
				: "overwrites its oldest records (counted as lost)");
		return 0;
	}
	if (!strcmp(sub, "stats"))
		return cmd_stats();
	if (!strcmp(sub, "dump")) {
		unsigned long records;
		long bytes = trace_dump(&records);

		console_printf(
			"trace: dumped %lu records (%ld bytes) to the debug console, port 0xe9%s\n",
			records, bytes,
			trace_dump_names_cut()
				? "; some names left out (too many)"
				: "");
		return 0;
	}
	return shell_usage("trace");
}
SHELL_COMMAND(
	trace, cmd_trace, 0, 2,
	"trace [on [EVENTS]|off|show [N]|clear|stats|dump|mode overwrite|stop]",
	"the kernel tracer: record irq/softirq/tasklet/sched/workqueue events, show them as ftrace does");
