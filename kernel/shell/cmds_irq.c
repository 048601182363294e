/*
 * kernel/shell/cmds_irq.c - look at the interrupt lines: irqs, irq N;
 * and move one to another CPU: irq N affinity CPU (as writing
 * /proc/irq/N/smp_affinity_list does on Linux).
 *
 * "irqs" is shaped like Linux's /proc/interrupts: for every line with a
 * handler, its count per CPU, the controller, the controller's own pin
 * number and trigger, and the names of every handler sharing the line;
 * a threaded handler's name is followed by its thread's, in brackets:
 * "ttyS0 [irq/4-ttyS0]".
 *
 * Both print from a snapshot (irq_get_line): the shell is a preemptible
 * thread, and a line's handlers may be freed while it prints.
 */
#include <stddef.h>

#include "drivers/irqchip/irqchip.h"
#include "kernel/console.h"
#include "kernel/irq/irq.h"
#include "kernel/percpu.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define MAX_SHOWN 8 /* handlers printed per line */

struct line_snapshot {
	struct irq_line_info line;
	struct irq_action_info acts[MAX_SHOWN];
};

static unsigned int shown(const struct line_snapshot *s)
{
	return s->line.nr_actions < MAX_SHOWN ? s->line.nr_actions : MAX_SHOWN;
}

static void print_names(const struct line_snapshot *s)
{
	for (unsigned int i = 0; i < shown(s); i++) {
		const struct irq_action_info *a = &s->acts[i];

		console_printf("%s%s", i ? ", " : "", a->name);
		if (a->has_thread)
			console_printf(" [%s]", a->thread_name);
	}
	if (s->line.nr_actions > MAX_SHOWN)
		console_printf(" and %u more", s->line.nr_actions - MAX_SHOWN);
}

static void print_line(unsigned int irq, const struct line_snapshot *s)
{
	char hw[24];

	console_printf("%3u: ", irq);
	for (unsigned int c = 0; c < nr_cpus; c++)
		console_printf("%10lu ", s->line.count[c]);
	snprintf(hw, sizeof(hw), "%u-%s", s->line.hwirq,
		 irq_trigger_name(s->line.trigger, false));
	console_printf(" %-8s %-10s  ", s->line.chip, hw);
	print_names(s);
	console_printf("%s\n", s->line.spurious_disabled
				       ? " (disabled: nobody cared)"
				       : "");
}

/* A per-CPU count of a local vector: the field at offset in struct cpu. */
static void print_local_row(const char *tag, size_t offset, const char *what)
{
	console_printf("%s:", tag);
	for (unsigned int c = 0; c < nr_cpus; c++)
		console_printf(" %10lu",
			       *(const unsigned long *)((const char *)&cpus[c] +
							offset));
	console_printf("   %s\n", what);
}

static int cmd_irqs(int argc, char **argv)
{
	struct line_snapshot s;
	unsigned long unhandled = 0;

	(void)argc;
	(void)argv;
	console_printf("     ");
	for (unsigned int c = 0; c < nr_cpus; c++)
		console_printf("      CPU%u ", c);
	console_printf("\n");
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		irq_get_line(irq, &s.line, s.acts, MAX_SHOWN);
		unhandled += s.line.unhandled;
		if (s.line.connected && s.line.nr_actions)
			print_line(irq, &s);
	}
	print_local_row("LOC", offsetof(struct cpu, local_ticks),
			"Local timer interrupts (an AP's tick)");
	print_local_row("RES", offsetof(struct cpu, ipi_resched),
			"Rescheduling interrupts");
	print_local_row("CAL", offsetof(struct cpu, ipi_call),
			"Function call interrupts");
	print_local_row("IWI", offsetof(struct cpu, ipi_irq_work),
			"IRQ work interrupts");
	console_printf("SPU: %10lu   Spurious interrupts\n",
		       irq_spurious_count);
	console_printf("UNH: %10lu   Unhandled interrupts\n", unhandled);
	print_local_row("TRP", offsetof(struct cpu, unexpected_traps),
			"Unexpected vectors");
	return 0;
}
SHELL_COMMAND(irqs, cmd_irqs, 0, 0, "irqs",
	      "interrupt counts per line, like /proc/interrupts");

