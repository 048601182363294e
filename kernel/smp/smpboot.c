/*
 * kernel/smp/smpboot.c - start the application processors, then let them
 * join the scheduler (see smp.h; the start-up sequence is the Intel
 * SDM's, vol. 3A, 8.4.4).
 */
#include "kernel/smp/smp.h"

#include "boot/gdt.h"
#include "drivers/acpi/acpi.h"
#include "drivers/acpi/madt.h"
#include "drivers/irqchip/irqchip.h"
#include "drivers/irqchip/lapic.h"
#include "drivers/timer/lapic_timer.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/cmdline.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/paging.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/smp/ipi.h"
#include "lib/errno.h"
#include "lib/string.h"

#define FALLBACK_TSC_KHZ 1000000 /* if the calibration failed: 1 GHz */

/* What the AP reads in smp_ap_entry32, before paging (trampoline.S). */
volatile uint32_t smp_boot_cr3, smp_boot_cr0, smp_boot_esp;

extern const char smp_trampoline_start[], smp_trampoline_end[];
extern const char smp_tramp_gdtr[];

struct tramp_gdtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static bool nosmp;
static unsigned int listed;
static struct kstack ap_stacks[MAX_CPUS];
static volatile bool ap_announced[MAX_CPUS];

static int nosmp_param(const char *val)
{
	(void)val;
	nosmp = true;
	return 0;
}
KERNEL_PARAM(nosmp, nosmp_param, "keep the other CPUs down (CPU 0 only)");

bool smp_nosmp(void)
{
	return nosmp;
}

unsigned int smp_cpus_listed(void)
{
	return listed;
}

bool cpu_online(unsigned int cpu)
{
	return cpu < MAX_CPUS &&
	       (cpus[cpu].state == CPU_BOOT || cpus[cpu].state == CPU_ONLINE);
}

unsigned int smp_cpus_online(void)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		n += cpu_online(c);
	return n;
}

const char *cpu_state_name(int state)
{
	switch (state) {
	case CPU_BOOT:
		return "boot CPU";
	case CPU_DOWN:
		return "down";
	case CPU_STARTING:
		return "starting";
	case CPU_PARKED:
		return "parked";
	case CPU_ONLINE:
		return "online";
	case CPU_NO_ANSWER:
		return "no answer";
	default:
		return "absent";
	}
}

