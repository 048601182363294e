/*
 * kernel/proc/proc.c - creating, running, killing and reaping processes.
 * See proc.h.
 *
 *   proc_spawn ──> thread starts in proc_thread_main ──user_enter──> ring 3
 *                                                                 │   ^
 *        int 0x80, IRQs, faults land on the thread's kernel stack │   │ iret
 *                                                                 v   │
 *                                   trap_dispatch ... user-return hook
 *                                        (killed? -> proc_exit)
 */
#include "kernel/proc/proc.h"

#include <stddef.h>

#include "boot/gdt.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/console.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc/uaccess.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

void user_enter(struct trap_frame *f) __attribute__((noreturn));

static struct process *procs[PROC_MAX];
static DEFINE_SPINLOCK(proc_lock);
static int next_pid = 1;

struct process *current_process(void)
{
	struct thread *t = current_thread();

	return t ? t->proc : NULL;
}

struct process *find_process(int pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i] && procs[i]->pid == pid)
			return procs[i];
	return NULL;
}

unsigned int proc_count(void)
{
	unsigned int n = 0;

	for (int i = 0; i < PROC_MAX; i++)
		n += procs[i] != NULL;
	return n;
}

static int proc_table_add(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	int ret = -EAGAIN;

	for (int i = 0; i < PROC_MAX && ret; i++) {
		if (!procs[i]) {
			procs[i] = p;
			p->pid = next_pid++;
			ret = 0;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return ret;
}

static void proc_table_del(struct process *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i] == p)
			procs[i] = NULL;
	spin_unlock_irqrestore(&proc_lock, flags);
}

/* ---- the user stack: argc, argv, strings ---------------------------- */

/*
 * Layout at the top of the stack, as crt0 expects it:
 *   [esp] argc, [esp+4] argv (pointer), then argv[0..argc] and the strings
 * Written through the physical pages (identity-mapped RAM).
 */
static void *user_ptr(uint32_t *pd, uint32_t va)
{
	return (uint8_t *)(pgdir_lookup(pd, va) & PTE_ADDR_MASK) +
	       (va & ~PAGE_MASK);
}

static void put_word(uint32_t *pd, uint32_t va, uint32_t v)
{
	*(uint32_t *)user_ptr(pd, va) = v;
}

static uint32_t put_string(uint32_t *pd, uint32_t sp, const char *s)
{
	size_t n = strlen(s) + 1;

	sp -= n;
	for (size_t i = 0; i < n; i++)
		*(char *)user_ptr(pd, sp + i) = s[i];
	return sp;
}

static int build_stack(struct process *p, int argc, char **argv)
{
	uint32_t str_at[PROC_ARGS_MAX];
	uint32_t sp = USER_STACK_TOP, argv_at;

	for (uint32_t va = USER_STACK_BOTTOM; va < USER_STACK_TOP;
	     va += PAGE_SIZE) {
		void *page = page_zalloc();

		if (!page || pgdir_map(p->pgdir, va, (uint32_t)page,
				       PAGE_USER_RW | PTE_OWNED)) {
			if (page)
				page_free(page);
			return -ENOMEM;
		}
	}
	for (int i = argc - 1; i >= 0; i--)
		str_at[i] = sp = put_string(p->pgdir, sp, argv[i]);
	sp &= ~3u;
	sp -= 4 * (argc + 1);
	argv_at = sp;
	for (int i = 0; i < argc; i++)
		put_word(p->pgdir, argv_at + 4 * i, str_at[i]);
	put_word(p->pgdir, argv_at + 4 * argc, 0);
	sp -= 8;
	put_word(p->pgdir, sp, (uint32_t)argc);
	put_word(p->pgdir, sp + 4, argv_at);
	p->user_sp = sp;
	return 0;
}

/* ---- starting ----------------------------------------------------------- */

/* The process's thread: from here on it lives in ring 3. */
static int proc_thread_main(void *arg)
{
	struct process *p = arg;
	struct trap_frame f;

	memset(&f, 0, sizeof(f));
	f.ds = f.es = f.fs = f.gs = GDT_USER_DATA;
	f.cs = GDT_USER_CODE;
	f.ss = GDT_USER_DATA;
	f.eip = p->entry;
	f.useresp = p->user_sp;
	f.eflags = EFLAGS_IF | 0x2; /* bit 1 is always set */
	local_irq_disable();	    /* trap_return expects IRQs off */
	user_enter(&f);
}

