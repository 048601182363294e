/*
 * kernel/shell/cmds_irq.c - look at the interrupt lines: irqs, irq N.
 *
 * "irqs" is shaped like Linux's /proc/interrupts: for every line with a
 * handler, its count per CPU, the controller, the controller's own pin
 * number and trigger, and the names of every handler sharing the line;
 * a threaded handler's name is followed by its thread's, in brackets:
 * "ttyS0 [irq/4-ttyS0]".
 */
#include "kernel/console.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/percpu.h"
#include "kernel/sched/thread.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static const char *trigger_name(const struct irq_desc *desc)
{
	return irq_is_level(desc) ? "level" : "edge";
}

static void print_line(unsigned int irq, struct irq_desc *desc)
{
	struct irq_thread_info ti;
	char hw[16];

	console_printf("%3u: ", irq);
	for (unsigned int c = 0; c < nr_cpus; c++)
		console_printf("%10lu ", desc->count[c]);
	snprintf(hw, sizeof(hw), "%u-%s", desc->hwirq, trigger_name(desc));
	console_printf(" %-8s %-10s  ", desc->chip->name, hw);
	for (struct irqaction *a = desc->action; a; a = a->next) {
		console_printf("%s", a->name);
		if (irq_thread_info(desc, a, &ti))
			console_printf(" [%s]", ti.name);
		console_printf("%s", a->next ? ", " : "");
	}
	console_printf("%s\n", desc->status & IRQS_SPURIOUS_DISABLED
				       ? " (disabled: nobody cared)"
				       : "");
}

static int cmd_irqs(int argc, char **argv)
{
	unsigned long unhandled = 0;

	(void)argc;
	(void)argv;
	console_printf("     ");
	for (unsigned int c = 0; c < nr_cpus; c++)
		console_printf("      CPU%u ", c);
	console_printf("\n");
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		struct irq_desc *desc = &irq_desc[irq];

		unhandled += desc->unhandled;
		if (desc->chip && desc->action)
			print_line(irq, desc);
	}
	console_printf("SPU: %10lu   Spurious interrupts\n",
		       irq_spurious_count);
	console_printf("UNH: %10lu   Unhandled interrupts\n", unhandled);
	console_printf("TRP: %10lu   Unexpected vectors\n",
		       this_cpu()->unexpected_traps);
	return 0;
}
SHELL_COMMAND(irqs, cmd_irqs, 0, 0, "irqs",
	      "interrupt counts per line, like /proc/interrupts");

/* The second line of a threaded action: its thread and what it did.
 * The thread is copied under the line's lock: it may die meanwhile. */
static void print_thread(struct irq_desc *desc, const struct irqaction *a)
{
	struct irq_thread_info ti;

	if (!irq_thread_info(desc, a, &ti)) {
		console_printf("    thread: %s\n",
			       a->thread_flags & IRQTF_DEAD
				       ? "died (an oops in its thread_fn)"
				       : "not started yet");
		return;
	}
	console_printf(
		"    thread %s (tid %d, %s %d, %s)%s%s, woken %lu, ran %lu\n",
		ti.name, ti.tid, ti.policy == SCHED_FIFO ? "FIFO" : "NORMAL",
		ti.rt_priority, thread_state_name(ti.state),
		a->flags & IRQF_ONESHOT ? ", oneshot" : "",
		a->thread_flags & IRQTF_FORCED ? ", forced" : "",
		a->thread_wakeups, a->thread_runs);
}

/* ONESHOT state: held for threads? masked at the chip? edges replayed. */
static void print_oneshot(const struct irq_desc *desc)
{
	console_printf(
		"  oneshot: %s%s%s, threads pending 0x%lx, %lu interrupts held, %lu replayed\n",
		desc->status & IRQS_ONESHOT_MASKED ? "held" : "open",
		desc->status & IRQS_ONESHOT_HWMASK ? ", masked" : "",
		desc->status & IRQS_PENDING ? ", edge pending" : "",
		desc->threads_oneshot, desc->oneshot_held, desc->replayed);
}

static int cmd_irq(int argc, char **argv)
{
	unsigned long irq;
	struct irq_desc *desc;

	(void)argc;
	if (kstrtoul(argv[1], 0, &irq) || irq >= NR_IRQS) {
		console_printf("irq: no interrupt line '%s' (0-%d)\n", argv[1],
			       NR_IRQS - 1);
		return -EINVAL;
	}
	desc = &irq_desc[irq];
	if (!desc->chip) {
		console_printf("irq %lu: not connected to any controller\n",
			       irq);
		return 0;
	}
	console_printf(
		"irq %lu: chip %s, hwirq %u, %s, depth %u, count %lu, unhandled %lu%s\n",
		irq, desc->chip->name, desc->hwirq, trigger_name(desc),
		desc->depth, kstat_irqs(irq), desc->unhandled,
		desc->status & IRQS_SPURIOUS_DISABLED
			? ", disabled (nobody cared)"
			: "");
	if (!desc->action)
		console_printf("  no handlers\n");
	for (const struct irqaction *a = desc->action; a; a = a->next) {
		console_printf("  %-10s dev_id %p  flags 0x%08lx  count %lu\n",
			       a->name, a->dev_id, a->flags, a->count);
		if (a->thread_fn)
			print_thread(desc, a);
	}
	if (desc->threads_oneshot || desc->oneshot_held)
		print_oneshot(desc);
	return 0;
}
SHELL_COMMAND(irq, cmd_irq, 1, 1, "irq N",
	      "one interrupt line in detail: chip, trigger, depth, handlers");
