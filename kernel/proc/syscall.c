/*
 * kernel/proc/syscall.c - the system call dispatcher (int 0x80).
 *
 * The gate is an ordinary IDT entry with DPL 3, so the call enters
 * through the same stub and trap_common as every interrupt, and leaves
 * through trap_dispatch's common return path (preemption, the user-return
 * hook that ends killed processes, and whatever else runs on the way out
 * of a trap - such as pending softirqs). The CPU cleared IF on entry; a
 * call runs with IRQs on, so it can block and be preempted like any
 * thread.
 *
 * Numbers and arguments: kernel/proc/abi.h. Every pointer goes through
 * copy_from_user/copy_to_user (uaccess.h).
 */
#include <stddef.h>

#include "drivers/pci/pci.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/bh/softirq.h"
#include "kernel/console.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/net/loopback.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/uaccess.h"
#include "kernel/sched/wait.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"

#define IO_CHUNK 128 /* bytes copied per step of write/read */

typedef long (*syscall_fn)(struct process *p, uint32_t a1, uint32_t a2,
			   uint32_t a3);

static long sys_exit(struct process *p, uint32_t code, uint32_t a2, uint32_t a3)
{
	(void)a2, (void)a3;
	proc_exit((int)code, p->killed ? "exit after a kill" : "exit");
}

