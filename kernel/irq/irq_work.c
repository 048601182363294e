/* kernel/irq/irq_work.c - see irq_work.h. */
#include "kernel/irq/irq_work.h"

#include "drivers/irqchip/lapic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/percpu.h"
#include "kernel/sched/spinlock.h"
#include "kernel/smp/ipi.h"

/* Each CPU's items. Locked: another CPU may add to it. */
struct irq_work_list {
	struct spinlock lock;
	struct list_head items;
};

static struct irq_work_list lists[MAX_CPUS];

/* Claim the item for one more run: false if a run is already pending. */
static bool claim(struct irq_work *w)
{
	unsigned int old = __atomic_load_n(&w->flags, __ATOMIC_RELAXED);

	do {
		if (old & IRQ_WORK_PENDING)
			return false;
	} while (!__atomic_compare_exchange_n(
		&w->flags, &old, IRQ_WORK_PENDING | IRQ_WORK_BUSY, false,
		__ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

static void enqueue(struct irq_work *w, unsigned int cpu)
{
	struct irq_work_list *l = &lists[cpu];
	unsigned long flags = spin_lock_irqsave(&l->lock);
	bool first = list_empty(&l->items);

	list_add_tail(&w->node, &l->items);
	spin_unlock_irqrestore(&l->lock, flags);
	/* The first item asks for the interrupt; later ones ride along. In
	 * PIC mode the send fails and the tick runs them. */
	if (first)
		smp_send_ipi(cpu, IRQ_WORK_VECTOR);
}

bool irq_work_queue(struct irq_work *w)
{
	unsigned long flags;

	if (!claim(w))
		return false;
	flags = local_irq_save(); /* queue on the CPU we are on */
	enqueue(w, smp_processor_id());
	local_irq_restore(flags);
	return true;
}

bool irq_work_queue_on(struct irq_work *w, unsigned int cpu)
{
	if (!cpu_online(cpu) || !claim(w))
		return false;
	enqueue(w, cpu);
	return true;
}

bool irq_work_pending(const struct irq_work *w)
{
	return __atomic_load_n(&w->flags, __ATOMIC_ACQUIRE) & IRQ_WORK_BUSY;
}

void irq_work_sync(struct irq_work *w)
{
	while (irq_work_pending(w))
		cpu_relax();
}

/* It ran: idle now, unless it was queued again meanwhile (then it stays
 * BUSY until that run). */
static void mark_idle(struct irq_work *w)
{
	unsigned int busy = IRQ_WORK_BUSY;

	__atomic_compare_exchange_n(&w->flags, &busy, 0, false,
				    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* Every item queued here, in order. Hard-IRQ context, IRQs off. An item
 * that queues itself again lands on the list anew (and sends a new
 * IPI): it runs in the next interrupt, not in this loop. */
static void run_list(void)
{
	struct irq_work_list *l = &lists[smp_processor_id()];
	LIST_HEAD(batch);

	spin_lock(&l->lock);
	while (!list_empty(&l->items)) {
		struct list_head *n = l->items.next;

		list_del(n);
		list_add_tail(n, &batch);
	}
	spin_unlock(&l->lock);
	while (!list_empty(&batch)) {
		struct irq_work *w =
			list_first_entry(&batch, struct irq_work, node);

		list_del(&w->node);
		w->cpu = smp_processor_id();
		/* from here it may be queued again */
		__atomic_and_fetch(&w->flags, ~IRQ_WORK_PENDING,
				   __ATOMIC_ACQ_REL);
		w->func(w);
		mark_idle(w);
	}
}

static void irq_work_interrupt(struct trap_frame *f)
{
	(void)f;
	irq_enter();
	this_cpu()->ipi_irq_work++;
	run_list();
	lapic_eoi();
	irq_exit();
}

void irq_work_tick(void)
{
	if (!lapic_enabled() && !list_empty(&lists[smp_processor_id()].items))
		run_list();
}

void irq_work_init(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		spin_lock_init(&lists[c].lock, "irq_work");
		INIT_LIST_HEAD(&lists[c].items);
	}
	trap_set_handler(IRQ_WORK_VECTOR, irq_work_interrupt);
}