static uint32_t read_cr0(void)
{
	uint32_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/* Have us microseconds passed since the TSC read start? (Boot: the
 * calibrated rate, or a guess if the calibration failed.) */
static bool tsc_passed_us(uint64_t start, unsigned int us)
{
	uint64_t khz = tsc_khz ? tsc_khz : FALLBACK_TSC_KHZ;

	return rdtsc() - start >= us * khz / 1000;
}

/* Busy-wait on the TSC (IRQs may be off: boot). */
static void tsc_wait_us(unsigned int us)
{
	uint64_t start = rdtsc();

	while (!tsc_passed_us(start, us))
		cpu_relax();
}

/* ---- the application processor's side ---------------------------------- */

/* Parked: wake on any interrupt and run the function the boot CPU left,
 * the join (ap_join), which does not return. IRQs are off while it
 * looks, and "sti; hlt" cannot miss an IPI sent after the look. */
static __attribute__((noreturn)) void park_loop(struct cpu *c)
{
	for (;;) {
		void (*fn)(void *) =
			__atomic_load_n(&c->park_fn, __ATOMIC_ACQUIRE);

		if (fn)
			fn(c->park_arg);
		safe_halt();
		local_irq_disable();
	}
}

/* From trampoline.S, on the AP's own stack, IRQs off, paging on. */
void smp_ap_main(void);
void smp_ap_main(void)
{
	struct cpu *c = this_cpu();
	int expected = CPU_STARTING;

	gdt_load_task_register();
	idt_load();
	c->seen_self = this_cpu();
	c->seen_id = smp_processor_id();
	if (lapic_init_ap())
		halt_forever(); /* never answers: the boot CPU says so */
	c->seen_apic_id = lapic_id();
	/* Too late (the boot CPU gave up on us): stay out of everything. */
	if (!__atomic_compare_exchange_n(&c->state, &expected, CPU_PARKED,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		halt_forever();
	/* IRQs are off: printk's console path polls the UART. */
	pr_info("smp: CPU %u (APIC ID %u) up\n", smp_processor_id(),
		c->seen_apic_id);
	ap_announced[c->id] = true;
	park_loop(c);
}

/* ---- the boot CPU's side ------------------------------------------------ */

static void smp_wake_handler(struct trap_frame *f)
{
	(void)f;
	lapic_eoi(); /* the parked loop does the rest after hlt */
}

/* The trampoline at TRAMPOLINE_PHYS, with cpu's GDT in its lgdt. */
static void trampoline_install(unsigned int cpu, uint32_t esp0)
{
	char *page = (char *)TRAMPOLINE_PHYS;
	struct tramp_gdtr g;
	uint16_t limit;
	uint32_t base;

	memcpy(page, smp_trampoline_start,
	       smp_trampoline_end - smp_trampoline_start);
	gdt_prepare_ap(cpu, esp0, &limit, &base);
	g.limit = limit;
	g.base = base;
	memcpy(page + (smp_tramp_gdtr - smp_trampoline_start), &g, sizeof(g));
}

/* SDM 8.4.4: INIT, 10 ms, STARTUP, 200 us, STARTUP, 200 us. */
static int send_init_sipi_sipi(unsigned int apic_id)
{
	uint32_t sipi =
		ICR_DM_STARTUP | ICR_LEVEL_ASSERT | (TRAMPOLINE_PHYS >> 12);
	int err = lapic_send_ipi(apic_id, ICR_DM_INIT | ICR_LEVEL_ASSERT);

	tsc_wait_us(SMP_INIT_WAIT_US);
	for (int i = 0; i < 2 && !err; i++) {
		err = lapic_send_ipi(apic_id, sipi);
		tsc_wait_us(SMP_SIPI_WAIT_US);
	}
	return err;
}

/* Until the AP leaves CPU_STARTING and has printed its line, or the
 * bound passes; then claim the slot as CPU_NO_ANSWER if still starting. */
static bool wait_for_answer(struct cpu *c, unsigned int answer_us)
{
	uint64_t start = rdtsc();
	int expected = CPU_STARTING;

	while (!tsc_passed_us(start, answer_us)) {
		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) ==
			    CPU_PARKED &&
		    ap_announced[c->id])
			return true;
		cpu_relax();
	}
	if (__atomic_compare_exchange_n(&c->state, &expected, CPU_NO_ANSWER,
					false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return false;
	return c->state == CPU_PARKED; /* answered at the last moment */
}

static int prepare_slot(unsigned int cpu, unsigned int apic_id)
{
	struct cpu *c = &cpus[cpu];

	if (cpu == 0 || cpu >= MAX_CPUS)
		return -EINVAL;
	if (c->state != CPU_ABSENT && c->state != CPU_NO_ANSWER &&
	    c->state != CPU_DOWN)
		return -EBUSY;
	if (!lapic_enabled())
		return -ENODEV;
	/* Kept after a CPU that did not answer: it may still come. */
	if (!ap_stacks[cpu].pages &&
	    kstack_alloc(&ap_stacks[cpu], KSTACK_PAGES_DEFAULT))
		return -ENOMEM;
	c->apic_id = apic_id;
	c->seen_self = NULL;
	c->seen_id = ~0u;
	c->seen_apic_id = ~0u;
	c->park_fn = NULL;
	ap_announced[cpu] = false;
	return 0;
}

int smp_start_cpu(unsigned int cpu, unsigned int apic_id,
		  unsigned int answer_us)
{
	int err = prepare_slot(cpu, apic_id);

	if (err)
		return err;
	trap_set_handler(SMP_WAKE_VECTOR, smp_wake_handler);
	trampoline_install(cpu, ap_stacks[cpu].top);
	smp_boot_cr3 = kernel_page_directory();
	smp_boot_cr0 = read_cr0();
	smp_boot_esp = ap_stacks[cpu].top;
	__atomic_store_n(&cpus[cpu].state, CPU_STARTING, __ATOMIC_RELEASE);
	err = send_init_sipi_sipi(apic_id);
	if (err || !wait_for_answer(&cpus[cpu], answer_us)) {
		cpus[cpu].state = CPU_NO_ANSWER;
		pr_warn("smp: CPU %u (APIC ID %u) did not answer INIT-SIPI-SIPI within %u ms%s; left down\n",
			cpu, apic_id, answer_us / 1000,
			err ? " (the IPI was not sent)" : "");
		return -ETIMEDOUT;
	}
	return 0;
}

/* Have parked CPU cpu run fn(arg) from its parked loop, IRQs off there:
 * an IPI on SMP_WAKE_VECTOR wakes it. */
static int kick_parked(unsigned int cpu, void (*fn)(void *arg), void *arg)
{
	struct cpu *c = &cpus[cpu];

	if (cpu >= MAX_CPUS || c->state != CPU_PARKED || c->park_fn)
		return -ENODEV;
	c->park_arg = arg;
	__atomic_store_n(&c->park_fn, fn, __ATOMIC_RELEASE);
	if (lapic_send_ipi(c->apic_id,
			   ICR_DM_FIXED | ICR_LEVEL_ASSERT | SMP_WAKE_VECTOR))
		return -ETIMEDOUT;
	return 0;
}

/* ---- joining the scheduler ---------------------------------------------- */

/* On the AP, from its parked loop (IRQs off): its tick, then it is
 * online and its start-up context becomes its idle thread. */
static void __attribute__((noreturn)) ap_join(void *arg)
{
	struct cpu *c = this_cpu();

	(void)arg;
	lapic_timer_start_tick();
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
	sched_start_idle();
}

/* Slots 1, 2, ... join while they are parked and consecutive: nr_cpus
 * counts slots 0 .. nr_cpus-1, all online. A CPU after a gap (one that
 * did not answer) stays parked, and the log says so. */
static void online_parked_cpus(void)
{
	for (unsigned int n = 1; n < listed; n++) {
		struct cpu *c = &cpus[n];
		uint64_t start;

		if (c->state != CPU_PARKED)
			continue;
		if (n != nr_cpus) {
			pr_warn("smp: CPU %u stays parked: CPU %u before it is not online\n",
				n, nr_cpus);
			continue;
		}
		sched_init_cpu(n, ap_stacks[n].base, ap_stacks[n].top);
		start = rdtsc();
		if (kick_parked(n, ap_join, NULL))
			continue;
		while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) !=
			       CPU_ONLINE &&
		       !tsc_passed_us(start, SMP_ANSWER_WAIT_US))
			cpu_relax();
		if (c->state != CPU_ONLINE) {
			pr_warn("smp: CPU %u did not join within %u ms; it stays parked\n",
				n, SMP_ANSWER_WAIT_US / 1000);
			continue;
		}
		nr_cpus = n + 1;
	}
}

/* Slot 0 is the CPU we run on; the other listed CPUs get 1, 2, ... in
 * MADT order, CPU_DOWN until started. */
static void assign_slots(const struct madt_info *mi)
{
	unsigned int me = lapic_id(), next = 1;

	for (unsigned int i = 0; i < mi->nr_cpus; i++) {
		if (mi->cpus[i].apic_id == me)
			continue;
		if (next == MAX_CPUS) {
			pr_warn("smp: more than %d CPUs listed; the rest stay down\n",
				MAX_CPUS);
			break;
		}
		cpus[next].apic_id = mi->cpus[i].apic_id;
		cpus[next].state = CPU_DOWN;
		next++;
	}
	listed = next;
}

void smp_boot_aps(void)
{
	const struct madt_info *mi = acpi_madt();

	cpus[0].state = CPU_BOOT;
	cpus[0].apic_id = lapic_id(); /* 0 in PIC mode */
	cpus[0].seen_self = this_cpu();
	cpus[0].seen_id = smp_processor_id();
	cpus[0].seen_apic_id = cpus[0].apic_id;
	listed = 1;
	if (mi)
		assign_slots(mi);
	if (listed == 1)
		return; /* -smp 1: nothing to say, nothing changes */
	if (!lapic_enabled()) {
		pr_info("smp: PIC mode, no local APIC to start CPUs with: %u CPUs listed, staying on CPU 0\n",
			listed);
		return;
	}
	if (nosmp) {
		pr_info("smp: nosmp: %u CPUs listed, staying on CPU 0\n",
			listed);
		return;
	}
	for (unsigned int c = 1; c < listed; c++)
		smp_start_cpu(c, cpus[c].apic_id, SMP_ANSWER_WAIT_US);
	online_parked_cpus();
	pr_info("smp: %u of %u listed CPUs online; each runs its own threads and bottom halves\n",
		smp_cpus_online(), listed);
}
