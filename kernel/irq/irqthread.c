/*
 * kernel/irq/irqthread.c - threaded interrupt handlers: the irq/N-name
 * threads, waking them, and holding a ONESHOT line until they are done.
 * See docs/threaded-irqs.md.
 *
 *   hard IRQ                               irq/N-name (SCHED_FIFO 50)
 *   primary handler -> IRQ_WAKE_THREAD
 *   irq_wake_thread():                      asleep in irq_thread_wait()
 *     RUNTHREAD set, threads_active++
 *     ONESHOT: bit in threads_oneshot,
 *              line held (level: masked,
 *              before the EOI)
 *     wake_up_thread() ---------------->   RUNTHREAD? take it
 *   EOI, irq_exit, iret                    thread_fn(irq, dev_id)
 *                                          thread_done(): clear the bit;
 *   (an interrupt while held: the flow       the last one releases the
 *    runs no primary, masks the line,        line (unless disabled) and
 *    an edge is remembered: chip.c)          replays a remembered edge
 *                                          threads_active--, back to sleep
 *
 * Locking: desc->lock (IRQs off) guards threads_oneshot, threads_active,
 * IRQS_ONESHOT_MASKED, IRQS_PENDING and the mask state;
 * thread_flags are changed with atomic operations, the primary's and the
 * thread's. a->thread is set before the line can wake it and cleared by
 * the thread's exit hook, both under desc->lock: a thread that dies (an
 * oops in thread_fn) lets go of its line at once, and is never woken,
 * listed or stopped after it is freed.
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/cmdline.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"
#include "lib/string.h"

#define IRQ_THREAD_PRIO 50 /* Linux's MAX_RT_PRIO / 2 */

bool force_irqthreads;

/* "threadirqs": thread every handler that does not forbid it. */
static int threadirqs_param(const char *val)
{
	if (*val)
		return -EINVAL; /* a bare flag */
	force_irqthreads = true;
	return 0;
}
KERNEL_PARAM(threadirqs, threadirqs_param,
	     "run ordinary IRQ handlers in irq/N-name threads");

/* free_irq and synchronize_irq sleep here until a line's threads are done. */
static DECLARE_WAIT_QUEUE_HEAD(threads_done);

irqreturn_t irq_default_primary_handler(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	return IRQ_WAKE_THREAD;
}

/* ---- the hard-IRQ side ------------------------------------------------ */

/*
 * Hold the line until the ONESHOT threads are done. The flows do the
 * masking (kernel/irq/chip.c): a level line is masked before its EOI or
 * unmask, or the still-asserting device would fire again at once; an
 * edge line stays open (a masked IOAPIC pin would lose an edge), and an
 * interrupt that does come meanwhile is deferred by the edge flow, which
 * masks the line then; the edge is replayed when the threads are done.
 */
/* LAB oneshot BEGIN */
static void oneshot_mask(struct irq_desc *desc, struct irqaction *a)
{
	desc->threads_oneshot |= a->thread_mask;
	desc->status |= IRQS_ONESHOT_MASKED;
}
/* LAB oneshot END */
/* LAB oneshot STUB: the starter tree has this instead */
#if 0
static void oneshot_mask(struct irq_desc *desc, struct irqaction *a)
{
	/* Your code: hold the line for this ONESHOT thread
	 * (docs/labs/06-oneshot.md). */
	(void)desc;
	(void)a;
}
#endif /* LAB oneshot STUB END */

/* No thread (yet): the scheduler was not up when the line was requested;
 * or no more: an oops ended it (the oops was reported). */
static void wake_without_thread(struct irqaction *a)
{
	static bool warned;

	if (a->thread_flags & IRQTF_DEAD)
		return; /* counted as handled; nobody to run it */
	if (a->thread_flags & IRQTF_FORCED) {
		a->thread_fn((int)a->irq, a->dev_id); /* as it was written */
		return;
	}
	if (a->thread_fn)
		return; /* the thread will find RUNTHREAD when it starts */
	if (!warned)
		pr_warn("irq %u: %s returned IRQ_WAKE_THREAD but has no thread; counted as handled\n",
			a->irq, a->name);
	warned = true;
}

/*
 * a->thread is read, and the thread woken, under desc->lock: the thread's
 * exit hook (irq_thread_exit) clears a->thread under the same lock before
 * the thread is freed, so what we see here is alive or NULL.
 */
