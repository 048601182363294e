/*
 * user/useredu.c - a ring-3 driver for QEMU's "edu" PCI teaching device
 * (1234:11e8; boot QEMU with -device edu): device memory instead of I/O
 * ports, and a LEVEL-triggered line.
 *
 *   run useredu [ROUNDS]
 *
 * The kernel found the device on the PCI bus at boot (drivers/pci): its
 * BAR0 (1 MiB of registers) and the ISA IRQ its INTx pin is routed to
 * (10 on QEMU's pc machine, level-triggered). The driver asks for both
 * (pci_find), attaches the line, maps the registers (mmap_device: allowed
 * because it holds the line), and then:
 *  - ROUNDS times: raise an interrupt by writing the "raise" register,
 *    wait for it, read the interrupt status, write it to the "ack"
 *    register (the device drops INTx), then irq_ack (the kernel unmasks);
 *  - once: start a factorial with "interrupt when done", wait, read it.
 * INTx stays asserted until the device's ack register is written: on a
 * level line, unmasking before that would interrupt again at once. The
 * kernel's top half masked the line, so the order here is the rule:
 * service the device, then irq_ack.
 *
 * Registers (QEMU docs/specs/edu.rst): 0x00 identification 0xRRrr00ed,
 * 0x04 liveness (reads back the inverse), 0x08 factorial, 0x20 status
 * (bit 7: raise an interrupt when the factorial is done), 0x24 interrupt
 * status, 0x60 raise interrupt (ORed into status), 0x64 acknowledge.
 */
#include "user/lib/user.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00
#define EDU_LIVENESS	0x04
#define EDU_FACTORIAL	0x08
#define EDU_STATUS	0x20
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define STATUS_IRQ_FACT 0x80 /* interrupt when the factorial is done */
#define IRQ_FACT_DONE	0x01 /* the status bit it raises */

static volatile uint32_t *regs;

static uint32_t rd(uint32_t off)
{
	return regs[off / 4];
}

static void wr(uint32_t off, uint32_t v)
{
	regs[off / 4] = v;
}

/* One interrupt: wait, read why, silence the device, then the line. */
/* LAB user-driver BEGIN */
static int take_interrupt(int h, uint32_t *why)
{
	long n = irq_wait(h, 0);

	if (n < 0)
		return (int)n;
	*why = rd(EDU_IRQ_STATUS);
	wr(EDU_IRQ_ACK, *why); /* INTx drops */
	irq_ack(h);	       /* only now: a level line */
	return 0;
}
/* LAB user-driver END */
/* LAB user-driver STUB: the starter tree has this instead */
#if 0
static int take_interrupt(int h, uint32_t *why)
{
	/* Your code: wait for the interrupt, read why, silence the device,
	 * then the line (docs/labs/07-user-driver.md). */
	(void)h;
	*why = 0;
	printf("useredu: take_interrupt is not written yet\n");
	return -ENOSYS;
}
#endif /* LAB user-driver STUB END */

static int setup(struct pci_info *pi)
{
	int h;
	long va;

	if (pci_find(EDU_VENDOR, EDU_DEVICE, pi) < 0) {
		printf("useredu: no edu device (boot QEMU with -device edu)\n");
		return -ENODEV;
	}
	h = irq_attach(pi->irq, 0);
	if (h < 0) {
		printf("useredu: irq_attach(%lu): %s\n", (unsigned long)pi->irq,
		       strerror(h));
		return h;
	}
	va = mmap_device(pi->bar0, 4096);
	if (va < 0 && va > -4096) {
		printf("useredu: mmap_device: %s\n", strerror(va));
		return (int)va;
	}
	regs = (volatile uint32_t *)va;
	return h;
}

int main(int argc, char **argv)
{
	unsigned long rounds = 5, good = 0;
	struct pci_info pi;
	struct irq_info info;
	uint32_t why;
	int h;

	if (argc > 1)
		kstrtoul(argv[1], 10, &rounds);
	h = setup(&pi);
	if (h < 0)
		return 1;
	wr(EDU_LIVENESS, 0x12345678);
	printf("useredu: edu id 0x%08lx, liveness %s, BAR0 0x%08lx mapped at %p, irq %lu\n",
	       (unsigned long)rd(EDU_ID),
	       rd(EDU_LIVENESS) == ~0x12345678u ? "ok" : "BAD",
	       (unsigned long)pi.bar0, (void *)regs, (unsigned long)pi.irq);
	for (unsigned long i = 0; i < rounds; i++) {
		wr(EDU_IRQ_RAISE, 0x100u << (i % 8));
		if (take_interrupt(h, &why))
			return 1;
		good += why == 0x100u << (i % 8);
	}
	wr(EDU_STATUS, STATUS_IRQ_FACT);
	wr(EDU_FACTORIAL, 10);
	if (take_interrupt(h, &why))
		return 1;
	irq_info(h, &info);
	printf("useredu: %lu/%lu raised interrupts seen; factorial(10) = %lu (irq status 0x%lx); %lu events on a %s line, %lu acks\n",
	       good, rounds, (unsigned long)rd(EDU_FACTORIAL),
	       (unsigned long)why, (unsigned long)info.events,
	       info.level ? "level" : "edge", (unsigned long)info.acks);
	return good == rounds && rd(EDU_FACTORIAL) == 3628800 ? 0 : 1;
}
