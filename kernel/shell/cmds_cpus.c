/*
 * kernel/shell/cmds_cpus.c - "cpus": every CPU slot in use, one row each.
 *
 *    CPU APIC state     %fs base       TICKS IDLE PENDING   RES   CAL   IWI CURRENT
 *      0    0 boot CPU  0x001776c0       523  97%    0x00     0     3     0 shell
 *      1    1 online    0x00177714       520 100%    0x00     4     0     0 idle
 *
 * The %fs base is what the CPU's per-CPU segment descriptor holds: the
 * address of its struct cpu (kernel/percpu.h), what this_cpu() returns
 * there. TICKS are its scheduler ticks (CPU 0: the PIT; an AP: its LAPIC
 * timer) and IDLE the share of them that found its idle thread running.
 * PENDING is its softirq mask (bit = slot); RES, CAL and IWI count the
 * reschedule, function-call and irq_work IPIs it took; CURRENT is the
 * thread it runs now.
 */
#include "boot/gdt.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "kernel/sched/stats.h"
#include "kernel/sched/thread.h"
#include "kernel/shell/shell.h"
#include "kernel/smp/ipi.h"
#include "kernel/smp/smp.h"

static void print_cpu(unsigned int n)
{
	const struct cpu *c = &cpus[n];
	const struct sched_stats *st = sched_stats(n);
	unsigned long ticks = 0;
	const char *cur = cpu_online(n) ? cpu_current_name(n) : "-";

	for (int i = 0; i < NR_CPUTIME; i++)
		ticks += st->ticks[i];
	console_printf(
		"%4u %4u %-9s 0x%08lx %9lu %3lu%%    0x%02lx %5lu %5lu %5lu %s\n",
		n, c->apic_id, cpu_state_name(c->state),
		(unsigned long)gdt_percpu_base(n), ticks,
		ticks ? st->ticks[CPUTIME_IDLE] * 100 / ticks : 0,
		(unsigned long)c->softirq_pending, c->ipi_resched, c->ipi_call,
		c->ipi_irq_work, cur);
}

static int cmd_cpus(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf(
		" CPU APIC state     %%fs base       TICKS IDLE PENDING   RES   CAL   IWI CURRENT\n");
	for (unsigned int n = 0; n < MAX_CPUS; n++)
		if (cpus[n].state != CPU_ABSENT)
			print_cpu(n);
	console_printf("%u of %u listed CPUs online%s\n", smp_cpus_online(),
		       smp_cpus_listed(), smp_nosmp() ? " (nosmp)" : "");
	return 0;
}
SHELL_COMMAND(
	cpus, cmd_cpus, 0, 0, "cpus",
	"the CPUs: APIC ID, state, per-CPU segment, ticks, idle share, pending softirqs, IPIs, current thread");
