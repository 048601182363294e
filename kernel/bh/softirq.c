/* kernel/bh/softirq.c - see softirq.h. */
#include "kernel/bh/softirq.h"

#include <stddef.h>

#include "kernel/arch/cpu.h"
#include "kernel/backtrace.h"
#include "kernel/irq/irq_work.h"
#include "kernel/printk.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/trace/trace.h"
#include "kernel/smp/ipi.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static const char *const softirq_names[NR_SOFTIRQS] = {
	"HI",	 "TIMER",   "NET_TX", "NET_RX",
	"BLOCK", "TASKLET", "SCHED",  "HRTIMER",
};

static void (*softirq_vec[NR_SOFTIRQS])(void);

/* Per-CPU state of this file (the pending mask itself is in struct cpu,
 * where irq_exit looks at it). */
struct softirq_cpu {
	struct softirq_stat stat[NR_SOFTIRQS];
	struct softirq_loop_stat loop;
	struct thread *ksoftirqd;
	/* raise_softirq_on() from other CPUs: bits waiting to be raised here
	 * (atomic: several CPUs may add at once), and the irq_work that
	 * raises them on this CPU */
	uint32_t remote_pending;
	struct irq_work remote_raise;
};

static struct softirq_cpu softirq_cpus[MAX_CPUS];

unsigned int softirq_max_restart = MAX_SOFTIRQ_RESTART;
unsigned int softirq_max_time_us = MAX_SOFTIRQ_TIME_US;

static struct softirq_cpu *this_softirq_cpu(void)
{
	return &softirq_cpus[smp_processor_id()];
}

const char *softirq_name(unsigned int nr)
{
	return nr < NR_SOFTIRQS ? softirq_names[nr] : "?";
}

int softirq_by_name(const char *name)
{
	for (int nr = 0; nr < NR_SOFTIRQS; nr++)
		if (!strcmp(name, softirq_names[nr]))
			return nr;
	return -1;
}

void open_softirq(unsigned int nr, void (*action)(void))
{
	if (nr >= NR_SOFTIRQS || softirq_vec[nr]) {
		pr_err("softirq: cannot open slot %u (%s)\n", nr,
		       nr < NR_SOFTIRQS ? "already open" : "no such slot");
		return;
	}
	softirq_vec[nr] = action;
}

void (*softirq_test_set_action(unsigned int nr, void (*fn)(void)))(void)
{
	void (*old)(void) = softirq_vec[nr];

	softirq_vec[nr] = fn;
	return old;
}

/* ---- ksoftirqd ------------------------------------------------------------ */

struct thread *softirq_ksoftirqd(unsigned int cpu)
{
	return cpu < MAX_CPUS ? softirq_cpus[cpu].ksoftirqd : NULL;
}

bool ksoftirqd_busy_on(unsigned int cpu)
{
	struct thread *t = softirq_ksoftirqd(cpu);

	return t && t->state != THREAD_SLEEPING;
}

bool ksoftirqd_busy(void)
{
	return ksoftirqd_busy_on(smp_processor_id());
}

static void wakeup_ksoftirqd(void)
{
	struct softirq_cpu *sc = this_softirq_cpu();

	if (sc->ksoftirqd && wake_up_thread(sc->ksoftirqd))
		sc->loop.wakeups++;
}

/* ---- raising -------------------------------------------------------------- */

void raise_softirq_irqoff(unsigned int nr)
{
	if (nr >= NR_SOFTIRQS)
		return;
	this_cpu()->softirq_pending |= 1u << nr;
	this_softirq_cpu()->stat[nr].raises++;
	trace_event(TRACE_SOFTIRQ_RAISE, nr, 0, 0);
	/* From task context nobody will pass irq_exit soon: let the
	 * thread run it. Inside an interrupt or a BH-disabled section, the
	 * exit from that section runs it. */
	if (!in_interrupt())
		wakeup_ksoftirqd();
}

