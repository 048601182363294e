/*
 * kernel/trace/trace.h - the kernel tracer: what happened, when, on which
 * CPU, in which context.
 *
 * A tracepoint is a named event at one place in the code, shaped and
 * named as Linux's (so what a student learns here carries over):
 *
 *   irq_handler_entry/exit   one handler of a line (kernel/irq/chip.c)
 *   softirq_raise/entry/exit one softirq vector (kernel/bh/softirq.c)
 *   tasklet_schedule/entry/exit                  (kernel/bh/tasklet.c)
 *   sched_wakeup, sched_switch                   (kernel/sched/thread.c)
 *   workqueue_queue_work/activate_work/execute_start/execute_end
 *                            (kernel/bh)
 *   irq_thread_wake          a threaded handler's thread woken (irqthread.c)
 *   ksoftirqd_takeover       the irq_exit loop's budget spent (softirq.c)
 *   syscall_entry/exit, exception_entry/exit   (kernel/proc, kernel/arch)
 *   uio_wait, uio_ack        a user-space driver (kernel/uio)
 *   block_rq_issue/complete  a disk request (drivers/block)
 *   napi_poll, net_dev_xmit, netif_receive_skb   a NIC (drivers/net)
 *
 * Each CPU writes its own ring of fixed-size binary records (TSC time,
 * event, CPU, context, thread, three arguments) with IRQs off for the
 * few stores it takes: no lock, no CPU waits for another. The reader
 * (`trace show`) merges the rings in time order and prints them in
 * ftrace's trace_pipe text format:
 *
 *   TASK-PID [CPU] FLAGS SECONDS.USEC: event: args
 *
 * Off, a tracepoint is one 5-byte no-op: each event has a static key
 * (kernel/arch/static_key.h), and trace_enable() rewrites the event's
 * sites into jumps to the recording code. trace_mask says what is
 * recorded: trace_write() checks it, so a site still patched on (or a
 * stop that cannot patch, as a panic's) records nothing that is off. A full ring either overwrites its oldest records
 * (TRACE_OVERWRITE, the default) or refuses new ones (TRACE_STOP); either
 * way every record lost is counted per CPU and shown by `trace stats` and
 * at the top of `trace show`. Nothing is lost silently.
 *
 * On a panic or an oops the last TRACE_FLIGHT_RECORDS records of each CPU
 * are printed with the report (the flight recorder).
 *
 * Context: trace_event() from any context (IRQs are turned off around the
 * write); trace_enable/disable/clear/set_mode from task context with IRQs
 * on (enable/disable stop the machine to patch); trace_stop_recording
 * from any; the
 * readers from task context (they take the scheduler's lock to name
 * threads), trace_flight_dump from any (it names no thread).
 */
#ifndef KERNEL_TRACE_TRACE_H
#define KERNEL_TRACE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch/static_key.h"
#include "kernel/percpu.h"

enum trace_event_id {
	TRACE_IRQ_HANDLER_ENTRY,  /* irq, action name */
	TRACE_IRQ_HANDLER_EXIT,	  /* irq, irqreturn_t */
	TRACE_SOFTIRQ_RAISE,	  /* vec */
	TRACE_SOFTIRQ_ENTRY,	  /* vec */
	TRACE_SOFTIRQ_EXIT,	  /* vec */
	TRACE_TASKLET_SCHEDULE,	  /* tasklet, its name, its function */
	TRACE_TASKLET_ENTRY,	  /* tasklet, its name, its function */
	TRACE_TASKLET_EXIT,	  /* tasklet, its name, its function */
	TRACE_SCHED_WAKEUP,	  /* woken tid, its CPU */
	TRACE_SCHED_SWITCH,	  /* prev tid, prev state, next tid */
	TRACE_WQ_QUEUE_WORK,	  /* work, function, the CPU it goes to */
	TRACE_WQ_EXECUTE_START,	  /* work, function */
	TRACE_WQ_EXECUTE_END,	  /* work, function */
	TRACE_IRQ_THREAD_WAKE,	  /* irq, action name, the thread's tid */
	TRACE_KSOFTIRQD_TAKEOVER, /* passes run, why (0 passes, 1 time,
				   * 2 resched), softirqs still pending */
	TRACE_SYSCALL_ENTRY,	  /* number, ebx, ecx */
	TRACE_SYSCALL_EXIT,	  /* number, return value */
	TRACE_EXCEPTION_ENTRY,	  /* vector, eip, error code */
	TRACE_EXCEPTION_EXIT,	  /* vector */
	TRACE_UIO_WAIT,		  /* irq, events (when the wait returns) */
	TRACE_UIO_ACK,		  /* irq, whether it unmasked the line */
	TRACE_WQ_ACTIVATE_WORK,	  /* work, function: onto the pool's worklist */
	TRACE_BLOCK_RQ_ISSUE,	  /* sector, sectors, 1 if a write */
	TRACE_BLOCK_RQ_COMPLETE,  /* sector, sectors, error (0 or -errno) */
	TRACE_NAPI_POLL,	  /* device name, packets done, budget */
	TRACE_NET_DEV_XMIT,	  /* device name, frame length, result */
	TRACE_NETIF_RECEIVE_SKB,  /* device name, frame length */
	NR_TRACE_EVENTS
};

