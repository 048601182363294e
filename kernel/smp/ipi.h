/*
 * kernel/smp/ipi.h - inter-processor interrupts: one CPU interrupts
 * another (or itself) through the local APICs.
 *
 * Three kinds, each on a vector of its own (Linux names in brackets):
 *
 *   RESCHEDULE_VECTOR  "run schedule() soon" [smp_send_reschedule]. The
 *                      sender has set the target's need_resched; the
 *                      handler only acknowledges: the way out of every
 *                      interrupt is a preemption point (kernel/sched).
 *   CALL_VECTOR        "run this function" [smp_call_function_single].
 *                      The caller's struct call_single_data goes on the
 *                      target CPU's call queue; the target runs it in
 *                      hard-IRQ context and marks it done.
 *   IRQ_WORK_VECTOR    a self-IPI for irq_work (kernel/irq/irq_work.h).
 *
 *   CPU 0                                  CPU 1
 *   smp_call_function_single(1, fn, a, 1)
 *     csd on CPU 1's queue (its lock)
 *     ICR <- CALL_VECTOR, dest APIC 1 ───> CALL_VECTOR: irq_enter
 *     spins on csd.done                      fn(a)        (IRQs off)
 *                         <───────────────── csd.done = 1; EOI; irq_exit
 *     returns 0
 *
 * Rules (as in Linux):
 *  - fn runs in hard-IRQ context on the target: fast, must not sleep.
 *  - A waiting call must not be made with IRQs off or from an interrupt
 *    handler: two CPUs calling each other that way would each wait for
 *    the other forever. It is refused with -EDEADLK and a message.
 *  - smp_call_function_single_async() does not wait; its csd belongs to
 *    the caller and must not be reused until csd_busy() is false
 *    (-EBUSY otherwise). It may be called from any context.
 *  - A call to the calling CPU itself runs fn at once, IRQs off.
 *  - Only online CPUs take calls (-ENXIO otherwise); in PIC mode there
 *    is one CPU and no IPIs, and every call is local.
 *
 * Each CPU counts the IPIs it took of each kind (struct cpu: the RES,
 * CAL and IWI rows of the irqs command, as /proc/interrupts has them).
 *
 * Context: smp_send_reschedule, the async call, csd_busy: any. The
 * waiting call: task context with IRQs on (it spins, it does not sleep).
 * ipi_init: boot, IRQs off.
 */
#ifndef KERNEL_SMP_IPI_H
#define KERNEL_SMP_IPI_H

#include <stdbool.h>

#include "lib/list.h"

#define RESCHEDULE_VECTOR 0xfd
#define CALL_VECTOR	  0xfc
#define IRQ_WORK_VECTOR	  0xfb
#define LOCAL_TICK_VECTOR 0xee /* an AP's periodic LAPIC tick */

#define CALL_WAIT_MS	  1000 /* a waiting call gives up after this */

struct call_single_data {
	struct list_head node;
	void (*fn)(void *arg);
	void *arg;
	volatile int busy; /* queued or running, not yet done */
};

void ipi_init(void);

/* Ask cpu to reschedule (its need_resched must already be set). */
void smp_send_reschedule(unsigned int cpu);

/* Run fn(arg) on cpu, in hard-IRQ context there. wait: return once it
 * ran (0), or -ETIMEDOUT after CALL_WAIT_MS (fn may still run later);
 * -EDEADLK (IRQs off or in an interrupt while waiting), -ENXIO (cpu not
 * online). */
int smp_call_function_single(unsigned int cpu, void (*fn)(void *arg), void *arg,
			     bool wait);
/* The same without waiting, with the caller's csd (fn, arg set): 0 once
 * queued, -EBUSY (csd still busy), -ENXIO. */
int smp_call_function_single_async(unsigned int cpu,
				   struct call_single_data *csd);
bool csd_busy(const struct call_single_data *csd);

/* Send vector to cpu's local APIC (cpu may be this one: a self-IPI).
 * 0, -ENODEV (no local APIC: PIC mode), -ENXIO (cpu not online). */
int smp_send_ipi(unsigned int cpu, unsigned int vector);

/* Is cpu online (it runs threads and takes interrupts)? */
bool cpu_online(unsigned int cpu);

#endif
