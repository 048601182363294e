/*
 * drivers/tty/uart16550.h - the PC's 16550A serial ports, COM1-COM4.
 *
 * Each port is a struct uart_port named like Linux's (ttyS0..ttyS3). At
 * boot every port is probed with the scratch register; the ones present
 * are set to 115200 baud, 8N1, FIFOs on, and polled until the interrupt
 * controller is up. uart_irq_init() then attaches ONE handler function,
 * uart_interrupt(), to every port - COM1 and COM3 share IRQ4, COM2 and
 * COM4 share IRQ3 - each with the port itself as dev_id, so the handler
 * knows which device it is asked about.
 *
 * The top half (uart_interrupt) does only what cannot wait: it asks the
 * port (IIR) whether it interrupted at all, moves received bytes from the
 * FIFO into the port's RX ring, refills the TX FIFO from the TX ring, and
 * counts line errors. Nothing received is ever dropped: when the RX ring
 * is full, the port's receive interrupt is switched off (a "stall") and
 * the bytes wait in the UART - and in QEMU, in the chardev - until a
 * reader makes room and uart_read() switches it back on.
 *
 * Context: uart_write/uart_read from any context (they take the port
 * lock with IRQs off). With IRQs already off, uart_write finishes the
 * transmission by polling, so printk and panic output is never stuck.
 */
#ifndef DRIVERS_TTY_UART16550_H
#define DRIVERS_TTY_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/bh/tasklet.h"
#include "kernel/irq/irq.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/wait.h"
#include "lib/ringbuf.h"

#define UART_NR_PORTS 4
#define UART_RX_RING  4096 /* powers of two */
#define UART_TX_RING  4096

struct uart_stats {
	unsigned long interrupts; /* handler calls that were ours */
	unsigned long rx_bytes, tx_bytes;
	unsigned long overruns;	  /* the UART's FIFO overflowed: loss */
	unsigned long errors;	  /* parity, framing, break */
	unsigned long stalls;	  /* RX ring full: receiving paused */
	unsigned long retriggers; /* left pending: edge re-armed */
};

/* A consumer of received bytes other than uart_read(): for tests and
 * throughput measurements, count and CRC everything, keep nothing. */
struct uart_sink {
	bool on;
	unsigned long bytes;
	uint32_t crc;
};

struct uart_port {
	const char *name; /* ttyS0.. */
	uint16_t base;	  /* I/O port of register 0 */
	unsigned int irq; /* ISA IRQ line */
	bool present;
	bool irq_mode; /* interrupt-driven (else polled) */
	uint8_t ier;   /* what we last wrote to IER */
	bool rx_stalled;
	bool loopback;	 /* diagnostic mode, for tests */
	bool user_owned; /* released to a user driver (kernel/uio) */
	struct spinlock lock;
	struct ringbuf rx, tx;
	uint8_t rx_buf[UART_RX_RING], tx_buf[UART_TX_RING];
	struct uart_stats stats;
	struct uart_sink sink;
	struct wait_queue_head rx_wait; /* readers sleep here */
	struct tasklet rx_tasklet;	/* delivers received bytes to them */
};

extern struct uart_port uart_ports[UART_NR_PORTS];

void uart_init_all(void); /* probe, set up (polled), register console */
int uart_irq_init(void);  /* request the IRQs: interrupt-driven from now */
bool uart_probe(uint16_t base);
struct uart_port *uart_find(const char *name);

/* Queue bytes for sending; returns n. Waits (polls) while the ring is
 * full, so nothing is ever dropped. */
size_t uart_write(struct uart_port *port, const void *buf, size_t n);
/* Send everything queued, by polling; returns when the FIFO is empty. */
void uart_flush(struct uart_port *port);
/* Take up to n received bytes; never blocks; returns how many. */
size_t uart_read(struct uart_port *port, void *buf, size_t n);
bool uart_rx_empty(struct uart_port *port);
uint32_t uart_rx_available(struct uart_port *port); /* bytes in the ring */
/* Diagnostic loopback (MCR bit 4): what the port sends, it receives. */
void uart_set_loopback(struct uart_port *port, bool on);

/* Turn the sink on (resetting its counters) or off. */
void uart_sink_set(struct uart_port *port, bool on);
/* Drain sink ports' RX rings into their sinks (the sink thread; "serial
 * sum" too). Sleeps on a mutex: task context only. */
void uart_run_sinks(void);
/* Sleep until the port has received bytes; 0, or -EINVAL if atomic. */
int uart_wait_rx(struct uart_port *port);

irqreturn_t uart_interrupt(int irq, void *dev_id);

/*
 * Handing a port to a user-space driver (kernel/uio): every port but the
 * console is registered as releasable. Release frees its IRQ handler and
 * stops using the port (uart_find no longer finds it); reclaim sets it up
 * again from scratch and takes the IRQ back. A port in loopback (a test
 * is using it) or with a sink running refuses with -EBUSY.
 */
void uart_register_releasable(void);

#endif
