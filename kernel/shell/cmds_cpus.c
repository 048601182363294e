/*
 * kernel/shell/cmds_cpus.c - "cpus": every CPU slot in use, one row each.
 *
 *   CPU  APIC ID  state     %fs base    idle wakeups
 *     0        0  boot CPU  0x0011c0a0  -
 *     1        1  parked    0x0011c0e8  0
 *
 * The %fs base is what the CPU's per-CPU segment descriptor holds: the
 * address of its struct cpu (kernel/percpu.h), what this_cpu() returns
 * there. Wakeups count how often a parked CPU's hlt returned (SMP phase
 * 1: nothing is routed to it, so it sleeps). The boot CPU's idle time is
 * in "uptime" and "ps".
 */
#include "boot/gdt.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "kernel/shell/shell.h"
#include "kernel/smp/smp.h"

static void print_cpu(unsigned int n)
{
	const struct cpu *c = &cpus[n];

	console_printf("%4u %8u  %-9s 0x%08lx  ", n, c->apic_id,
		       cpu_state_name(c->state),
		       (unsigned long)gdt_percpu_base(n));
	if (c->state == CPU_PARKED)
		console_printf("%lu\n", c->idle_wakeups);
	else
		console_printf("-\n");
}

static int cmd_cpus(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf(" CPU  APIC ID  state     %%fs base    idle wakeups\n");
	for (unsigned int n = 0; n < MAX_CPUS; n++)
		if (cpus[n].state != CPU_ABSENT)
			print_cpu(n);
	console_printf(
		"%u of %u listed CPUs online%s; only CPU 0 runs threads and bottom halves (SMP phase 1)\n",
		smp_cpus_online(), smp_cpus_listed(),
		smp_nosmp() ? " (nosmp)" : "");
	return 0;
}
SHELL_COMMAND(cpus, cmd_cpus, 0, 0, "cpus",
	      "the CPUs: APIC ID, state, per-CPU segment base, wakeups");
