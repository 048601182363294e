/*
 * drivers/tty/uart16550.c - see uart16550.h. Register names and bits from
 * the National Semiconductor PC16550D datasheet, section 8.
 */
#include "drivers/tty/uart16550.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/bh/workqueue.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/thread.h"
#include "kernel/uio/uio.h"
#include "lib/crc32.h"
#include "lib/errno.h"
#include "lib/string.h"

#define UART_RBR	0 /* receive buffer (read, DLAB=0) */
#define UART_THR	0 /* transmit holding (write, DLAB=0) */
#define UART_DLL	0 /* divisor latch low (DLAB=1) */
#define UART_IER	1 /* interrupt enable (DLAB=0) */
#define UART_DLM	1 /* divisor latch high (DLAB=1) */
#define UART_IIR	2 /* interrupt identification (read) */
#define UART_FCR	2 /* FIFO control (write) */
#define UART_LCR	3 /* line control */
#define UART_MCR	4 /* modem control */
#define UART_LSR	5 /* line status */
#define UART_SCR	7 /* scratch: no function, ideal for probing */

#define IER_RDI		0x01 /* interrupt: received data available */
#define IER_THRI	0x02 /* interrupt: transmit holding register empty */
#define IER_RLSI	0x04 /* interrupt: receiver line status (errors) */

#define IIR_NO_INT	0x01 /* bit 0 set: this port is NOT interrupting */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80 /* divisor latch access */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define FCR_TRIGGER_8	0x80 /* RX interrupt at 8 bytes in the FIFO */
#define MCR_DTR		0x01
#define MCR_RTS		0x02 /* "ready to receive": flow control */
#define MCR_OUT2	0x08 /* gates the IRQ line to the PIC on PCs */
#define MCR_LOOP	0x10 /* loopback: TX wired to RX inside the chip */
#define LSR_DATA_READY	0x01
#define LSR_OVERRUN	0x02 /* a byte arrived with the FIFO full: lost */
#define LSR_ERRORS	0x1c /* parity, framing, break */
#define LSR_THR_EMPTY	0x20
#define LSR_TX_IDLE	0x40 /* FIFO and shift register both empty */

#define UART_FIFO_SIZE	16
#define UART_CLOCK	115200 /* input clock / 16 */
#define UART_BAUD	115200
#define UART_MAX_ROUNDS 64 /* IIR re-checks in one handler call */
#define UART_SINK_CHUNK 256

#define PORT(n, b, i, idx)                                                \
	{                                                                 \
		.name = n, .base = b, .irq = i, .lock = SPINLOCK_INIT(n), \
		.rx_wait = WAIT_QUEUE_HEAD_INIT(uart_ports[idx].rx_wait), \
		.rx_tasklet = TASKLET_INIT(uart_ports[idx].rx_tasklet,    \
					   uart_rx_deliver, n "-rx")      \
	}

static void sink_work_fn(struct work_struct *w);
static struct work_struct sink_work = WORK_INITIALIZER(sink_work, sink_work_fn);
static void uart_rx_deliver(struct tasklet *t);

struct uart_port uart_ports[UART_NR_PORTS] = {
	PORT("ttyS0", 0x3f8, 4, 0),
	PORT("ttyS1", 0x2f8, 3, 1),
	PORT("ttyS2", 0x3e8, 4, 2),
	PORT("ttyS3", 0x2e8, 3, 3),
};

bool uart_probe(uint16_t base)
{
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_SCR, 0xa5);
	return inb(base + UART_SCR) == 0xa5;
}

static void uart_set_ier(struct uart_port *port, uint8_t ier)
{
	port->ier = ier;
	outb(port->base + UART_IER, ier);
}

static void uart_set_mcr(struct uart_port *port)
{
	outb(port->base + UART_MCR, MCR_DTR | MCR_OUT2 |
					    (port->rx_stalled ? 0 : MCR_RTS) |
					    (port->loopback ? MCR_LOOP : 0));
}