#define TRACE_RING_RECORDS   2048 /* per CPU: 64 KiB */
#define TRACE_FLIGHT_RECORDS 8	  /* per CPU, printed on a panic or oops */

enum trace_mode { TRACE_OVERWRITE, TRACE_STOP };

/* One record: 32 bytes. ctx: 'h' hard IRQ, 's' softirq, '.' task;
 * flags: bit 0 IRQs were off, bit 1 need_resched was set. */
struct trace_record {
	uint64_t tsc;
	uint16_t event;
	uint8_t cpu;
	char ctx;
	uint8_t flags;
	uint8_t preempt; /* preemption depth (bits 0-7 of the count) */
	uint16_t pad;
	int32_t tid;
	uint32_t arg[3];
};

#define TRACE_REC_IRQS_OFF 0x1
#define TRACE_REC_RESCHED  0x2

extern volatile uint32_t trace_mask; /* bit = enum trace_event_id */
extern struct static_key trace_keys[NR_TRACE_EVENTS];

void trace_write(enum trace_event_id ev, uint32_t a, uint32_t b, uint32_t c);

/* The tracepoint: a no-op until its event is on. ev must be a constant
 * (it names the key), so the callers' helpers are always inlined. */
static inline __attribute__((always_inline)) void
trace_event(enum trace_event_id ev, uint32_t a, uint32_t b, uint32_t c)
{
	if (static_branch_unlikely(&trace_keys[ev]))
		trace_write(ev, a, b, c);
}

/* "irq_handler_entry", ...; NULL past the end. */
const char *trace_event_name(unsigned int ev);
int trace_event_by_name(const char *name); /* -1 if unknown */

/* Start recording these events (patches their sites on). Task context. */
int trace_enable(uint32_t mask);
/* Stop recording (records stay) and patch every site back to a no-op.
 * Task context; 0 or stop_machine's error. */
int trace_disable(void);
/* Stop recording, nothing patched: any context (a panic, an oops). */
void trace_stop_recording(void);
/* A reader's pause: recording stops (the sites stay as they are, so no
 * stop_machine) and trace_resume() brings back what trace_pause()
 * returned. Context: task. */
uint32_t trace_pause(void);
void trace_resume(uint32_t was);
void trace_clear(void); /* empty every ring, zero the counts */
void trace_set_mode(enum trace_mode m);
enum trace_mode trace_get_mode(void);

struct trace_cpu_stats {
	unsigned long written; /* records in the ring since the last clear */
	unsigned long lost;    /* overwritten (OVERWRITE) or refused (STOP) */
	unsigned int held;     /* records in the ring now */
};
void trace_cpu_stats(unsigned int cpu, struct trace_cpu_stats *out);

/* Every record held, all CPUs merged in time order, oldest first; fn
 * returns false to stop. Takes no lock: call with tracing off (the shell
 * does), or records being written meanwhile may be skipped. */
void trace_for_each(bool (*fn)(const struct trace_record *r, void *arg),
		    void *arg);

/* One record in ftrace's trace_pipe format, into buf (no newline).
 * names: look threads up by tid (task context only). */
int trace_format(const struct trace_record *r, char *buf, unsigned int size,
		 bool names);

/* `trace dump` (dump.c): every record held and the names they refer to,
 * in binary to QEMU's isa-debugcon port 0xe9 (docs/tracing.md, "The
 * dump"). Returns the bytes written; *records the records. Task context,
 * tracing paused meanwhile. trace_dump_names_cut: the last dump had more
 * distinct names of a kind than it could list (the host shows addresses). */
long trace_dump(unsigned long *records);
bool trace_dump_names_cut(void);

/* The name a thread had when a record of it was written, if it has ended
 * since (NULL if not kept). Task context. */
const char *trace_saved_name(int tid);

/* The flight recorder: the last records of each CPU, to the console. */
void trace_flight_dump(void);

#endif
