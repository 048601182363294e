/*
 * kernel/uio/policy.c - which I/O ports belong to which interrupt line.
 *
 * ioperm() grants a process a port only if the port is listed here for a
 * line the process has attached: owning the interrupt of a device is
 * what entitles a driver to the device's registers, as in Minix 3's
 * per-driver tables. Ports of devices the kernel keeps (the console's
 * COM1, the PIC, the PIT, the exit device) are in no row, so no process
 * can ever reach them.
 */
#include <stddef.h>

#include "kernel/uio/uio.h"
#include "lib/errno.h"

struct port_range {
	unsigned int irq;
	uint16_t from, num;
	const char *device;
};

static const struct port_range port_policy[] = {
	{ 1, 0x60, 1, "i8042 data" }, /* PS/2 controller */
	{ 1, 0x64, 1, "i8042 status/command" },
	{ 3, 0x2f8, 8, "COM2 (ttyS1)" }, /* 16550: 8 registers */
	{ 3, 0x2e8, 8, "COM4 (ttyS3)" },
	{ 4, 0x3e8, 8, "COM3 (ttyS2)" },
	{ 8, 0x70, 2, "RTC (CMOS index, data)" },
};

/* The line whose row covers port, or -1. */
static int port_line(uint32_t port)
{
	for (size_t i = 0; i < sizeof(port_policy) / sizeof(port_policy[0]);
	     i++) {
		const struct port_range *r = &port_policy[i];

		if (port >= r->from && port < (uint32_t)r->from + r->num)
			return (int)r->irq;
	}
	return -1;
}

bool uio_client_holds(struct uio_client *c, unsigned int irq);

bool uio_ports_allowed(struct uio_client *c, uint32_t from, uint32_t num)
{
	if (!num || from > 0xffff || num > 0x10000 - from)
		return false;
	for (uint32_t p = from; p < from + num; p++) {
		int irq = port_line(p);

		if (irq < 0 || !uio_client_holds(c, (unsigned int)irq))
			return false;
	}
	return true;
}

/* Device memory windows, registered at boot (PCI BARs): each belongs to
 * the line of the device that has it. */
#define MMIO_WINDOWS 8

struct mmio_window {
	unsigned int irq;
	uint32_t phys, len;
};

static struct mmio_window mmio_windows[MMIO_WINDOWS];
static unsigned int nr_mmio_windows;

int uio_register_mmio(unsigned int irq, uint32_t phys, uint32_t len)
{
	if (nr_mmio_windows == MMIO_WINDOWS)
		return -ENOSPC;
	mmio_windows[nr_mmio_windows++] =
		(struct mmio_window){ irq, phys, len };
	return 0;
}

bool uio_mmio_allowed(struct uio_client *c, uint32_t phys, uint32_t len)
{
	for (unsigned int i = 0; i < nr_mmio_windows; i++) {
		const struct mmio_window *w = &mmio_windows[i];

		if (len && phys >= w->phys && len <= w->len &&
		    phys - w->phys <= w->len - len &&
		    uio_client_holds(c, w->irq))
			return true;
	}
	return false;
}
