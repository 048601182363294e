/*
 * tests/kernel/smp_test.c - SMP: the application processors came up, each
 * with its own per-CPU segment, and joined the scheduler; nosmp keeps
 * them down; a CPU that never answers is reported, not waited for
 * forever; threads run on their CPU, wakeups from another CPU send a
 * reschedule IPI, function calls run on their target, each AP ticks;
 * spinlocks exclude across all CPUs.
 *
 * Run at -smp 1 (ktest=all: the cases about APs skip), -smp 2 and -smp 4
 * with multi-threaded TCG, and -smp 2 nosmp (tests/run_tests.py).
 */
#include <stddef.h>
#include <stdint.h>

#include "boot/gdt.h"
#include "drivers/acpi/acpi.h"
#include "drivers/acpi/madt.h"
#include "drivers/irqchip/irqchip.h"
#include "kernel/arch/cpu.h"
#include "kernel/mm/page.h"
#include "kernel/mm/paging.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/bh/softirq.h"
#include "kernel/sched/oops.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "kernel/smp/ipi.h"
#include "kernel/smp/smp.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/kernel/klog_search.h"

#define SILENT_APIC_ID 0x55  /* listed nowhere (0xff would broadcast) */
#define SILENT_WAIT_US 20000 /* it never answers: a short bound */
#define SILENT_MAX_MS  1000  /* 10.4 ms of IPIs + 20 ms + a loaded host */
#define RUN_TIMEOUT_MS 2000
#define LOCK_ROUNDS    100000

#define SKIP_UNLESS_APIC(t)                                                \
	do {                                                               \
		if (strcmp(irqchip_mode(), "APIC"))                        \
			KTEST_SKIP(t, "PIC mode: no local APIC, one CPU"); \
	} while (0)

static unsigned int madt_cpus(void)
{
	const struct madt_info *mi = acpi_madt();
	unsigned int n = mi ? mi->nr_cpus : 1;

	return n < MAX_CPUS ? n : MAX_CPUS;
}

/* Every CPU the MADT lists is online: the boot CPU and parked APs. */
static void listed_cpus_came_online(struct ktest *t)
{
	SKIP_UNLESS_APIC(t);
	if (smp_nosmp())
		KTEST_SKIP(t, "nosmp: see nosmp_keeps_aps_down");
	EXPECT_EQ(t, smp_cpus_listed(), madt_cpus());
	EXPECT_EQ(t, smp_cpus_online(), madt_cpus());
	EXPECT_EQ(t, cpus[0].state, CPU_BOOT);
	for (unsigned int n = 1; n < smp_cpus_listed(); n++)
		EXPECT_EQ(t, cpus[n].state, CPU_ONLINE);
	EXPECT_EQ(t, nr_cpus, madt_cpus()); /* every one schedules */
	if (madt_cpus() > 1)
		EXPECT_TRUE(t, klog_contains("CPUs online"));
}

/* nosmp: the MADT lists more CPUs, none was started. */
static void nosmp_keeps_aps_down(struct ktest *t)
{
	SKIP_UNLESS_APIC(t);
	if (!smp_nosmp())
		KTEST_SKIP(t, "only with nosmp on the command line");
	EXPECT_GT(t, madt_cpus(), 1); /* else the row proves nothing */
	EXPECT_EQ(t, smp_cpus_online(), 1);
	for (unsigned int n = 1; n < smp_cpus_listed(); n++) {
		EXPECT_EQ(t, cpus[n].state, CPU_DOWN);
		EXPECT_PTR_EQ(t, cpus[n].seen_self, NULL); /* never ran */
	}
	EXPECT_TRUE(t, klog_contains("smp: nosmp:"));
}

/* What each CPU saw through its own %fs at bring-up, checked here: its
 * own slot, its own number, its own APIC; and the descriptors agree. */
static void percpu_segment_is_own_slot(struct ktest *t)
{
	unsigned int checked = 0;

	EXPECT_PTR_EQ(t, this_cpu(), &cpus[0]);
	EXPECT_EQ(t, smp_processor_id(), 0);
	EXPECT_EQ(t, gdt_percpu_base(0), (uint32_t)&cpus[0]);
	for (unsigned int n = 0; n < MAX_CPUS; n++) {
		const struct cpu *c = &cpus[n];

		if (!cpu_online(n))
			continue;
		EXPECT_PTR_EQ(t, c->seen_self, c);
		EXPECT_EQ(t, c->seen_id, n);
		EXPECT_EQ(t, c->seen_apic_id, c->apic_id);
		EXPECT_EQ(t, gdt_percpu_base(n), (uint32_t)c);
		checked++;
	}
	EXPECT_EQ(t, checked, smp_cpus_online());
}

