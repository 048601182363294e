/*
 * kernel/uio/uio.h - interrupts handled in user space (the idea of
 * Linux's UIO, seL4's IRQHandler capabilities and Minix 3's drivers).
 *
 *   device ──IRQ──> uio_top_half: mask the line, count, wake ──┐
 *      ^                                                        v
 *      └─ user driver: irq_ack (unmask) <─ service the device <─ irq_wait
 *
 * A client (a process, or a test) attaches a line and gets a handle. The
 * kernel's part is the top half alone: it masks the line (so a level-
 * triggered device cannot storm while user space works), counts the
 * event and wakes the waiter. irq_wait returns the total count - a jump
 * of more than one since the last wait means events were missed.
 * irq_ack unmasks (UIO's irqcontrol write of 1). With IRQ_ATTACH_NOMASK
 * the top half only counts: allowed on edge lines only.
 *
 * Policy (who may take which line, docs/user-drivers.md):
 *  - never the kernel's own lines (timer IRQ0, cascade IRQ2): -EPERM;
 *  - a line with kernel handlers only if every one of them belongs to a
 *    driver that registered a uio_releasable for it and agrees to
 *    release it now (the 16550 driver does so for COM2-COM4, never for
 *    the console); the driver gets the line back at detach: -EBUSY
 *    otherwise, with a log line naming the handler that stays;
 *  - one user owner per line: -EBUSY.
 *  - ports: ioperm() only for the ports uio_ports_allowed() lists for a
 *    line the client holds (the table in policy.c): -EPERM otherwise;
 *    a mediated port (the i8042's 0x64, which also resets the CPU and
 *    gates A20) never goes in the I/O bitmap: uio_port_in/uio_port_out
 *    reach it, and refuse the writes that would touch the machine;
 *  - device memory: mmap_device() only inside a window registered for a
 *    line the client holds (PCI BARs, by drivers/pci): -EPERM otherwise.
 *
 * Context: uio_attach/detach/wait/ack: task context (they sleep; attach
 * and detach take a mutex). The top half: hard-IRQ.
 */
#ifndef KERNEL_UIO_UIO_H
#define KERNEL_UIO_UIO_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/irq/irq.h"
#include "kernel/proc/abi.h"
#include "kernel/sched/wait.h"

#define UIO_HANDLES  4 /* lines one client may hold */
#define UIO_NAME_LEN 24

struct uio_line;

/* Whoever holds lines: a process, or a test. */
struct uio_client {
	char name[UIO_NAME_LEN];
	struct uio_line *lines[UIO_HANDLES]; /* handle -> line */
	volatile bool *interrupted;	     /* waits end with -EINTR */
	unsigned int complaints;	     /* refusals logged so far */
};

/* Log a refusal caused by client c; after UIO_COMPLAINTS_MAX of them, one
 * last line says the rest are not logged (a fuzzer would flood the log).
 * The caller still gets its error code every time. */
#define UIO_COMPLAINTS_MAX 8
bool uio_may_complain(struct uio_client *c);

/* A kernel driver that can hand its line over to user space. */
struct uio_releasable {
	unsigned int irq;
	void *dev_id;	  /* its irqaction's dev_id */
	const char *name; /* e.g. "ttyS1" */
	/* Free the IRQ and stop using the device: 0, or -EBUSY to refuse. */
	int (*release)(void *dev_id);
	/* Take the device and the IRQ back (after the user detached). */
	void (*reclaim)(void *dev_id);
};

int uio_register_releasable(struct uio_releasable *r);

int uio_attach(struct uio_client *c, unsigned int irq, unsigned int flags);
/* The event count (> 0), -EAGAIN (non-blocking, nothing new), -EINTR,
 * -EBADF. */
long uio_wait(struct uio_client *c, int handle, unsigned int flags);
int uio_ack(struct uio_client *c, int handle);
int uio_detach(struct uio_client *c, int handle);
void uio_detach_all(struct uio_client *c);
int uio_info(struct uio_client *c, int handle, struct irq_info *out);

/* Device memory (a PCI BAR) that belongs to a line: mmap_device() maps
 * it for a process holding that line. 0 or -ENOSPC. */
int uio_register_mmio(unsigned int irq, uint32_t phys, uint32_t len);
/* The line of the registered window [phys, phys + len) lies in, if c
 * holds that line; -1 otherwise. */
int uio_mmio_line(struct uio_client *c, uint32_t phys, uint32_t len);

/* Does c hold the line that owns every port of [from, from + num)? */
bool uio_ports_allowed(struct uio_client *c, uint32_t from, uint32_t num);
/* Does c hold the line irq now? */
bool uio_client_holds(struct uio_client *c, unsigned int irq);
/* The device of a port in [from, from+num) that this machine does not
 * have (a COM port QEMU was not given), or NULL. */
const char *uio_port_absent(uint32_t from, uint32_t num);
/* The device name of a mediated port in [from, from+num), or NULL. */
const char *uio_port_mediated(uint32_t from, uint32_t num);
/* One byte from/to a port of a line c holds, through the kernel (for
 * mediated ports; any listed port works). The byte, 0, or -EPERM (not
 * held, or a refused write: logged), -ENODEV (the device is absent),
 * -EINVAL (val > 0xff).
 * Context: task. */
int uio_port_in(struct uio_client *c, uint32_t port);
int uio_port_out(struct uio_client *c, uint32_t port, uint32_t val);
/* Which user owns irq ("" if none): for messages. */
const char *uio_owner_name(unsigned int irq);

#endif
