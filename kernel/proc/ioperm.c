/*
 * kernel/proc/ioperm.c - I/O ports for ring 3, through the TSS's I/O
 * permission bitmap (Intel SDM vol. 1, 19.5.2).
 *
 * In ring 3 (CPL 3 > IOPL 0) an in/out instruction is allowed only if
 * the bitmap bit of every port it touches is 0; otherwise the CPU raises
 * #GP and the process is killed. There is one TSS per CPU, so the bitmap
 * describes the process running NOW: on every switch the scheduler's hook
 * sets the outgoing process's bits back to 1 and clears the incoming
 * one's (a few ranges each: cheap). A process holds at most
 * PROC_IO_GRANTS ranges, and only ports that kernel/uio/policy.c assigns
 * to a line it has attached.
 */
#include "boot/gdt.h"
#include "kernel/arch/cpu.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "lib/bitops.h"
#include "lib/errno.h"

static void bitmap_set_range(const struct io_grant *g, bool allow)
{
	uint8_t *map = tss_io_bitmap();

	for (uint32_t p = g->from; p < (uint32_t)g->from + g->num; p++) {
		if (allow)
			map[p / 8] &= ~(1u << (p % 8));
		else
			map[p / 8] |= 1u << (p % 8);
	}
}

void ioperm_load(struct process *p)
{
	for (int i = 0; i < PROC_IO_GRANTS; i++)
		if (p->io[i].num)
			bitmap_set_range(&p->io[i], true);
}

void ioperm_unload(struct process *p)
{
	for (int i = 0; i < PROC_IO_GRANTS; i++)
		if (p->io[i].num)
			bitmap_set_range(&p->io[i], false);
}

static int grant(struct process *p, uint16_t from, uint16_t num)
{
	for (int i = 0; i < PROC_IO_GRANTS; i++) {
		if (!p->io[i].num) {
			p->io[i] = (struct io_grant){ from, num };
			return 0;
		}
	}
	return -ENOSPC;
}

/* Drop every grant that overlaps [from, from + num) entirely. */
static void revoke(struct process *p, uint32_t from, uint32_t num)
{
	for (int i = 0; i < PROC_IO_GRANTS; i++) {
		struct io_grant *g = &p->io[i];

		if (g->num && g->from < from + num && from < g->from + g->num)
			g->num = 0;
	}
}

int proc_ioperm(struct process *p, uint32_t from, uint32_t num, bool on)
{
	unsigned long flags;
	int err = 0;

	if (!num || from > 0xffff || num > 0x10000 - from)
		return -EINVAL;
	if (on && uio_port_absent(from, num)) {
		if (uio_may_complain(&p->uio))
			pr_err("ioperm: %s (pid %d): %s is not present on this machine; refused\n",
			       p->name, p->pid, uio_port_absent(from, num));
		return -ENODEV;
	}
	if (on && uio_port_mediated(from, num)) {
		if (uio_may_complain(&p->uio))
			pr_err("ioperm: %s (pid %d): port of %s is mediated by the kernel (it also drives the CPU reset line and A20): use port_in/port_out; refused\n",
			       p->name, p->pid, uio_port_mediated(from, num));
		return -EPERM;
	}
	if (on && !uio_ports_allowed(&p->uio, from, num)) {
		if (uio_may_complain(&p->uio))
			pr_err("ioperm: %s (pid %d): ports 0x%lx-0x%lx belong to no line it holds; refused\n",
			       p->name, p->pid, (unsigned long)from,
			       (unsigned long)(from + num - 1));
		return -EPERM;
	}
	flags = local_irq_save(); /* the bitmap is the running process's */
	ioperm_unload(p);
	if (on)
		err = grant(p, (uint16_t)from, (uint16_t)num);
	else
		revoke(p, from, num);
	if (p == current_process())
		ioperm_load(p);
	local_irq_restore(flags);
	return err;
}
