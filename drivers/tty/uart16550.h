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
 * port (IIR) whether it interrupted at all, and if so mutes it (IER 0),
 * moves received bytes from the FIFO into the port's RX ring, refills the
 * TX FIFO from the TX ring, counts line errors, and unmutes it: anything
 * still pending then raises a fresh edge, and nothing already done leaves
 * a latched edge behind (docs/drivers.md, "Why some interrupts are
 * unhandled"). Nothing received is ever dropped: when the RX ring
 * is full, the port's receive interrupt is switched off (a "stall") and
 * the bytes wait in the UART - and in QEMU, in the chardev - until a
 * reader makes room and uart_read() switches it back on.
 *
 * Transmit: uart_write() queues bytes in the port's TX ring and the
 * "THR empty" interrupt (THRI) feeds the FIFO from it. When the ring is
 * full, what the writer does depends on where it runs:
 *  - a task that may sleep (IRQs on, preempt count 0, not the idle
 *    thread: can_sleep() in kernel/sched/wait.h) sleeps on the port's
 *    tx_wait with the port lock dropped; the interrupt wakes it when a
 *    quarter of the ring is free. Its sleep is bounded: if no THRE
 *    interrupt comes within UART_TX_WAIT_MS (a lost edge), it makes room
 *    by polling and re-arms the interrupt (counted: tx wait timeouts).
 *  - anyone else (printk from a handler, panic, IRQs or preemption off)
 *    polls the hardware for room, as before, with the port lock held.
 * Task writers take tx_mutex for the whole call, so two of them never
 * interleave; an atomic writer (printk) cannot wait for a sleeping one
 * and may land between two of its chunks - never inside a byte run it
 * already queued, and nothing is lost or reordered within a writer.
 *
 * Every wait for the hardware is bounded (UART_THRE_WAIT_MS): a
 * transmitter that never says "THR empty" makes the port "stuck" (one
 * warning, from a work item: the writer may be printk itself), and
 * bytes are then sent after UART_THRE_STUCK_SPINS reads only, until THRE
 * is seen again.
 *
 * Context: uart_write from any context (sleeps only where allowed, see
 * above); uart_read, uart_flush from any context (port lock, IRQs off).
 * With IRQs off, uart_write finishes the transmission by polling, so
 * printk and panic output is never stuck behind a masked interrupt.
 */
#ifndef DRIVERS_TTY_UART16550_H
#define DRIVERS_TTY_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/bh/tasklet.h"
#include "kernel/irq/irq.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/wait.h"
#include "lib/ringbuf.h"

#define UART_NR_PORTS	      4
#define UART_RX_RING	      4096 /* powers of two */
#define UART_TX_RING	      4096
#define UART_TX_WAKE	      (UART_TX_RING / 4) /* room that wakes a writer */
/* A sleeping writer's bound before it polls: 1 KiB (UART_TX_WAKE) takes
 * 89 ms at 115200 baud, so 250 ms means the THRE interrupt was lost. */
#define UART_TX_WAIT_MS	      250
/* How long "THR empty" may take before the transmitter counts as stuck:
 * one FIFO load needs 1.4 ms at 115200 baud, but the other end may hold
 * it back for a while (QEMU's socket backend waits for the host reader).
 * Before the TSC is calibrated, UART_THRE_SPINS LSR reads instead. */
#define UART_THRE_WAIT_MS     500
#define UART_THRE_SPINS	      1000000
/* A port already stuck only looks: this many LSR reads (about 1 ms). */
#define UART_THRE_STUCK_SPINS 1000

struct uart_stats {
	unsigned long interrupts; /* handler calls that were ours */
	unsigned long rx_bytes, tx_bytes;
	unsigned long overruns;		/* the UART's FIFO overflowed: loss */
	unsigned long errors;		/* parity, framing, break */
	unsigned long stalls;		/* RX ring full: receiving paused */
	unsigned long retriggers;	/* left pending: edge re-armed */
	unsigned long quiet;		/* handler calls that found IIR idle */
	unsigned long tx_sleeps;	/* task writers that slept for room */
	unsigned long tx_wait_timeouts; /* ...and woke by timeout, not IRQ */
	unsigned long tx_polls;		/* FIFO loads sent by polling */
	unsigned long thre_timeouts;	/* THRE never came: port went stuck */
	unsigned long handover_kept;	/* FIFO bytes saved at a hand-over */
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
	bool tx_stuck;	 /* THRE never came: send without waiting */
	unsigned long stuck_reported; /* thre_timeouts already warned of */
	bool muted; /* IER is 0 while the handler works: see uart_mute */
	struct spinlock lock;
	struct ringbuf rx, tx;
	uint8_t rx_buf[UART_RX_RING], tx_buf[UART_TX_RING];
	struct uart_stats stats;
	struct uart_sink sink;
	struct wait_queue_head rx_wait; /* readers sleep here */
	struct wait_queue_head tx_wait; /* writers wait for room here */
	struct mutex tx_mutex;		/* one task writer at a time */
	struct tasklet rx_tasklet;	/* delivers received bytes to them */
};

extern struct uart_port uart_ports[UART_NR_PORTS];

void uart_init_all(void); /* probe, set up (polled), register console */
int uart_irq_init(void);  /* request the IRQs: interrupt-driven from now */
bool uart_probe(uint16_t base);
struct uart_port *uart_find(const char *name);
/* Did the probe find a 16550 at base (owned by the kernel or not)? */
bool uart_present_at(uint16_t base);

/* Queue bytes for sending; returns n. Waits while the ring is full
 * (sleeping or polling, see above), so nothing is ever dropped. */
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

/* Tests: every LSR value the driver reads goes through filter(port,
 * value read) first, so a test can hide "THR empty" (a stuck
 * transmitter). NULL restores the plain reads. */
void uart_set_lsr_filter(uint8_t (*filter)(struct uart_port *port,
					   uint8_t lsr));

/*
 * Handing a port to a user-space driver (kernel/uio): every port but the
 * console is registered as releasable. Release frees its IRQ handler and
 * stops using the port (uart_find no longer finds it); reclaim sets it up
 * again from scratch and takes the IRQ back. A port in loopback (a test
 * is using it) or with a sink running refuses with -EBUSY.
 */
void uart_register_releasable(void);

#endif
