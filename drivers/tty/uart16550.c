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
#include "kernel/sched/time.h"
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
#define UART_RX_BATCH	1024 /* bytes one handler call may take */
#define UART_TX_BATCH	64   /* FIFO loads one handler call may send */
#define UART_SINK_CHUNK 256

#define PORT(n, b, i, idx)                                                \
	{                                                                 \
		.name = n, .base = b, .irq = i, .lock = SPINLOCK_INIT(n), \
		.rx_wait = WAIT_QUEUE_HEAD_INIT(uart_ports[idx].rx_wait), \
		.tx_wait = WAIT_QUEUE_HEAD_INIT(uart_ports[idx].tx_wait), \
		.rx_tasklet = TASKLET_INIT(uart_ports[idx].rx_tasklet,    \
					   uart_rx_deliver, n "-rx")      \
	}

static void sink_work_fn(struct work_struct *w);
static struct work_struct sink_work = WORK_INITIALIZER(sink_work, sink_work_fn);
static void stuck_work_fn(struct work_struct *w);
static struct work_struct stuck_work =
	WORK_INITIALIZER(stuck_work, stuck_work_fn);
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

/* port->ier is what the port should have enabled; while the handler has
 * the port muted (uart_mute), it reaches the hardware only at the end. */
static void uart_set_ier(struct uart_port *port, uint8_t ier)
{
	port->ier = ier;
	if (!port->muted)
		outb(port->base + UART_IER, ier);
}

static void uart_set_mcr(struct uart_port *port)
{
	outb(port->base + UART_MCR, MCR_DTR | MCR_OUT2 |
					    (port->rx_stalled ? 0 : MCR_RTS) |
					    (port->loopback ? MCR_LOOP : 0));
}

/* Program the registers. The rings are not touched: at a hand-back from
 * user space they still hold what the kernel's readers have not read.
 * fcr_clear: FCR_CLEAR_RX | FCR_CLEAR_TX at boot; at a hand-back only
 * TX, so that bytes waiting in the receive FIFO are read, not lost. */
static void uart_program(struct uart_port *port, uint8_t fcr_clear)
{
	uint16_t b = port->base;
	uint16_t divisor = UART_CLOCK / UART_BAUD;

	uart_set_ier(port, 0); /* polled until uart_irq_init() */
	outb(b + UART_LCR, LCR_DLAB);
	outb(b + UART_DLL, divisor & 0xff);
	outb(b + UART_DLM, divisor >> 8);
	outb(b + UART_LCR, LCR_8N1);
	outb(b + UART_FCR, FCR_ENABLE | fcr_clear | FCR_TRIGGER_8);
	uart_set_mcr(port);
}

static void uart_setup(struct uart_port *port)
{
	uart_program(port, FCR_CLEAR_RX | FCR_CLEAR_TX);
}

