/* kernel/trace/trace.c - the kernel tracer (see trace.h). */
#include "kernel/trace/trace.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/bh/softirq.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Each CPU's ring. head counts every record written since the last
 * clear: the newest is rec[(head - 1) % N], and the ring holds
 * min(head, N). Only its own CPU writes it, with IRQs off. */
struct trace_ring {
	struct trace_record rec[TRACE_RING_RECORDS];
	unsigned long head;
	unsigned long refused; /* TRACE_STOP: not written, ring full */
};

_Static_assert(sizeof(struct trace_record) == 32,
	       "the dump format (docs/tracing.md) says 32 bytes");

static struct trace_ring rings[MAX_CPUS];

/* The names of the threads the records mention, kept while tracing (as
 * Linux's saved_cmdlines): a thread that has ended by the time of `trace
 * show` or `trace dump` still has its name. Per CPU - a thread never
 * changes CPU - so only that CPU writes its table, IRQs off; a slot is
 * tid % SAVED_NAMES, the newest thread there wins. */
#define SAVED_NAMES 64
struct saved_name {
	int tid;
	char name[THREAD_NAME_LEN];
};
static struct saved_name saved_names[MAX_CPUS][SAVED_NAMES];

static void save_name(unsigned int cpu, const struct thread *t)
{
	struct saved_name *s =
		&saved_names[cpu][(unsigned int)t->tid % SAVED_NAMES];

	if (s->tid != t->tid) {
		s->tid = t->tid;
		strlcpy(s->name, t->name, sizeof(s->name));
	}
}

const char *trace_saved_name(int tid)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		const struct saved_name *s =
			&saved_names[c][(unsigned int)tid % SAVED_NAMES];

		if (tid && s->tid == tid)
			return s->name;
	}
	return NULL;
}
volatile uint32_t trace_mask;
static enum trace_mode mode = TRACE_OVERWRITE;

static const char *const event_names[NR_TRACE_EVENTS] = {
	[TRACE_IRQ_HANDLER_ENTRY] = "irq_handler_entry",
	[TRACE_IRQ_HANDLER_EXIT] = "irq_handler_exit",
	[TRACE_SOFTIRQ_RAISE] = "softirq_raise",
	[TRACE_SOFTIRQ_ENTRY] = "softirq_entry",
	[TRACE_SOFTIRQ_EXIT] = "softirq_exit",
	[TRACE_TASKLET_SCHEDULE] = "tasklet_schedule",
	[TRACE_TASKLET_ENTRY] = "tasklet_entry",
	[TRACE_TASKLET_EXIT] = "tasklet_exit",
	[TRACE_SCHED_WAKEUP] = "sched_wakeup",
	[TRACE_SCHED_SWITCH] = "sched_switch",
	[TRACE_WQ_QUEUE_WORK] = "workqueue_queue_work",
	[TRACE_WQ_EXECUTE_START] = "workqueue_execute_start",
	[TRACE_WQ_EXECUTE_END] = "workqueue_execute_end",
	[TRACE_IRQ_THREAD_WAKE] = "irq_thread_wake",
	[TRACE_KSOFTIRQD_TAKEOVER] = "ksoftirqd_takeover",
	[TRACE_SYSCALL_ENTRY] = "syscall_entry",
	[TRACE_SYSCALL_EXIT] = "syscall_exit",
	[TRACE_EXCEPTION_ENTRY] = "exception_entry",
	[TRACE_EXCEPTION_EXIT] = "exception_exit",
	[TRACE_UIO_WAIT] = "uio_wait",
	[TRACE_UIO_ACK] = "uio_ack",
	[TRACE_WQ_ACTIVATE_WORK] = "workqueue_activate_work",
	[TRACE_BLOCK_RQ_ISSUE] = "block_rq_issue",
	[TRACE_BLOCK_RQ_COMPLETE] = "block_rq_complete",
	[TRACE_NAPI_POLL] = "napi_poll",
	[TRACE_NET_DEV_XMIT] = "net_dev_xmit",
	[TRACE_NETIF_RECEIVE_SKB] = "netif_receive_skb",
};

const char *trace_event_name(unsigned int ev)
{
	return ev < NR_TRACE_EVENTS ? event_names[ev] : NULL;
}

int trace_event_by_name(const char *name)
{
	for (int ev = 0; ev < NR_TRACE_EVENTS; ev++)
		if (!strcmp(name, event_names[ev]))
			return ev;
	return -1;
}

/* What the CPU is doing, as ftrace's flags show it. */
static char context_letter(void)
{
	if (in_hardirq())
		return 'h';
	return in_serving_softirq() ? 's' : '.';
}

