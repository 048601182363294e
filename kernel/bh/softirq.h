/*
 * kernel/bh/softirq.h - the softirq vector: eight statically allocated
 * bottom halves, run soon after the interrupt that raised them.
 *
 * A softirq is a slot in a fixed table: a number, a name and an action.
 * Raising one sets its bit in the running CPU's pending mask; the bits
 * are run lowest first (bit = priority = run order) the next time this
 * CPU reaches one of the places listed below, with interrupts enabled
 * but the CPU otherwise atomic (SOFTIRQ_OFFSET in the preempt count).
 *
 * Per CPU: each CPU has its own pending mask, statistics and ksoftirqd,
 * and runs only what was raised on it. Nothing serialises one slot
 * across CPUs: the same softirq may run on two CPUs at the same moment,
 * so an action's shared data needs a spinlock (tasklets add the RUN bit
 * on top to run each tasklet on one CPU at a time). Only a CPU writes
 * its own pending mask; raise_softirq_on() asks another CPU to raise
 * (by irq_work: an IPI), for a queue that belongs to that CPU.
 *
 *   bit  name      owner
 *    0   HI        high-priority tasklets (kernel/bh/tasklet.c)
 *    1   TIMER     kernel timers (kernel/sched/timer.c)
 *    2   NET_TX    transmit completions: e1000, lo (kernel/net/netdev.c)
 *    3   NET_RX    NAPI polls: e1000, lo (kernel/net/napi.c)
 *    4   BLOCK     block request completion (kernel/block/blk.c)
 *    5   TASKLET   normal tasklets
 *    6   SCHED     scheduler accounting: load average, CPU use
 *    7   HRTIMER   high-resolution timers (kernel/sched/hrtimer.c)
 *
 * Where pending softirqs run:
 *   - irq_exit() of a hardware interrupt that did not interrupt another
 *     interrupt or a softirq;
 *   - on return from an exception or system call (kernel/arch/trap.c:
 *     vectors 0-31 and 0x80) to code that had interrupts on and a zero
 *     preempt count;
 *   - local_bh_enable() when it ends the last BH-disabled section with
 *     IRQs on. Called with IRQs off it leaves them off and the softirqs
 *     pending (for the next irq_exit or ksoftirqd), and prints
 *     "WARNING: local_bh_enable with IRQs off" with a backtrace, once;
 *   - ksoftirqd/N, the per-CPU thread that takes over when the run loop
 *     spends its budget (MAX_SOFTIRQ_RESTART passes, MAX_SOFTIRQ_TIME_US)
 *     and that raise_softirq() wakes when called from task context.
 * Each execution is counted by the place that ran it (enum softirq_place
 * in kernel/proc/abi.h, softirq_stat()->runs_at[]): where a softirq ran
 * is recorded, not inferred.
 *
 * Context: open_softirq at boot; raise_softirq and raise_softirq_irqoff
 * from any context (the _irqoff one with IRQs off), raise_softirq_on
 * from any context once ksoftirqd_start ran; local_bh_disable /
 * local_bh_enable from task or softirq context with IRQs on (see above for
 * IRQs off), never hard IRQ. Actions
 * run in softirq context: they must not sleep.
 */
#ifndef KERNEL_BH_SOFTIRQ_H
#define KERNEL_BH_SOFTIRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/percpu.h"
#include "kernel/proc/abi.h" /* enum softirq_place: user space reads it */
#include "kernel/sched/preempt.h"

enum {
	HI_SOFTIRQ,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	TASKLET_SOFTIRQ,
	SCHED_SOFTIRQ,
	HRTIMER_SOFTIRQ,
	NR_SOFTIRQS
};

#define MAX_SOFTIRQ_RESTART 10	 /* passes per run of the loop, at most */
#define MAX_SOFTIRQ_TIME_US 2000 /* and this long, by the TSC */

/* Per-CPU statistics of one slot. */
struct softirq_stat {
	unsigned long runs; /* executions: what /proc/softirqs counts */
	unsigned long runs_at[NR_SOFTIRQ_PLACES]; /* ... by where they ran */
	unsigned long raises; /* raise_softirq calls (coalesced or not) */
	uint64_t cycles;      /* TSC cycles spent in the action, total */
	uint64_t max_cycles;  /* longest single execution */
};

/* Per-CPU statistics of the run loop. */
struct softirq_loop_stat {
	unsigned long loops;		/* times the run loop was entered */
	unsigned long passes;		/* passes over the pending mask */
	unsigned long restarts;		/* passes that followed another */
	unsigned long budget_passes;	/* loops stopped by the pass limit */
	unsigned long budget_time;	/* loops stopped by the time limit */
	unsigned long budget_resched;	/* loops stopped for a reschedule */
	unsigned long wakeups;		/* ksoftirqd woken */
	unsigned long ksoftirqd_passes; /* passes run by ksoftirqd */
};

struct thread;
/* With the first threads: ksoftirqd/N, and the remote raises' irq_work. */
void ksoftirqd_start(void);

void open_softirq(unsigned int nr, void (*action)(void));
void raise_softirq(unsigned int nr);
void raise_softirq_irqoff(unsigned int nr);
/* Raise nr on cpu: here, as raise_softirq; on another online CPU, the bit
 * is handed over and that CPU's irq_work raises it there (its irq_exit
 * then runs it). -ENXIO (and a message) for a CPU that is not online. */
int raise_softirq_on(unsigned int cpu, unsigned int nr);
const char *softirq_name(unsigned int nr);
int softirq_by_name(const char *name); /* -1 if unknown */

static inline uint32_t local_softirq_pending(void)
{
	return this_cpu()->softirq_pending;
}

void local_bh_disable(void);
void local_bh_enable(void);
extern bool local_bh_enable_irqs_off_warned; /* the warning was printed */

/* Run pending softirqs now if the context allows it. Context: any. */
void do_softirq(void);
/* irq_exit's half: called with IRQs off after the hard-IRQ count drops. */
void invoke_softirq(void);
/* On return from an exception or syscall (kernel/arch/trap.c); where is
 * SOFTIRQ_AT_EXCEPTION or SOFTIRQ_AT_SYSCALL. Context: IRQs off. */
void softirq_on_trap_return(bool irqs_were_on, enum softirq_place where);
/* "irq_exit", "exception", "syscall", "bh_enable", "do_softirq",
 * "ksoftirqd" (a column of `softirqs where`). Context: any. */
const char *softirq_place_name(unsigned int where);

/* CPU cpu's ksoftirqd/N (NULL before ksoftirqd_start). Context: any. */
struct thread *softirq_ksoftirqd(unsigned int cpu);
/* This CPU's ksoftirqd is awake: woken for left-over work and not yet
 * asleep. ksoftirqd_busy_on(cpu): the same for any CPU's. Context: any
 * (a snapshot). */
bool ksoftirqd_busy(void);
bool ksoftirqd_busy_on(unsigned int cpu);

const struct softirq_stat *softirq_stat(unsigned int cpu, unsigned int nr);
const struct softirq_loop_stat *softirq_loop_stat(unsigned int cpu);

/* Tests only: put fn in slot nr, returning what was there. The tests
 * borrow a device's slot (BLOCK), which nothing raises while they run
 * on a machine with no disk (one slot for every CPU: the vector is
 * shared). Context: task. */
void (*softirq_test_set_action(unsigned int nr, void (*fn)(void)))(void);

/* Tunables for tests and experiments (restored by the tests). */
extern unsigned int softirq_max_restart;
extern unsigned int softirq_max_time_us; /* 0: no time budget */

#endif
