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
#include "kernel/sched/time.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

#define BIG (UART_RX_RING + 8) /* more than the RX ring holds */

static struct uart_port *port;
static uint8_t pattern[BIG], got[BIG];

static int uart_suite_init(void)
{
	port = uart_find("ttyS1");
	for (int i = 0; i < BIG; i++)
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
		 KTEST_CASE(console_is_interrupt_driven));
