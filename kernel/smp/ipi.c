/* kernel/smp/ipi.c - inter-processor interrupts (see ipi.h). */
#include "kernel/smp/ipi.h"

#include <stddef.h>

#include "drivers/irqchip/lapic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "lib/errno.h"

/* Calls waiting for a CPU, in the order they came. */
struct call_queue {
	struct spinlock lock;
	struct list_head list;
};

static struct call_queue call_queues[MAX_CPUS];
/* smp_call_function_single(..., wait = false): one csd per sender and
 * target, so that a caller need not own one. */
static struct call_single_data nowait_csd[MAX_CPUS][MAX_CPUS];

int smp_send_ipi(unsigned int cpu, unsigned int vector)
{
	if (!cpu_online(cpu))
		return -ENXIO;
	if (!lapic_enabled())
		return -ENODEV;
	return lapic_send_ipi(cpus[cpu].apic_id,
			      ICR_DM_FIXED | ICR_LEVEL_ASSERT | vector);
}

void smp_send_reschedule(unsigned int cpu)
{
	smp_send_ipi(cpu, RESCHEDULE_VECTOR);
}

/* Nothing to do but acknowledge: need_resched is set, and the way out of
 * this interrupt is a preemption point. */
static void reschedule_interrupt(struct trap_frame *f)
{
	(void)f;
	this_cpu()->ipi_resched++;
	lapic_eoi();
}

/* The calls queued for this CPU, each run once, in order. */
static void call_interrupt(struct trap_frame *f)
{
	struct call_queue *q = &call_queues[smp_processor_id()];

	(void)f;
	irq_enter();
	this_cpu()->ipi_call++;
	for (;;) {
		struct call_single_data *csd = NULL;

		spin_lock(&q->lock);
		if (!list_empty(&q->list)) {
			csd = list_first_entry(&q->list,
					       struct call_single_data, node);
			list_del(&csd->node);
		}
		spin_unlock(&q->lock);
		if (!csd)
			break;
		csd->fn(csd->arg);
		__atomic_store_n(&csd->busy, 0, __ATOMIC_RELEASE);
	}
	lapic_eoi();
	irq_exit();
}

bool csd_busy(const struct call_single_data *csd)
{
	return __atomic_load_n(&csd->busy, __ATOMIC_ACQUIRE) != 0;
}

/* A call to this CPU: at once, IRQs off, as the IPI would run it. */
static void call_here(struct call_single_data *csd)
{
	unsigned long flags = local_irq_save();

	csd->fn(csd->arg);
	__atomic_store_n(&csd->busy, 0, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}

int smp_call_function_single_async(unsigned int cpu,
				   struct call_single_data *csd)
{
	struct call_queue *q;
	unsigned long flags;
	int expected = 0;

	if (!cpu_online(cpu))
		return -ENXIO;
	if (!__atomic_compare_exchange_n(&csd->busy, &expected, 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EBUSY;
	if (cpu == smp_processor_id()) {
		call_here(csd);
		return 0;
	}
	q = &call_queues[cpu];
	flags = spin_lock_irqsave(&q->lock);
	list_add_tail(&csd->node, &q->list);
	spin_unlock_irqrestore(&q->lock, flags);
	if (smp_send_ipi(cpu, CALL_VECTOR))
		pr_err("smp: cannot send a call IPI to CPU %u\n", cpu);
	return 0;
}

static int wait_for_call(struct call_single_data *csd, unsigned int cpu)
{
	uint64_t start = ktime_get_ns();

	while (csd_busy(csd)) {
		if (ktime_get_ns() - start > (uint64_t)CALL_WAIT_MS * 1000000) {
			pr_err("smp: CPU %u did not run a call within %u ms\n",
			       cpu, CALL_WAIT_MS);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

/* A waiting call timed out: take its csd (on the caller's stack) off the
 * queue, unless the target has taken it already (false: it runs). */
static bool take_back(struct call_single_data *csd, unsigned int cpu)
{
	unsigned long flags = spin_lock_irqsave(&call_queues[cpu].lock);
	bool queued = csd_busy(csd) && !list_empty(&csd->node);

	if (queued)
		list_del(&csd->node);
	spin_unlock_irqrestore(&call_queues[cpu].lock, flags);
	return queued || !csd_busy(csd);
}

int smp_call_function_single(unsigned int cpu, void (*fn)(void *arg), void *arg,
			     bool wait)
{
	struct call_single_data on_stack, *csd;
	int err;

	if (!wait) {
		csd = &nowait_csd[smp_processor_id()][cpu < MAX_CPUS ? cpu : 0];
		if (csd_busy(csd))
			return -EBUSY;
		csd->fn = fn;
		csd->arg = arg;
		return smp_call_function_single_async(cpu, csd);
	}
	if (cpu != smp_processor_id() && (irqs_disabled() || in_interrupt())) {
		pr_err("smp_call_function_single: waiting for CPU %u with IRQs off or in an interrupt could deadlock; refused\n",
		       cpu);
		return -EDEADLK;
	}
	on_stack.fn = fn;
	on_stack.arg = arg;
	on_stack.busy = 0;
	/* the caller cannot move to another CPU while the csd is queued */
	preempt_disable();
	err = smp_call_function_single_async(cpu, &on_stack);
	if (!err)
		err = wait_for_call(&on_stack, cpu);
	if (err == -ETIMEDOUT && !take_back(&on_stack, cpu))
		while (csd_busy(&on_stack)) /* it runs now: it will end */
			cpu_relax();
	preempt_enable();
	return err;
}

void ipi_init(void)
{
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		spin_lock_init(&call_queues[c].lock, "call_queue");
		INIT_LIST_HEAD(&call_queues[c].list);
	}
	trap_set_handler(RESCHEDULE_VECTOR, reschedule_interrupt);
	trap_set_handler(CALL_VECTOR, call_interrupt);
}