void raise_softirq(unsigned int nr)
{
	unsigned long flags = local_irq_save();

	raise_softirq_irqoff(nr);
	local_irq_restore(flags);
}

/*
 * A CPU's pending mask is written by that CPU only (with IRQs off, so no
 * lock is needed), and only its own irq_exit would notice a new bit
 * anyway. A raise for another CPU therefore goes in two steps:
 *
 *   CPU 0: raise_softirq_on(1, TASKLET)        CPU 1
 *     remote_pending[1] |= bit   (atomic)
 *     irq_work_queue_on(1)  ─── IPI ───────>  take_remote_raises(): hard IRQ
 *                                               bits = xchg(remote_pending, 0)
 *                                               raise_softirq_irqoff(each)
 *                                             irq_exit: the loop runs them
 *
 * The bit is set before the irq_work is queued. If the item is already
 * pending, queueing fails - and that pending run has not yet exchanged
 * the mask (the irq_work core marks an item not pending only just
 * before calling it), so it takes our bit along. Linux fixed exactly
 * this for BH work queues in 2024: an item queued on a remote CPU must
 * not raise the softirq on the local one.
 */
static void take_remote_raises(struct irq_work *w)
{
	struct softirq_cpu *sc =
		container_of(w, struct softirq_cpu, remote_raise);
	uint32_t bits =
		__atomic_exchange_n(&sc->remote_pending, 0, __ATOMIC_ACQ_REL);

	for (unsigned int nr = 0; bits; nr++, bits >>= 1)
		if (bits & 1)
			raise_softirq_irqoff(nr);
}

int raise_softirq_on(unsigned int cpu, unsigned int nr)
{
	struct softirq_cpu *sc;

	if (nr >= NR_SOFTIRQS)
		return -EINVAL;
	/* A thread never changes CPU, so "here" stays here. */
	if (cpu == smp_processor_id()) {
		raise_softirq(nr);
		return 0;
	}
	if (!cpu_online(cpu)) {
		pr_err("softirq: cannot raise %s on CPU %u: not online\n",
		       softirq_name(nr), cpu);
		return -ENXIO;
	}
	sc = &softirq_cpus[cpu];
	__atomic_fetch_or(&sc->remote_pending, 1u << nr, __ATOMIC_RELEASE);
	/* false if already on its way: that run takes our bit too */
	irq_work_queue_on(&sc->remote_raise, cpu);
	return 0;
}

/* ---- the run loop --------------------------------------------------------- */

static void run_action(struct softirq_cpu *sc, unsigned int nr,
		       enum softirq_place where)
{
	struct softirq_stat *st = &sc->stat[nr];
	uint64_t t0 = rdtsc(), dt;

	st->runs++;
	st->runs_at[where]++;
	trace_event(TRACE_SOFTIRQ_ENTRY, nr, 0, 0);
	if (softirq_vec[nr])
		softirq_vec[nr]();
	trace_event(TRACE_SOFTIRQ_EXIT, nr, 0, 0);
	dt = rdtsc() - t0;
	st->cycles += dt;
	if (dt > st->max_cycles)
		st->max_cycles = dt;
}

/* One pass: take the pending mask, run its bits lowest first with IRQs
 * on. Called and returns with IRQs off. */
static void softirq_pass(struct softirq_cpu *sc, enum softirq_place where)
{
	uint32_t pending = this_cpu()->softirq_pending;

	this_cpu()->softirq_pending = 0;
	local_irq_enable();
	for (unsigned int nr = 0; pending; nr++, pending >>= 1)
		if (pending & 1)
			run_action(sc, nr, where);
	local_irq_disable();
	sc->loop.passes++;
}

/* LAB softirq-loop BEGIN */
/* Why the loop must stop now, or NULL to go round again. */
static unsigned long *stop_reason(struct softirq_cpu *sc, unsigned int pass,
				  uint64_t deadline)
{
	if (pass >= softirq_max_restart)
		return &sc->loop.budget_passes;
	if (softirq_max_time_us && rdtsc() >= deadline)
		return &sc->loop.budget_time;
	if (this_cpu()->need_resched)
		return &sc->loop.budget_resched;
	return NULL;
}