static struct process *proc_alloc(const char *name,
				  struct wait_queue_head *exit_notify)
{
	struct process *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	strlcpy(p->name, name, sizeof(p->name));
	strlcpy(p->uio.name, name, sizeof(p->uio.name));
	p->uio.interrupted = &p->killed;
	ringbuf_init(&p->input, p->input_buf, sizeof(p->input_buf));
	init_waitqueue_head(&p->input_wait);
	init_waitqueue_head(&p->sleep_wait);
	init_waitqueue_head(&p->exit_wait);
	p->exit_notify = exit_notify;
	p->state = PROC_RUNNING;
	p->in_syscall = -1;
	p->mmio_next = USER_MMIO_BASE;
	return p;
}

static void proc_free(struct process *p)
{
	if (p->pgdir)
		pgdir_destroy(p->pgdir);
	kfree(p);
}

static int load_program(struct process *p, const char *name, int argc,
			char **argv)
{
	const struct boot_module *m = boot_module_find(name);
	int err;

	if (!m) {
		pr_err("run: no program '%s' among the boot modules\n", name);
		return -ENOENT;
	}
	p->pgdir = pgdir_create();
	if (!p->pgdir)
		return -ENOMEM;
	err = elf_load(p->pgdir, m, &p->entry);
	if (!err)
		err = build_stack(p, argc, argv);
	return err;
}

struct process *proc_spawn(const char *name, int argc, char **argv,
			   struct wait_queue_head *exit_notify, int *err)
{
	struct process *p;
	struct thread *t;

	*err = -E2BIG;
	if (argc < 1 || argc > PROC_ARGS_MAX)
		return NULL;
	*err = -ENOMEM;
	p = proc_alloc(name, exit_notify);
	if (!p)
		return NULL;
	*err = load_program(p, name, argc, argv);
	if (*err)
		goto out_free;
	*err = proc_table_add(p);
	if (*err) {
		pr_err("run: more than %d processes\n", PROC_MAX);
		goto out_free;
	}
	t = kthread_create(proc_thread_main, p, "%s", name);
	if (!t) {
		*err = -ENOMEM;
		proc_table_del(p);
		goto out_free;
	}
	p->thread = t;
	t->proc = p;
	t->pgdir = p->pgdir;
	pr_info("proc: %s started (pid %d, tid %d, entry 0x%08lx)\n", p->name,
		p->pid, t->tid, (unsigned long)p->entry);
	wake_up_new_thread(t);
	return p;

out_free:
	proc_free(p);
	return NULL;
}

/* ---- ending ------------------------------------------------------------- */

void proc_exit(int code, const char *why)
{
	struct process *p = current_process();
	struct thread *t = current_thread();
	unsigned long flags;

	BUG_ON(!p);
	local_irq_enable(); /* detaching may sleep */
	uio_detach_all(&p->uio);
	flags = local_irq_save();
	ioperm_unload(p);
	for (int i = 0; i < PROC_IO_GRANTS; i++)
		p->io[i].num = 0;
	t->proc = NULL;
	t->pgdir = NULL;
	pgdir_activate(NULL); /* off the process's page directory */
	local_irq_restore(flags);
	pgdir_destroy(p->pgdir);
	p->pgdir = NULL;
	p->exit_code = code;
	p->end_reason = why;
	pr_info("proc: %s (pid %d) ended: %s, code %d\n", p->name, p->pid, why,
		code);
	/* IRQs off from here to the final switch: nobody (on this CPU) can
	 * reap p while this thread still uses it. */
	local_irq_disable();
	p->state = PROC_ZOMBIE;
	if (p->detached) {
		proc_table_del(p);
		kfree(p);
		kthread_exit(code);
	}
	wake_up_all(&p->exit_wait);
	if (p->exit_notify)
		wake_up_all(p->exit_notify);
	kthread_exit(code);
}

bool proc_exited(const struct process *p)
{
	return p->state == PROC_ZOMBIE;
}

int proc_reap(struct process *p)
{
	int code;

	wait_event(p->exit_wait, proc_exited(p));
	code = p->exit_code;
	proc_table_del(p);
	proc_free(p);
	return code;
}

void proc_detach(struct process *p)
{
	unsigned long flags = local_irq_save();
	bool ended = proc_exited(p);

	p->detached = true;
	p->exit_notify = NULL;
	local_irq_restore(flags);
	if (ended) /* too late to free itself: do it here */
		proc_reap(p);
}

void proc_kill(struct process *p, const char *why)
{
	if (p->state != PROC_RUNNING)
		return;
	if (p->killed) { /* the second time: no more grace */
		p->kill_deadline = jiffies;
		return;
	}
	p->kill_reason = why;
	p->kill_deadline = jiffies + msecs_to_jiffies(PROC_KILL_GRACE_MS);
	p->killed = true;
	wake_up_all(&p->input_wait);
	wake_up_all(&p->sleep_wait);
	wake_up_thread(p->thread); /* out of irq_wait or any other wait */
}

