/*
 * kernel/sched/thread.c - threads, runqueues and schedule(). See thread.h.
 *
 *   kthread_create ──> READY ──(picked)──> RUNNING ──(wait/sleep)──> SLEEPING
 *                        ^                  │  │                         │
 *                        └──(preempted,     │  └──(fn returns, or       │
 *                             yield)────────┘      kthread_exit)──> DEAD │
 *                        ^                                               │
 *                        └─────────────────(wake_up_thread)──────────────┘
 */
#include "kernel/sched/thread.h"

#include <stdarg.h>
#include <stddef.h>

#include "boot/gdt.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/bh/workqueue.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/might_sleep.h"
#include "kernel/sched/oops.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/stats.h"
#include "kernel/sched/thread_mem.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "kernel/trace/trace.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

void switch_to(struct thread *prev, struct thread *next);

static struct runqueue runqueues[MAX_CPUS];
static struct thread *current_on[MAX_CPUS];
static LIST_HEAD(all_threads);
static DEFINE_SPINLOCK(sched_lock); /* runqueues, states, thread list */
static int next_tid;
static struct thread idle_threads[MAX_CPUS];
static void (*switch_hook)(struct thread *prev, struct thread *next);

void sched_set_switch_hook(void (*hook)(struct thread *prev,
					struct thread *next))
{
	switch_hook = hook;
}

extern char boot_stack_bottom[], boot_stack_top[];

static struct runqueue *this_rq(void)
{
	return &runqueues[smp_processor_id()];
}

/* The runqueue a thread belongs to: the one of the CPU it runs on. */
static struct runqueue *rq_of(const struct thread *t)
{
	return &runqueues[t->cpu];
}

struct thread *current_thread(void)
{
	return current_on[smp_processor_id()];
}

/* What CPU cpu runs now, by name (a copy: the thread may end). */
const char *cpu_current_name(unsigned int cpu)
{
	static char name[THREAD_NAME_LEN]; /* the shell's, one caller */
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	strlcpy(name,
		cpu < MAX_CPUS && current_on[cpu] ? current_on[cpu]->name : "-",
		sizeof(name));
	spin_unlock_irqrestore(&sched_lock, flags);
	return name;
}

static unsigned int timeslice_ticks(void)
{
	unsigned int t = hz * TIMESLICE_MS / 1000;

	return t ? t : 1;
}

/* ---- runqueue ---------------------------------------------------------- */

/* FIFO threads are kept sorted by priority, highest first; within one
 * priority, in arrival order (at_head puts a preempted thread back in
 * front of its equals, so it resumes first). */
static void enqueue(struct runqueue *rq, struct thread *t, bool at_head)
{
	struct list_head *pos;

	if (t->policy == SCHED_NORMAL) {
		if (at_head)
			list_add(&t->run_node, &rq->normal);
		else
			list_add_tail(&t->run_node, &rq->normal);
	} else {
		for (pos = rq->fifo.next; pos != &rq->fifo; pos = pos->next) {
			struct thread *o =
				list_entry(pos, struct thread, run_node);

			if (o->rt_priority < t->rt_priority ||
			    (at_head && o->rt_priority == t->rt_priority))
				break;
		}
		list_add_tail(&t->run_node, pos); /* insert before pos */
	}
	rq->nr_ready++;
}

static void dequeue(struct runqueue *rq, struct thread *t)
{
	list_del(&t->run_node);
	rq->nr_ready--;
}

static struct thread *pick_next(struct runqueue *rq)
{
	struct list_head *q = !list_empty(&rq->fifo) ? &rq->fifo : &rq->normal;
	struct thread *t;

	if (list_empty(q))
		return rq->idle;
	t = list_first_entry(q, struct thread, run_node);
	dequeue(rq, t);
	return t;
}

/* Would t, now runnable, deserve its CPU more than cur, running there? */
static bool more_important(const struct thread *t, const struct thread *cur)
{
	if (cur == rq_of(t)->idle)
		return true;
	if (t->policy != SCHED_FIFO)
		return false;
	return cur->policy != SCHED_FIFO || t->rt_priority > cur->rt_priority;
}

bool is_idle_thread(const struct thread *t)
{
	return t == rq_of(t)->idle;
}

void resched_current(void)
{
	this_cpu()->need_resched = true;
}

/* Have cpu call schedule() soon: at once here, or at the end of the
 * reschedule IPI there (need_resched first, so that the IPI finds it). */
static void resched_cpu(unsigned int cpu)
{
	if (cpu == smp_processor_id()) {
		resched_current();
		return;
	}
	if (__atomic_exchange_n(&cpus[cpu].need_resched, true,
				__ATOMIC_SEQ_CST))
		return; /* already asked: an IPI is on its way or not needed */
	smp_send_reschedule(cpu);
}