/*
 * The loop proper: pass after pass while work is pending, within the
 * budget; what is left over goes to ksoftirqd. IRQs off on entry and exit.
 * `where` is the caller, for the statistics.
 */
static void handle_softirqs(enum softirq_place where)
{
	struct softirq_cpu *sc = this_softirq_cpu();
	uint64_t deadline =
		rdtsc() + ns_to_tsc((uint64_t)softirq_max_time_us * 1000);
	unsigned int pass = 0;

	preempt_count_add(SOFTIRQ_OFFSET);
	sc->loop.loops++;
	for (;;) {
		unsigned long *reason;

		softirq_pass(sc, where);
		pass++;
		if (!this_cpu()->softirq_pending)
			break;
		reason = stop_reason(sc, pass, deadline);
		if (reason) {
			(*reason)++;
			trace_event(TRACE_KSOFTIRQD_TAKEOVER, pass,
				    reason == &sc->loop.budget_passes ? 0
				    : reason == &sc->loop.budget_time ? 1
								      : 2,
				    this_cpu()->softirq_pending);
			wakeup_ksoftirqd();
			break;
		}
		sc->loop.restarts++;
	}
	preempt_count_sub(SOFTIRQ_OFFSET);
}
/* LAB softirq-loop END */
/* LAB softirq-loop STUB: the starter tree has this instead */
#if 0
/*
 * The loop proper: one pass, and whatever is raised meanwhile waits for
 * the next irq_exit. IRQs off on entry and exit. `where` is the caller,
 * for the statistics.
 */
static void handle_softirqs(enum softirq_place where)
{
	struct softirq_cpu *sc = this_softirq_cpu();

	preempt_count_add(SOFTIRQ_OFFSET);
	sc->loop.loops++;
	softirq_pass(sc, where);
	/* Your code: go round again while work is pending, within the
	 * budget (softirq_max_restart passes, softirq_max_time_us); what
	 * is left over goes to ksoftirqd (docs/labs/03-softirq-loop.md). */
	preempt_count_sub(SOFTIRQ_OFFSET);
}
#endif /* LAB softirq-loop STUB END */

static void do_softirq_at(enum softirq_place where)
{
	unsigned long flags;

	if (in_interrupt())
		return;
	flags = local_irq_save();
	if (this_cpu()->softirq_pending)
		handle_softirqs(where);
	local_irq_restore(flags);
}

void do_softirq(void)
{
	do_softirq_at(SOFTIRQ_AT_DO_SOFTIRQ);
}

/*
 * Even while ksoftirqd works through a storm, each irq_exit runs the loop
 * (within its budget) rather than leaving everything to the thread: the
 * softirqs raised by this interrupt - a timer, a received byte - run now,
 * not when ksoftirqd next gets the CPU. Linux went back to this in 2023
 * after trying the other way (docs/softirq.md).
 */
void invoke_softirq(void)
{
	if (in_interrupt() || !this_cpu()->softirq_pending)
		return;
	handle_softirqs(SOFTIRQ_AT_IRQ_EXIT);
}

void softirq_on_trap_return(bool irqs_were_on, enum softirq_place where)
{
	/* Only where the interrupted code could have been interrupted by a
	 * hardware IRQ anyway: IRQs on, nothing atomic. */
	if (irqs_were_on && preempt_count() == 0 && this_cpu()->softirq_pending)
		handle_softirqs(where); /* even if the raise woke ksoftirqd */
}

