/*
 * kernel/irq/irq.h - requesting and handling interrupt lines.
 *
 * A driver attaches a handler (its "top half") to an IRQ line with
 * request_irq(). A line may be shared: every sharer passes IRQF_SHARED
 * and its own dev_id, and on each interrupt the core calls every handler
 * on the line's chain in registration order. A handler checks whether its
 * own device raised the interrupt and returns IRQ_NONE if not, or
 * IRQ_HANDLED after doing the urgent part of the work.
 *
 * The line is unmasked at the interrupt controller when its first handler
 * is attached and masked again when the last one leaves.
 *
 * Context: request_irq from task context, or from early boot before the
 * scheduler runs (a threaded handler's thread is then made later, by
 * irq_start_threads); it sleeps only to create a thread. free_irq of a
 * plain handler from any context - even from the line's own handler,
 * whose slot is released when the chain walk is over; a threaded
 * action's thread can be stopped only from task context (free_irq waits
 * for its thread_fn). Primary handlers run in hard-IRQ context with IRQs
 * off and must not sleep. irq_enter/irq_exit bracket every hardware
 * interrupt. The irq_get_line queries from any context (they take the
 * line's lock briefly, IRQs off).
 */
#ifndef KERNEL_IRQ_IRQ_H
#define KERNEL_IRQ_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/percpu.h"

/* What a handler returns: values from Linux, ORed over a shared chain. */
enum irqreturn {
	IRQ_NONE = 0,	     /* not my device */
	IRQ_HANDLED = 1,     /* mine, done */
	IRQ_WAKE_THREAD = 2, /* mine, wake my thread (threaded IRQs) */
};
typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

/* request_irq flags (Linux's values) */
#define IRQF_TRIGGER_NONE    0x00000000 /* keep the line's default */
#define IRQF_TRIGGER_RISING  0x00000001
#define IRQF_TRIGGER_FALLING 0x00000002
#define IRQF_TRIGGER_HIGH    0x00000004
#define IRQF_TRIGGER_LOW     0x00000008
#define IRQF_TRIGGER_MASK    0x0000000f
#define IRQF_SHARED	     0x00000080
#define IRQF_ONESHOT	     0x00002000 /* masked until thread_fn returns */
#define IRQF_NO_THREAD	     0x00010000 /* never force-threaded (threadirqs) */

#define NR_IRQS		     24 /* ISA lines 0-15; IOAPIC pins up to 23 */

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id);

/*
 * Threaded IRQs (docs/threaded-irqs.md). handler is the primary: it runs
 * in hard-IRQ context and returns IRQ_WAKE_THREAD to have thread_fn run
 * in the action's own kernel thread "irq/N-name" (SCHED_FIFO 50), where
 * it may sleep. handler == NULL means "always wake the thread" and then
 * IRQF_ONESHOT is required (-EINVAL): with IRQF_ONESHOT the line stays
 * masked from the primary until every woken ONESHOT thread_fn on the line
 * has returned. request_irq() is the thread_fn == NULL case.
 * Context: task context (creates a thread: may sleep).
 */
int request_threaded_irq(unsigned int irq, irq_handler_t handler,
			 irq_handler_t thread_fn, unsigned long flags,
			 const char *name, void *dev_id);
/* True when booted with "threadirqs": ordinary handlers are threaded. */
extern bool force_irqthreads;
/* Make the threads of lines requested before the scheduler ran; from
 * then on request_threaded_irq makes them at once. Context: task, once. */
void irq_start_threads(void);
extern bool irq_threads_ready;
/* Removes the handler registered with dev_id; returns its name or NULL.
 * A threaded action's thread is stopped after any running (or already
 * woken) thread_fn has returned: free_irq waits for it. */
const char *free_irq(unsigned int irq, void *dev_id);

/*
 * disable_irq/enable_irq nest: the line is masked at the first disable and
 * unmasked when the last matching enable brings the depth back to 0.
 * disable_irq also waits for running handlers (synchronize_irq), so it
 * must not be called from the line's own handler - use disable_irq_nosync
 * there.
 */
void disable_irq(unsigned int irq);
void disable_irq_nosync(unsigned int irq);
void enable_irq(unsigned int irq);
void synchronize_irq(unsigned int irq);	    /* primaries and threads */
void synchronize_hardirq(unsigned int irq); /* primaries only */