/* The second line of a threaded action: its thread and what it did. */
static void print_thread(const struct irq_action_info *a)
{
	if (!a->has_thread) {
		console_printf("    thread: %s\n",
			       a->thread_dead ? "died (an oops in thread_fn)"
					      : "not started yet");
		return;
	}
	console_printf(
		"    thread %s (tid %d, %s %d, %s, CPU %u)%s%s, woken %lu, ran %lu\n",
		a->thread_name, a->thread_tid,
		a->thread_fifo ? "FIFO" : "NORMAL", a->thread_prio,
		a->thread_state, a->thread_cpu,
		a->flags & IRQF_ONESHOT ? ", oneshot" : "",
		a->forced ? ", forced" : "", a->thread_wakeups, a->thread_runs);
}

/* What the flow does with an interrupt, in one line. */
static const char *flow_summary(const char *flow)
{
	if (!strcmp(flow, "edge"))
		return "ack first; one that cannot run now is held and replayed";
	if (!strcmp(flow, "level"))
		return "mask and ack first, unmask after the handlers";
	if (!strcmp(flow, "fasteoi"))
		return "handlers, then one EOI; masked if it must stay shut";
	return "no flow";
}

/* Where its interrupts go, and why it cannot move if it cannot. */
static void print_affinity(const char *prefix, const struct irq_line_info *li)
{
	console_printf("%saffinity CPU %u", prefix, li->affinity);
	if (li->affinity_fixed)
		console_printf(" (%s: every interrupt goes to CPU 0)",
			       li->chip);
	else if (li->no_balancing)
		console_printf(" (kept there by its driver)");
	console_printf("\n");
}

static void print_flow(const struct irq_line_info *li)
{
	console_printf("  flow %s (%s)\n", li->flow, flow_summary(li->flow));
	console_printf(
		"  state: %s%s%s%s, deferred %lu (held by oneshot %lu), replayed %lu\n",
		li->masked ? "masked" : "open",
		li->pending ? ", edge pending" : "",
		li->oneshot_held ? ", held for oneshot threads" : "",
		li->depth ? ", disabled" : "", li->deferred,
		li->held_by_oneshot, li->replayed);
	if (li->threads_oneshot)
		console_printf("  oneshot threads pending 0x%lx\n",
			       li->threads_oneshot);
}

/* An "unhandled" interrupt ran the chain and no handler claimed it. */
static void print_unhandled(const struct irq_line_info *li)
{
	unsigned long pct = li->total ? li->unhandled * 100 / li->total : 0;

	if (!li->unhandled)
		return;
	console_printf(
		"  unhandled %lu of %lu (%lu%%): interrupts no handler claimed; on an edge line mostly a second edge for work a handler had already done (docs/irq.md)\n",
		li->unhandled, li->total, pct);
}

static void print_actions(const struct line_snapshot *s)
{
	if (!s->line.nr_actions)
		console_printf("  no handlers\n");
	for (unsigned int i = 0; i < shown(s); i++) {
		const struct irq_action_info *a = &s->acts[i];

		console_printf("  %-10s dev_id %p  flags 0x%08lx  count %lu\n",
			       a->name, a->dev_id, a->flags, a->count);
		if (a->threaded)
			print_thread(a);
	}
	if (s->line.nr_actions > MAX_SHOWN)
		console_printf("  ... and %u more handlers\n",
			       s->line.nr_actions - MAX_SHOWN);
}