const char *softirq_place_name(unsigned int where)
{
	static const char *const names[NR_SOFTIRQ_PLACES] = {
		[SOFTIRQ_AT_IRQ_EXIT] = "irq_exit",
		[SOFTIRQ_AT_EXCEPTION] = "exception",
		[SOFTIRQ_AT_SYSCALL] = "syscall",
		[SOFTIRQ_AT_BH_ENABLE] = "bh_enable",
		[SOFTIRQ_AT_DO_SOFTIRQ] = "do_softirq",
		[SOFTIRQ_AT_KSOFTIRQD] = "ksoftirqd",
	};

	return where < NR_SOFTIRQ_PLACES ? names[where] : "?";
}

/* ---- bottom-half disabling ------------------------------------------------ */

void local_bh_disable(void)
{
	preempt_count_add(SOFTIRQ_DISABLE_OFFSET);
}

bool local_bh_enable_irqs_off_warned;

/*
 * With IRQs off the caller has a reason to keep them off until it says
 * otherwise, and the run loop turns them on for each pass. So the softirqs
 * stay pending: the next irq_exit (once IRQs are back on) or ksoftirqd runs
 * them, as in Linux. Warn once: the caller should enable BHs first.
 */
static void local_bh_enable_irqs_off(void)
{
	if (!local_bh_enable_irqs_off_warned) {
		local_bh_enable_irqs_off_warned = true;
		printk(KERN_WARNING "WARNING: local_bh_enable with IRQs off\n");
		dump_stack();
	}
	if (!in_interrupt() && this_cpu()->softirq_pending)
		wakeup_ksoftirqd();
}

void local_bh_enable(void)
{
	if (in_hardirq())
		pr_warn("softirq: local_bh_enable in hard IRQ context\n");
	preempt_count_sub(SOFTIRQ_DISABLE_OFFSET);
	if (irqs_disabled()) {
		local_bh_enable_irqs_off();
		return;
	}
	if (!in_interrupt() && this_cpu()->softirq_pending)
		do_softirq_at(SOFTIRQ_AT_BH_ENABLE);
	/* Leaving the section is a preemption point, as preempt_enable. */
	if (this_cpu()->need_resched && preempt_count() == 0)
		preempt_schedule();
}

/* ---- ksoftirqd ------------------------------------------------------------ */

/*
 * ksoftirqd/N: sleeps until woken, then runs the pending softirqs one pass
 * at a time, yielding in between so that other threads get the CPU even
 * while a storm keeps re-raising work.
 */
static int ksoftirqd_thread(void *arg)
{
	struct softirq_cpu *sc = arg;

	for (;;) {
		local_irq_disable();
		if (!this_cpu()->softirq_pending) {
			set_current_state(THREAD_SLEEPING);
			local_irq_enable();
			schedule();
			continue;
		}
		preempt_count_add(SOFTIRQ_OFFSET);
		softirq_pass(sc, SOFTIRQ_AT_KSOFTIRQD);
		sc->loop.ksoftirqd_passes++;
		preempt_count_sub(SOFTIRQ_OFFSET);
		local_irq_enable();
		yield();
	}
	return 0;
}

/* One per online CPU, bound to it: a CPU's pending softirqs are its own. */
void ksoftirqd_start(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct softirq_cpu *sc = &softirq_cpus[cpu];
		char name[THREAD_NAME_LEN];

		init_irq_work(&sc->remote_raise, take_remote_raises);
		snprintf(name, sizeof(name), "ksoftirqd/%u", cpu);
		sc->ksoftirqd =
			kthread_create_on_cpu(ksoftirqd_thread, sc, cpu, name);
		if (!sc->ksoftirqd) {
			pr_err("softirq: cannot start %s\n", name);
			continue;
		}
		wake_up_new_thread(sc->ksoftirqd);
	}
}

const struct softirq_stat *softirq_stat(unsigned int cpu, unsigned int nr)
{
	return cpu < MAX_CPUS && nr < NR_SOFTIRQS ? &softirq_cpus[cpu].stat[nr]
						  : NULL;
}

const struct softirq_loop_stat *softirq_loop_stat(unsigned int cpu)
{
	return cpu < MAX_CPUS ? &softirq_cpus[cpu].loop : NULL;
}