void trace_write(enum trace_event_id ev, uint32_t a, uint32_t b, uint32_t c)
{
	unsigned long flags;
	struct trace_ring *ring;
	struct thread *cur;
	struct trace_record *r;

	/* A site patched on records only what trace_mask says: after a
	 * trace_stop_recording, or while a disable waits to patch. */
	if (!(trace_mask & (1u << ev)))
		return;
	flags = local_irq_save();
	ring = &rings[smp_processor_id()];
	cur = current_thread();
	if (mode == TRACE_STOP && ring->head >= TRACE_RING_RECORDS) {
		ring->refused++;
		local_irq_restore(flags);
		return;
	}
	r = &ring->rec[ring->head % TRACE_RING_RECORDS];
	r->tsc = rdtsc();
	r->event = (uint16_t)ev;
	r->cpu = (uint8_t)smp_processor_id();
	r->ctx = context_letter();
	r->flags = (flags & EFLAGS_IF ? 0 : TRACE_REC_IRQS_OFF) |
		   (this_cpu()->need_resched ? TRACE_REC_RESCHED : 0);
	r->preempt = (uint8_t)(preempt_count() & PREEMPT_MASK);
	r->tid = cur ? cur->tid : 0;
	if (cur && cur->tid)
		save_name(r->cpu, cur);
	r->arg[0] = a;
	r->arg[1] = b;
	r->arg[2] = c;
	ring->head++;
	local_irq_restore(flags);
}

struct static_key trace_keys[NR_TRACE_EVENTS];

static void set_keys(uint32_t mask)
{
	for (unsigned int ev = 0; ev < NR_TRACE_EVENTS; ev++)
		trace_keys[ev].enabled = !!(mask & (1u << ev));
}

/* Each event's key to match the mask; its sites patched in one stop.
 * If the stop fails nothing was patched: the keys go back to what the
 * sites are (the mask of the last successful patch). */
static int patch_sites(uint32_t mask)
{
	static uint32_t patched;
	int err;

	set_keys(mask);
	err = static_keys_apply();
	if (err)
		set_keys(patched);
	else
		patched = mask;
	return err;
}

/* The sites are patched first and recording starts last: what
 * patching does (a stop, a mutex, a switch) is not in the trace. */
int trace_enable(uint32_t mask)
{
	int err;

	mask &= (1u << NR_TRACE_EVENTS) - 1;
	err = patch_sites(mask);
	if (!err)
		trace_mask = mask;
	return err;
}

/* Recording stops first: a CPU that already took a site's jump finds
 * its bit clear in trace_write and records nothing. */
int trace_disable(void)
{
	trace_mask = 0;
	return patch_sites(0);
}

void trace_stop_recording(void)
{
	trace_mask = 0;
}

uint32_t trace_pause(void)
{
	uint32_t was = trace_mask;

	trace_mask = 0;
	return was;
}

void trace_resume(uint32_t was)
{
	trace_mask = was;
}

/* Call with tracing off (the shell turns it off first), so that no CPU
 * is writing: a write that passed the mask test just before the disable
 * may still land, as the first record of the emptied ring. */
void trace_clear(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		rings[c].head = 0;
		rings[c].refused = 0;
	}
}

void trace_set_mode(enum trace_mode m)
{
	mode = m;
}

enum trace_mode trace_get_mode(void)
{
	return mode;
}

void trace_cpu_stats(unsigned int cpu, struct trace_cpu_stats *out)
{
	const struct trace_ring *ring = &rings[cpu < MAX_CPUS ? cpu : 0];
	unsigned long head = ring->head;

	out->written = head;
	out->held = head < TRACE_RING_RECORDS ? head : TRACE_RING_RECORDS;
	out->lost = ring->refused +
		    (head > TRACE_RING_RECORDS ? head - TRACE_RING_RECORDS : 0);
}

/* The index of the oldest record a ring holds. */
static unsigned long oldest(const struct trace_ring *ring)
{
	return ring->head > TRACE_RING_RECORDS ? ring->head - TRACE_RING_RECORDS
					       : 0;
}

void trace_for_each(bool (*fn)(const struct trace_record *r, void *arg),
		    void *arg)
{
	unsigned long next[MAX_CPUS];

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		next[c] = oldest(&rings[c]);
	for (;;) {
		const struct trace_record *first = NULL;
		unsigned int from = 0;

		/* a merge: the earliest of each CPU's next record */
		for (unsigned int c = 0; c < MAX_CPUS; c++) {
			const struct trace_record *r;

			if (next[c] >= rings[c].head)
				continue;
			r = &rings[c].rec[next[c] % TRACE_RING_RECORDS];
			if (!first || r->tsc < first->tsc) {
				first = r;
				from = c;
			}
		}
		if (!first)
			return;
		next[from]++;
		if (!fn(first, arg))
			return;
	}
}

