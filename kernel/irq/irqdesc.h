/*
 * kernel/irq/irqdesc.h - the core's picture of a line: irq_desc, irqaction,
 * and the irq_chip an interrupt controller driver provides.
 *
 *   irq_desc[irq] --chip--> struct irq_chip (XT-PIC, IO-APIC, ...)
 *        |
 *        +--action--> irqaction --next--> irqaction --next--> NULL
 *                     (handler, dev_id)   (handler, dev_id)
 *
 * The dispatcher never talks to hardware directly: it masks, unmasks and
 * acknowledges through the chip's operations.
 *
 * Context: for the IRQ core and irqchip drivers only.
 */
#ifndef KERNEL_IRQ_IRQDESC_H
#define KERNEL_IRQ_IRQDESC_H

#include <stdbool.h>

#include "kernel/irq/irq.h"
#include "kernel/percpu.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"

struct irq_desc;

/* A flow handler: what one interrupt on a line of this kind needs, from
 * the controller's first acknowledgement to its last (kernel/irq/chip.c). */
typedef void (*irq_flow_handler_t)(struct irq_desc *desc);

struct irq_chip {
	const char *name;
	void (*mask)(unsigned int irq);
	void (*unmask)(unsigned int irq);
	/* Acknowledge at the start of an interrupt (edge and level flows):
	 * the controller may then deliver the line's next interrupt. */
	void (*ack)(unsigned int irq);
	/* End of interrupt, after the handlers (the fasteoi flow). */
	void (*eoi)(unsigned int irq);
	/* Optional: switch the line to an IRQF_TRIGGER_* type; 0 or -EINVAL. */
	int (*set_type)(unsigned int irq, unsigned long trigger);
	/* Optional: deliver the line's interrupts to CPU cpu (online) from
	 * the next one on; 0 or -EINVAL. Called by irq_set_affinity with
	 * the desc lock held, IRQs off. A chip without it (the 8259) sends
	 * every interrupt to CPU 0. Linux: irq_chip.irq_set_affinity. */
	int (*set_affinity)(unsigned int irq, unsigned int cpu);
	/* The flow of its level-triggered lines: handle_level_irq (mask and
	 * ack first; the 8259) or handle_fasteoi_irq (one EOI at the end;
	 * the IOAPIC, whose remote IRR holds the pin until then). NULL means
	 * handle_level_irq. Edge lines always take handle_edge_irq. */
	irq_flow_handler_t level_flow;
};

struct thread;

#define IRQACTION_MAGIC 0x49525141 /* "IRQA": a live action */

struct irqaction {
	unsigned int magic; /* IRQACTION_MAGIC while on a chain */
	irq_handler_t handler;
	void *dev_id;
	const char *name;
	unsigned long flags;
	unsigned long count; /* times this handler said "mine" */
	struct irqaction *next;
	struct irqaction *retired_next; /* on desc->retired (free_irq) */

	/* threaded IRQs (kernel/irq/irqthread.c); all 0 for plain ones */
	irq_handler_t thread_fn; /* runs in thread, may sleep */
	struct thread *thread;	 /* "irq/N-name"; NULL once it died */
	unsigned int irq;
	unsigned long thread_flags;   /* IRQTF_* */
	unsigned long thread_mask;    /* its bit in desc->threads_oneshot */
	unsigned long thread_runs;    /* times thread_fn was called */
	unsigned long thread_wakeups; /* times the primary woke it */
};

/* irqaction.thread_flags bits */
#define IRQTF_RUNTHREAD	       0x1 /* woken: thread_fn should run */
#define IRQTF_RUNNING	       0x2 /* thread_fn is running now */
#define IRQTF_FORCED	       0x4 /* threadirqs made this handler a thread */
#define IRQTF_DEAD	       0x8 /* its thread died (an oops in thread_fn) */

/*
 * irq_desc.status bits. A line may run its handlers when it has some,
 * depth is 0 (IRQS_DISABLED clear: not disabled, not "nobody cared"),
 * no ONESHOT thread holds
 * it and its handlers are not running already (irq_line_may_run).
 */
#define IRQS_SPURIOUS_DISABLED 0x1  /* "nobody cared": switched off */
#define IRQS_INPROGRESS	       0x2  /* handlers running right now */
#define IRQS_ONESHOT_MASKED    0x4  /* held until ONESHOT threads finish */
#define IRQS_MASKED	       0x8  /* masked at the chip (the core's record) */
#define IRQS_PENDING	       0x10 /* an edge came while it could not run */
#define IRQS_DISABLED	       0x20 /* depth > 0 (kept with irq_depth_*) */

