/*
 * drivers/tty/uart16550.h - the PC's 16550A serial ports, COM1-COM4.
 *
 * Each port is a struct uart_port named like Linux's (ttyS0..ttyS3). At
 * boot every port is probed with the scratch register; the ones present
 * are set to 115200 baud, 8 data bits, no parity, 1 stop bit (8N1), with
 * the 16-byte FIFOs on. COM1 (ttyS0) is the system console.
 *
 * Output is polled: uart_putc() waits until the transmitter holding
 * register is empty. Input is polled with uart_getc() (-1 if nothing).
 *
 * Context: any; does not sleep.
 */
#ifndef DRIVERS_TTY_UART16550_H
#define DRIVERS_TTY_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART_NR_PORTS 4

struct uart_port {
	const char *name; /* ttyS0.. */
	uint16_t base;	  /* I/O port of register 0 */
	unsigned int irq; /* ISA IRQ line */
	bool present;
};

extern struct uart_port uart_ports[UART_NR_PORTS];

void uart_init_all(void); /* probe, set up, register console */
bool uart_probe(uint16_t base);
void uart_putc(struct uart_port *port, char c);
int uart_getc(struct uart_port *port); /* a byte, or -1 if none waiting */

#endif