struct probe {
	struct cpu *self;
	unsigned int id;
	bool irqs_off, in_irq;
};

static void probe_fn(void *arg)
{
	struct probe *p = arg;

	p->self = this_cpu();
	p->id = smp_processor_id();
	p->irqs_off = irqs_disabled();
	p->in_irq = in_hardirq();
}

static void probe_fn(void *arg);

/* A call IPI runs the probe on each other CPU: it reads this_cpu()
 * there, in hard-IRQ context with IRQs off; the target counts the IPI. */
static void call_runs_on_target_cpu(struct ktest *t)
{
	for (unsigned int n = 0; n < nr_cpus; n++) {
		struct probe p = { NULL, ~0u, false, false };
		unsigned long before = cpus[n].ipi_call;

		ASSERT_EQ(t, smp_call_function_single(n, probe_fn, &p, true),
			  0);
		EXPECT_PTR_EQ(t, p.self, &cpus[n]);
		EXPECT_EQ(t, p.id, n);
		EXPECT_TRUE(t, p.irqs_off);
		if (n != smp_processor_id()) {
			EXPECT_TRUE(t, p.in_irq);
			EXPECT_GT(t, cpus[n].ipi_call, before);
		}
	}
}

/* The rules: no CPU that is not online; no waiting with IRQs off; an
 * async csd not reused while busy. */
static void call_misuse_refused(struct ktest *t)
{
	struct probe p;
	unsigned long flags;
	int err;

	EXPECT_EQ(t, smp_call_function_single(MAX_CPUS, probe_fn, &p, true),
		  -ENXIO);
	EXPECT_EQ(t, smp_call_function_single(nr_cpus, probe_fn, &p, true),
		  -ENXIO);
	if (nr_cpus == 1)
		KTEST_SKIP(t, "one CPU: every call is local");
	flags = local_irq_save();
	err = smp_call_function_single(1, probe_fn, &p, true);
	local_irq_restore(flags);
	EXPECT_EQ(t, err, -EDEADLK);
	EXPECT_TRUE(t, klog_contains("could deadlock; refused"));
}

/* The trampoline page: below 1 MiB, page aligned (the SIPI vector is its
 * page number), reserved in the page allocator, identity mapped. */
static void trampoline_page_reserved(struct ktest *t)
{
	uint32_t phys = 0;

	EXPECT_LT(t, TRAMPOLINE_PHYS, LOW_MEMORY_END);
	EXPECT_EQ(t, TRAMPOLINE_PHYS & ~PAGE_MASK, 0);
	EXPECT_TRUE(t, page_is_reserved(TRAMPOLINE_PHYS));
	EXPECT_TRUE(t, vm_is_mapped(TRAMPOLINE_PHYS));
	EXPECT_TRUE(t, virt_to_phys(TRAMPOLINE_PHYS, &phys));
	EXPECT_EQ(t, phys, TRAMPOLINE_PHYS);
	/* the checker itself: a page the allocator hands out is not */
	void *p = page_alloc();

	ASSERT_TRUE(t, p != NULL);
	EXPECT_FALSE(t, page_is_reserved((uint32_t)p));
	page_free(p);
}

static int free_slot(void)
{
	for (int n = MAX_CPUS - 1; n > 0; n--)
		if (cpus[n].state == CPU_ABSENT ||
		    cpus[n].state == CPU_NO_ANSWER)
			return n;
	return -1;
}

/* INIT-SIPI-SIPI to an APIC ID nobody has: reported within the bound,
 * the slot marked, nothing else changed. */
