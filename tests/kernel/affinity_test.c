/*
 * tests/kernel/affinity_test.c - interrupt affinity (irq.h, docs/irq.md
 * "Affinity"): irq_set_affinity asks the chip under the line's lock and
 * records the CPU; every refusal leaves the line where it was; the
 * IOAPIC writes the CPU's APIC ID into a pin's entry and nothing else; a
 * real interrupt (COM2 in loopback) is counted on the CPU the line was
 * moved to, and its tasklet runs there; an irq/N-name thread starts on
 * its line's CPU and stays there when the line moves.
 *
 * Rows (tests/run_tests.py): ktest (-smp 1: the cases that need a second
 * CPU skip), ktest-noapic (PIC mode: the refusals), ktest-smp2 and
 * ktest-smp4 (every CPU in turn). Some cases borrow the last line with a
 * chip of their own, as irq_core_test.c does; the suite restores it.
 */
#include <stdint.h>

#include "drivers/irqchip/ioapic.h"
#include "drivers/irqchip/irqchip.h"
#include "drivers/tty/uart16550.h"
#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/percpu.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/kernel/fake_chip.h"

#define TEST_IRQ    (NR_IRQS - 1) /* borrowed, as irq_core_test.c does */
#define TIMER_IRQ   0
#define LOOP_BYTES  64 /* one loopback round trip: a few interrupts */
#define RTE_DEST(r) ((unsigned int)((r) >> IOAPIC_RTE_DEST_SHIFT))
#define RTE_LOW(r)  ((uint32_t)(r))

#define SKIP_UNLESS_APIC(t)                                                   \
	do {                                                                  \
		if (strcmp(irqchip_mode(), "APIC"))                           \
			KTEST_SKIP(                                           \
				t,                                            \
				"PIC mode: see pic_mode_refuses_every_line"); \
	} while (0)

static struct irq_desc saved_desc;

static int affinity_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	return 0;
}

static void affinity_exit(void)
{
	irq_desc[TEST_IRQ] = saved_desc;
}

/* ---- a chip that records what the core asks of it -------------------- */

static struct {
	int calls;
	unsigned int cpu;	 /* the last call's */
	bool locked, irqs_off;	 /* during the last call */
	int answer;		 /* what it returns */
	unsigned int ran_on_cpu; /* the test thread_fn's CPU */
	int thread_runs;
} rec;

static int rec_set_affinity(unsigned int irq, unsigned int cpu)
{
	rec.calls++;
	rec.cpu = cpu;
	rec.locked = irq_desc[irq].lock.owner == this_cpu();
	rec.irqs_off = irqs_disabled();
	return rec.answer;
}

static struct irq_chip rec_chip; /* fake_chip plus set_affinity */

/* The borrowed line, fresh: no handlers, on CPU 0, chip = rec_chip. */
static void fresh_rec_line(void)
{
	memset(&irq_desc[TEST_IRQ], 0, sizeof(irq_desc[TEST_IRQ]));
	rec_chip = fake_chip;
	rec_chip.name = "rec";
	rec_chip.set_affinity = rec_set_affinity;
	irq_set_chip(TEST_IRQ, &rec_chip, IRQF_TRIGGER_RISING);
	memset(&rec, 0, sizeof(rec));
	memset(&fchip, 0, sizeof(fchip));
	fchip.masked = true;
}

/* The core asks the chip with the line's lock held and IRQs off, and
 * records the CPU only when the chip said yes. */
static void core_asks_chip_under_lock(struct ktest *t)
{
	unsigned int last = nr_cpus - 1;

	fresh_rec_line();
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, last), 0);
	EXPECT_EQ(t, rec.calls, 1);
	EXPECT_EQ(t, rec.cpu, last);
	EXPECT_TRUE(t, rec.locked);
	EXPECT_TRUE(t, rec.irqs_off);
	EXPECT_EQ(t, irq_get_affinity(TEST_IRQ), (int)last);

	rec.answer = -EINVAL; /* the chip refuses: nothing recorded */
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, 0), -EINVAL);
	EXPECT_EQ(t, rec.calls, 2);
	EXPECT_EQ(t, irq_get_affinity(TEST_IRQ), (int)last);
	irq_desc[TEST_IRQ].affinity = 0;
}

/* Each refusal has its own code, leaves the line where it was and never
 * reaches the chip. */
static void refusals_leave_line_alone(struct ktest *t)
{
	fresh_rec_line();
	EXPECT_EQ(t, irq_set_affinity(NR_IRQS, 0), -EINVAL);
	EXPECT_EQ(t, irq_get_affinity(NR_IRQS), -EINVAL);
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, nr_cpus), -ENXIO);
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, MAX_CPUS), -ENXIO);
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, ~0u), -ENXIO);
	EXPECT_EQ(t, rec.calls, 0);

	irq_set_no_balancing(TEST_IRQ);
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, 0), -EPERM);
	EXPECT_EQ(t, rec.calls, 0);

	irq_set_chip(TEST_IRQ, &fake_chip, IRQF_TRIGGER_RISING); /* no op */
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, 0), -EIO);
	irq_set_chip(TEST_IRQ, NULL, 0); /* no controller */
	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, 0), -ENODEV);
	EXPECT_EQ(t, irq_get_affinity(TEST_IRQ), 0);
}

