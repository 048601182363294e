/*
 * drivers/tty/uart16550.c - see uart16550.h. Register names and bits from
 * the National Semiconductor PC16550D datasheet, section 8.
 */
#include "drivers/tty/uart16550.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/console.h"

#define UART_RBR       0 /* receive buffer (read, DLAB=0) */
#define UART_THR       0 /* transmit holding (write, DLAB=0) */
#define UART_DLL       0 /* divisor latch low (DLAB=1) */
#define UART_IER       1 /* interrupt enable (DLAB=0) */
#define UART_DLM       1 /* divisor latch high (DLAB=1) */
#define UART_FCR       2 /* FIFO control (write) */
#define UART_LCR       3 /* line control */
#define UART_MCR       4 /* modem control */
#define UART_LSR       5 /* line status */
#define UART_SCR       7 /* scratch: no function, ideal for probing */

#define LCR_8N1	       0x03
#define LCR_DLAB       0x80 /* divisor latch access */
#define FCR_ENABLE     0x01
#define FCR_CLEAR_RX   0x02
#define FCR_CLEAR_TX   0x04
#define FCR_TRIGGER_14 0xc0 /* RX interrupt at 14 bytes */
#define MCR_DTR	       0x01
#define MCR_RTS	       0x02
#define MCR_OUT2       0x08 /* gates the IRQ line to the PIC on PCs */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

#define UART_CLOCK     115200 /* input clock / 16 */
#define UART_BAUD      115200

struct uart_port uart_ports[UART_NR_PORTS] = {
	{ "ttyS0", 0x3f8, 4, false },
	{ "ttyS1", 0x2f8, 3, false },
	{ "ttyS2", 0x3e8, 4, false },
	{ "ttyS3", 0x2e8, 3, false },
};

bool uart_probe(uint16_t base)
{
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_SCR, 0xa5);
	return inb(base + UART_SCR) == 0xa5;
}

static void uart_setup(struct uart_port *port)
{
	uint16_t b = port->base;
	uint16_t divisor = UART_CLOCK / UART_BAUD;

	outb(b + UART_IER, 0); /* no interrupts yet */
	outb(b + UART_LCR, LCR_DLAB);
	outb(b + UART_DLL, divisor & 0xff);
	outb(b + UART_DLM, divisor >> 8);
	outb(b + UART_LCR, LCR_8N1);
	outb(b + UART_FCR,
	     FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_14);
	outb(b + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

void uart_putc(struct uart_port *port, char c)
{
	while (!(inb(port->base + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(port->base + UART_THR, (uint8_t)c);
}

int uart_getc(struct uart_port *port)
{
	if (!(inb(port->base + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(port->base + UART_RBR);
}

static void ttyS0_console_putc(char c)
{
	uart_putc(&uart_ports[0], c);
}

static struct console ttyS0_console = { "ttyS0", ttyS0_console_putc };

void uart_init_all(void)
{
	for (int i = 0; i < UART_NR_PORTS; i++) {
		struct uart_port *port = &uart_ports[i];

		port->present = uart_probe(port->base);
		if (port->present)
			uart_setup(port);
	}
	if (uart_ports[0].present)
		console_register(&ttyS0_console);
}