static void print_detail(unsigned long irq, const struct line_snapshot *s)
{
	const struct irq_line_info *li = &s->line;

	console_printf(
		"irq %lu: chip %s, hwirq %u, %s, depth %u, count %lu, unhandled %lu%s\n",
		irq, li->chip, li->hwirq, irq_trigger_name(li->trigger, false),
		li->depth, li->total, li->unhandled,
		li->spurious_disabled ? ", disabled (nobody cared)" : "");
	console_printf("  trigger %s\n", irq_trigger_name(li->trigger, true));
	print_affinity("  ", li);
	print_flow(li);
	print_unhandled(li);
	print_actions(s);
}

/* irq_set_affinity's refusal, in words. */
static void print_refusal(unsigned long irq, unsigned long cpu, int err,
			  const struct line_snapshot *s)
{
	switch (err) {
	case -EIO:
		console_printf(
			"irq %lu: refused: %s cannot send interrupts to another CPU (%s mode: every interrupt goes to CPU 0)\n",
			irq, s->line.chip, irqchip_mode());
		break;
	case -EPERM:
		console_printf(
			"irq %lu: refused: %s must stay on CPU %u (its driver asked for no balancing)\n",
			irq, shown(s) ? s->acts[0].name : "the line",
			s->line.affinity);
		break;
	case -ENXIO:
		console_printf(
			"irq %lu: refused: CPU %lu is not online (CPUs 0-%u are)\n",
			irq, cpu, nr_cpus - 1);
		break;
	default:
		console_printf("irq %lu: refused (error %d)\n", irq, err);
	}
}

/* The line's threads stay where they are: say so, or it looks moved. */
static void print_threads_stay(const struct line_snapshot *s, unsigned long cpu)
{
	for (unsigned int i = 0; i < shown(s); i++) {
		const struct irq_action_info *a = &s->acts[i];

		if (a->has_thread && a->thread_cpu != cpu)
			console_printf(
				"  thread %s stays on CPU %u (threads never change CPU)\n",
				a->thread_name, a->thread_cpu);
	}
}

/* irq N affinity [CPU]: show or move the line (/proc/irq/N/...). */
static int irq_affinity(unsigned long irq, const char *arg,
			const struct line_snapshot *s)
{
	unsigned long cpu;
	int err;

	if (!arg) {
		console_printf("irq %lu: ", irq);
		print_affinity("", &s->line);
		return 0;
	}
	if (kstrtoul(arg, 0, &cpu)) {
		console_printf("irq %lu affinity: '%s' is not a CPU number\n",
			       irq, arg);
		return -EINVAL;
	}
	err = irq_set_affinity(irq, cpu);
	if (err) {
		print_refusal(irq, cpu, err, s);
		return err;
	}
	console_printf(
		"irq %lu: moved from CPU %u to CPU %lu: its next interrupts go there\n",
		irq, s->line.affinity, cpu);
	print_threads_stay(s, cpu);
	return 0;
}

static int cmd_irq(int argc, char **argv)
{
	unsigned long irq;
	struct line_snapshot s;

	if (kstrtoul(argv[1], 0, &irq) || irq >= NR_IRQS) {
		console_printf("irq: no interrupt line '%s' (0-%d)\n", argv[1],
			       NR_IRQS - 1);
		return -EINVAL;
	}
	if (argc > 2 && strcmp(argv[2], "affinity")) {
		console_printf("irq: '%s'? (irq N [affinity [CPU]])\n",
			       argv[2]);
		return -EINVAL;
	}
	irq_get_line(irq, &s.line, s.acts, MAX_SHOWN);
	if (!s.line.connected) {
		console_printf("irq %lu: not connected to any controller%s\n",
			       irq, argc > 2 ? ": no CPU to send it to" : "");
		return argc > 2 ? -ENODEV : 0;
	}
	if (argc > 2)
		return irq_affinity(irq, argc > 3 ? argv[3] : NULL, &s);
	print_detail(irq, &s);
	return 0;
}
SHELL_COMMAND(irq, cmd_irq, 1, 3, "irq N [affinity [CPU]]",
	      "one interrupt line in detail: chip, trigger, CPU, flow, "
	      "handlers; 'affinity CPU' sends it to another CPU");