static void silent_cpu_reported_not_hung(struct ktest *t)
{
	int slot = free_slot();
	unsigned int online = smp_cpus_online();
	char line[80];
	uint64_t t0;
	int err;

	SKIP_UNLESS_APIC(t);
	if (slot < 0)
		KTEST_SKIP(t, "every CPU slot is in use");
	t0 = ktime_get_ns();
	err = smp_start_cpu(slot, SILENT_APIC_ID, SILENT_WAIT_US);
	EXPECT_EQ(t, err, -ETIMEDOUT);
	EXPECT_LT(t, (ktime_get_ns() - t0) / 1000000, SILENT_MAX_MS);
	EXPECT_EQ(t, cpus[slot].state, CPU_NO_ANSWER);
	EXPECT_EQ(t, smp_cpus_online(), online);
	snprintf(line, sizeof(line), "smp: CPU %d (APIC ID %u) did not answer",
		 slot, SILENT_APIC_ID);
	EXPECT_TRUE(t, klog_contains(line));
	/* a slot in use is refused, the boot CPU's first of all */
	EXPECT_EQ(t, smp_start_cpu(0, SILENT_APIC_ID, SILENT_WAIT_US), -EINVAL);
	if (online > 1)
		EXPECT_EQ(t, smp_start_cpu(1, cpus[1].apic_id, SILENT_WAIT_US),
			  -EBUSY);
}

static DEFINE_SPINLOCK(torture_lock);
static volatile unsigned long torture_count;
static volatile bool torture_go;

/* A read-modify-write that is not atomic, widened by a pause: without
 * mutual exclusion the two CPUs lose updates. */
static void torture_rounds(void)
{
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		unsigned long v;

		spin_lock(&torture_lock);
		v = torture_count;
		cpu_relax();
		torture_count = v + 1;
		spin_unlock(&torture_lock);
	}
}

static struct completion torture_done[MAX_CPUS];

static int torture_thread(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	while (!torture_go)
		cpu_relax();
	torture_rounds();
	complete(&torture_done[cpu]);
	return 0;
}

/* Every CPU increments one counter under one spinlock at the same time,
 * a thread bound to each: no increment may be lost. */
static void spinlock_excludes_across_cpus(struct ktest *t)
{
	struct thread *th[MAX_CPUS];
	uint64_t t0;

	KTEST_SKIP_UNLESS_SMP(t);
	torture_count = 0;
	torture_go = false;
	for (unsigned int n = 1; n < nr_cpus; n++) {
		init_completion(&torture_done[n]);
		th[n] = kthread_create_on_cpu(
			torture_thread, (void *)(uintptr_t)n, n, "torture");
		ASSERT_TRUE(t, th[n] != NULL);
		wake_up_new_thread(th[n]);
	}
	t0 = ktime_get_ns();
	torture_go = true;
	torture_rounds();
	for (unsigned int n = 1; n < nr_cpus; n++)
		EXPECT_GE(t,
			  wait_for_completion_timeout(&torture_done[n],
						      msecs_to_jiffies(20000)),
			  1);
	EXPECT_EQ(t, torture_count, (unsigned long)nr_cpus * LOCK_ROUNDS);
	EXPECT_PTR_EQ(t, torture_lock.owner, NULL);
	pr_info("smp_test: %d locked increments on each of %u CPUs in %lu ms\n",
		LOCK_ROUNDS, nr_cpus,
		(unsigned long)((ktime_get_ns() - t0) / 1000000));
}

/* The irqsave variant, with the lock also taken in hard-IRQ context: a
 * thread on every CPU increments under spin_lock_irqsave and keeps
 * sending the next CPU a call whose function increments under the same
 * lock. Without IRQs off a call could land on a CPU holding the lock and
 * spin for ever; without the lock increments are lost. */
#define IRQ_ROUNDS 20000

static DEFINE_SPINLOCK(irq_torture_lock);
static volatile unsigned long irq_torture_count, irq_torture_calls;
static struct call_single_data irq_torture_csd[MAX_CPUS];

static void irq_torture_increment(void *arg)
{
	unsigned long flags = spin_lock_irqsave(&irq_torture_lock);

	(void)arg;
	irq_torture_count++;
	spin_unlock_irqrestore(&irq_torture_lock, flags);
}

static int irq_torture_thread(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	struct call_single_data *csd = &irq_torture_csd[cpu];
	unsigned int next = (cpu + 1) % nr_cpus;

	while (!torture_go)
		cpu_relax();
	for (int i = 0; i < IRQ_ROUNDS; i++) {
		irq_torture_increment(NULL);
		if (!csd_busy(csd) &&
		    !smp_call_function_single_async(next, csd))
			__atomic_add_fetch(&irq_torture_calls, 1,
					   __ATOMIC_RELAXED);
	}
	while (csd_busy(csd))
		cpu_relax();
	complete(&torture_done[cpu]);
	return 0;
}

