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
static volatile int released;

/* cpuid serializes: instructions fetched before it are thrown away. */
static void sync_core(void)
{
	uint32_t a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}

/* Runs on every other CPU in the call IPI (hard IRQ, IRQs off). */
static void park(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&parked, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
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

static unsigned int park_others(unsigned int me)
{
	unsigned int sent = 0;

	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpu == me || !cpu_online(cpu))
			continue;
		park_csd[cpu].fn = park;
		park_csd[cpu].arg = NULL;
		if (!smp_call_function_single_async(cpu, &park_csd[cpu]))
			sent++;
	}
	return sent;
}

int stop_machine(int (*fn)(void *arg), void *arg)
{
	unsigned long flags;
	unsigned int others;
	int ret = -ETIMEDOUT;

	if (irqs_disabled() || in_interrupt()) {
		pr_err("stop_machine: refused with IRQs off or in an interrupt\n");
		return -EDEADLK;
	}
	mutex_lock(&stop_lock);
	preempt_disable();
	released = 0;
	others = park_others(smp_processor_id());
	if (wait_parked(others)) {
		flags = local_irq_save();
		ret = fn(arg);
		local_irq_restore(flags);
	} else {
		pr_err("stop_machine: only %u of %u CPUs parked within %u ms; nothing done\n",
		       parked, others, STOP_WAIT_MS);
	}
	__atomic_store_n(&released, 1, __ATOMIC_RELEASE);
	if (!wait_parked(0))
		pr_err("stop_machine: a CPU did not leave park()\n");
	preempt_enable();
	mutex_unlock(&stop_lock);
	return ret;
}
