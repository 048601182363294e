/*
 * user/levelnomask.c - ask for "count only, never mask" on a level line:
 * the edu device's PCI INTx (10 on QEMU's pc, level in PIC and in APIC
 * mode). A level device keeps asserting until it is serviced; a line
 * left open would interrupt again the moment each interrupt returned, and
 * the machine would do nothing else. The kernel must refuse (-EINVAL).
 * Before the 8259's ELCR was read, `noapic` thought the line was edge
 * and accepted - and the next interrupt wedged the kernel.
 */
#include "user/lib/user.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

int main(void)
{
	struct pci_info pi;
	int h;

	if (pci_find(EDU_VENDOR, EDU_DEVICE, &pi) < 0) {
		printf("levelnomask: no edu device (boot QEMU with -device edu)\n");
		return 2;
	}
	h = irq_attach(pi.irq, IRQ_ATTACH_NOMASK);
	if (h >= 0) {
		printf("levelnomask: irq_attach(%lu, NOMASK) accepted on a level line (BUG)\n",
		       (unsigned long)pi.irq);
		return 1;
	}
	printf("levelnomask: irq_attach(%lu, NOMASK) refused: %s\n",
	       (unsigned long)pi.irq, strerror(h));
	return 0;
}