static void spinlock_irqsave_excludes_irqs_across_cpus(struct ktest *t)
{
	KTEST_SKIP_UNLESS_SMP(t);
	irq_torture_count = irq_torture_calls = 0;
	torture_go = false;
	for (unsigned int n = 0; n < nr_cpus; n++) {
		struct thread *th;

		irq_torture_csd[n].fn = irq_torture_increment;
		init_completion(&torture_done[n]);
		th = kthread_create_on_cpu(irq_torture_thread,
					   (void *)(uintptr_t)n, n,
					   "irqtorture");
		ASSERT_TRUE(t, th != NULL);
		wake_up_new_thread(th);
	}
	torture_go = true;
	for (unsigned int n = 0; n < nr_cpus; n++)
		EXPECT_GE(t,
			  wait_for_completion_timeout(&torture_done[n],
						      msecs_to_jiffies(20000)),
			  1);
	EXPECT_GT(t, irq_torture_calls, 0);
	EXPECT_EQ(t, irq_torture_count,
		  (unsigned long)nr_cpus * IRQ_ROUNDS + irq_torture_calls);
	EXPECT_PTR_EQ(t, irq_torture_lock.owner, NULL);
	pr_info("smp_test: %u CPUs: %lu locked increments, %lu of them in call IPIs\n",
		nr_cpus, irq_torture_count, irq_torture_calls);
}

/* ---- threads on their CPUs ------------------------------------------- */

struct where {
	unsigned int cpu;
	struct completion ran;
	struct wait_queue_head wq;
	volatile bool go;
};

