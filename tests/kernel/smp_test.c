/*
 * tests/kernel/smp_test.c - SMP phase 1: the application processors came
 * up, each with its own per-CPU segment, parked; nosmp keeps them down; a
 * CPU that never answers is reported, not waited for forever; spinlocks
 * exclude across CPUs.
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
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
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
		EXPECT_EQ(t, cpus[n].state, CPU_PARKED);
	EXPECT_EQ(t, nr_cpus, 1); /* phase 1: only CPU 0 schedules */
	if (madt_cpus() > 1)
		EXPECT_TRUE(t, klog_contains("CPUs up"));
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

		if (c->state != CPU_BOOT && c->state != CPU_PARKED)
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
	bool irqs_off;
};

static void probe_fn(void *arg)
{
	struct probe *p = arg;

	p->self = this_cpu();
	p->id = smp_processor_id();
	p->irqs_off = irqs_disabled();
}

/* Now, not just at bring-up: an IPI wakes each parked AP (its wakeups
 * count it), which runs a probe that reads this_cpu() there. */
static void parked_ap_wakes_and_sees_itself(struct ktest *t)
{
	unsigned int probed = 0;

	SKIP_UNLESS_APIC(t);
	for (unsigned int n = 1; n < MAX_CPUS; n++) {
		struct probe p = { NULL, ~0u, false };
		unsigned long before = cpus[n].idle_wakeups;

		if (cpus[n].state != CPU_PARKED)
			continue;
		ASSERT_EQ(t, smp_run_on_parked(n, probe_fn, &p, RUN_TIMEOUT_MS),
			  0);
		EXPECT_PTR_EQ(t, p.self, &cpus[n]);
		EXPECT_EQ(t, p.id, n);
		EXPECT_TRUE(t, p.irqs_off);
		EXPECT_GT(t, cpus[n].idle_wakeups, before);
		probed++;
	}
	if (!probed && (madt_cpus() == 1 || smp_nosmp()))
		KTEST_SKIP(t, "no parked CPU (-smp 1 or nosmp)");
	EXPECT_EQ(t, probed, madt_cpus() - 1);
	EXPECT_EQ(t, smp_run_on_parked(0, probe_fn, NULL, 1), -ENODEV);
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

static void torture_ap(void *arg)
{
	(void)arg;
	while (!torture_go)
		cpu_relax();
	torture_rounds();
}

/* CPU 0 and CPU 1 increment one counter under one spinlock at the same
 * time: no increment may be lost. */
static void spinlock_excludes_across_cpus(struct ktest *t)
{
	uint64_t t0;

	SKIP_UNLESS_APIC(t);
	if (madt_cpus() == 1 || smp_nosmp())
		KTEST_SKIP(t, "needs a second CPU (-smp 1 or nosmp)");
	ASSERT_EQ(t, cpus[1].state, CPU_PARKED);
	torture_count = 0;
	torture_go = false;
	ASSERT_EQ(t, smp_kick_parked(1, torture_ap, NULL), 0);
	t0 = ktime_get_ns();
	torture_go = true;
	torture_rounds();
	EXPECT_TRUE(t, KTEST_WAIT_FOR(!smp_parked_busy(1)));
	EXPECT_EQ(t, torture_count, 2ul * LOCK_ROUNDS);
	EXPECT_PTR_EQ(t, torture_lock.owner, NULL);
	pr_info("smp_test: %d locked increments on each of CPU 0 and 1 in %lu ms\n",
		LOCK_ROUNDS, (unsigned long)((ktime_get_ns() - t0) / 1000000));
}

KTEST_SUITE(smp, KTEST_CASE(listed_cpus_came_online),
	    KTEST_CASE(nosmp_keeps_aps_down),
	    KTEST_CASE(percpu_segment_is_own_slot),
	    KTEST_CASE(parked_ap_wakes_and_sees_itself),
	    KTEST_CASE(trampoline_page_reserved),
	    KTEST_CASE(silent_cpu_reported_not_hung),
	    KTEST_CASE(spinlock_excludes_across_cpus));
