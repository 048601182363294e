/*
 * kernel/trace/dump.c - `trace dump`: every record held, and the names
 * they refer to, in binary to QEMU's isa-debugcon port, a channel of its
 * own: the shell's serial line is not disturbed, and a host tool
 * (scripts/trace2perfetto.py, scripts/trace2svg.py) reads a large trace
 * in a fraction of the time its text would take. The format is in
 * docs/tracing.md ("The dump").
 *
 * Without a debugcon device the port is unassigned and the bytes go
 * nowhere; the command says how many it wrote either way.
 */
#include "kernel/trace/trace.h"

#include "kernel/arch/io.h"
#include "kernel/backtrace.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "lib/string.h"

#define DEBUGCON_PORT 0xe9
#define MAX_NAMES     256 /* distinct names per kind in one dump */

enum name_kind { NAME_END, NAME_STRING, NAME_SYMBOL, NAME_THREAD };

static unsigned long bytes_out;

static void put(const void *p, unsigned int n)
{
	const uint8_t *b = p;

	for (unsigned int i = 0; i < n; i++)
		outb(DEBUGCON_PORT, b[i]);
	bytes_out += n;
}

static void put32(uint32_t v)
{
	put(&v, 4);
}

/* The names a dump needs: each kind's keys, once each. */
struct name_set {
	uint32_t keys[MAX_NAMES];
	unsigned int n;
	bool full;
};

static struct name_set strings, symbols,
	threads; /* the shell's: one dump at a time */

static void note(struct name_set *set, uint32_t key)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (set->keys[i] == key)
			return;
	if (set->n == MAX_NAMES) {
		set->full = true;
		return;
	}
	set->keys[set->n++] = key;
}

static bool note_names(const struct trace_record *r, void *arg)
{
	(void)arg;
	note(&threads, (uint32_t)r->tid);
	switch (r->event) {
	case TRACE_IRQ_HANDLER_ENTRY:
		note(&strings, r->arg[1]);
		break;
	case TRACE_TASKLET_SCHEDULE:
	case TRACE_TASKLET_ENTRY:
	case TRACE_TASKLET_EXIT:
		note(&strings, r->arg[1]);
		note(&symbols, r->arg[2]);
		break;
	case TRACE_SCHED_WAKEUP:
		note(&threads, r->arg[0]);
		break;
	case TRACE_IRQ_THREAD_WAKE:
		note(&strings, r->arg[1]);
		note(&threads, r->arg[2]);
		break;
	case TRACE_EXCEPTION_ENTRY:
		note(&symbols, r->arg[1]);
		break;
	case TRACE_NAPI_POLL:
	case TRACE_NET_DEV_XMIT:
	case TRACE_NETIF_RECEIVE_SKB:
		note(&strings, r->arg[0]);
		break;
	case TRACE_SCHED_SWITCH:
		note(&threads, r->arg[0]);
		note(&threads, r->arg[2]);
		break;
	case TRACE_WQ_QUEUE_WORK:
	case TRACE_WQ_ACTIVATE_WORK:
	case TRACE_WQ_EXECUTE_START:
	case TRACE_WQ_EXECUTE_END:
		note(&symbols, r->arg[1]);
		break;
	default:
		break;
	}
	return true;
}

/* A record as dumped: its TSC stamp turned into ns since boot. */
static bool put_record(const struct trace_record *r, void *arg)
{
	struct trace_record out = *r;

	(void)arg;
	out.tsc = ktime_at_tsc(r->tsc);
	put(&out, sizeof(out));
	return true;
}

static void put_name(enum name_kind kind, uint32_t key, const char *text)
{
	size_t len = strlen(text);
	uint8_t k = (uint8_t)kind, l = (uint8_t)(len > 255 ? 255 : len);

	put(&k, 1);
	put32(key);
	put(&l, 1);
	put(text, l);
}

static void put_names(void)
{
	uint8_t end = NAME_END;

	put("ILNAMES1", 8);
	for (unsigned int i = 0; i < strings.n; i++)
		put_name(NAME_STRING, strings.keys[i],
			 strings.keys[i] ? (const char *)strings.keys[i] : "");
	for (unsigned int i = 0; i < symbols.n; i++) {
		uint32_t off;
		const char *s = ksym_lookup(symbols.keys[i], &off);

		put_name(NAME_SYMBOL, symbols.keys[i], s ? s : "?");
	}
	for (unsigned int i = 0; i < threads.n; i++) {
		struct thread *t = threads.keys[i]
					   ? find_thread((int)threads.keys[i])
					   : NULL;

		const char *saved = trace_saved_name((int)threads.keys[i]);

		if (threads.keys[i] == 0)
			put_name(NAME_THREAD, 0, "idle");
		else if (t)
			put_name(NAME_THREAD, threads.keys[i], t->name);
		else if (saved) /* ended since: the name it had */
			put_name(NAME_THREAD, threads.keys[i], saved);
	}
	put(&end, 1);
}

long trace_dump(unsigned long *records)
{
	uint32_t was = trace_pause();
	unsigned long held = 0;

	strings.n = symbols.n = threads.n = 0;
	strings.full = symbols.full = threads.full = false;
	bytes_out = 0;
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		struct trace_cpu_stats st;

		trace_cpu_stats(c, &st);
		held += st.held;
	}
	trace_for_each(note_names, NULL);
	put("ILTRACE1", 8);
	put32(1);
	put32(sizeof(struct trace_record));
	put32(held);
	put32(nr_cpus);
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		struct trace_cpu_stats st;

		trace_cpu_stats(c, &st);
		put32(st.lost);
	}
	trace_for_each(put_record, NULL);
	put_names();
	put("ILTREND1", 8);
	trace_resume(was);
	*records = held;
	return (long)bytes_out;
}

bool trace_dump_names_cut(void)
{
	return strings.full || symbols.full || threads.full;
}
