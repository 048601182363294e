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

#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/uaccess.h"
#include "kernel/sched/wait.h"
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
static long sys_irq_detach(struct process *p, uint32_t h, uint32_t a2,
			   uint32_t a3)
{
	int err;

	(void)a2, (void)a3;
	err = uio_detach(&p->uio, (int)h);
	if (err)
		return err;
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
	if (nr < NR_SYSCALLS && syscall_table[nr]) {
		p->in_syscall = (int)nr;
		f->eax = (uint32_t)syscall_table[nr](p, f->ebx, f->ecx, f->edx);
	} else {
		f->eax = (uint32_t)-ENOSYS;
	}
	local_irq_disable();
	p->in_syscall = -1;
}

void syscall_init(void)
{
	trap_set_handler(SYSCALL_VECTOR, syscall_trap);
	idt_set_user_gate(SYSCALL_VECTOR);
}