static long sys_write(struct process *p, uint32_t fd, uint32_t buf,
		      uint32_t len)
{
	char chunk[IO_CHUNK];
	uint32_t done = 0;

	(void)p;
	if (fd != 1 && fd != 2)
		return -EBADF;
	while (done < len) {
		uint32_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;

		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

/* Console input, as the shell forwards it: blocks until there is some. */
static long sys_read(struct process *p, uint32_t fd, uint32_t buf, uint32_t len)
{
	char chunk[IO_CHUNK];
	uint32_t n;

	if (fd != 0)
		return -EBADF;
	if (!len)
		return 0;
	if (!user_range_ok(p->pgdir, buf, len, true))
		return -EFAULT;
	wait_event(p->input_wait, !ringbuf_empty(&p->input) || p->killed);
	if (ringbuf_empty(&p->input))
		return -EINTR;
	n = ringbuf_read(&p->input, chunk, len < IO_CHUNK ? len : IO_CHUNK);
	if (copy_to_user(buf, chunk, n))
		return -EFAULT;
	return (long)n;
}

static long sys_getpid(struct process *p, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a1, (void)a2, (void)a3;
	return p->pid;
}

static long sys_sleep_ms(struct process *p, uint32_t ms, uint32_t a2,
			 uint32_t a3)
{
	(void)a2, (void)a3;
	if (ms > SLEEP_MS_MAX)
		return -EINVAL;
	wait_event_timeout(p->sleep_wait, p->killed, msecs_to_jiffies(ms));
	return p->killed ? -EINTR : 0;
}

static long sys_yield(struct process *p, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)p, (void)a1, (void)a2, (void)a3;
	yield();
	return 0;
}

static long sys_irq_attach(struct process *p, uint32_t irq, uint32_t flags,
			   uint32_t a3)
{
	(void)a3;
	return uio_attach(&p->uio, irq, flags);
}

static long sys_irq_wait(struct process *p, uint32_t h, uint32_t flags,
			 uint32_t a3)
{
	(void)a3;
	return uio_wait(&p->uio, (int)h, flags);
}

static long sys_irq_ack(struct process *p, uint32_t h, uint32_t a2, uint32_t a3)
{
	(void)a2, (void)a3;
	return uio_ack(&p->uio, (int)h);
}

/* Detaching a line also takes back the ports that came with it. */
/* Device memory goes with its line, as ports do: once the line is
 * detached, another process may own the device. */
static void unmap_devices_of_lost_lines(struct process *p)
{
	for (int i = 0; i < PROC_MMIO_MAPS; i++) {
		struct mmio_map *m = &p->mmio[i];

		if (!m->pages || uio_client_holds(&p->uio, m->irq))
			continue;
		for (uint32_t pg = 0; pg < m->pages; pg++)
			pgdir_unmap(p->pgdir, m->va + pg * PAGE_SIZE);
		pr_info("mmap_device: %s (pid %d): 0x%08lx+0x%lx unmapped with irq %u\n",
			p->name, p->pid, (unsigned long)m->va,
			(unsigned long)(m->pages * PAGE_SIZE), m->irq);
		m->pages = 0;
	}
}

static struct mmio_map *free_mmio_map(struct process *p)
{
	for (int i = 0; i < PROC_MMIO_MAPS; i++)
		if (!p->mmio[i].pages)
			return &p->mmio[i];
	return NULL;
}

static long sys_irq_detach(struct process *p, uint32_t h, uint32_t a2,
			   uint32_t a3)
{
	int err;

	(void)a2, (void)a3;
	err = uio_detach(&p->uio, (int)h);
	if (err)
		return err;
	unmap_devices_of_lost_lines(p);
	for (int i = 0; i < PROC_IO_GRANTS; i++) {
		struct io_grant g = p->io[i];

		if (g.num && !uio_ports_allowed(&p->uio, g.from, g.num))
			proc_ioperm(p, g.from, g.num, false);
	}
	return 0;
}

static long sys_ioperm(struct process *p, uint32_t from, uint32_t num,
		       uint32_t on)
{
	return proc_ioperm(p, from, num, on != 0);
}

static long sys_irq_info(struct process *p, uint32_t h, uint32_t out,
			 uint32_t a3)
{
	struct irq_info info;
	int err;

	(void)a3;
	err = uio_info(&p->uio, (int)h, &info);
	if (err)
		return err;
	return copy_to_user(out, &info, sizeof(info));
}

/*
 * Map device memory (a PCI BAR of a device whose line the process holds)
 * into user space, uncached, at the next free place from USER_MMIO_BASE.
 * The pages are the device's: not PTE_OWNED, never freed as RAM.
 */
static long sys_mmap_device(struct process *p, uint32_t phys, uint32_t len,
			    uint32_t a3)
{
	uint32_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE, va = p->mmio_next;
	struct mmio_map *map;
	int irq;

	(void)a3;
	if (!len || (phys & ~PAGE_MASK) || len > USER_MMIO_PAGES * PAGE_SIZE)
		return -EINVAL;
	irq = uio_mmio_line(&p->uio, phys, len);
	if (irq < 0) {
		if (uio_may_complain(&p->uio))
			pr_err("mmap_device: %s (pid %d): 0x%08lx+0x%lx is no device memory of a line it holds; refused\n",
			       p->name, p->pid, (unsigned long)phys,
			       (unsigned long)len);
		return -EPERM;
	}
	map = free_mmio_map(p);
	if (!map || va + pages * PAGE_SIZE >
			    USER_MMIO_BASE + USER_MMIO_PAGES * PAGE_SIZE)
		return -ENOMEM;
	*map = (struct mmio_map){ .va = va, .pages = 0, .irq = (unsigned)irq };
	for (uint32_t i = 0; i < pages; i++) {
		if (pgdir_map(p->pgdir, va + i * PAGE_SIZE,
			      phys + i * PAGE_SIZE,
			      PAGE_USER_RW | PTE_PCD | PTE_PWT))
			return -ENOMEM; /* the pages mapped so far stay listed */
		map->pages = i + 1;
	}
	p->mmio_next = va + pages * PAGE_SIZE;
	return (long)va;
}

static long sys_pci_find(struct process *p, uint32_t vendor, uint32_t device,
			 uint32_t out)
{
	const struct pci_device *d = pci_find(vendor, device);
	struct pci_info info;

	(void)p;
	if (!d)
		return -ENODEV;
	info.irq = d->irq_pin ? d->irq_line : 0;
	info.bar0 = d->bar0;
	info.bar0_size = d->bar0_size;
	info.bdf = (uint32_t)d->bus << 8 | d->dev << 3 | d->fn;
	return copy_to_user(out, &info, sizeof(info));
}

/* Ports the kernel mediates (uio policy): one byte at a time. */
static long sys_port_in(struct process *p, uint32_t port, uint32_t a2,
			uint32_t a3)
{
	(void)a2, (void)a3;
	return uio_port_in(&p->uio, port);
}

static long sys_port_out(struct process *p, uint32_t port, uint32_t val,
			 uint32_t a3)
{
	(void)a3;
	return uio_port_out(&p->uio, port, val);
}

_Static_assert(ABI_NET_TX_SOFTIRQ == NET_TX_SOFTIRQ &&
		       ABI_NET_RX_SOFTIRQ == NET_RX_SOFTIRQ,
	       "abi.h's softirq numbers are the kernel's");

/*
 * A socket send's shape: the kernel half queues the packets on the
 * loopback device "lo" and asks for NET_TX, whose action transmits them (and
 * NET_RX delivers them). IRQs stay off from the raise to the return, so
 * no timer tick's irq_exit can run the softirq first: the syscall's own
 * return path runs it (trap_dispatch -> softirq_on_trap_return), before
 * ring 3 resumes. softirq_runs tells the program where it ran.
 */
static long sys_net_send(struct process *p, uint32_t packets, uint32_t a2,
			 uint32_t a3)
{
	(void)p, (void)a2, (void)a3;
	if (!packets || packets > NET_SEND_MAX)
		return -EINVAL;
	local_irq_disable(); /* syscall_trap disables them anyway after us */
	loopback_send(packets);
	return (long)packets;
}

/* This CPU's executions of one softirq slot, by where they ran. */
static long sys_softirq_runs(struct process *p, uint32_t nr, uint32_t out,
			     uint32_t a3)
{
	const struct softirq_stat *st = softirq_stat(smp_processor_id(), nr);
	struct softirq_runs r;

	(void)p, (void)a3;
	if (!st)
		return -EINVAL;
	r.runs = (uint32_t)st->runs;
	for (unsigned int i = 0; i < NR_SOFTIRQ_PLACES; i++)
		r.at[i] = (uint32_t)st->runs_at[i];
	return copy_to_user(out, &r, sizeof(r));
}

static const syscall_fn syscall_table[NR_SYSCALLS] = {
	[SYS_exit] = sys_exit,
	[SYS_write] = sys_write,
	[SYS_read] = sys_read,
	[SYS_getpid] = sys_getpid,
	[SYS_sleep_ms] = sys_sleep_ms,
	[SYS_yield] = sys_yield,
	[SYS_irq_attach] = sys_irq_attach,
	[SYS_irq_wait] = sys_irq_wait,
	[SYS_irq_ack] = sys_irq_ack,
	[SYS_irq_detach] = sys_irq_detach,
	[SYS_ioperm] = sys_ioperm,
	[SYS_irq_info] = sys_irq_info,
	[SYS_mmap_device] = sys_mmap_device,
	[SYS_pci_find] = sys_pci_find,
	[SYS_port_in] = sys_port_in,
	[SYS_port_out] = sys_port_out,
	[SYS_net_send] = sys_net_send,
	[SYS_softirq_runs] = sys_softirq_runs,
};

static const char *const syscall_names[NR_SYSCALLS] = {
	[SYS_exit] = "exit",
	[SYS_write] = "write",
	[SYS_read] = "read",
	[SYS_getpid] = "getpid",
	[SYS_sleep_ms] = "sleep_ms",
	[SYS_yield] = "yield",
	[SYS_irq_attach] = "irq_attach",
	[SYS_irq_wait] = "irq_wait",
	[SYS_irq_ack] = "irq_ack",
	[SYS_irq_detach] = "irq_detach",
	[SYS_ioperm] = "ioperm",
	[SYS_irq_info] = "irq_info",
	[SYS_mmap_device] = "mmap_device",
	[SYS_pci_find] = "pci_find",
	[SYS_port_in] = "port_in",
	[SYS_port_out] = "port_out",
	[SYS_net_send] = "net_send",
	[SYS_softirq_runs] = "softirq_runs",
};

const char *syscall_name(int nr)
{
	if (nr < 0)
		return "-";
	return nr < NR_SYSCALLS && syscall_names[nr] ? syscall_names[nr] : "?";
}

static void syscall_trap(struct trap_frame *f)
{
	struct process *p = current_process();
	uint32_t nr = f->eax;

	if (!p || !(f->cs & 3)) {
		pr_err("syscall: int 0x80 from the kernel (eip 0x%08lx) ignored\n",
		       (unsigned long)f->eip);
		f->eax = (uint32_t)-ENOSYS;
		return;
	}
	p->syscalls++;
	local_irq_enable();
	trace_event(TRACE_SYSCALL_ENTRY, nr, f->ebx, f->ecx);
	if (nr < NR_SYSCALLS && syscall_table[nr]) {
		p->in_syscall = (int)nr;
		f->eax = (uint32_t)syscall_table[nr](p, f->ebx, f->ecx, f->edx);
	} else {
		f->eax = (uint32_t)-ENOSYS;
	}
	trace_event(TRACE_SYSCALL_EXIT, nr, f->eax, 0);
	local_irq_disable();
	p->in_syscall = -1;
}

void syscall_init(void)
{
	trap_set_handler(SYSCALL_VECTOR, syscall_trap);
	idt_set_user_gate(SYSCALL_VECTOR);
}