void irq_wake_thread(struct irq_desc *desc, struct irqaction *a)
{
	struct thread *t;

	spin_lock(&desc->lock);
	t = a->thread;
	if (!t &&
	    (a->thread_flags & (IRQTF_FORCED | IRQTF_DEAD) || !a->thread_fn)) {
		spin_unlock(&desc->lock);
		wake_without_thread(a);
		return;
	}
	/* Woken again before it ran: one run serves both interrupts. */
	if (!(__atomic_fetch_or(&a->thread_flags, IRQTF_RUNTHREAD,
				__ATOMIC_ACQ_REL) &
	      IRQTF_RUNTHREAD)) {
		desc->threads_active++;
		a->thread_wakeups++;
	}
	if (a->flags & IRQF_ONESHOT)
		oneshot_mask(desc, a);
	if (t) {
		trace_event(TRACE_IRQ_THREAD_WAKE, desc->irq,
			    (uint32_t)(uintptr_t)a->name, (uint32_t)t->tid);
		wake_up_thread(t);
	}
	spin_unlock(&desc->lock);
}

/* ---- the thread ------------------------------------------------------- */

/* Sleep until woken with work (true) or told to stop with none (false).
 * RUNNING is set before RUNTHREAD is cleared: whoever waits for the
 * action to be idle never sees a gap between "woken" and "running". */
static bool irq_thread_wait(struct irqaction *a)
{
	for (;;) {
		set_current_state(THREAD_SLEEPING);
		if (__atomic_load_n(&a->thread_flags, __ATOMIC_ACQUIRE) &
		    IRQTF_RUNTHREAD) {
			set_current_state(THREAD_RUNNING);
			__atomic_or_fetch(&a->thread_flags, IRQTF_RUNNING,
					  __ATOMIC_ACQ_REL);
			__atomic_and_fetch(&a->thread_flags, ~IRQTF_RUNTHREAD,
					   __ATOMIC_ACQ_REL);
			return true;
		}
		if (kthread_should_stop()) {
			set_current_state(THREAD_RUNNING);
			return false;
		}
		schedule();
	}
}

/* The last ONESHOT thread of the line to finish releases it - unless
 * disable_irq closed it meanwhile: then enable_irq will. Returns true if
 * a held edge must be replayed. Desc lock held. */
/* LAB oneshot BEGIN */
static bool oneshot_finish(struct irq_desc *desc, struct irqaction *a)
{
	desc->threads_oneshot &= ~a->thread_mask;
	if (desc->threads_oneshot || !(desc->status & IRQS_ONESHOT_MASKED))
		return false;
	desc->status &= ~IRQS_ONESHOT_MASKED;
	return irq_line_reopen(desc);
}
/* LAB oneshot END */
/* LAB oneshot STUB: the starter tree has this instead */
#if 0
static bool oneshot_finish(struct irq_desc *desc, struct irqaction *a)
{
	/* Your code: the last ONESHOT thread to finish opens the line
	 * again; true if a held edge must be replayed. */
	(void)desc;
	(void)a;
	return false;
}
#endif /* LAB oneshot STUB END */

static void thread_done(struct irq_desc *desc, struct irqaction *a)
{
	unsigned long flags = spin_lock_irqsave(&desc->lock);
	bool replay = false;

	if (a->flags & IRQF_ONESHOT)
		replay = oneshot_finish(desc, a);
	desc->threads_active--;
	__atomic_and_fetch(&a->thread_flags, ~IRQTF_RUNNING, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&desc->lock, flags);
	if (replay)
		irq_replay(a->irq);
	if (waitqueue_active(&threads_done))
		wake_up_all(&threads_done);
}

/*
 * A forced-threaded handler was written for hard-IRQ context: it takes
 * its locks with plain spin_lock, counting on IRQs being off, and may
 * raise softirqs expecting them to run right after it. So it runs with
 * bottom halves disabled (raised softirqs run at local_bh_enable) and,
 * as Linux does outside PREEMPT_RT, with IRQs off.
 */
static irqreturn_t run_forced(struct irqaction *a)
{
	irqreturn_t ret;

	local_bh_disable();
	local_irq_disable();
	ret = a->thread_fn((int)a->irq, a->dev_id);
	local_irq_enable();
	local_bh_enable();
	return ret;
}

static int irq_thread(void *arg)
{
	struct irqaction *a = arg;
	struct irq_desc *desc = &irq_desc[a->irq];

	while (irq_thread_wait(a)) {
		a->thread_runs++;
		if (a->thread_flags & IRQTF_FORCED)
			run_forced(a);
		else
			a->thread_fn((int)a->irq, a->dev_id);
		thread_done(desc, a);
	}
	return 0;
}

