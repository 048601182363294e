/*
 * kernel/irq/irq_work.h - irq_work: run a function in hard-IRQ context
 * soon, queued from any context, even with IRQs off or from inside
 * another interrupt handler - the way Linux lets NMI handlers and the
 * scheduler defer work they cannot do where they are.
 *
 * irq_work_queue() puts the item on this CPU's list and sends this CPU
 * a self-IPI (IRQ_WORK_VECTOR, kernel/smp/ipi.h): the local APIC
 * delivers it as soon as IRQs are on again, and its handler runs every
 * item on the list. irq_work_queue_on() does the same on another CPU.
 *
 *   any context, IRQs off            IRQs back on
 *   irq_work_queue(&w)  --self-IPI-->  IRQ_WORK_VECTOR: irq_enter
 *     PENDING set, on the list           w.func(&w)   (hard IRQ)
 *                                        EOI, irq_exit (softirqs run)
 *
 * In PIC mode there is no local APIC to send a self-IPI with: the items
 * wait for the next timer tick, which runs them (as Linux does on
 * machines without a self-IPI).
 *
 * Rules:
 *  - An item is queued at most once at a time: queueing one that is
 *    still pending returns false and changes nothing (the pending run
 *    will serve both). It may be queued again from its own func.
 *  - func runs in hard-IRQ context, IRQs off: fast, must not sleep.
 *  - The struct must stay alive until irq_work_sync() says it is idle.
 *
 * Context: irq_work_queue, irq_work_queue_on, irq_work_pending: any.
 * irq_work_sync: task context (it spins until the item has run).
 */
#ifndef KERNEL_IRQ_IRQ_WORK_H
#define KERNEL_IRQ_IRQ_WORK_H

#include <stdbool.h>

#include "lib/list.h"

#define IRQ_WORK_PENDING 1u /* queued, not yet started */
#define IRQ_WORK_BUSY	 2u /* queued or running */

struct irq_work {
	struct list_head node;
	void (*func)(struct irq_work *work);
	unsigned int flags; /* IRQ_WORK_PENDING | IRQ_WORK_BUSY */
	unsigned int cpu;   /* where it last ran */
};

static inline void init_irq_work(struct irq_work *w,
				 void (*func)(struct irq_work *work))
{
	INIT_LIST_HEAD(&w->node);
	w->func = func;
	w->flags = 0;
	w->cpu = 0;
}

void irq_work_init(void); /* boot: the vector, the lists */
bool irq_work_queue(struct irq_work *w);
/* On cpu (online): false if already pending or cpu is not online. */
bool irq_work_queue_on(struct irq_work *w, unsigned int cpu);
bool irq_work_pending(const struct irq_work *w);
void irq_work_sync(struct irq_work *w);
/* PIC mode: the timer tick runs this CPU's items (no self-IPI). */
void irq_work_tick(void);

#endif