/* ---- the IOAPIC -------------------------------------------------------- */

/* An IOAPIC line with no handler (not the borrowed one), or -1. */
static int spare_ioapic_irq(void)
{
	for (unsigned int irq = 3; irq < TEST_IRQ; irq++) {
		const struct irq_desc *d = &irq_desc[irq];

		if (d->chip == &ioapic_chip && !d->action)
			return (int)irq;
	}
	return -1;
}

/* For every online CPU: the pin's destination becomes that CPU's APIC
 * ID, and the low dword (vector, trigger, mask) is untouched. A refused
 * move changes nothing. The pin ends as it began. */
static void ioapic_destination_follows(struct ktest *t)
{
	int irq = spare_ioapic_irq();
	unsigned int gsi;
	uint64_t orig, rte;

	SKIP_UNLESS_APIC(t);
	if (irq < 0)
		KTEST_SKIP(t, "no IOAPIC line without a handler");
	gsi = ioapic_irq_to_gsi(irq);
	ASSERT_EQ(t, ioapic_read_rte(gsi, &orig), 0);
	EXPECT_EQ(t, RTE_DEST(orig), cpus[0].apic_id); /* boot CPU's */
	for (unsigned int n = nr_cpus; n-- > 0;) {
		EXPECT_EQ(t, irq_set_affinity(irq, n), 0);
		ioapic_read_rte(gsi, &rte);
		EXPECT_EQ(t, RTE_DEST(rte), cpus[n].apic_id);
		EXPECT_EQ(t, RTE_LOW(rte), RTE_LOW(orig));
		EXPECT_EQ(t, irq_get_affinity(irq), (int)n);
	}
	EXPECT_EQ(t, irq_set_affinity(irq, nr_cpus), -ENXIO);
	ioapic_read_rte(gsi, &rte);
	EXPECT_EQ(t, rte, orig); /* the loop ended on CPU 0 */
	EXPECT_EQ(t, irq_get_affinity(irq), 0);
}

/* The PIT is CPU 0's tick and the clock: it cannot be moved, in either
 * mode (PIC mode refuses every line: -EIO). */
static void timer_stays_on_cpu0(struct ktest *t)
{
	int want = strcmp(irqchip_mode(), "APIC") ? -EIO : -EPERM;

	for (unsigned int n = 0; n < nr_cpus; n++)
		EXPECT_EQ(t, irq_set_affinity(TIMER_IRQ, n), want);
	EXPECT_EQ(t, irq_get_affinity(TIMER_IRQ), 0);
}

/* The 8259 reaches CPU 0 only: every line refuses, with -EIO. */
static void pic_mode_refuses_every_line(struct ktest *t)
{
	unsigned int tried = 0;

	if (!strcmp(irqchip_mode(), "APIC"))
		KTEST_SKIP(t, "APIC mode (boot with noapic)");
	for (unsigned int irq = 0; irq < TEST_IRQ; irq++) {
		if (!irq_line_connected(irq))
			continue;
		EXPECT_EQ(t, irq_set_affinity(irq, 0), -EIO);
		EXPECT_EQ(t, irq_get_affinity(irq), 0);
		tried++;
	}
	EXPECT_GE(t, tried, 15); /* ISA 0-15 but the cascade */
}

/* ---- a real interrupt: COM2 (ttyS1, IRQ 3) in loopback ------------------ */

static unsigned long tasklet_runs_on(unsigned int cpu)
{
	return softirq_stat(cpu, TASKLET_SOFTIRQ)->runs;
}

/* Send LOOP_BYTES through the loopback and read them back (bounded). */
static bool loop_roundtrip(struct ktest *t, struct uart_port *port)
{
	static uint8_t buf[LOOP_BYTES];

	for (int i = 0; i < LOOP_BYTES; i++)
		buf[i] = (uint8_t)(i * 5 + 1);
	uart_write(port, buf, LOOP_BYTES);
	if (!KTEST_WAIT_FOR(uart_rx_available(port) >= LOOP_BYTES)) {
		ktest_fail_msg(t, __FILE__, __LINE__,
			       "loopback: %u of %d bytes came back",
			       uart_rx_available(port), LOOP_BYTES);
		return false;
	}
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(t, uart_read(port, buf, LOOP_BYTES), LOOP_BYTES);
	EXPECT_EQ(t, buf[LOOP_BYTES - 1], (uint8_t)((LOOP_BYTES - 1) * 5 + 1));
	return true;
}