/* ---- switching ----------------------------------------------------------- */

static bool wake_locked(struct thread *t);

/* Runs in the new thread right after the switch (or at its birth): the
 * previous thread is off the CPU now, so if it died, it can be freed. */
static void finish_switch(void)
{
	struct runqueue *rq = this_rq();
	struct thread *dead = rq->dead;

	if (!dead)
		return;
	rq->dead = NULL;
	if (dead->stopper) {
		/* kthread_stop frees it: only now is its stack free */
		dead->off_cpu = true;
		wake_locked(dead->stopper);
	} else {
		thread_mem_free(dead);
	}
}

static void account(struct thread *prev, struct thread *next)
{
	uint64_t now = rdtsc();

	prev->cpu_cycles += now - prev->switched_in;
	next->switched_in = now;
	next->switches++;
}

/*
 * preempt: the thread did not ask to stop running, it is being preempted
 * (trap exit, preempt_enable). It may have just marked itself SLEEPING on
 * its way to check a condition; preempting it must not put it to sleep -
 * the wakeup it waits for may already have happened - so it stays
 * runnable. Its sleep loop will mark it again and look again.
 */
static void __schedule(bool preempt)
{
	struct runqueue *rq = this_rq();
	struct thread *prev, *next;
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	prev = current_thread();
	this_cpu()->need_resched = false;
	if (preempt && prev->state == THREAD_SLEEPING)
		prev->state = THREAD_RUNNING;
	if (prev == rq->idle) {
		prev->state = THREAD_READY; /* always runnable, never queued */
	} else if (prev->state == THREAD_RUNNING ||
		   prev->state == THREAD_READY) {
		prev->state = THREAD_READY;
		/* a used-up slice goes to the back of the line */
		enqueue(rq, prev, prev->slice > 0);
	}
	if (prev->slice == 0)
		prev->slice = timeslice_ticks();
	next = pick_next(rq);
	next->state = THREAD_RUNNING;
	if (prev->state == THREAD_DEAD)
		rq->dead = prev; /* finish_switch, off its stack, ends it */
	if (next != prev) {
		/* recorded as prev's last act on this CPU, as Linux does */
		trace_event(TRACE_SCHED_SWITCH, (uint32_t)prev->tid,
			    prev->state, (uint32_t)next->tid);
		account(prev, next);
		rq->switches++;
		current_on[smp_processor_id()] = next;
		/* traps from ring 3 land on the top of next's kernel stack */
		tss_set_kernel_stack(next->stack_top);
		if (switch_hook)
			switch_hook(prev, next); /* address space, I/O bitmap */
		switch_to(prev, next);
		/* ...we are back: some thread switched to us again */
		finish_switch();
	}
	spin_unlock_irqrestore(&sched_lock, flags);
}

/* A kworker that blocks tells its pool, which may wake another worker
 * (workqueue concurrency management); and again when it runs. */
void schedule(void)
{
	struct thread *me = current_thread();

	if (me->worker && me->state != THREAD_RUNNING)
		wq_worker_sleeping(me);
	__schedule(false);
	if (me->worker)
		wq_worker_running(me);
}

void yield(void)
{
	struct thread *cur = current_thread();

	cur->slice = 0; /* to the back of its queue */
	schedule();
}

/* Preemption on the way out of an interrupt or exception. */
static void preempt_on_trap_exit(struct trap_frame *f)
{
	if (this_cpu()->need_resched && preempt_count() == 0 &&
	    (f->eflags & EFLAGS_IF))
		__schedule(true);
}

void preempt_schedule(void)
{
	if (preempt_count() == 0 && !irqs_disabled())
		__schedule(true);
}

void scheduler_tick(void)
{
	struct thread *cur = current_thread();

	if (!cur)
		return;
	sched_stats_tick(cur == this_rq()->idle,
			 this_rq()->nr_ready + (cur != this_rq()->idle));
	if (cur == this_rq()->idle) {
		if (this_rq()->nr_ready)
			resched_current();
		return;
	}
	if (cur->policy == SCHED_NORMAL && cur->slice && --cur->slice == 0)
		resched_current(); /* time slice used up */
}

/* ---- waking and sleeping ------------------------------------------------- */

/*
 * SLEEPING -> READY, with sched_lock held. The thread goes back on the
 * runqueue of its own CPU, whichever CPU wakes it; that CPU is asked to
 * reschedule (a reschedule IPI if it is another) when the thread
 * deserves it more than what runs there. A thread that is still the
 * current one of its CPU (it marked itself SLEEPING and has not switched
 * away yet) is not queued: its own schedule() sees READY and keeps it.
 */