/* ---- text ---------------------------------------------------------------- */

static const char *thread_name_of(int tid, bool names, char *buf,
				  unsigned int size)
{
	struct thread *t;

	if (tid == 0)
		return "<idle>";
	if (!names)
		return "<...>";
	t = find_thread(tid);
	if (!t) { /* gone since: the name it had while traced */
		const char *saved = trace_saved_name(tid);

		return saved ? saved : "<...>";
	}
	strlcpy(buf, t->name, size);
	return buf;
}

static const char *sym(uint32_t addr, char *buf, unsigned int size)
{
	uint32_t off;
	const char *name = ksym_lookup(addr, &off);

	if (!name)
		snprintf(buf, size, "0x%08lx", (unsigned long)addr);
	else if (off)
		snprintf(buf, size, "%s+0x%lx", name, (unsigned long)off);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

static char state_letter(uint32_t state)
{
	switch (state) {
	case THREAD_SLEEPING:
		return 'S';
	case THREAD_DEAD:
		return 'X';
	default:
		return 'R';
	}
}

static void format_device_args(const struct trace_record *r, char *buf,
			       unsigned int size);

/* The event's own part, after "event: ". */
static void format_args(const struct trace_record *r, char *buf,
			unsigned int size, bool names)
{
	const uint32_t *a = r->arg;
	char n1[THREAD_NAME_LEN], n2[THREAD_NAME_LEN], fn[48];

	switch (r->event) {
	case TRACE_IRQ_HANDLER_ENTRY:
		snprintf(buf, size, "irq=%lu name=%s", (unsigned long)a[0],
			 (const char *)a[1]);
		break;
	case TRACE_IRQ_HANDLER_EXIT:
		snprintf(buf, size, "irq=%lu ret=%s", (unsigned long)a[0],
			 a[1] ? "handled" : "unhandled");
		break;
	case TRACE_SOFTIRQ_RAISE:
	case TRACE_SOFTIRQ_ENTRY:
	case TRACE_SOFTIRQ_EXIT:
		snprintf(buf, size, "vec=%lu [action=%s]", (unsigned long)a[0],
			 softirq_name(a[0]));
		break;
	case TRACE_TASKLET_SCHEDULE:
	case TRACE_TASKLET_ENTRY:
	case TRACE_TASKLET_EXIT:
		snprintf(buf, size, "tasklet=0x%08lx name=%s function=%s",
			 (unsigned long)a[0], (const char *)a[1],
			 sym(a[2], fn, sizeof(fn)));
		break;
	case TRACE_SCHED_WAKEUP:
		snprintf(buf, size, "comm=%s pid=%ld target_cpu=%03lu",
			 thread_name_of((int)a[0], names, n1, sizeof(n1)),
			 (long)a[0], (unsigned long)a[1]);
		break;
	case TRACE_SCHED_SWITCH:
		snprintf(
			buf, size,
			"prev_comm=%s prev_pid=%ld prev_state=%c ==> next_comm=%s next_pid=%ld",
			thread_name_of((int)a[0], names, n1, sizeof(n1)),
			(long)a[0], state_letter(a[1]),
			thread_name_of((int)a[2], names, n2, sizeof(n2)),
			(long)a[2]);
		break;
	case TRACE_WQ_QUEUE_WORK:
		snprintf(buf, size, "work struct=0x%08lx function=%s cpu=%lu",
			 (unsigned long)a[0], sym(a[1], fn, sizeof(fn)),
			 (unsigned long)a[2]);
		break;
	case TRACE_WQ_ACTIVATE_WORK:
	case TRACE_WQ_EXECUTE_START:
	case TRACE_WQ_EXECUTE_END:
		snprintf(buf, size, "work struct 0x%08lx: function %s",
			 (unsigned long)a[0], sym(a[1], fn, sizeof(fn)));
		break;
	case TRACE_IRQ_THREAD_WAKE:
		snprintf(buf, size, "irq=%lu name=%s thread=%s pid=%ld",
			 (unsigned long)a[0], (const char *)a[1],
			 thread_name_of((int)a[2], names, n1, sizeof(n1)),
			 (long)a[2]);
		break;
	case TRACE_KSOFTIRQD_TAKEOVER:
		snprintf(buf, size, "passes=%lu budget=%s pending=0x%02lx",
			 (unsigned long)a[0],
			 a[1] == 0   ? "passes"
			 : a[1] == 1 ? "time"
				     : "resched",
			 (unsigned long)a[2]);
		break;
	case TRACE_SYSCALL_ENTRY:
		snprintf(buf, size, "NR %lu (0x%lx, 0x%lx)",
			 (unsigned long)a[0], (unsigned long)a[1],
			 (unsigned long)a[2]);
		break;
	case TRACE_SYSCALL_EXIT:
		snprintf(buf, size, "NR %lu = %ld", (unsigned long)a[0],
			 (long)(int32_t)a[1]);
		break;
	case TRACE_EXCEPTION_ENTRY:
		snprintf(buf, size, "vector=%lu ip=%s error_code=0x%lx",
			 (unsigned long)a[0], sym(a[1], fn, sizeof(fn)),
			 (unsigned long)a[2]);
		break;
	case TRACE_EXCEPTION_EXIT:
		snprintf(buf, size, "vector=%lu", (unsigned long)a[0]);
		break;
	case TRACE_UIO_WAIT:
		snprintf(buf, size, "irq=%lu events=%lu", (unsigned long)a[0],
			 (unsigned long)a[1]);
		break;
	default:
		format_device_args(r, buf, size);
		break;
	}
}

/* The drivers' events: disk requests, NIC packets, uio_ack. */
static void format_device_args(const struct trace_record *r, char *buf,
			       unsigned int size)
{
	const uint32_t *a = r->arg;

	switch (r->event) {
	case TRACE_BLOCK_RQ_ISSUE:
		snprintf(buf, size, "rwbs=%c sector=%lu nr_sector=%lu",
			 a[2] ? 'W' : 'R', (unsigned long)a[0],
			 (unsigned long)a[1]);
		break;
	case TRACE_BLOCK_RQ_COMPLETE:
		snprintf(buf, size, "sector=%lu nr_sector=%lu error=%ld",
			 (unsigned long)a[0], (unsigned long)a[1],
			 (long)(int32_t)a[2]);
		break;
	case TRACE_NAPI_POLL:
		snprintf(buf, size, "dev=%s work=%lu budget=%lu",
			 (const char *)a[0], (unsigned long)a[1],
			 (unsigned long)a[2]);
		break;
	case TRACE_NET_DEV_XMIT:
		snprintf(buf, size, "dev=%s len=%lu rc=%ld", (const char *)a[0],
			 (unsigned long)a[1], (long)(int32_t)a[2]);
		break;
	case TRACE_NETIF_RECEIVE_SKB:
		snprintf(buf, size, "dev=%s len=%lu", (const char *)a[0],
			 (unsigned long)a[1]);
		break;
	case TRACE_UIO_ACK:
		snprintf(buf, size, "irq=%lu unmasked=%lu", (unsigned long)a[0],
			 (unsigned long)a[1]);
		break;
	default: /* an event with no text of its own yet */
		snprintf(buf, size, "0x%lx 0x%lx 0x%lx", (unsigned long)a[0],
			 (unsigned long)a[1], (unsigned long)a[2]);
		break;
	}
}

int trace_format(const struct trace_record *r, char *buf, unsigned int size,
		 bool names)
{
	uint64_t us = ktime_at_tsc(r->tsc) / 1000;
	char task[THREAD_NAME_LEN], args[160];

	format_args(r, args, sizeof(args), names);
	return snprintf(
		buf, size, "%16s-%-5ld [%03u] %c%c%c%x %5lu.%06lu: %s: %s",
		thread_name_of(r->tid, names, task, sizeof(task)), (long)r->tid,
		r->cpu, r->flags & TRACE_REC_IRQS_OFF ? 'd' : '.',
		r->flags & TRACE_REC_RESCHED ? 'N' : '.', r->ctx,
		r->preempt & 0xf, (unsigned long)(us / 1000000),
		(unsigned long)(us % 1000000), trace_event_name(r->event),
		args);
}

/* ---- the flight recorder ------------------------------------------------ */

void trace_flight_dump(void)
{
	char line[240];

	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		const struct trace_ring *ring = &rings[c];
		unsigned long from = ring->head > TRACE_FLIGHT_RECORDS
					     ? ring->head - TRACE_FLIGHT_RECORDS
					     : 0;

		if (from >= ring->head)
			continue;
		printk(KERN_EMERG "trace: the last %lu events on CPU %u:\n",
		       ring->head - from, c);
		for (unsigned long i = from; i < ring->head; i++) {
			trace_format(&ring->rec[i % TRACE_RING_RECORDS], line,
				     sizeof(line), false);
			printk(KERN_EMERG "%s\n", line);
		}
	}
}