/* Move the line to cpu, run a round trip: the interrupts are counted in
 * cpu's column only, and the RX tasklet was scheduled and ran there. */
static void roundtrip_on(struct ktest *t, struct uart_port *port,
			 unsigned int cpu)
{
	const struct irq_desc *d = &irq_desc[port->irq];
	unsigned long before[MAX_CPUS], tl_runs = port->rx_tasklet.runs;
	unsigned long tl_cpu = tasklet_runs_on(cpu);

	ASSERT_EQ(t, irq_set_affinity(port->irq, cpu), 0);
	for (unsigned int n = 0; n < nr_cpus; n++)
		before[n] = d->count[n];
	if (!loop_roundtrip(t, port))
		return;
	/* the tasklet runs after the last interrupt's handler: wait for it */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(port->rx_tasklet.runs > tl_runs &&
				      !(port->rx_tasklet.state &
					TASKLET_STATE_SCHED)));
	for (unsigned int n = 0; n < nr_cpus; n++) {
		if (n == cpu)
			EXPECT_GT(t, d->count[n], before[n]);
		else
			EXPECT_EQ(t, d->count[n], before[n]);
	}
	EXPECT_GT(t, port->rx_tasklet.runs, tl_runs);
	EXPECT_EQ(t, port->rx_tasklet.cpu, cpu);
	EXPECT_GT(t, tasklet_runs_on(cpu), tl_cpu);
}

/* For every CPU in turn, then back to CPU 0. */
static void interrupt_arrives_on_new_cpu(struct ktest *t)
{
	struct uart_port *port = uart_find("ttyS1");

	SKIP_UNLESS_APIC(t);
	KTEST_SKIP_UNLESS_SMP(t);
	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1 (COM2)");
	uart_set_loopback(port, true);
	for (unsigned int cpu = 1; cpu <= nr_cpus; cpu++)
		roundtrip_on(t, port, cpu % nr_cpus);
	uart_set_loopback(port, false);
	EXPECT_EQ(t, irq_set_affinity(port->irq, 0), 0);
}

/* ---- threaded handlers ---------------------------------------------------- */

static irqreturn_t rec_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	rec.ran_on_cpu = smp_processor_id();
	__atomic_add_fetch(&rec.thread_runs, 1, __ATOMIC_RELEASE);
	return IRQ_HANDLED;
}

static void fire(void *arg)
{
	(void)arg;
	generic_handle_irq(TEST_IRQ);
}

static unsigned int thread_cpu_of(unsigned int irq)
{
	struct irq_line_info li;
	struct irq_action_info ai;

	irq_get_line(irq, &li, &ai, 1);
	return li.nr_actions && ai.has_thread ? ai.thread_cpu : ~0u;
}

static bool thread_ran(int n)
{
	return __atomic_load_n(&rec.thread_runs, __ATOMIC_ACQUIRE) >= n;
}

/* Requested on a line that goes to CPU k, the irq/N-name thread is made
 * on CPU k and runs there. Moving the line later leaves it on CPU k
 * (threads never migrate): the next wakeup crosses CPUs. */
static void irq_thread_starts_on_line_cpu(struct ktest *t)
{
	static const char name[] = "afftest";
	unsigned int k = nr_cpus - 1;
	int cookie;

	KTEST_SKIP_UNLESS_SMP(t);
	fresh_rec_line();
	ASSERT_EQ(t, irq_set_affinity(TEST_IRQ, k), 0);
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, NULL, rec_thread_fn,
				       IRQF_ONESHOT, name, &cookie),
		  0);
	EXPECT_EQ(t, thread_cpu_of(TEST_IRQ), k);
	irq_offload(fire, NULL); /* the primary runs here, on CPU 0 */
	EXPECT_TRUE(t, KTEST_WAIT_FOR(thread_ran(1)));
	EXPECT_EQ(t, rec.ran_on_cpu, k);

	EXPECT_EQ(t, irq_set_affinity(TEST_IRQ, 0), 0);
	EXPECT_EQ(t, thread_cpu_of(TEST_IRQ), k); /* it stays */
	irq_offload(fire, NULL);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(thread_ran(2)));
	EXPECT_EQ(t, rec.ran_on_cpu, k);
	EXPECT_PTR_EQ(t, free_irq(TEST_IRQ, &cookie), name);
}

KTEST_SUITE_FULL(affinity, affinity_init, affinity_exit,
		 KTEST_CASE(core_asks_chip_under_lock),
		 KTEST_CASE(refusals_leave_line_alone),
		 KTEST_CASE(ioapic_destination_follows),
		 KTEST_CASE(timer_stays_on_cpu0),
		 KTEST_CASE(pic_mode_refuses_every_line),
		 KTEST_CASE(interrupt_arrives_on_new_cpu),
		 KTEST_CASE(irq_thread_starts_on_line_cpu));
