/*
 * user/userserial.c - a complete ring-3 driver for COM2 (16550A, IRQ 3).
 *
 *   run userserial [-n BYTES]
 *
 * It owns the device the way a kernel driver would, but from user space:
 * attach IRQ 3 (the kernel's 16550 driver releases COM2 and COM4, the
 * line's sharers), get ports 0x2f8-0x2ff, program the UART, then loop:
 * wait for the interrupt, drain the receive FIFO - echoing every byte
 * back, letters uppercased - and acknowledge so the kernel unmasks the
 * line. With -n it stops after BYTES bytes; without, it runs until Ctrl-C
 * (irq_wait then returns -EINTR). Either way it prints its counts and
 * exits, and the kernel detaches the line and gives COM2 back to its
 * driver.
 *
 * ISA lines are edge-triggered: a request still pending when the line
 * was unmasked never makes a new edge. So after each ack the driver
 * switches the UART's interrupts off and on (IER), which lowers and
 * raises the line if anything is still pending: a fresh edge.
 */
#include "user/lib/user.h"

#define COM2	 0x2f8
#define COM2_IRQ 3
#define RBR	 0 /* receive buffer (DLAB=0) */
#define THR	 0 /* transmit holding (DLAB=0) */
#define DLL	 0 /* divisor latch low (DLAB=1) */
#define IER	 1 /* interrupt enable */
#define DLM	 1 /* divisor latch high (DLAB=1) */
#define FCR	 2 /* FIFO control (write) */
#define LCR	 3 /* line control */
#define MCR	 4 /* modem control */
#define LSR	 5 /* line status */

#define IER_RDI	 0x01 /* received data available */
#define LCR_DLAB 0x80
#define LCR_8N1	 0x03
/* FIFO on, TX cleared, RX trigger at 8 bytes. The RX FIFO is not
 * cleared: what is in it arrived before the hand-over and is the next
 * part of the stream (the kernel kept the older bytes for its readers). */
#define FCR_INIT 0x85
#define MCR_INIT 0x0b /* DTR, RTS, OUT2 (gates the IRQ line on PCs) */
#define LSR_DR	 0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

struct stats {
	unsigned long bytes, events, wakeups, missed;
};

static void uart_init(void)
{
	outb(COM2 + IER, 0);
	outb(COM2 + LCR, LCR_DLAB);
	outb(COM2 + DLL, 1); /* 115200 baud */
	outb(COM2 + DLM, 0);
	outb(COM2 + LCR, LCR_8N1);
	outb(COM2 + FCR, FCR_INIT);
	outb(COM2 + MCR, MCR_INIT);
	outb(COM2 + IER, IER_RDI);
}

static void put_byte(uint8_t c)
{
	while (!(inb(COM2 + LSR) & LSR_THRE))
		;
	outb(COM2 + THR, c);
}

static uint8_t echo_form(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Everything in the receive FIFO, echoed; stops early at the limit. */
static void service(struct stats *s, unsigned long limit)
{
	while ((inb(COM2 + LSR) & LSR_DR) && (!limit || s->bytes < limit)) {
		put_byte(echo_form(inb(COM2 + RBR)));
		s->bytes++;
	}
}

static int setup(void)
{
	int h = irq_attach(COM2_IRQ, 0), err;

	if (h < 0) {
		printf("userserial: irq_attach(%d): %s\n", COM2_IRQ,
		       strerror(h));
		return h;
	}
	err = ioperm(COM2, 8, 1);
	if (err < 0) {
		printf("userserial: ioperm(0x%x, 8): %s%s\n", COM2,
		       strerror(err),
		       err == -ENODEV ? " (no COM2 on this machine)" : "");
		irq_detach(h);
		return err;
	}
	uart_init();
	return h;
}

int main(int argc, char **argv)
{
	unsigned long limit = 0, last = 0;
	struct stats s = { 0, 0, 0, 0 };
	int h;

	if (argc == 3 && !strcmp(argv[1], "-n"))
		kstrtoul(argv[2], 10, &limit);
	h = setup();
	if (h < 0)
		return 1;
	printf("userserial: COM2 is mine (irq %d, handle %d); echoing%s\n",
	       COM2_IRQ, h, limit ? " until the limit" : "; Ctrl-C ends");
	while (!limit || s.bytes < limit) {
		long n = irq_wait(h, 0);

		if (n < 0)
			break; /* -EINTR: being killed */
		s.wakeups++;
		if ((unsigned long)n - last > 1)
			s.missed += (unsigned long)n - last - 1;
		last = (unsigned long)n;
		s.events = (unsigned long)n;
		service(&s, limit);
		irq_ack(h);
		outb(COM2 + IER, 0); /* re-arm the edge (see the top) */
		outb(COM2 + IER, IER_RDI);
	}
	outb(COM2 + IER, 0);
	printf("userserial: %lu bytes echoed, %lu events, %lu wakeups, %lu missed\n",
	       s.bytes, s.events, s.wakeups, s.missed);
	return 0;
}