static bool wake_locked(struct thread *t)
{
	struct thread *cur_there = current_on[t->cpu];

	if (t->state != THREAD_SLEEPING)
		return false;
	t->state = THREAD_READY;
	trace_event(TRACE_SCHED_WAKEUP, (uint32_t)t->tid, t->cpu, 0);
	if (t != cur_there) {
		enqueue(rq_of(t), t, false);
		if (more_important(t, cur_there))
			resched_cpu(t->cpu);
	}
	return true;
}

bool wake_up_thread(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	bool woke = wake_locked(t);

	spin_unlock_irqrestore(&sched_lock, flags);
	return woke;
}

void set_current_state(enum thread_state state)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	current_thread()->state = state;
	spin_unlock_irqrestore(&sched_lock, flags);
}

/* ---- creating and ending threads ------------------------------------------ */

/* Where a new thread begins: its stack was built by kthread_create so that
 * switch_to's "ret" lands here. */
static void __attribute__((noreturn)) thread_entry(void)
{
	struct thread *t;

	finish_switch();
	spin_unlock(&sched_lock); /* schedule() took it before switching */
	local_irq_enable();
	t = current_thread();
	kthread_exit(t->fn(t->arg));
}

static void build_first_frame(struct thread *t)
{
	uint32_t *sp = (uint32_t *)t->stack_top;

	*--sp = 0;			/* thread_entry's return address */
	*--sp = (uint32_t)thread_entry; /* switch_to returns here */
	*--sp = 0;			/* ebp: ends backtraces */
	*--sp = 0;			/* ebx */
	*--sp = 0;			/* esi */
	*--sp = 0;			/* edi */
	t->esp = (uint32_t)sp;
}

struct thread *kthread_create(int (*fn)(void *arg), void *arg,
			      const char *name_fmt, ...)
{
	struct thread *t;
	unsigned long flags;
	va_list ap;

	if (might_sleep())
		return NULL;
	t = thread_mem_alloc();
	if (!t) {
		pr_err("kthread_create: out of memory for a thread\n");
		return NULL;
	}
	va_start(ap, name_fmt);
	vsnprintf(t->name, sizeof(t->name), name_fmt, ap);
	va_end(ap);
	t->fn = fn;
	t->arg = arg;
	t->cpu = smp_processor_id(); /* where it was made, unless bound */
	t->state = THREAD_SLEEPING;  /* until wake_up_new_thread */
	t->policy = SCHED_NORMAL;
	t->slice = timeslice_ticks();
	build_first_frame(t);

	flags = spin_lock_irqsave(&sched_lock);
	t->tid = ++next_tid;
	list_add_tail(&t->all_node, &all_threads);
	spin_unlock_irqrestore(&sched_lock, flags);
	return t;
}

void wake_up_new_thread(struct thread *t)
{
	wake_up_thread(t);
}

