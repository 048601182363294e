/*
 * kernel/proc/proc.h - user processes: ring-3 programs with an address
 * space of their own.
 *
 * A process is one kernel thread that lives mostly in ring 3. Its parts:
 *  - a page directory (kernel/mm/paging.h): the kernel mapped
 *    supervisor-only, its program and stack in [USER_BASE, USER_END)
 *    with the U bit; loaded into CR3 whenever its thread is switched in;
 *  - the thread's kernel stack, where every trap from ring 3 lands: the
 *    scheduler points the TSS's esp0 at it on every switch;
 *  - the I/O ports ioperm() granted (copied into the TSS's I/O bitmap
 *    while it runs) and the interrupt lines it attached (kernel/uio).
 *
 * Programs are ELF files loaded by GRUB as Multiboot modules (elf.c
 * checks them). The shell's `run` starts one in the foreground: console
 * input goes to the process's read(), Ctrl-C kills it.
 *
 * Killing, in two steps like SIGINT then SIGKILL: proc_kill() marks the
 * process and wakes it; every blocking call returns -EINTR from then on,
 * so a driver can clean up and exit by itself (userserial prints its
 * counts). Every return to ring 3 checks the mark, and once
 * PROC_KILL_GRACE_MS have passed - or at once on a second kill - the
 * process is ended there, also one that only spins in user mode (the
 * timer interrupt is such a return). A fault in ring 3 ends the process
 * at once with a one-line report; the kernel and the shell go on.
 *
 * Exit: proc_exit() detaches its interrupt lines (masking them), drops
 * its ports and its address space, wakes whoever waits for it, and ends
 * the thread. The struct process stays until proc_reap() collects it.
 *
 * Context: proc_spawn/proc_reap: task context (they sleep). proc_kill
 * and proc_input: any. proc_exit: the process's own thread only.
 */
#ifndef KERNEL_PROC_PROC_H
#define KERNEL_PROC_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/multiboot.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"
#include "kernel/uio/uio.h"
#include "lib/ringbuf.h"

#define PROC_MAX	   16
#define PROC_NAME_LEN	   16
#define PROC_ARGS_MAX	   8
#define PROC_INPUT_RING	   256
#define PROC_IO_GRANTS	   4
#define PROC_KILL_GRACE_MS 500 /* from a kill to the forced end */
#define USER_STACK_TOP	   USER_END
#define USER_STACK_PAGES   16 /* 64 KiB, mapped at once */
#define USER_STACK_BOTTOM  (USER_STACK_TOP - USER_STACK_PAGES * 4096u)
#define USER_MMIO_BASE	   0xec000000u /* mmap_device() windows, up to the stack */
#define USER_MMIO_PAGES	   256	       /* at most 1 MiB of device memory */

enum proc_state { PROC_RUNNING, PROC_ZOMBIE };

struct io_grant {
	uint16_t from, num; /* ports [from, from + num); num 0 = unused */
};

/* Device memory mapped with mmap_device, and the line it came with:
 * detaching the line unmaps it. pages 0 = unused. */
#define PROC_MMIO_MAPS 4
struct mmio_map {
	uint32_t va, pages;
	unsigned int irq;
};

struct process {
	int pid;
	char name[PROC_NAME_LEN];
	enum proc_state state;
	struct thread *thread;
	uint32_t *pgdir;
	uint32_t entry, user_sp;
	int exit_code;
	bool detached;		/* background: frees itself at exit */
	const char *end_reason; /* "exit", "killed by Ctrl-C", a fault... */

	volatile bool killed;	     /* blocking calls: -EINTR; ending soon */
	unsigned long kill_deadline; /* jiffies: ended at a return after it */
	const char *kill_reason;

	struct io_grant io[PROC_IO_GRANTS];
	struct uio_client uio;

	struct ringbuf input; /* console bytes fed by the shell */
	uint8_t input_buf[PROC_INPUT_RING];
	struct wait_queue_head input_wait;
	struct wait_queue_head sleep_wait;   /* sleep_ms: woken only by kill */
	struct wait_queue_head exit_wait;    /* proc_reap waits here */
	struct wait_queue_head *exit_notify; /* woken too when it ends */

	unsigned long syscalls, faults;
	int in_syscall;	    /* the call it is in now, or -1 (for ps) */
	uint32_t mmio_next; /* where the next mmap_device() goes */
	struct mmio_map mmio[PROC_MMIO_MAPS];
};

void proc_init(void);

/* Start program `name` (a boot module) with argv[0..argc); the new
 * process's exit wakes exit_notify (may be NULL). NULL with a message
 * on failure (*err says why). */
struct process *proc_spawn(const char *name, int argc, char **argv,
			   struct wait_queue_head *exit_notify, int *err);
bool proc_exited(const struct process *p);
/* A background process: nobody will reap it; it frees itself at exit. */
void proc_detach(struct process *p);
/* Wait for the end (if not yet), free the process; its exit code. */
int proc_reap(struct process *p);
void proc_kill(struct process *p, const char *why);
/* A console byte for the process's read(); false if its ring is full. */
bool proc_input(struct process *p, uint8_t c);
void proc_exit(int code, const char *why) __attribute__((noreturn));

struct process *current_process(void); /* NULL in a kernel thread */
struct process *find_process(int pid);
/* Print the process table (for ps). */
void proc_print_table(void);
unsigned int proc_count(void);

/* The ELF loader: map program `m` into pd; the entry point in *entry.
 * 0, or -ENOEXEC/-ENOMEM with a message naming the program. */
int elf_load(uint32_t *pd, const struct boot_module *m, uint32_t *entry);

/* I/O permission bitmap: the running process's grants go into the TSS. */
int proc_ioperm(struct process *p, uint32_t from, uint32_t num, bool on);
void ioperm_load(struct process *p);
void ioperm_unload(struct process *p);

void syscall_init(void);
const char *syscall_name(int nr);

#endif