bool uart_present_at(uint16_t base)
{
	for (int i = 0; i < UART_NR_PORTS; i++)
		if (uart_ports[i].base == base)
			return uart_ports[i].present;
	return false;
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

static uint8_t (*lsr_filter)(struct uart_port *port, uint8_t lsr);

void uart_set_lsr_filter(uint8_t (*filter)(struct uart_port *port, uint8_t lsr))
{
	lsr_filter = filter;
}

/* Line status: count errors; they are reported once per LSR read. */
static uint8_t uart_read_lsr(struct uart_port *port)
{
	uint8_t lsr = inb(port->base + UART_LSR);

	if (lsr_filter)
		lsr = lsr_filter(port, lsr);

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

static void uart_thri_on(struct uart_port *port);

static void uart_rx_unstall(struct uart_port *port)
{
	port->rx_stalled = false;
	uart_set_mcr(port);
	uart_set_ier(port, port->ier | IER_RDI);
	uart_thri_on(port); /* a loopback sender may have been waiting */
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

/* FIFO -> RX ring, while there is data and room, at most UART_RX_BATCH
 * bytes (a flood must not keep us here). Port lock held. True if it
 * stopped at that bound with data left. */
static bool uart_rx_chars(struct uart_port *port)
{
	if (port->rx_stalled) {
		uart_read_lsr(port); /* still clears a line-status cause */
		return false;
	}
	for (int n = 0; uart_read_lsr(port) & LSR_DATA_READY; n++) {
		if (n == UART_RX_BATCH)
			return true;
		if (ringbuf_full(&port->rx)) {
			uart_rx_stall(port);
			return false;
		}
		ringbuf_put(&port->rx, inb(port->base + UART_RBR));
		port->stats.rx_bytes++;
	}
	return false;
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

/* ---- transmit ------------------------------------------------------ */

/*
 * A polling writer switches THRI off while its bytes go into the FIFO.
 * Under QEMU the transmitter is instant: each THR write makes the port
 * drop its request and raise it again at once, and the interrupt
 * controller latches every such rise as a new edge - an interrupt that
 * would then find nothing to do. THRI goes back on only if there is more
 * to send, and that one rise is an edge for real work. (The handler has
 * the whole port muted instead: uart_mute.)
 */
static void uart_thri_off(struct uart_port *port)
{
	if (port->ier & IER_THRI)
		uart_set_ier(port, port->ier & ~IER_THRI);
}

/* There is something to send: let "THR empty" interrupt (at once if the
 * transmitter is idle: a 16550 raises it when THRI is switched on). */
static void uart_thri_on(struct uart_port *port)
{
	if (port->irq_mode && !(port->ier & IER_THRI) &&
	    !ringbuf_empty(&port->tx))
		uart_set_ier(port, port->ier | IER_THRI);
}

static void uart_report_stuck(struct uart_port *port)
{
	port->stats.thre_timeouts++;
	port->tx_stuck = true;
	/* The writer may be printk itself (console_write under printk's
	 * lock): the warning is printed later, from a work item. */
	if (port->irq_mode)
		queue_work(system_wq, &stuck_work);
}

/* Poll the LSR until the transmitter takes bytes; bounded, so a
 * transmitter that never empties cannot hang printk or panic. A port
 * already stuck only looks (UART_THRE_STUCK_SPINS reads), until THRE is
 * seen again. */
static bool uart_wait_thre(struct uart_port *port)
{
	uint64_t start = rdtsc();
	uint64_t limit = (uint64_t)tsc_khz * UART_THRE_WAIT_MS;
	bool by_tsc = tsc_khz && !port->tx_stuck;
	unsigned long spins =
		port->tx_stuck ? UART_THRE_STUCK_SPINS : UART_THRE_SPINS;

	for (unsigned long i = 0;; i++) {
		if (uart_read_lsr(port) & LSR_THR_EMPTY) {
			port->tx_stuck = false;
			return true;
		}
		if (by_tsc ? rdtsc() - start > limit : i >= spins)
			break;
		cpu_relax();
	}
	if (!port->tx_stuck)
		uart_report_stuck(port);
	return false;
}

/* Wake task writers once a quarter of the ring is free again. */
static void uart_tx_wake(struct uart_port *port)
{
	if (ringbuf_space(&port->tx) >= UART_TX_WAKE &&
	    waitqueue_active(&port->tx_wait))
		wake_up_all(&port->tx_wait);
}

/* In loopback what we send lands in our own 16-byte RX FIFO: with the
 * RX ring full (stalled) one more load would overflow it. */
static bool uart_loopback_blocked(struct uart_port *port)
{
	return port->loopback && port->rx_stalled;
}

/* One FIFO load, TX ring -> THR. Port lock held, transmitter empty. */
static void uart_tx_fifo(struct uart_port *port)
{
	uint8_t c;

	for (int i = 0; i < UART_FIFO_SIZE && ringbuf_get(&port->tx, &c); i++) {
		outb(port->base + UART_THR, c);
		port->stats.tx_bytes++;
	}
}

/*
 * The interrupt's refill: FIFO loads while the transmitter is empty, at
 * most UART_TX_BATCH (a real 16550 takes one: its FIFO needs 1.4 ms to
 * drain; QEMU's drains at once). In loopback every load comes straight
 * back into the 16-byte RX FIFO, so that is emptied after each load.
 */
static void uart_tx_chars(struct uart_port *port)
{
	uart_thri_off(port);
	for (int i = 0; i < UART_TX_BATCH && !ringbuf_empty(&port->tx); i++) {
		if (uart_loopback_blocked(port))
			return; /* uart_rx_unstall() starts sending again */
		if (!(uart_read_lsr(port) & LSR_THR_EMPTY))
			break;
		uart_tx_fifo(port);
		if (port->loopback)
			uart_rx_chars(port);
	}
	uart_thri_on(port);
	uart_tx_wake(port);
}

/* In loopback a polled load lands in the 16-byte RX FIFO with nobody to
 * take it (IRQs may be off): move it to the ring and tell the readers. */
static void uart_rx_poll_loopback(struct uart_port *port)
{
	unsigned long before = port->stats.rx_bytes;

	uart_rx_chars(port);
	if (port->stats.rx_bytes != before)
		tasklet_schedule(&port->rx_tasklet);
}

/* Wait for the transmitter (bounded) and send one FIFO load, by polling.
 * THRI stays off until the writer is done (see uart_thri_off). */
static void uart_tx_poll(struct uart_port *port)
{
	uart_thri_off(port);
	uart_wait_thre(port); /* stuck: send anyway, the ring must drain */
	uart_tx_fifo(port);
	port->stats.tx_polls++;
	if (port->loopback && port->irq_mode) /* it comes straight back */
		uart_rx_poll_loopback(port);
	uart_tx_wake(port);
}

static bool uart_tx_room(struct uart_port *port)
{
	return ringbuf_space(&port->tx) >= UART_TX_WAKE;
}

/*
 * A task writer found the ring full: sleep until the interrupt has made
 * room. Called and returns with the port lock held (flags: IRQs were
 * on). If no interrupt comes within UART_TX_WAIT_MS the THRE edge was
 * lost: make room by polling and give the port a fresh edge.
 */
static unsigned long uart_tx_sleep(struct uart_port *port, unsigned long flags)
{
	long left;

	port->stats.tx_sleeps++;
	uart_thri_on(port);
	spin_unlock_irqrestore(&port->lock, flags);
	left = wait_event_timeout(port->tx_wait, uart_tx_room(port),
				  (long)msecs_to_jiffies(UART_TX_WAIT_MS));
	flags = spin_lock_irqsave(&port->lock);
	if (!left && !uart_tx_room(port)) {
		port->stats.tx_wait_timeouts++;
		while (!uart_tx_room(port) && !uart_loopback_blocked(port))
			uart_tx_poll(port);
		uart_thri_on(port);
		uart_retrigger(port);
	}
	return flags;
}

size_t uart_write(struct uart_port *port, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	bool sleeper =
		port->irq_mode && can_sleep() && !mutex_lock(&port->tx_mutex);
	unsigned long flags = spin_lock_irqsave(&port->lock);
	size_t done = 0;

	for (;;) {
		done += ringbuf_write(&port->tx, p + done, n - done);
		if (done == n)
			break;
		if (sleeper) /* full: sleep for room, lock dropped */
			flags = uart_tx_sleep(port, flags);
		else /* full: make room by polling, drop nothing */
			uart_tx_poll(port);
	}
	if (!port->irq_mode || !(flags & EFLAGS_IF)) {
		/* No interrupts to rely on (early boot, or the caller has
		 * them off, e.g. printk in a handler): finish now. */
		while (!ringbuf_empty(&port->tx))
			uart_tx_poll(port);
	}
	uart_thri_on(port); /* the handler sends the rest */
	spin_unlock_irqrestore(&port->lock, flags);
	if (sleeper)
		mutex_unlock(&port->tx_mutex);
	return n;
}

void uart_flush(struct uart_port *port)
{
	unsigned long flags = spin_lock_irqsave(&port->lock);

	while (!ringbuf_empty(&port->tx))
		uart_tx_poll(port);
	if (uart_wait_thre(port)) /* then the shift register (bounded) */
		for (int i = 0; i < UART_FIFO_SIZE * 1000; i++) {
			if (uart_read_lsr(port) & LSR_TX_IDLE)
				break;
			cpu_relax();
		}
	spin_unlock_irqrestore(&port->lock, flags);
}

static void stuck_work_fn(struct work_struct *w)
{
	(void)w;
	for (int i = 0; i < UART_NR_PORTS; i++) {
		struct uart_port *port = &uart_ports[i];

		if (port->stuck_reported == port->stats.thre_timeouts)
			continue;
		port->stuck_reported = port->stats.thre_timeouts;
		pr_warn("serial: %s: transmitter never empties (LSR THR-empty stuck clear); sending without waiting\n",
			port->name);
	}
}

/* ---- the top half --------------------------------------------------- */

/* LAB shared-line BEGIN */
static bool uart_pending(struct uart_port *port)
{
	return !(inb(port->base + UART_IIR) & IIR_NO_INT);
}
/* LAB shared-line END */
/* LAB shared-line STUB: the starter tree has this instead */
#if 0
static bool uart_pending(struct uart_port *port)
{
	/* Your code: ask the port whether it is interrupting (IIR) */
	(void)port;
	return true;
}
#endif /* LAB shared-line STUB END */

/*
 * While the handler works on a port, the port's interrupts are all off
 * (IER 0), so its request line is low, whatever arrives meanwhile.
 * Otherwise every change during the call - a THR write (QEMU's
 * transmitter is instant, so each one drops and re-raises "THR empty"),
 * the RX FIFO refilling to its trigger level as we read it - makes the
 * line fall and rise, the interrupt controller latches that edge, and
 * after our EOI an interrupt arrives for work we already did: IRQ_NONE
 * from every handler on the line, an "unhandled" interrupt.
 * Unmuting writes the IER the port should have: if anything is still
 * pending (bytes that came during the call, more to send), the line rises
 * from low - a fresh edge, for real work, so nothing is ever left high
 * without an interrupt coming (the edge-triggered pitfall, docs/irq.md).
 */
static void uart_mute(struct uart_port *port)
{
	port->muted = true;
	outb(port->base + UART_IER, 0);
}

static void uart_unmute(struct uart_port *port)
{
	port->muted = false;
	outb(port->base + UART_IER, port->ier);
}

/*
 * One handler for every port; dev_id says which. First question: did
 * this port interrupt at all? If its IIR says no, the interrupt belongs
 * to the other device on the shared line: IRQ_NONE (counted as a quiet
 * call). Otherwise, with the port muted, take what was received, refill
 * the TX FIFO, and unmute: whatever is left raises a new edge.
 */
irqreturn_t uart_interrupt(int irq, void *dev_id)
{
	struct uart_port *port = dev_id;
	unsigned long rx_before;
	bool quiet = !uart_pending(port);

	(void)irq;
	spin_lock(&port->lock);
	/* LAB shared-line BEGIN */
	if (quiet) {
		port->stats.quiet++;
		spin_unlock(&port->lock);
		return IRQ_NONE;
	}
	/* LAB shared-line END */
/* LAB shared-line STUB: the starter tree has this instead */
#if 0
	/* Your code: not ours? Say so (docs/labs/01-shared-line.md). */
	(void)quiet;
#endif /* LAB shared-line STUB END */
	rx_before = port->stats.rx_bytes;
	port->stats.interrupts++;
	uart_mute(port);
	if (uart_rx_chars(port))
		port->stats.retriggers++; /* more left: the unmute's edge */
	uart_tx_chars(port);
	uart_unmute(port);
	spin_unlock(&port->lock);
	/* LAB top-bottom BEGIN */
	if (port->stats.rx_bytes != rx_before)
		tasklet_schedule(&port->rx_tasklet); /* the bottom half */
	return IRQ_HANDLED;
	/* LAB top-bottom END */
/* LAB top-bottom STUB: the starter tree has this instead */
#if 0
	/* Your code: deliver in a bottom half, not here with IRQs off
	 * (docs/labs/02-top-bottom.md). */
	if (port->stats.rx_bytes != rx_before)
		uart_rx_deliver(&port->rx_tasklet);
	return IRQ_HANDLED;
#endif /* LAB top-bottom STUB END */
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

/*
 * Nothing received is dropped when the port changes hands. Giving it to
 * a user driver, the bytes in the FIFO go to the kernel's ring, which
 * keeps what the kernel's readers have not read yet: they get it, in
 * order, when the port comes back. What the ring has no room for stays
 * in the FIFO, the next bytes of the stream, for the user driver (which
 * must not clear the receive FIFO). Taking the port back, the receive
 * FIFO is not cleared either: the bytes the user driver left there are
 * the kernel's next ones.
 */
static void uart_fifo_to_ring(struct uart_port *port)
{
	unsigned long before = port->stats.rx_bytes;

	while (uart_rx_chars(port))
		; /* in batches, until the FIFO is empty or the ring full */
	port->stats.handover_kept += port->stats.rx_bytes - before;
}

static int uart_release(void *dev_id)
{
	struct uart_port *port = dev_id;
	unsigned long flags, kept;

	if (port->loopback || port->sink.on)
		return -EBUSY; /* a test or "serial sink" is using it */
	flags = spin_lock_irqsave(&port->lock);
	uart_set_ier(port, 0);
	port->irq_mode = false;
	port->user_owned = true;
	uart_fifo_to_ring(port);
	kept = ringbuf_len(&port->rx);
	spin_unlock_irqrestore(&port->lock, flags);
	free_irq(port->irq, port);
	tasklet_kill(&port->rx_tasklet); /* a delivery may still be queued */
	if (kept)
		pr_info("serial: %s: %lu received bytes kept for the kernel's readers until the port comes back\n",
			port->name, kept);
	return 0;
}

static void uart_reclaim(void *dev_id)
{
	struct uart_port *port = dev_id;
	unsigned long flags = spin_lock_irqsave(&port->lock);

	port->rx_stalled = false;
	/* the user driver may have changed anything; its unread bytes stay */
	uart_program(port, FCR_CLEAR_TX);
	port->user_owned = false;
	spin_unlock_irqrestore(&port->lock, flags);
	uart_port_irq_on(port);
	wake_up_all(&port->rx_wait); /* the ring may hold bytes to read */
	if (port->sink.on)
		queue_work(system_wq, &sink_work);
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

		mutex_init(&port->tx_mutex);
		port->present = uart_probe(port->base);
		if (!port->present)
			continue;
		ringbuf_init(&port->rx, port->rx_buf, UART_RX_RING);
		ringbuf_init(&port->tx, port->tx_buf, UART_TX_RING);
		uart_setup(port);
	}
	if (uart_ports[0].present)
		console_register(&ttyS0_console);
}