int kthread_bind(struct thread *t, unsigned int cpu)
{
	unsigned long flags;
	int err = 0;

	if (cpu >= nr_cpus)
		return -EINVAL;
	flags = spin_lock_irqsave(&sched_lock);
	if (t->switches || t->state != THREAD_SLEEPING) {
		err = -EBUSY; /* it has run (or been woken): it stays */
	} else {
		t->cpu = cpu;
		t->bound = true;
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	return err;
}

struct thread *kthread_create_on_cpu(int (*fn)(void *arg), void *arg,
				     unsigned int cpu, const char *name)
{
	struct thread *t;

	if (cpu >= nr_cpus)
		return NULL;
	t = kthread_create(fn, arg, "%s", name);
	if (t)
		kthread_bind(t, cpu);
	return t;
}

int sched_setscheduler(struct thread *t, enum sched_policy policy,
		       int rt_priority)
{
	unsigned long flags;
	bool queued;

	if (policy == SCHED_FIFO &&
	    (rt_priority < 1 || rt_priority > MAX_RT_PRIO))
		return -1;
	flags = spin_lock_irqsave(&sched_lock);
	queued = t->state == THREAD_READY && t != current_on[t->cpu];
	if (queued)
		dequeue(rq_of(t), t);
	t->policy = policy;
	t->rt_priority = policy == SCHED_FIFO ? rt_priority : 0;
	if (queued)
		enqueue(rq_of(t), t, false);
	spin_unlock_irqrestore(&sched_lock, flags);
	return 0;
}

bool kthread_should_stop(void)
{
	return current_thread()->should_stop;
}

void kthread_set_exit_hook(struct thread *t,
			   void (*hook)(struct thread *t, void *arg), void *arg)
{
	t->exit_hook = hook;
	t->exit_hook_arg = arg;
}

/*
 * The owner's last look at a dying thread, while its struct still lives.
 * After an oops we may come here from an exception handler with IRQs
 * off and locks' preempt counts left over: the thread holds nothing any
 * more (its counts are reset), so the hook gets a clean task context.
 * The hook is taken off first: if it faults itself, the second pass
 * through here does not run it again.
 */
static void run_exit_hook(struct thread *t)
{
	void (*hook)(struct thread * t, void *arg) = t->exit_hook;

	if (!hook)
		return;
	t->exit_hook = NULL;
	this_cpu()->preempt_count = 0;
	local_irq_enable();
	hook(t, t->exit_hook_arg);
}

void kthread_exit(int code)
{
	struct thread *t = current_thread();

	BUG_ON(t == this_rq()->idle);
	run_exit_hook(t);
	/* IRQs stay off from here on: no preemption between "dead" and the
	 * final switch, or the stopper might never hear of it. */
	local_irq_disable();
	this_cpu()->preempt_count = 0; /* a dying thread holds nothing */
	spin_lock(&sched_lock);
	t->exit_code = code;
	t->state = THREAD_DEAD; /* the stopper hears of it off our stack */
	list_del(&t->all_node);
	spin_unlock_no_resched(&sched_lock);
	schedule();
	panic("dead thread %s was scheduled again", t->name);
}

int kthread_stop(struct thread *t)
{
	struct thread *me = current_thread();
	int code;

	if (might_sleep())
		return -1;
	set_current_state(THREAD_RUNNING);
	t->stopper = me;
	t->should_stop = true;
	wake_up_thread(t);
	for (;;) {
		set_current_state(THREAD_SLEEPING);
		if (__atomic_load_n(&t->off_cpu, __ATOMIC_ACQUIRE))
			break; /* dead, and its CPU has switched away */
		schedule();
	}
	set_current_state(THREAD_RUNNING);
	code = t->exit_code;
	thread_mem_free(t);
	return code;
}

/* ---- idle and start-up ------------------------------------------------- */

/* CPU cpu's runqueue, and its idle thread: the context that runs on
 * [stack_base, stack_top) now (the boot stack, an AP's start-up stack). */
void sched_init_cpu(unsigned int cpu, uint32_t stack_base, uint32_t stack_top)
{
	struct runqueue *rq = &runqueues[cpu];
	struct thread *idle = &idle_threads[cpu];
	unsigned long flags;

	INIT_LIST_HEAD(&rq->fifo);
	INIT_LIST_HEAD(&rq->normal);
	strlcpy(idle->name, "idle", sizeof(idle->name));
	idle->tid = 0;
	idle->cpu = cpu;
	idle->bound = true;
	idle->state = THREAD_RUNNING;
	idle->stack_base = stack_base;
	idle->stack_top = stack_top;
	idle->switched_in = rdtsc();
	rq->idle = idle;
	current_on[cpu] = idle;
	flags = spin_lock_irqsave(&sched_lock);
	list_add_tail(&idle->all_node, &all_threads);
	spin_unlock_irqrestore(&sched_lock, flags);
}

void sched_init(void)
{
	sched_init_cpu(0, (uint32_t)boot_stack_bottom,
		       (uint32_t)boot_stack_top);
	trap_set_exit_hook(preempt_on_trap_exit);
	oops_recovery_init();
}

/* The boot context, now the idle thread: run whoever is ready, else halt
 * until an interrupt makes someone ready. */
void sched_start_idle(void)
{
	for (;;) {
		local_irq_disable();
		if (!this_rq()->nr_ready && !this_cpu()->need_resched) {
			safe_halt(); /* sti; hlt: no wakeup can slip past */
			continue;
		}
		local_irq_enable();
		schedule();
	}
}

/* ---- looking at threads -------------------------------------------------- */

void for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct thread *t;

	list_for_each_entry (t, &all_threads, all_node)
		fn(t, arg);
	spin_unlock_irqrestore(&sched_lock, flags);
}

struct thread *find_thread(int tid)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct thread *t, *found = NULL;

	list_for_each_entry (t, &all_threads, all_node)
		if (t->tid == tid)
			found = t;
	spin_unlock_irqrestore(&sched_lock, flags);
	return found;
}

/* The deepest the stack has ever been used (kstack fills new stacks). */
unsigned int thread_stack_used(const struct thread *t)
{
	if (t == &idle_threads[t->cpu])
		return 0; /* a start-up stack, never filled */
	return kstack_used_bytes(&t->kstack);
}

const char *thread_state_name(enum thread_state s)
{
	static const char *const names[] = { "running", "ready", "sleeping",
					     "dead" };

	return s <= THREAD_DEAD ? names[s] : "?";
}
