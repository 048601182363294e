/* kernel/smp/stop_machine.c - see stop_machine.h. */
#include "kernel/smp/stop_machine.h"

#include "kernel/arch/cpu.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "lib/errno.h"

static DEFINE_MUTEX(stop_lock); /* one stop_machine at a time */
static struct call_single_data park_csd[MAX_CPUS];
static volatile unsigned int parked; /* CPUs spinning in park() */
/* Each stop has a number; a park IPI of an earlier stop that gave up
 * on it (and arrives late) sees another number and returns at once,
 * uncounted. */
static volatile unsigned int generation, released;

/* cpuid serializes: instructions fetched before it are thrown away. */
static void sync_core(void)
{
	uint32_t a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}

/* Runs on every other CPU in the call IPI (hard IRQ, IRQs off). */
static void park(void *arg)
{
	unsigned int gen = (unsigned int)(uintptr_t)arg;

	if (gen != __atomic_load_n(&generation, __ATOMIC_ACQUIRE))
		return;
	__atomic_add_fetch(&parked, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&released, __ATOMIC_ACQUIRE) != gen)
		cpu_relax();
	sync_core();
	__atomic_sub_fetch(&parked, 1, __ATOMIC_ACQ_REL);
}

/* Spin (IRQs on) until parked == want or STOP_WAIT_MS pass. */
static bool wait_parked(unsigned int want)
{
	uint64_t deadline = ktime_get_ns() + STOP_WAIT_MS * 1000000ull;

	while (__atomic_load_n(&parked, __ATOMIC_ACQUIRE) != want) {
		if (ktime_get_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

/* Wait (bounded) until no earlier stop's park IPI is still queued. */
static bool csds_free(void)
{
	uint64_t deadline = ktime_get_ns() + STOP_WAIT_MS * 1000000ull;

	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
		while (csd_busy(&park_csd[cpu]))
			if (ktime_get_ns() > deadline)
				return false;
	return true;
}

/* A park IPI to every other online CPU; false if one could not be sent
 * (then the machine is not stopped: fn must not run). */
static bool park_others(unsigned int me, unsigned int gen, unsigned int *sent)
{
	*sent = 0;
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpu == me || !cpu_online(cpu))
			continue;
		park_csd[cpu].fn = park;
		park_csd[cpu].arg = (void *)(uintptr_t)gen;
		if (smp_call_function_single_async(cpu, &park_csd[cpu]))
			return false;
		(*sent)++;
	}
	return true;
}

int stop_machine(int (*fn)(void *arg), void *arg)
{
	unsigned long flags;
	unsigned int others = 0, gen;
	int ret = -ETIMEDOUT;

	if (irqs_disabled() || in_interrupt()) {
		pr_err("stop_machine: refused with IRQs off or in an interrupt\n");
		return -EDEADLK;
	}
	mutex_lock(&stop_lock);
	preempt_disable();
	gen = __atomic_add_fetch(&generation, 1, __ATOMIC_ACQ_REL);
	if (csds_free() && park_others(smp_processor_id(), gen, &others) &&
	    wait_parked(others)) {
		flags = local_irq_save();
		ret = fn(arg);
		local_irq_restore(flags);
	} else {
		pr_err("stop_machine: only %u of %u CPUs parked within %u ms; nothing done\n",
		       parked, others, STOP_WAIT_MS);
	}
	__atomic_store_n(&released, gen, __ATOMIC_RELEASE);
	if (!wait_parked(0))
		pr_err("stop_machine: a CPU did not leave park()\n");
	preempt_enable();
	mutex_unlock(&stop_lock);
	return ret;
}
