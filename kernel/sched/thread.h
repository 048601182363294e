/*
 * kernel/sched/thread.h - kernel threads and the scheduler.
 *
 * A thread is a stack, a saved stack pointer and a little bookkeeping.
 * Switching threads (switch_to, switch.S) saves the callee-saved
 * registers on the old stack, swaps stack pointers, and pops them off the
 * new one: everything else a thread owns is already on its stack.
 *
 * Two scheduling classes, as in Linux:
 *  - SCHED_FIFO, real-time priorities 1..99 (higher runs first): runs
 *    until it sleeps, yields, or a higher priority thread wakes. For
 *    irq/N-name threads and other latency-critical work.
 *  - SCHED_NORMAL, round robin with a time slice (TIMESLICE_MS): the
 *    shell, demo threads, workers.
 * A runnable FIFO thread always runs before any NORMAL one. When nothing
 * is runnable, the idle thread halts the CPU until the next interrupt.
 *
 * Preemption points: on return from an interrupt (the tick that ends a
 * time slice, or a wakeup of a more important thread set need_resched)
 * when the preempt count is 0 and the interrupted code had IRQs on; and
 * whenever a thread calls schedule(), sleeps or yields.
 *
 * CPUs: every CPU has its own runqueue and idle thread; one lock
 * (sched_lock) covers them all, so a wakeup from any CPU can put a thread
 * on any runqueue. A thread runs on one CPU for its whole life: the CPU
 * that created it, or the one kthread_bind() named before it first ran
 * (ksoftirqd/N, kworker/N:M). There is no load balancing and no
 * migration - docs/smp.md says why. A wakeup from another CPU sends that
 * CPU a reschedule IPI when the woken thread should preempt what runs
 * there.
 *
 * Rules: kthread_stop() only on a thread that has not exited on its own
 * (it must be waiting for kthread_should_stop()), as in Linux. It returns
 * only once the thread is off its CPU, so its stack can be freed.
 *
 * Exit hooks: whoever keeps a pointer to a thread (an irqaction its
 * irq/N-name thread) registers a hook with kthread_set_exit_hook() before
 * the thread can run. However the thread ends - its function returns, it
 * calls kthread_exit(), or an oops kills it - the hook runs once, in the
 * dying thread itself, as a plain task (preempt count 0, IRQs on; it may
 * take locks, wake others, raise interrupts, but should not sleep long),
 * and before the struct thread is freed. So the owner can drop its
 * pointer there and then, and never holds a dangling one.
 * Context: kthread_create/run/stop and kthread_create_on_cpu may sleep
 * (task context only); kthread_set_exit_hook and kthread_bind from task
 * context, on a thread not yet woken; wake_up_thread and is_idle_thread
 * from any context; schedule() from task context with preempt count 0
 * (might_sleep checks); cpu_current_name from task context (the shell);
 * sched_init_cpu at boot, IRQs off, before that CPU runs anything.
 */
#ifndef KERNEL_SCHED_THREAD_H
#define KERNEL_SCHED_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/kstack.h"
#include "kernel/percpu.h"
#include "lib/list.h"

struct worker;

#define THREAD_NAME_LEN	   24
#define TIMESLICE_MS	   20
#define MAX_RT_PRIO	   99
#define THREAD_STACK_PAGES KSTACK_PAGES_DEFAULT

enum thread_state {
	THREAD_RUNNING,	 /* on a CPU now */
	THREAD_READY,	 /* runnable, waiting for a CPU */
	THREAD_SLEEPING, /* waiting for an event (wait queue, timer) */
	THREAD_DEAD,	 /* exited, waiting to be reaped */
};

enum sched_policy { SCHED_NORMAL, SCHED_FIFO };

struct thread {
	uint32_t esp; /* saved by switch_to: must stay first */
	int tid;
	char name[THREAD_NAME_LEN];
	enum thread_state state;
	enum sched_policy policy;
	int rt_priority;    /* 1..99 for SCHED_FIFO */
	unsigned int slice; /* ticks left in this time slice */
	unsigned int cpu;   /* the CPU it runs on, for its whole life */
	bool bound;	    /* placed there by kthread_bind (per-CPU threads) */