bool proc_input(struct process *p, uint8_t c)
{
	bool ok = ringbuf_put(&p->input, c);

	wake_up_all(&p->input_wait);
	return ok;
}

/* ---- hooks: switching, faults, returning to ring 3 ------------------------ */

static void proc_switch_hook(struct thread *prev, struct thread *next)
{
	if (prev->proc)
		ioperm_unload(prev->proc);
	pgdir_activate(next->pgdir);
	if (next->proc)
		ioperm_load(next->proc);
}

/* What did an in/out at eip try? The port, or -1 if not a port access. */
static int faulting_port(const struct trap_frame *f)
{
	const uint8_t *ip = (const uint8_t *)f->eip;
	struct process *p = current_process();

	if (!p || !user_range_ok(p->pgdir, f->eip, 2, false))
		return -1;
	switch (ip[0]) {
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7: /* in/out imm8 */
		return ip[1];
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef: /* in/out dx */
		return (int)(f->edx & 0xffff);
	}
	return -1;
}

static void describe_fault(const struct trap_frame *f, char *buf, size_t n)
{
	int port;

	if (f->vector == TRAP_PF) {
		uint32_t addr = read_cr2();

		snprintf(buf, n, "%s at 0x%08lx (%s%s)",
			 f->err_code & 2 ? "write" : "read",
			 (unsigned long)addr,
			 addr >= USER_BASE && addr < USER_END
				 ? "user space, "
				 : "kernel memory, ",
			 f->err_code & 1 ? "protection violation"
					 : "not mapped");
		return;
	}
	port = f->vector == TRAP_GP ? faulting_port(f) : -1;
	if (port >= 0)
		snprintf(buf, n, "I/O port 0x%x not granted", port);
	else if (f->vector == TRAP_GP)
		snprintf(buf, n, "privileged instruction or bad selector");
	else
		snprintf(buf, n, "error code 0x%lx",
			 (unsigned long)f->err_code);
}

/* An exception in ring 3: a one-line report, and the process ends. */
static void proc_fault_hook(struct trap_frame *f)
{
	struct process *p = current_process();
	char what[80];

	if (!p)
		return; /* cannot happen: ring 3 is always a process */
	p->faults++;
	describe_fault(f, what, sizeof(what));
	printk(KERN_ERR "%s[%d]: killed: #%lu %s: %s, at eip 0x%08lx\n",
	       p->name, p->pid, (unsigned long)f->vector,
	       exception_name(f->vector), what, (unsigned long)f->eip);
	proc_exit(-EFAULT, exception_name(f->vector));
}

/* Killed, and its grace is over: end it instead of returning. */
static void proc_return_hook(struct trap_frame *f)
{
	struct process *p = current_process();

	(void)f;
	if (p && p->killed && (long)(jiffies - p->kill_deadline) >= 0)
		proc_exit(-EINTR, p->kill_reason ? p->kill_reason : "killed");
}

void proc_init(void)
{
	trap_set_user_fault_hook(proc_fault_hook);
	trap_set_user_return_hook(proc_return_hook);
	sched_set_switch_hook(proc_switch_hook);
	syscall_init();
	pr_info("proc: %u programs to run ('programs' lists them)\n",
		boot_module_count());
}

/* ---- ps ---------------------------------------------------------------- */

static unsigned int irqs_held(const struct process *p, char *buf, size_t n)
{
	unsigned int count = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (int h = 0; h < UIO_HANDLES; h++) {
		struct irq_info info;

		if (uio_info((struct uio_client *)&p->uio, h, &info))
			continue;
		used += snprintf(buf + used, n - used, "%s%lu",
				 count ? "," : "", (unsigned long)info.irq);
		if (used >= n)
			break;
		count++;
	}
	if (!count)
		strlcpy(buf, "-", n);
	return count;
}

void proc_print_table(void)
{
	console_printf(
		"  PID  TID NAME             STATE    SYSCALLS IN          IRQS\n");
	for (int i = 0; i < PROC_MAX; i++) {
		struct process *p = procs[i];
		char irqs[24];

		if (!p)
			continue;
		irqs_held(p, irqs, sizeof(irqs));
		console_printf("%5d %4d %-16s %-8s %8lu %-11s %s\n", p->pid,
			       p->thread ? p->thread->tid : 0, p->name,
			       p->state == PROC_RUNNING ? "running" : "exited",
			       p->syscalls, syscall_name(p->in_syscall), irqs);
	}
}