static void uart_setup(struct uart_port *port)
{
	uint16_t b = port->base;
	uint16_t divisor = UART_CLOCK / UART_BAUD;

	ringbuf_init(&port->rx, port->rx_buf, UART_RX_RING);
	ringbuf_init(&port->tx, port->tx_buf, UART_TX_RING);
	uart_set_ier(port, 0); /* polled until uart_irq_init() */
	outb(b + UART_LCR, LCR_DLAB);
	outb(b + UART_DLL, divisor & 0xff);
	outb(b + UART_DLM, divisor >> 8);
	outb(b + UART_LCR, LCR_8N1);
	outb(b + UART_FCR,
	     FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_8);
	uart_set_mcr(port);
}

struct uart_port *uart_find(const char *name)
{
	for (int i = 0; i < UART_NR_PORTS; i++)
		if (uart_ports[i].present && !uart_ports[i].user_owned &&
		    !strcmp(uart_ports[i].name, name))
			return &uart_ports[i];
	return NULL;
}

/* ---- receive ------------------------------------------------------- */

/* Line status: count errors; they are reported once per LSR read. */
static uint8_t uart_read_lsr(struct uart_port *port)
{
	uint8_t lsr = inb(port->base + UART_LSR);

	if (lsr & LSR_OVERRUN)
		port->stats.overruns++;
	if (lsr & LSR_ERRORS)
		port->stats.errors++;
	return lsr;
}

/* The ring is full: stop taking bytes. Switching off the receive
 * interrupt leaves them in the FIFO; dropping RTS asks the other end to
 * pause (QEMU simply stops feeding the FIFO when it is full). */
static void uart_rx_stall(struct uart_port *port)
{
	port->rx_stalled = true;
	port->stats.stalls++;
	uart_set_ier(port, port->ier & ~IER_RDI);
	uart_set_mcr(port);
}

static void uart_rx_unstall(struct uart_port *port)
{
	port->rx_stalled = false;
	uart_set_mcr(port);
	uart_set_ier(port, port->ier | IER_RDI);
}

void uart_set_loopback(struct uart_port *port, bool on)
{
	unsigned long flags = spin_lock_irqsave(&port->lock);

	port->loopback = on;
	uart_set_mcr(port);
	spin_unlock_irqrestore(&port->lock, flags);
}

uint32_t uart_rx_available(struct uart_port *port)
{
	return ringbuf_len(&port->rx);
}

/* FIFO -> RX ring, while there is data and room. Port lock held. */
static void uart_rx_chars(struct uart_port *port)
{
	while (uart_read_lsr(port) & LSR_DATA_READY) {
		if (ringbuf_full(&port->rx)) {
			uart_rx_stall(port);
			return;
		}
		ringbuf_put(&port->rx, inb(port->base + UART_RBR));
		port->stats.rx_bytes++;
	}
}

size_t uart_read(struct uart_port *port, void *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&port->lock);
	size_t got;

	if (!port->irq_mode) /* polled: fetch from the hardware ourselves */
		uart_rx_chars(port);
	got = ringbuf_read(&port->rx, buf, n);
	if (port->rx_stalled && ringbuf_space(&port->rx) >= UART_RX_RING / 2)
		uart_rx_unstall(port);
	spin_unlock_irqrestore(&port->lock, flags);
	return got;
}

bool uart_rx_empty(struct uart_port *port)
{
	if (!ringbuf_empty(&port->rx))
		return false;
	return port->irq_mode || !(inb(port->base + UART_LSR) & LSR_DATA_READY);
}

/* ---- transmit ------------------------------------------------------ */

/* TX ring -> FIFO, if the transmitter is empty. Port lock held. */
static void uart_tx_chars(struct uart_port *port)
{
	uint8_t c;

	if (!(uart_read_lsr(port) & LSR_THR_EMPTY))
		return;
	for (int i = 0; i < UART_FIFO_SIZE && ringbuf_get(&port->tx, &c); i++) {
		outb(port->base + UART_THR, c);
		port->stats.tx_bytes++;
	}
	if (ringbuf_empty(&port->tx) && (port->ier & IER_THRI))
		uart_set_ier(port, port->ier & ~IER_THRI);
}

