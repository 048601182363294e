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

struct irq_chip {
	const char *name;
	void (*mask)(unsigned int irq);
	void (*unmask)(unsigned int irq);
	void (*eoi)(unsigned int irq); /* end of interrupt */
	/* Optional: switch the line to IRQF_TRIGGER_* flow; 0 or -EINVAL. */
	int (*set_type)(unsigned int irq, unsigned long flow);
};

struct thread;

struct irqaction {
	irq_handler_t handler;
	void *dev_id;
	const char *name;
	unsigned long flags;
	unsigned long count; /* times this handler said "mine" */
	struct irqaction *next;

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

/* irq_desc.status bits */
#define IRQS_SPURIOUS_DISABLED 0x1  /* "nobody cared": switched off */
#define IRQS_INPROGRESS	       0x2  /* handlers running right now */
#define IRQS_ONESHOT_MASKED    0x4  /* held until ONESHOT threads finish */
#define IRQS_ONESHOT_HWMASK    0x8  /* ...and masked at the chip for it */
#define IRQS_PENDING	       0x10 /* an edge came while held: replay */

struct irq_desc {
	struct irq_chip *chip;
	unsigned int hwirq;	       /* the chip's own number (pin) */
	struct irqaction *action;      /* chain, in registration order */
	unsigned int depth;	       /* disable_irq nesting; >0 = masked */
	unsigned int status;	       /* IRQS_* */
	unsigned long trigger;	       /* IRQF_TRIGGER_* of the line */
	unsigned long count[MAX_CPUS]; /* interrupts per CPU */
	unsigned long unhandled;       /* total nobody claimed */

	/* note_interrupt(): stuck-line detection over a window */
	unsigned long window_count;	/* interrupts in this window */
	unsigned long window_unhandled; /* of which unclaimed */
	unsigned long last_unhandled;	/* jiffies of the last unclaimed */
	struct spinlock lock;

	/* threaded IRQs */
	unsigned long threads_oneshot; /* woken ONESHOT threads not done */
	unsigned int threads_active;   /* woken threads not done */
	unsigned long oneshot_held;    /* interrupts that came while held */
	unsigned long replayed;	       /* ...of which replayed afterwards */
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

void note_interrupt(struct irq_desc *desc, unsigned int irq, irqreturn_t ret);
bool irq_is_level(const struct irq_desc *desc);

void irq_set_chip(unsigned int irq, struct irq_chip *chip,
		  unsigned long trigger);

/* kernel/irq/irqthread.c: the threaded half, for manage.c and handle.c */
/* The primary said IRQ_WAKE_THREAD: mark, mask if ONESHOT, wake.
 * Context: hard-IRQ, from the dispatcher. */
void irq_wake_thread(struct irq_desc *desc, struct irqaction *a);
/* Create (and start, asleep) the action's thread. Context: task. */
int irq_setup_thread(struct irqaction *a);
/* Wait for woken threads to finish, then stop the thread. Context: task. */
void irq_stop_thread(struct irq_desc *desc, struct irqaction *a);
/* Sleep until no thread of the line is woken or running. Context: task. */
void irq_wait_for_threads(struct irq_desc *desc);
/* An interrupt came: do ONESHOT threads hold the line? Then it is noted
 * (an edge is replayed later) and no handler runs. Context: hard-IRQ. */
bool irq_oneshot_held(struct irq_desc *desc, unsigned int irq);
/* After enable_irq: open a line ONESHOT no longer holds; true if a held
 * edge must be replayed (irq_replay, outside the lock). Desc lock held. */
bool irq_oneshot_release(struct irq_desc *desc, unsigned int irq);
/* Run the line's handlers again in hard-IRQ context (no EOI). */
void irq_replay(unsigned int irq);
/* The line's handlers without EOI (handle.c). Context: hard-IRQ. */
void handle_irq_event(unsigned int irq);
/* What the shell shows of an action's thread, copied under desc->lock
 * (the thread's exit hook clears a->thread under it before the thread is
 * freed). False if there is none: not started yet, or died. Context:
 * any. */
struct irq_thread_info {
	char name[THREAD_NAME_LEN];
	int tid;
	enum sched_policy policy;
	int rt_priority;
	enum thread_state state;
};
bool irq_thread_info(struct irq_desc *desc, const struct irqaction *a,
		     struct irq_thread_info *info);
/* The default primary: always IRQ_WAKE_THREAD. */
irqreturn_t irq_default_primary_handler(int irq, void *dev_id);

#endif