/*
 * The thread's exit hook (kernel/sched/thread.h): it runs in the dying
 * thread, before its struct is freed. From here on nobody can reach the
 * thread through the action: a->thread is cleared under desc->lock,
 * which irq_wake_thread holds while it wakes the thread.
 *
 * Stopped by free_irq, the thread was idle: that is all. Killed by an
 * oops in thread_fn, it dies in the middle of its work, and would never
 * clear its ONESHOT bit nor its share of threads_active: that is done
 * here, at once - the line is released (a held edge replayed), waiters
 * in synchronize_irq and free_irq wake, and the action is marked
 * IRQTF_DEAD, so later interrupts count as handled with nobody to run.
 */
static void irq_thread_exit(struct thread *t, void *arg)
{
	struct irqaction *a = arg;
	struct irq_desc *desc = &irq_desc[a->irq];
	unsigned long flags = spin_lock_irqsave(&desc->lock);
	bool died, replay = false;

	(void)t;
	a->thread = NULL;
	died = a->thread_flags & (IRQTF_RUNTHREAD | IRQTF_RUNNING);
	if (died) {
		desc->threads_active--;
		if (a->flags & IRQF_ONESHOT)
			replay = oneshot_finish(desc, a);
		__atomic_or_fetch(&a->thread_flags, IRQTF_DEAD,
				  __ATOMIC_RELEASE);
	}
	__atomic_and_fetch(&a->thread_flags, ~(IRQTF_RUNTHREAD | IRQTF_RUNNING),
			   __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&desc->lock, flags);
	if (died)
		pr_err("irq %u: thread irq/%u-%s has died (an oops in its thread_fn?): the line goes on without it\n",
		       a->irq, a->irq, a->name);
	if (replay)
		irq_replay(a->irq);
	wake_up_all(&threads_done);
}

/*
 * The thread starts on the line's CPU, so that the wakeup from the
 * primary is a local one. It stays there for life (threads never
 * migrate, kernel/sched/thread.h): if the line moves later, the thread
 * does not follow, and each wakeup crosses CPUs with a reschedule IPI.
 * Handing the action to a new thread on the new CPU would mean two
 * threads serving one action while interrupts may wake it: not worth it
 * (docs/threaded-irqs.md, "Which CPU").
 */
static void irq_thread_bind(struct thread *t, unsigned int irq)
{
	unsigned int cpu = (unsigned int)irq_get_affinity(irq);

	if (kthread_bind(t, cpu))
		pr_info("irq %u: thread %s cannot start on the line's CPU %u: it stays on CPU %u\n",
			irq, t->name, cpu, t->cpu);
}

int irq_setup_thread(struct irqaction *a)
{
	struct irq_desc *desc = &irq_desc[a->irq];
	unsigned long flags;
	struct thread *t;

	t = kthread_create(irq_thread, a, "irq/%u-%s", a->irq, a->name);
	if (!t) {
		pr_err("request_irq: irq %u: no thread for %s\n", a->irq,
		       a->name);
		return -ENOMEM;
	}
	irq_thread_bind(t, a->irq);
	sched_setscheduler(t, SCHED_FIFO, IRQ_THREAD_PRIO);
	kthread_set_exit_hook(t, irq_thread_exit, a);
	/* the line may be live already (irq_start_threads) */
	flags = spin_lock_irqsave(&desc->lock);
	a->thread = t;
	spin_unlock_irqrestore(&desc->lock, flags);
	wake_up_new_thread(t); /* it runs up to its first sleep */
	return 0;
}

static bool line_threads_idle(struct irq_desc *desc)
{
	return __atomic_load_n(&desc->threads_active, __ATOMIC_ACQUIRE) == 0;
}

/* Every thread that leaves the line idle wakes threads_done: when it is
 * done (thread_done), and when it dies (irq_thread_exit). */
void irq_wait_for_threads(struct irq_desc *desc)
{
	wait_event(threads_done, line_threads_idle(desc));
}

static bool action_idle(struct irqaction *a)
{
	return !(__atomic_load_n(&a->thread_flags, __ATOMIC_ACQUIRE) &
		 (IRQTF_RUNTHREAD | IRQTF_RUNNING));
}

/*
 * The action is off the chain already, so nobody wakes it any more. A
 * woken thread still runs its thread_fn (the device asked for it), and a
 * running one finishes - or dies, and then its exit hook has cleared
 * a->thread. An idle thread is asleep in irq_thread_wait, where it cannot
 * die: it is stopped.
 */
void irq_stop_thread(struct irq_desc *desc, struct irqaction *a)
{
	(void)desc;
	wait_event(threads_done, action_idle(a));
	if (a->thread)
		kthread_stop(a->thread); /* its exit hook clears a->thread */
}
