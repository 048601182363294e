/*
 * tests/kernel/uart_test.c - the 16550 driver's promises, on COM2 (ttyS1)
 * in the UART's own loopback mode, so no host is needed: what the port
 * sends it receives, through the real registers and the real interrupt.
 *
 * Needs a second serial port (the ktest boots give QEMU "-serial null"
 * for COM2..COM4); skipped without one.
 */
#include "drivers/tty/uart16550.h"
#include "kernel/arch/cpu.h"
#include "kernel/irq/irq.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"
#include "tests/kernel/klog_search.h"

#define BIG  (UART_RX_RING + 8) /* more than the RX ring holds */
/* more than the TX ring, the RX ring and the FIFO hold together */
#define HUGE (UART_TX_RING + UART_RX_RING + 2048)

static struct uart_port *port;
static uint8_t pattern[HUGE], got[HUGE];

static int uart_suite_init(void)
{
	port = uart_find("ttyS1");
	for (int i = 0; i < HUGE; i++)
		pattern[i] = (uint8_t)(i * 7 + (i >> 8));
	if (port && port->irq_mode)
		uart_set_loopback(port, true);
	return 0;
}

static void uart_suite_exit(void)
{
	if (port && port->irq_mode)
		uart_set_loopback(port, false);
}

/* Wait (halting between interrupts) until the RX ring holds n bytes or
 * the port stalled; false after 2 s of TSC time. */
static bool wait_rx(uint32_t n)
{
	uint64_t deadline = rdtsc() + 2000ull * 1000 * tsc_khz;

	while (uart_rx_available(port) < n && !port->rx_stalled) {
		if (rdtsc() > deadline)
			return false;
		safe_halt();
	}
	return true;
}

/* Read exactly n bytes, waiting for them; returns how many came. */
static uint32_t read_all(uint8_t *dst, uint32_t n)
{
	uint64_t deadline = rdtsc() + 2000ull * 1000 * tsc_khz;
	uint32_t have = 0;

	while (have < n && rdtsc() < deadline) {
		uint32_t r = uart_read(port, dst + have, n - have);

		have += r;
		if (!r)
			safe_halt();
	}
	return have;
}

/* Bytes sent come back whole and in order, through the interrupts. */
static void loopback_roundtrip(struct ktest *t)
{
	unsigned long irqs_before;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	irqs_before = port->stats.interrupts;
	uart_write(port, pattern, 64);
	ASSERT_TRUE(t, wait_rx(64));
	ASSERT_EQ(t, read_all(got, 64), 64);
	EXPECT_EQ(t, memcmp(got, pattern, 64), 0);
	EXPECT_GT(t, port->stats.interrupts, irqs_before);
}

/* Regression for "never drop received data": with nobody reading, the
 * ring fills, the port stalls (counted) instead of discarding, and once
 * the reader catches up every byte arrives exactly once, in order. */
static void full_ring_stalls_and_loses_nothing(struct ktest *t)
{
	unsigned long stalls = port ? port->stats.stalls : 0;
	unsigned long overruns = port ? port->stats.overruns : 0;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	uart_write(port, pattern, BIG);
	ASSERT_TRUE(t, wait_rx(BIG)); /* returns once stalled */
	EXPECT_TRUE(t, port->rx_stalled);
	EXPECT_EQ(t, uart_rx_available(port), UART_RX_RING);
	EXPECT_EQ(t, port->stats.stalls, stalls + 1);
	ASSERT_EQ(t, read_all(got, BIG), BIG);
	EXPECT_EQ(t, memcmp(got, pattern, BIG), 0);
	EXPECT_FALSE(t, port->rx_stalled);
	EXPECT_EQ(t, port->stats.overruns, overruns);
}

/* ---- defect 9: a task writer sleeps for room, IRQs on ---------------- */

static struct completion writer_done;

/* Writes, says so, exits (nobody stops it: it is freed at once). */
static int tx_writer(void *arg)
{
	(void)arg;
	uart_write(port, pattern, HUGE);
	complete(&writer_done);
	return 0;
}

