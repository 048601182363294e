/*
 * kernel/uio/policy.c - which I/O ports belong to which interrupt line.
 *
 * ioperm() grants a process a port only if the port is listed here for a
 * line the process has attached: owning the interrupt of a device is
 * what entitles a driver to the device's registers, as in Minix 3's
 * per-driver tables. Ports of devices the kernel keeps (the console's
 * COM1, the PIC, the PIT, the exit device) are in no row, so no process
 * can ever reach them.
 *
 * Some ports do more than their device: the i8042's command port 0x64
 * also drives the CPU's reset line (command 0xfe pulses it) and, through
 * the controller's output port (0xd1) and A20 commands (0xdd, 0xdf), the
 * A20 gate. A mediated row is never put in the process's I/O bitmap: the
 * process reaches it through port_in/port_out, and the kernel writes
 * only what the row's filter lets through.
 */
#include <stddef.h>

#include "drivers/tty/uart16550.h"
#include "kernel/arch/io.h"
#include "kernel/printk.h"
#include "kernel/uio/uio.h"
#include "lib/errno.h"

struct port_range {
	unsigned int irq;
	uint16_t from, num;
	const char *device;
	/* Mediated: a write the device may take, or why not (NULL = ok). */
	const char *(*refuse_write)(uint8_t val);
	/* Is the device there? NULL: always (the PC's own chips). */
	bool (*present)(uint16_t base);
};

/* i8042 controller commands (IBM PC/AT Technical Reference, "Keyboard
 * Controller"): the keyboard interface's own are allowed; the ones that
 * reach the rest of the machine are not. */
#define I8042_CMD_WRITE_OUTPUT 0xd1 /* output port: A20 (bit 1), reset (0) */
#define I8042_CMD_A20_OFF      0xdd /* some controllers: A20 gate off */
#define I8042_CMD_A20_ON       0xdf
#define I8042_CMD_PULSE_FIRST  0xf0 /* 0xf0-0xff pulse output lines; */
#define I8042_CMD_PULSE_RESET  0xfe /* ...0xfe pulses the CPU's reset */

static const char *i8042_refuse_command(uint8_t cmd)
{
	if (cmd == I8042_CMD_PULSE_RESET)
		return "pulses the CPU reset line";
	if (cmd >= I8042_CMD_PULSE_FIRST)
		return "pulses the controller's output lines (CPU reset)";
	if (cmd == I8042_CMD_WRITE_OUTPUT)
		return "writes the output port (CPU reset, A20 gate)";
	if (cmd == I8042_CMD_A20_OFF || cmd == I8042_CMD_A20_ON)
		return "switches the A20 gate";
	return NULL;
}

static const struct port_range port_policy[] = {
	{ 1, 0x60, 1, "i8042 data", NULL, NULL }, /* PS/2 controller */
	{ 1, 0x64, 1, "i8042 status/command", i8042_refuse_command, NULL },
	/* 16550s: 8 registers each; the machine may have fewer than four */
	{ 3, 0x2f8, 8, "COM2 (ttyS1)", NULL, uart_present_at },
	{ 3, 0x2e8, 8, "COM4 (ttyS3)", NULL, uart_present_at },
	{ 4, 0x3e8, 8, "COM3 (ttyS2)", NULL, uart_present_at },
	{ 8, 0x70, 2, "RTC (CMOS index, data)", NULL, NULL },
};

/* The row that covers port, or NULL. */
static const struct port_range *port_row(uint32_t port)
{
	for (size_t i = 0; i < sizeof(port_policy) / sizeof(port_policy[0]);
	     i++) {
		const struct port_range *r = &port_policy[i];

		if (port >= r->from && port < (uint32_t)r->from + r->num)
			return r;
	}
	return NULL;
}

static bool port_held(struct uio_client *c, const struct port_range *r)
{
	return r && uio_client_holds(c, r->irq);
}

bool uio_ports_allowed(struct uio_client *c, uint32_t from, uint32_t num)
{
	if (!num || from > 0xffff || num > 0x10000 - from)
		return false;
	for (uint32_t p = from; p < from + num; p++) {
		const struct port_range *r = port_row(p);

		if (!port_held(c, r) || r->refuse_write)
			return false;
	}
	return true;
}

static bool row_absent(const struct port_range *r)
{
	return r->present && !r->present(r->from);
}

static bool row_mediated(const struct port_range *r)
{
	return r->refuse_write != NULL;
}

/* The device of the first row in [from, from + num) that is so, or NULL. */
static const char *first_row(uint32_t from, uint32_t num,
			     bool (*is)(const struct port_range *r))
{
	for (uint32_t p = from; p < from + num && p <= 0xffff; p++) {
		const struct port_range *r = port_row(p);

		if (r && is(r))
			return r->device;
	}
	return NULL;
}

const char *uio_port_absent(uint32_t from, uint32_t num)
{
	return first_row(from, num, row_absent);
}

const char *uio_port_mediated(uint32_t from, uint32_t num)
{
	return first_row(from, num, row_mediated);
}

int uio_port_in(struct uio_client *c, uint32_t port)
{
	const struct port_range *r = port_row(port);

	if (port > 0xffff || !port_held(c, r))
		return -EPERM;
	if (row_absent(r))
		return -ENODEV;
	return inb((uint16_t)port);
}

int uio_port_out(struct uio_client *c, uint32_t port, uint32_t val)
{
	const struct port_range *r = port_row(port);
	const char *why;

	if (val > 0xff)
		return -EINVAL;
	if (port > 0xffff || !port_held(c, r))
		return -EPERM;
	if (row_absent(r))
		return -ENODEV;
	why = r->refuse_write ? r->refuse_write((uint8_t)val) : NULL;
	if (why) {
		if (uio_may_complain(c))
			pr_err("uio: %s: 0x%02lx to port 0x%lx (%s) refused: it %s, which no user driver may do\n",
			       c->name, (unsigned long)val, (unsigned long)port,
			       r->device, why);
		return -EPERM;
	}
	outb((uint16_t)port, (uint8_t)val);
	return 0;
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

int uio_mmio_line(struct uio_client *c, uint32_t phys, uint32_t len)
{
	for (unsigned int i = 0; i < nr_mmio_windows; i++) {
		const struct mmio_window *w = &mmio_windows[i];

		if (len && phys >= w->phys && len <= w->len &&
		    phys - w->phys <= w->len - len &&
		    uio_client_holds(c, w->irq))
			return (int)w->irq;
	}
	return -1;
}
