/*
 * kernel/shell/cmds_serial.c - the serial ports from the shell:
 *
 *   serial                  per-port counters
 *   serial sink ttySn       count and CRC everything ttySn receives
 *   serial sum ttySn        what the sink has seen
 *   serial send ttySn TEXT  transmit TEXT and CR LF on ttySn
 *   serial fill ttySn N     transmit N bytes of a pattern (byte i is
 *                           i % 251) from this task: more than the TX
 *                           ring holds makes the shell sleep for room
 */
#include "drivers/tty/uart16550.h"
#include "kernel/console.h"
#include "kernel/shell/shell.h"
#include "lib/errno.h"
#include "lib/string.h"

#define FILL_CHUNK   256
#define FILL_PATTERN 251 /* a prime: the pattern never lines up with a ring */

static void serial_table(void)
{
	for (int i = 0; i < UART_NR_PORTS; i++) {
		const struct uart_port *p = &uart_ports[i];
		const struct uart_stats *s = &p->stats;

		if (!p->present)
			continue;
		console_printf(
			"%s  0x%x  irq %u  rx %lu  tx %lu  overruns %lu  stalls %lu  errors %lu\n",
			p->name, p->base, p->irq, s->rx_bytes, s->tx_bytes,
			s->overruns, s->stalls, s->errors);
		console_printf(
			"       %s, %lu interrupts, %lu edge re-triggers, %lu quiet calls\n",
			p->irq_mode ? "interrupt-driven" : "polled",
			s->interrupts, s->retriggers, s->quiet);
		console_printf(
			"       tx sleeps %lu, tx wait timeouts %lu, tx polls %lu, thre timeouts %lu%s\n",
			s->tx_sleeps, s->tx_wait_timeouts, s->tx_polls,
			s->thre_timeouts, p->tx_stuck ? " (stuck)" : "");
		if (s->handover_kept)
			console_printf(
				"       hand-overs: %lu FIFO bytes kept for the kernel\n",
				s->handover_kept);
	}
}

static int serial_sink(struct uart_port *port)
{
	if (port == &uart_ports[0]) {
		console_printf("serial: %s is the console; not sinking it\n",
			       port->name);
		return -EBUSY;
	}
	uart_sink_set(port, true);
	console_printf("%s: sink on\n", port->name);
	return 0;
}

static int serial_fill(struct uart_port *port, const char *count)
{
	unsigned long n, sleeps = port->stats.tx_sleeps;
	uint8_t chunk[FILL_CHUNK];

	if (port == &uart_ports[0] || kstrtoul(count, 10, &n))
		return shell_usage("serial");
	for (unsigned long done = 0; done < n;) {
		size_t k = n - done < FILL_CHUNK ? n - done : FILL_CHUNK;

		for (size_t i = 0; i < k; i++)
			chunk[i] = (uint8_t)((done + i) % FILL_PATTERN);
		done += uart_write(port, chunk, k);
	}
	console_printf("%s: %lu bytes queued, %lu tx sleeps\n", port->name, n,
		       port->stats.tx_sleeps - sleeps);
	return 0;
}

static int cmd_serial(int argc, char **argv)
{
	struct uart_port *port;

	if (argc == 1) {
		serial_table();
		return 0;
	}
	if (argc < 3)
		return shell_usage("serial");
	port = uart_find(argv[2]);
	if (!port) {
		console_printf("serial: no port '%s'\n", argv[2]);
		return -ENODEV;
	}
	if (!strcmp(argv[1], "sink"))
		return serial_sink(port);
	if (!strcmp(argv[1], "sum")) {
		uart_run_sinks();
		console_printf("%s: %lu bytes, crc32 0x%08lx\n", port->name,
			       port->sink.bytes, (unsigned long)port->sink.crc);
		return 0;
	}
	if (!strcmp(argv[1], "fill") && argc == 4)
		return serial_fill(port, argv[3]);
	if (!strcmp(argv[1], "send") && argc == 4) {
		uart_write(port, argv[3], strlen(argv[3]));
		uart_write(port, "\r\n", 2);
		return 0;
	}
	return shell_usage("serial");
}
SHELL_COMMAND(
	serial, cmd_serial, 0, 3,
	"serial [sink PORT | sum PORT | send PORT TEXT | fill PORT N]",
	"serial port counters; sink/sum checksum a port's input; send text or N pattern bytes");