/*
 * Regression for defect 9 (uart_write spun with IRQs off, holding the
 * port lock, whenever the TX ring was full): a thread writes more than
 * the TX ring, the RX ring and the FIFO hold together. This thread does
 * not read at first, so the loopback's RX ring stalls, sending stops and
 * the TX ring stays full: the writer must be seen SLEEPING (counted in
 * tx_sleeps) - this thread could not even run if the writer spun with
 * IRQs off. Then it reads; the THRE interrupt wakes the writer and
 * every byte arrives once, in order.
 */
static void uart_write_full_ring_sleeps(struct ktest *t)
{
	unsigned long sleeps, timeouts, overruns;
	bool saw_sleeping;
	struct thread *w;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	sleeps = port->stats.tx_sleeps;
	timeouts = port->stats.tx_wait_timeouts;
	overruns = port->stats.overruns;
	init_completion(&writer_done);
	w = kthread_run(tx_writer, NULL, "uart-writer");
	ASSERT_TRUE(t, w != NULL);
	/* (once done, the writer exits and is freed: w is then stale) */
	saw_sleeping = KTEST_WAIT_FOR(
		!writer_done.done && w->state == THREAD_SLEEPING &&
		port->stats.tx_sleeps > sleeps && port->rx_stalled);
	EXPECT_TRUE(t, saw_sleeping);
	ASSERT_EQ(t, read_all(got, HUGE), HUGE);
	EXPECT_GT(t, wait_for_completion_timeout(&writer_done, 2 * hz), 0);
	EXPECT_EQ(t, memcmp(got, pattern, HUGE), 0);
	EXPECT_GT(t, port->stats.tx_sleeps, sleeps);
	/* at least one sleep was ended by the interrupt, not the timeout (a
	 * host that stalls the emulator for 250 ms may expire another) */
	EXPECT_GT(t, port->stats.tx_sleeps - sleeps,
		  port->stats.tx_wait_timeouts - timeouts);
	EXPECT_EQ(t, port->stats.overruns, overruns);
}

/*
 * The sleep is bounded: with the THRE interrupt lost (here: the line
 * disabled, loopback off, so bytes go to COM2's null backend), the
 * writer wakes by timeout after UART_TX_WAIT_MS, makes room by polling
 * (counted in tx_wait_timeouts) and returns with everything queued.
 */
static void uart_sleeping_writer_survives_lost_thre(struct ktest *t)
{
	unsigned long timeouts, sent;
	uint32_t n = UART_TX_RING + 512;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	uart_set_loopback(port, false);
	timeouts = port->stats.tx_wait_timeouts;
	sent = port->stats.tx_bytes;
	disable_irq(port->irq); /* now irq 3 delivers nothing */
	EXPECT_EQ(t, uart_write(port, pattern, n), n);
	EXPECT_GT(t, port->stats.tx_wait_timeouts, timeouts);
	enable_irq(port->irq);
	uart_flush(port); /* whatever the interrupt has not sent yet */
	EXPECT_EQ(t, port->stats.tx_bytes - sent, n);
	uart_set_loopback(port, true);
}

/* ---- defect 10: waits for the transmitter are bounded ---------------- */

static unsigned long hidden_reads; /* LSR reads the filter answered */

static uint8_t hide_thre(struct uart_port *p, uint8_t lsr)
{
	if (p != port)
		return lsr;
	hidden_reads++;
	return lsr & ~0x60; /* LSR bits 5, 6: THR empty, transmitter idle */
}

/* Write n bytes with IRQs off (the polling path); TSC cycles it took. */
static uint64_t polled_write(const char *s, size_t n)
{
	unsigned long flags = local_irq_save();
	uint64_t start = rdtsc();

	uart_write(port, s, n);
	start = rdtsc() - start;
	local_irq_restore(flags);
	return start;
}

/*
 * Regression for defect 10 on the UART: a transmitter that never shows
 * "THR empty" (an LSR filter hides the bit) must not hang a polling
 * writer. The first wait ends after UART_THRE_WAIT_MS (by the TSC) with
 * the port marked stuck and a warning; the next one only looks
 * (UART_THRE_STUCK_SPINS LSR reads: counted, not timed, so a host that
 * stalls the emulator cannot fail the test); once THRE shows again the
 * port is back to normal. QEMU's transmitter is fine underneath, so the bytes sent
 * "blind" loop back intact.
 */