	int (*fn)(void *arg);
	void *arg;
	int exit_code;
	bool should_stop;	/* kthread_stop() asked us to finish */
	struct thread *stopper; /* who waits in kthread_stop() */
	bool off_cpu;		/* dead, and its CPU switched away from it */

	/* runs as it dies, before it is freed (kthread_set_exit_hook) */
	void (*exit_hook)(struct thread *t, void *arg);
	void *exit_hook_arg;

	uint32_t stack_base, stack_top; /* usable stack [base, top) */
	struct kstack kstack;		/* guard-paged stack (kernel/mm) */

	uint64_t cpu_cycles;	/* TSC cycles spent running */
	uint64_t switched_in;	/* TSC when it last got the CPU */
	unsigned long switches; /* times it was switched to */

	struct worker *worker; /* a kworker's pool slot (kernel/bh/workqueue.c) */

	/* A process's thread (kernel/proc): its address space, loaded into
	 * CR3 when it is switched in. NULL for kernel threads. */
	struct process *proc;
	uint32_t *pgdir;

	struct list_head run_node; /* on a runqueue while READY */
	struct list_head all_node; /* on the list of all threads */
};

/* Per-CPU scheduler state (in struct cpu). */
struct runqueue {
	struct list_head fifo;	 /* SCHED_FIFO, highest priority first */
	struct list_head normal; /* SCHED_NORMAL, round robin */
	unsigned int nr_ready;
	struct thread *idle;
	struct thread *dead; /* exited, reap after switching away */
	unsigned long switches;
};

struct process;

struct thread *current_thread(void);
/* The name of the thread CPU cpu runs now (a copy, valid until the next
 * call: for the shell). */
const char *cpu_current_name(unsigned int cpu);

/* Called on every switch, before the stacks change (IRQs off): user
 * space loads the next address space and I/O bitmap there. */
void sched_set_switch_hook(void (*hook)(struct thread *prev,
					struct thread *next));

void sched_init(void); /* the boot context becomes the idle thread */
/* An AP's start-up context becomes its idle thread (kernel/smp). */
void sched_init_cpu(unsigned int cpu, uint32_t stack_base, uint32_t stack_top);
void sched_start_idle(void) __attribute__((noreturn));

struct thread *kthread_create(int (*fn)(void *arg), void *arg,
			      const char *name_fmt, ...)
	__attribute__((format(printf, 3, 4)));
void wake_up_new_thread(struct thread *t);
/* Run t on cpu, for good: before its first wakeup only. 0, -EINVAL (no
 * such CPU online), -EBUSY (it has been woken already). */
int kthread_bind(struct thread *t, unsigned int cpu);
/* kthread_create + kthread_bind; NULL if cpu is not online. */
struct thread *kthread_create_on_cpu(int (*fn)(void *arg), void *arg,
				     unsigned int cpu, const char *name);
#define kthread_run(fn, arg, ...)                                          \
	({                                                                 \
		struct thread *__t = kthread_create(fn, arg, __VA_ARGS__); \
		if (__t)                                                   \
			wake_up_new_thread(__t);                           \
		__t;                                                       \
	})
bool kthread_should_stop(void);
void kthread_set_exit_hook(struct thread *t,
			   void (*hook)(struct thread *t, void *arg),
			   void *arg);
int kthread_stop(struct thread *t); /* returns the thread's exit code */
void kthread_exit(int code) __attribute__((noreturn));
int sched_setscheduler(struct thread *t, enum sched_policy policy,
		       int rt_priority);

void schedule(void);
void yield(void);
bool wake_up_thread(struct thread *t); /* SLEEPING -> READY */
void set_current_state(enum thread_state state);
void scheduler_tick(void); /* from the timer interrupt */
void resched_current(void);

/* Walk every thread (for ps); fn runs with the thread list locked. */
void for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg);
struct thread *find_thread(int tid);
unsigned int thread_stack_used(const struct thread *t);
const char *thread_state_name(enum thread_state s);
/* Is t this CPU's idle thread? (oops.c: the idle thread is never killed) */
bool is_idle_thread(const struct thread *t);

#endif