struct irq_desc {
	unsigned int irq;
	struct irq_chip *chip;
	irq_flow_handler_t handle_irq; /* the flow for its trigger type */
	unsigned int hwirq;	       /* the chip's own number (pin) */
	struct irqaction *action;      /* chain, in registration order */
	struct irqaction *retired;     /* freed by its own handler: released
					* when the chain walk is over */
	unsigned int depth;	       /* disable_irq nesting */
	unsigned int status;	       /* IRQS_* */
	unsigned int running_cpu;      /* walking the chain (IRQS_INPROGRESS) */
	unsigned long trigger;	       /* IRQF_TRIGGER_* of the line */
	unsigned int affinity;	       /* the CPU its interrupts go to */
	bool no_balancing; /* must stay there (irq_set_no_balancing) */
	unsigned long count[MAX_CPUS]; /* interrupts delivered, per CPU */
	unsigned long unhandled;       /* chain runs nobody claimed */
	unsigned long deferred;	       /* came while it could not run */
	unsigned long replayed;	       /* held edges run later */

	/* note_interrupt(): stuck-line detection over a window */
	unsigned long window_count;	/* interrupts in this window */
	unsigned long window_unhandled; /* of which unclaimed */
	unsigned long last_unhandled;	/* jiffies of the last unclaimed */
	struct spinlock lock;

	/* threaded IRQs */
	unsigned long threads_oneshot; /* woken ONESHOT threads not done */
	unsigned int threads_active;   /* woken threads not done */
	unsigned long oneshot_held;    /* interrupts that came while held */
};

extern struct irq_desc irq_desc[NR_IRQS];

/*
 * "nobody cared": out of window interrupts, more than unhandled were not
 * claimed by any handler -> the line is reported and disabled. Linux's
 * numbers are the defaults; tests lower them.
 */
struct irq_spurious_limits {
	unsigned long window;	 /* 100000 */
	unsigned long unhandled; /* 99900 */
};
extern struct irq_spurious_limits irq_spurious_limits;

void note_interrupt(struct irq_desc *desc, irqreturn_t ret);
bool irq_is_level(const struct irq_desc *desc);

void irq_set_chip(unsigned int irq, struct irq_chip *chip,
		  unsigned long trigger);

/* kernel/irq/chip.c: the flows, and the line's open/closed state. */
void handle_edge_irq(struct irq_desc *desc);
void handle_level_irq(struct irq_desc *desc);
void handle_fasteoi_irq(struct irq_desc *desc);
const char *irq_flow_name(const struct irq_desc *desc);
/* Pick the flow for the line's trigger type (irq_set_chip, set_trigger). */
void irq_set_flow(struct irq_desc *desc);
/* May an interrupt run the handlers now? May the chip let one in? */
bool irq_line_may_run(const struct irq_desc *desc);
bool irq_line_may_open(const struct irq_desc *desc);
/* disable_irq nesting, with IRQS_DISABLED kept equal to depth > 0 (so
 * a flow tests one word); dec says whether depth reached 0. Lock held. */
void irq_depth_inc(struct irq_desc *desc);
bool irq_depth_dec(struct irq_desc *desc);
/* Mask/unmask at the chip, keeping IRQS_MASKED true. Desc lock held. */
void irq_mask_line(struct irq_desc *desc);
void irq_unmask_line(struct irq_desc *desc);
/* The line may be open again (enable_irq, the last ONESHOT thread, a
 * first handler): unmask it if the core had masked it; true if an edge
 * that came meanwhile must be replayed (irq_replay, after unlocking).
 * Desc lock held. */
bool irq_line_reopen(struct irq_desc *desc);
/* Run the line's handlers for a held edge, in hard-IRQ context (the
 * irq_offload vector): nothing to acknowledge. Context: any, no lock. */
void irq_replay(unsigned int irq);
/* Release actions freed by their own handler (desc->retired). Lock held. */
void irq_release_retired(struct irq_desc *desc);

/* kernel/irq/irqthread.c: the threaded half, for manage.c and chip.c */
/* The primary said IRQ_WAKE_THREAD: mark, hold if ONESHOT, wake.
 * Context: hard-IRQ, from the chain walk (desc lock not held). */
void irq_wake_thread(struct irq_desc *desc, struct irqaction *a);
/* Create (and start, asleep) the action's thread. Context: task. */
int irq_setup_thread(struct irqaction *a);
/* Wait for woken threads to finish, then stop the thread. Context: task. */
void irq_stop_thread(struct irq_desc *desc, struct irqaction *a);
/* Sleep until no thread of the line is woken or running. Context: task. */
void irq_wait_for_threads(struct irq_desc *desc);
/* The default primary: always IRQ_WAKE_THREAD. */
irqreturn_t irq_default_primary_handler(int irq, void *dev_id);

#endif