static void uart_thre_wait_is_bounded(struct ktest *t)
{
	uint64_t ms = tsc_khz ? tsc_khz : 1;
	unsigned long timeouts, reads_a, reads_b;
	uint64_t took;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	timeouts = port->stats.thre_timeouts;
	hidden_reads = 0;
	uart_set_lsr_filter(hide_thre);
	took = polled_write("a", 1) / ms;
	reads_a = hidden_reads;
	EXPECT_GE(t, took, UART_THRE_WAIT_MS);
	EXPECT_LT(t, took, 20 * UART_THRE_WAIT_MS); /* it ends */
	EXPECT_EQ(t, port->stats.thre_timeouts, timeouts + 1);
	EXPECT_TRUE(t, port->tx_stuck);
	polled_write("b", 1);
	reads_b = hidden_reads - reads_a;
	/* a stuck port only looks; a few more reads take the loopback byte */
	EXPECT_LE(t, reads_b, UART_THRE_STUCK_SPINS + 8);
	EXPECT_GT(t, reads_a, reads_b);
	EXPECT_EQ(t, port->stats.thre_timeouts, timeouts + 1);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(klog_contains(
			       "serial: ttyS1: transmitter never empties")));
	uart_set_lsr_filter(NULL);
	polled_write("c", 1);
	EXPECT_FALSE(t, port->tx_stuck);
	ASSERT_EQ(t, read_all(got, 3), 3);
	EXPECT_EQ(t, memcmp(got, "abc", 3), 0);
}

/* A port with nothing to say answers IRQ_NONE: on a shared line (COM2
 * and COM4 share IRQ3) the interrupt may be the other device's, and only
 * honest answers let the core tell a stuck line from a busy one. Called
 * as the IRQ core would, IRQs off, while ttyS1 is idle. */
static void quiet_port_returns_irq_none(struct ktest *t)
{
	unsigned long quiet, flags;
	irqreturn_t ret;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	uart_flush(port);
	while (uart_read(port, got, sizeof(got)))
		; /* nothing left to receive either */
	quiet = port->stats.quiet;
	flags = local_irq_save();
	ret = uart_interrupt((int)port->irq, port);
	local_irq_restore(flags);
	EXPECT_EQ(t, ret, IRQ_NONE);
	EXPECT_EQ(t, port->stats.quiet, quiet + 1);
}

/* Received bytes reach their reader through the port's tasklet, the
 * bottom half, not from inside the hard IRQ. */
static void rx_delivery_runs_in_the_tasklet(struct ktest *t)
{
	unsigned long runs;

	if (!port || !port->irq_mode)
		KTEST_SKIP(t, "no interrupt-driven ttyS1");
	runs = port->rx_tasklet.runs;
	uart_write(port, pattern, 16);
	ASSERT_EQ(t, read_all(got, 16), 16);
	EXPECT_EQ(t, memcmp(got, pattern, 16), 0);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(port->rx_tasklet.runs > runs));
}

/* The console port is interrupt-driven after boot. */
static void console_is_interrupt_driven(struct ktest *t)
{
	EXPECT_TRUE(t, uart_ports[0].present);
	EXPECT_TRUE(t, uart_ports[0].irq_mode);
	EXPECT_GT(t, uart_ports[0].stats.tx_bytes, 0);
}

KTEST_SUITE_FULL(uart, uart_suite_init, uart_suite_exit,
		 KTEST_CASE(loopback_roundtrip),
		 KTEST_CASE(full_ring_stalls_and_loses_nothing),
		 KTEST_CASE(uart_write_full_ring_sleeps),
		 KTEST_CASE(uart_sleeping_writer_survives_lost_thre),
		 KTEST_CASE(uart_thre_wait_is_bounded),
		 KTEST_CASE(quiet_port_returns_irq_none),
		 KTEST_CASE(rx_delivery_runs_in_the_tasklet),
		 KTEST_CASE(console_is_interrupt_driven));