/* Wait for the transmitter and send one FIFO's worth, by polling. */
static void uart_tx_poll(struct uart_port *port)
{
	while (!(inb(port->base + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	uart_tx_chars(port);
}

size_t uart_write(struct uart_port *port, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	unsigned long flags = spin_lock_irqsave(&port->lock);

	for (size_t i = 0; i < n; i++)
		while (!ringbuf_put(&port->tx, p[i]))
			uart_tx_poll(port); /* full: make room, drop nothing */

	if (!port->irq_mode || !(flags & EFLAGS_IF)) {
		/* No interrupts to rely on (early boot, or the caller has
		 * them off, e.g. printk in a handler): finish now. */
		while (!ringbuf_empty(&port->tx))
			uart_tx_poll(port);
	} else if (!(port->ier & IER_THRI)) {
		/* The UART raises "THR empty" at once if it is idle; the
		 * handler then keeps the FIFO fed until the ring is empty. */
		uart_set_ier(port, port->ier | IER_THRI);
	}
	spin_unlock_irqrestore(&port->lock, flags);
	return n;
}

void uart_flush(struct uart_port *port)
{
	unsigned long flags = spin_lock_irqsave(&port->lock);

	while (!ringbuf_empty(&port->tx))
		uart_tx_poll(port);
	while (!(inb(port->base + UART_LSR) & LSR_TX_IDLE))
		cpu_relax();
	spin_unlock_irqrestore(&port->lock, flags);
}

/* ---- the top half --------------------------------------------------- */

static bool uart_pending(struct uart_port *port)
{
	return !(inb(port->base + UART_IIR) & IIR_NO_INT);
}

/*
 * ISA interrupt lines are edge-triggered: the controller notices a
 * request only when the line rises. A port that is still requesting when
 * its handler returns keeps the line high, so no new edge - and no new
 * interrupt - ever comes. Switching the port's interrupts off and on
 * again drops the line and raises it: a fresh edge for the same request.
 */
static void uart_retrigger(struct uart_port *port)
{
	outb(port->base + UART_IER, 0);
	outb(port->base + UART_IER, port->ier);
	port->stats.retriggers++;
}

/*
 * One handler for every port; dev_id says which. First question: did
 * this port interrupt at all? If its IIR says no, the interrupt belongs
 * to the other device on the shared line: IRQ_NONE. Otherwise service the
 * port until it has nothing pending, so that it drops its request and
 * the line can signal the next one.
 */
irqreturn_t uart_interrupt(int irq, void *dev_id)
{
	struct uart_port *port = dev_id;
	unsigned long rx_before;
	int rounds = 0;

	(void)irq;
	if (!uart_pending(port))
		return IRQ_NONE;

	spin_lock(&port->lock);
	rx_before = port->stats.rx_bytes;
	port->stats.interrupts++;
	do {
		if (!port->rx_stalled)
			uart_rx_chars(port);
		uart_tx_chars(port);
	} while (uart_pending(port) && ++rounds < UART_MAX_ROUNDS);
	if (rounds == UART_MAX_ROUNDS)
		uart_retrigger(port); /* come back soon, don't hog the CPU */
	spin_unlock(&port->lock);
	if (port->stats.rx_bytes != rx_before)
		tasklet_schedule(&port->rx_tasklet); /* the bottom half */
	return IRQ_HANDLED;
}

/* The bottom half of receiving: tell the readers (a sleeping shell, the
 * sink thread) that bytes are in the ring. A tasklet per port: ports on
 * one line are delivered independently, each at most once per burst. */
static void uart_rx_deliver(struct tasklet *t)
{
	struct uart_port *port = container_of(t, struct uart_port, rx_tasklet);

	wake_up_all(&port->rx_wait);
	if (port->sink.on)
		queue_work(system_wq, &sink_work); /* may sleep: a kworker */
}

static int uart_port_irq_on(struct uart_port *port)
{
	unsigned long flags;
	int err = request_irq(port->irq, uart_interrupt, IRQF_SHARED,
			      port->name, port);

	if (err) {
		pr_err("serial: %s: cannot get irq %u (%d); stays polled\n",
		       port->name, port->irq, err);
		return err;
	}
	tasklet_register(&port->rx_tasklet);
	flags = spin_lock_irqsave(&port->lock);
	port->irq_mode = true;
	uart_set_ier(port, IER_RDI | IER_RLSI);
	spin_unlock_irqrestore(&port->lock, flags);
	return 0;
}

int uart_irq_init(void)
{
	int failed = 0;

	for (int i = 0; i < UART_NR_PORTS; i++)
		if (uart_ports[i].present && uart_port_irq_on(&uart_ports[i]))
			failed++;
	return failed ? -1 : 0;
}

/* ---- handing a port to user space ------------------------------------ */

static int uart_release(void *dev_id)
{
	struct uart_port *port = dev_id;
	unsigned long flags;

	if (port->loopback || port->sink.on)
		return -EBUSY; /* a test or "serial sink" is using it */
	flags = spin_lock_irqsave(&port->lock);
	uart_set_ier(port, 0);
	port->irq_mode = false;
	port->user_owned = true;
	spin_unlock_irqrestore(&port->lock, flags);
	free_irq(port->irq, port);
	tasklet_kill(&port->rx_tasklet); /* a delivery may still be queued */
	return 0;
}

static void uart_reclaim(void *dev_id)
{
	struct uart_port *port = dev_id;
	unsigned long flags = spin_lock_irqsave(&port->lock);

	port->rx_stalled = false;
	uart_setup(port); /* the user driver may have changed anything */
	port->user_owned = false;
	spin_unlock_irqrestore(&port->lock, flags);
	uart_port_irq_on(port);
}

static struct uio_releasable uart_releasable[UART_NR_PORTS];

void uart_register_releasable(void)
{
	for (int i = 1; i < UART_NR_PORTS; i++) { /* ttyS0 is the console */
		struct uart_port *port = &uart_ports[i];

		if (!port->present)
			continue;
		uart_releasable[i] =
			(struct uio_releasable){ port->irq, port, port->name,
						 uart_release, uart_reclaim };
		uio_register_releasable(&uart_releasable[i]);
	}
}

/* ---- readers ---------------------------------------------------------- */

int uart_wait_rx(struct uart_port *port)
{
	return wait_event(port->rx_wait, !uart_rx_empty(port));
}

/* ---- sinks ---------------------------------------------------------- */

void uart_sink_set(struct uart_port *port, bool on)
{
	unsigned long flags = spin_lock_irqsave(&port->lock);

	port->sink = (struct uart_sink){ on, 0, 0 };
	spin_unlock_irqrestore(&port->lock, flags);
}

/* One drainer at a time: reading a chunk and adding it to the CRC must
 * not interleave with another thread doing the same, or the chunks would
 * be summed out of order (the sink thread and "serial sum" both drain). */
static DEFINE_MUTEX(sink_mutex);

void uart_run_sinks(void)
{
	uint8_t chunk[UART_SINK_CHUNK];

	if (mutex_lock(&sink_mutex))
		return;
	for (int i = 0; i < UART_NR_PORTS; i++) {
		struct uart_port *port = &uart_ports[i];
		size_t n;

		if (!port->present || !port->sink.on)
			continue;
		while ((n = uart_read(port, chunk, sizeof(chunk))) > 0) {
			port->sink.crc = crc32_update(port->sink.crc, chunk, n);
			port->sink.bytes += n;
		}
	}
	mutex_unlock(&sink_mutex);
}

/*
 * Draining sinks takes a mutex (it may sleep), so it cannot run in the RX
 * tasklet: the tasklet queues this work item, and a kworker does it.
 */
static void sink_work_fn(struct work_struct *w)
{
	(void)w;
	uart_run_sinks();
}

/* ---- console -------------------------------------------------------- */

static void ttyS0_console_write(const char *s, size_t n)
{
	uart_write(&uart_ports[0], s, n);
}

static void ttyS0_console_flush(void)
{
	uart_flush(&uart_ports[0]);
}

static struct console ttyS0_console = { "ttyS0", ttyS0_console_write,
					ttyS0_console_flush };

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
