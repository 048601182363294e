/*
 * user/edudetach.c - keep using a device after giving its line back.
 *
 * It attaches the edu device's line, maps its BAR0 with mmap_device and
 * reads the identification register; then it detaches the line - from
 * now on another process may own the device - and reads the register
 * again. Device memory goes with the line, as ports do: the second read
 * must page-fault and the process is killed.
 */
#include "user/lib/user.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID	   0x00 /* identification register: 0x010000ed */

int main(void)
{
	struct pci_info pi;
	volatile uint32_t *regs;
	long va;
	int h;

	if (pci_find(EDU_VENDOR, EDU_DEVICE, &pi) < 0) {
		printf("edudetach: no edu device (boot QEMU with -device edu)\n");
		return 2;
	}
	h = irq_attach(pi.irq, 0);
	va = h < 0 ? h : mmap_device(pi.bar0, 4096);
	if (va < 0 && va > -4096) {
		printf("edudetach: cannot get the device: %s\n", strerror(va));
		return 2;
	}
	regs = (volatile uint32_t *)va;
	printf("edudetach: id 0x%08lx through %p\n",
	       (unsigned long)regs[EDU_ID / 4], (void *)regs);
	printf("edudetach: irq_detach: %s\n", strerror(irq_detach(h)));
	printf("edudetach: reading the BAR after the detach\n");
	printf("edudetach: still mapped: id 0x%08lx (BUG)\n",
	       (unsigned long)regs[EDU_ID / 4]);
	return 1;
}