/*
 * Interrupt affinity (kernel/irq/affinity.c, docs/irq.md "Affinity"):
 * the CPU a line's interrupts are delivered to. One CPU per line, what
 * Linux calls the effective affinity (the IOAPIC's physical destination
 * mode names one local APIC). Every line starts on CPU 0.
 *
 * irq_set_affinity(irq, cpu) moves the line from its next interrupt on:
 * the chip rewrites the line's destination under the line's lock. An
 * interrupt the old CPU has already been sent is handled there; the
 * vector is the same on every CPU, so nothing needs cleaning up, and the
 * flows never run one line's handlers on two CPUs at once. The line's
 * irq/N-name threads stay on the CPU they were created on (threads never
 * migrate); a thread created later starts on the line's CPU.
 *
 * It returns 0, or refuses - the line stays where it was:
 *   -EINVAL  no such line              -ENODEV  no controller serves it
 *   -EIO     its controller cannot send to another CPU (the 8259, in
 *            PIC mode: every interrupt goes to CPU 0)
 *   -EPERM   the line must stay on its CPU (irq_set_no_balancing)
 *   -ENXIO   cpu is not online
 * Refusals are returned, not logged: the caller knows what it asked for
 * (the shell's "irq N affinity CPU" says it in words).
 *
 * irq_set_no_balancing(irq): a driver's line that must not move - the
 * PIT's, which is CPU 0's scheduler tick and the kernel's clock (Linux:
 * the IRQ_NO_BALANCING status flag).
 *
 * Context: any; each takes the line's lock briefly, IRQs off.
 */
int irq_set_affinity(unsigned int irq, unsigned int cpu)
	__attribute__((warn_unused_result));
int irq_get_affinity(unsigned int irq); /* the line's CPU, or -EINVAL */
void irq_set_no_balancing(unsigned int irq);

/* Called by the interrupt controller drivers' vector handlers. */
void irq_enter(void);
void irq_exit(void);
void generic_handle_irq(unsigned int irq);
/* The whole of a hardware interrupt: irq_enter, the chain, irq_exit. */
void handle_irq(unsigned int irq);

unsigned long kstat_irqs(unsigned int irq); /* all CPUs */

/*
 * Reading a line's state (kernel/irq/query.c). Reports - the shell's
 * irqs and irq N, the hotkey, UIO - never walk the live chain: a handler
 * may be freed (and its name with it) while they print. irq_get_line
 * copies the line and up to max of its handlers under the line's lock;
 * what it returns stays valid however long the caller takes.
 */
#define IRQ_INFO_NAME_LEN 24

struct irq_action_info {
	char name[IRQ_INFO_NAME_LEN];
	void *dev_id;
	uintptr_t handler;   /* the primary's address */
	unsigned long flags; /* IRQF_* as requested (+ forced ONESHOT) */
	unsigned long count; /* times it said "mine" */
	bool threaded;	     /* has a thread_fn */
	bool forced;	     /* "threadirqs" made it threaded */
	bool thread_dead;    /* its thread died (an oops in thread_fn) */
	bool has_thread;     /* the thread exists; the fields below are set */
	char thread_name[IRQ_INFO_NAME_LEN];
	int thread_tid;
	bool thread_fifo;
	int thread_prio;
	const char *thread_state; /* "running", "ready", "sleeping" */
	unsigned int thread_cpu;  /* the CPU it runs on (for life) */
	unsigned long thread_wakeups, thread_runs;
};

struct irq_line_info {
	bool connected;	       /* a controller serves the line */
	const char *chip;      /* "XT-PIC", "IO-APIC", ... */
	unsigned int hwirq;    /* the controller's pin */
	unsigned long trigger; /* IRQF_TRIGGER_* */
	bool level;
	const char *flow;	       /* "edge", "level", "fasteoi" */
	unsigned int depth;	       /* disable_irq nesting */
	bool spurious_disabled;	       /* switched off: nobody cared */
	bool masked;		       /* masked at the controller now */
	bool pending;		       /* an edge waits to be replayed */
	bool oneshot_held;	       /* held for ONESHOT threads */
	unsigned long count[MAX_CPUS]; /* interrupts delivered */
	unsigned long total;	       /* ...on all CPUs */
	unsigned long unhandled;       /* chain runs nobody claimed */
	unsigned long deferred;	       /* came while it could not run */
	unsigned long replayed;	       /* held edges run later */
	unsigned long held_by_oneshot; /* of the deferred: ONESHOT's */
	unsigned long threads_oneshot; /* bits of woken ONESHOT threads */
	unsigned int nr_actions;       /* handlers (all, not just copied) */
	unsigned int affinity;	       /* the CPU its interrupts go to */
	bool affinity_fixed;	       /* its chip cannot move it (8259) */
	bool no_balancing;	       /* its driver keeps it on its CPU */
};

/* Fill *line and acts[0..max-1]; 0, or -EINVAL for no such line. */
int irq_get_line(unsigned int irq, struct irq_line_info *line,
		 struct irq_action_info *acts, unsigned int max);
bool irq_line_connected(unsigned int irq); /* a controller serves it */
bool irq_line_in_use(unsigned int irq);	   /* it has handlers */
bool irq_line_level(unsigned int irq);	   /* level-triggered */
/* "edge", "level", or with polarity "rising", "high" ... (long). */
const char *irq_trigger_name(unsigned long trigger, bool with_polarity);

/* Interrupts a controller delivered with no real request behind them
 * (8259 IRQ7/IRQ15, the local APIC's spurious vector). Chips call
 * irq_note_spurious(); they never reach any handler. */
extern unsigned long irq_spurious_count;
void irq_note_spurious(void);

#endif