static int where_thread(void *arg)
{
	struct where *w = arg;

	w->cpu = smp_processor_id();
	complete(&w->ran);
	wait_event(w->wq, w->go);
	w->cpu = smp_processor_id(); /* still there after the wakeup */
	complete(&w->ran);
	/* not returning on our own: kthread_stop must find us alive */
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* A thread bound to CPU n runs there, and after a wakeup from CPU 0 -
 * which sends CPU n a reschedule IPI, its idle thread being preempted -
 * it runs there again; kthread_stop returns once it is off CPU n. */
static void bound_thread_runs_on_its_cpu(struct ktest *t)
{
	static struct where w;

	for (unsigned int n = 0; n < nr_cpus; n++) {
		unsigned long ipis = cpus[n].ipi_resched;
		struct thread *th;

		w.cpu = ~0u;
		w.go = false;
		init_completion(&w.ran);
		init_waitqueue_head(&w.wq);
		th = kthread_create_on_cpu(where_thread, &w, n, "where");
		ASSERT_TRUE(t, th != NULL);
		EXPECT_EQ(t, th->cpu, n);
		EXPECT_TRUE(t, th->bound);
		wake_up_new_thread(th);
		EXPECT_GE(t, wait_for_completion_timeout(&w.ran, hz * 5), 1);
		EXPECT_EQ(t, w.cpu, n);
		EXPECT_TRUE(t, KTEST_WAIT_FOR(th->state == THREAD_SLEEPING));
		w.cpu = ~0u;
		w.go = true;
		wake_up(&w.wq);
		EXPECT_GE(t, wait_for_completion_timeout(&w.ran, hz * 5), 1);
		EXPECT_EQ(t, w.cpu, n);
		EXPECT_EQ(t, kthread_stop(th), 0);
		if (n != smp_processor_id())
			EXPECT_GT(t, cpus[n].ipi_resched, ipis);
	}
}

static int idle_fn(void *arg)
{
	(void)arg;
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* Binding: not to a CPU that is not online, not once woken; unbound, a
 * thread runs where it was made. */
static void kthread_bind_rules(struct ktest *t)
{
	struct thread *th = kthread_create(idle_fn, NULL, "bindme");

	ASSERT_TRUE(t, th != NULL);
	EXPECT_EQ(t, th->cpu, smp_processor_id());
	EXPECT_FALSE(t, th->bound);
	EXPECT_EQ(t, kthread_bind(th, nr_cpus), -EINVAL);
	EXPECT_EQ(t, kthread_bind(th, MAX_CPUS), -EINVAL);
	EXPECT_PTR_EQ(t, kthread_create_on_cpu(idle_fn, NULL, nr_cpus, "x"),
		      NULL);
	wake_up_new_thread(th);
	EXPECT_EQ(t, kthread_bind(th, 0), -EBUSY);
	EXPECT_EQ(t, kthread_stop(th), 0);
}

/* Stopping threads on another CPU, over and over: kthread_stop must not
 * free a stack its CPU still runs on (it waits for off_cpu). */
static void kthread_stop_across_cpus(struct ktest *t)
{
	KTEST_SKIP_UNLESS_SMP(t);
	for (int i = 0; i < 200; i++) {
		struct thread *th = kthread_create_on_cpu(
			idle_fn, NULL, 1 + i % (nr_cpus - 1), "stopme");

		ASSERT_TRUE(t, th != NULL);
		wake_up_new_thread(th);
		if (i % 2)
			msleep(1);
		ASSERT_EQ(t, kthread_stop(th), 0);
	}
}

/* Each AP ticks on its own LAPIC timer; CPU 0 ticks on the PIT. */
static void every_ap_ticks(struct ktest *t)
{
	unsigned long before[MAX_CPUS];

	if (nr_cpus == 1)
		KTEST_SKIP(t, "no AP (-smp 1, nosmp or PIC mode)");
	for (unsigned int n = 1; n < nr_cpus; n++)
		before[n] = cpus[n].local_ticks;
	for (unsigned int n = 1; n < nr_cpus; n++)
		EXPECT_TRUE(
			t, KTEST_WAIT_FOR(cpus[n].local_ticks > before[n] + 1));
	EXPECT_EQ(t, cpus[0].local_ticks, 0);
}

static volatile int overflow_limit = 1 << 30; /* never reached */

static __attribute__((noinline)) int overflow_stack(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (depth >= overflow_limit)
		return 0;
	return overflow_stack(depth + 1) + pad[0]; /* no tail call */
}

static int overflow_fn(void *arg)
{
	(void)arg;
	return overflow_stack(0);
}

/* A stack overflow on every AP: each CPU has its own double-fault task
 * (its own TSS and stack), which reports it; only that thread dies. */
static void stack_overflow_on_every_ap_is_an_oops(struct ktest *t)
{
	unsigned long oopses = oops_count;

	if (nr_cpus == 1)
		KTEST_SKIP(t, "no AP (-smp 1, nosmp or PIC mode)");
	KTEST_EXPECT_REPORTS(t, "BUG: stack overflow: guard page hit",
			     (int)nr_cpus - 1);
	KTEST_EXPECT_REPORTS(t, "Oops: stack overflow in thread 'overflow'",
			     (int)nr_cpus - 1);
	for (unsigned int n = 1; n < nr_cpus; n++) {
		struct thread *th =
			kthread_create_on_cpu(overflow_fn, NULL, n, "overflow");
		int tid;

		ASSERT_TRUE(t, th != NULL);
		tid = th->tid;
		wake_up_new_thread(th);
		EXPECT_TRUE(t, KTEST_WAIT_FOR(!find_thread(tid)));
	}
	EXPECT_EQ(t, oops_count, oopses + nr_cpus - 1);
}

/* ksoftirqd/N for every CPU, bound to it. */
static void ksoftirqd_per_cpu(struct ktest *t)
{
	for (unsigned int n = 0; n < nr_cpus; n++) {
		const struct thread *k = softirq_ksoftirqd(n);
		char name[THREAD_NAME_LEN];

		ASSERT_TRUE(t, k != NULL);
		snprintf(name, sizeof(name), "ksoftirqd/%u", n);
		EXPECT_STREQ(t, k->name, name);
		EXPECT_EQ(t, k->cpu, n);
		EXPECT_TRUE(t, k->bound);
	}
}

KTEST_SUITE(smp, KTEST_CASE(listed_cpus_came_online),
	    KTEST_CASE(nosmp_keeps_aps_down),
	    KTEST_CASE(percpu_segment_is_own_slot),
	    KTEST_CASE(call_runs_on_target_cpu),
	    KTEST_CASE(call_misuse_refused),
	    KTEST_CASE(bound_thread_runs_on_its_cpu),
	    KTEST_CASE(kthread_bind_rules),
	    KTEST_CASE(kthread_stop_across_cpus), KTEST_CASE(every_ap_ticks),
	    KTEST_CASE(ksoftirqd_per_cpu),
	    KTEST_CASE(stack_overflow_on_every_ap_is_an_oops),
	    KTEST_CASE(trampoline_page_reserved),
	    KTEST_CASE(silent_cpu_reported_not_hung),
	    KTEST_CASE(spinlock_excludes_across_cpus),
	    KTEST_CASE(spinlock_irqsave_excludes_irqs_across_cpus));
