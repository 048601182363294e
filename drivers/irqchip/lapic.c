/*
 * drivers/irqchip/lapic.c - see lapic.h. Intel SDM vol. 3A, chapter 10
 * "Advanced Programmable Interrupt Controller (APIC)".
 */
#include "drivers/irqchip/lapic.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/irq/irq.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/errno.h"

#define MSR_IA32_APIC_BASE    0x1b /* 10.4.4 "Local APIC Status and Location" */
#define APIC_BASE_BSP	      (1u << 8)	  /* this CPU is the bootstrap CPU */
#define APIC_BASE_ENABLE      (1u << 11)  /* APIC global enable */
#define APIC_BASE_ADDR_MASK   0xfffff000u /* bits 12-31 (12-35 on PAE) */

#define CPUID_FEATURES	      1		/* CPUID leaf 1: feature flags */
#define CPUID_EDX_APIC	      (1u << 9) /* on-chip APIC present */

#define SVR_SW_ENABLE	      (1u << 8) /* 10.4.3: APIC software enable */
#define VERSION_MASK	      0xff	/* 10.4.8: bits 0-7 */
#define VERSION_MAX_LVT_SHIFT 16	/* 10.4.8: bits 16-23 */
#define ID_SHIFT	      24	/* 10.4.6: bits 24-31 */

/* LVT entry bits (10.5.1, figure 10-8 "Local Vector Table"). */
#define LVT_MASKED	      (1u << 16)
#define LVT_LEVEL	      (1u << 15) /* trigger mode (LINT0/1 only) */
#define LVT_ACTIVE_LOW	      (1u << 13) /* pin polarity (LINT0/1 only) */
#define LVT_DM_FIXED	      (0u << 8)	 /* delivery mode, bits 8-10 */
#define LVT_DM_NMI	      (4u << 8)
#define LVT_DM_EXTINT	      (7u << 8)

/* An LVT entry exists if the max LVT entry index is at least this. */
#define LVT_PERF_MIN_MAX      4
#define LVT_THERMAL_MIN_MAX   5
#define LVT_CMCI_MIN_MAX      6

static volatile uint32_t *regs; /* NULL until lapic_init() */
static uint32_t base_phys;
static unsigned long spurious[MAX_CPUS];

uint32_t lapic_read(unsigned int reg)
{
	return regs[reg / sizeof(uint32_t)];
}

void lapic_write(unsigned int reg, uint32_t val)
{
	regs[reg / sizeof(uint32_t)] = val;
}

bool lapic_enabled(void)
{
	return regs != NULL;
}

uint32_t lapic_base(void)
{
	return base_phys;
}

void lapic_eoi(void)
{
	if (regs)
		lapic_write(LAPIC_EOI, 0);
}

/* The ISR is 256 bits in eight registers, 32 vectors each (10.8.4). */
bool lapic_in_service(unsigned int vector)
{
	if (!regs || vector > 255)
		return false;
	return lapic_read(LAPIC_ISR0 + 0x10 * (vector / 32)) &
	       (1u << (vector % 32));
}

unsigned long lapic_unexpected_eois;

void lapic_end_unexpected(unsigned int vector)
{
	if (!lapic_in_service(vector))
		return;
	lapic_unexpected_eois++;
	lapic_eoi();
}

unsigned int lapic_id(void)
{
	return regs ? lapic_read(LAPIC_ID) >> ID_SHIFT : 0;
}

unsigned int lapic_version(void)
{
	return regs ? lapic_read(LAPIC_VERSION) & VERSION_MASK : 0;
}

unsigned int lapic_nr_lvt(void)
{
	if (!regs)
		return 0;
	return ((lapic_read(LAPIC_VERSION) >> VERSION_MAX_LVT_SHIFT) & 0xff) +
	       1;
}

unsigned long lapic_spurious_count(void)
{
	unsigned long sum = 0;

	for (unsigned int c = 0; c < nr_cpus; c++)
		sum += spurious[c];
	return sum;
}

/* SPURIOUS_VECTOR: nothing is in service, so no EOI (10.9). */
static void lapic_spurious_handler(struct trap_frame *f)
{
	(void)f;
	spurious[smp_processor_id()]++;
	irq_note_spurious();
}

/* Mask what nobody handles yet; keep LINT1 as the NMI pin (edge, high,
 * as NMI delivery requires). LINT0 carries the 8259 as ExtINT on a PC;
 * with the 8259 masked nothing useful would come that way. */
static void lapic_setup_lvt(void)
{
	unsigned int max_lvt = lapic_nr_lvt() - 1;

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED | LVT_DM_EXTINT);
	lapic_write(LAPIC_LVT_LINT1, LVT_DM_NMI);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	if (max_lvt >= LVT_PERF_MIN_MAX)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= LVT_THERMAL_MIN_MAX)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	if (max_lvt >= LVT_CMCI_MIN_MAX)
		lapic_write(LAPIC_LVT_CMCI, LVT_MASKED);
}

/* Global enable in the MSR (with it clear, the registers do not
 * answer); returns where the MSR puts the registers. */
static uint32_t lapic_global_enable(void)
{
	uint64_t msr = rdmsr(MSR_IA32_APIC_BASE);

	if (!(msr & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APIC_BASE, msr | APIC_BASE_ENABLE);
	return (uint32_t)msr & APIC_BASE_ADDR_MASK;
}

/* The software part, the same on every CPU: LVT, TPR, SVR. */
static void lapic_program(void)
{
	lapic_setup_lvt();
	lapic_write(LAPIC_TPR, 0); /* accept every priority class */
	lapic_write(LAPIC_SVR, SVR_SW_ENABLE | SPURIOUS_VECTOR);
}

int lapic_init_ap(void)
{
	if (!regs || lapic_global_enable() != base_phys)
		return -ENODEV; /* moved registers: not supported */
	lapic_program(); /* the timer stays masked: no tick on an AP yet */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	return 0;
}

/* 10.6.1: the delivery status bit says the IPI is still being sent. On
 * QEMU it never stays set; the bound is for hardware that misbehaves. */
#define ICR_SEND_SPINS 100000

int lapic_send_ipi(unsigned int apic_id, uint32_t icr_low)
{
	unsigned long flags;
	int err = -ETIMEDOUT;

	if (!regs)
		return -ENODEV;
	flags = local_irq_save(); /* the two writes are one command */
	lapic_write(LAPIC_ICR_HIGH, apic_id << ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LOW, icr_low);
	for (int i = 0; i < ICR_SEND_SPINS; i++) {
		if (!(lapic_read(LAPIC_ICR_LOW) & ICR_SEND_PENDING)) {
			err = 0;
			break;
		}
		cpu_relax();
	}
	local_irq_restore(flags);
	return err;
}

int lapic_init(uint32_t madt_addr)
{
	if (!(cpuid_edx(CPUID_FEATURES) & CPUID_EDX_APIC)) {
		pr_warn("lapic: CPUID says this CPU has no local APIC\n");
		return -ENODEV;
	}

	base_phys = lapic_global_enable();
	if (madt_addr && madt_addr != base_phys)
		pr_warn("lapic: MADT says 0x%08lx, IA32_APIC_BASE says 0x%08lx; using the MSR\n",
			(unsigned long)madt_addr, (unsigned long)base_phys);
	regs = (volatile uint32_t *)(uintptr_t)base_phys;

	trap_set_handler(SPURIOUS_VECTOR, lapic_spurious_handler);
	lapic_program();

	/* The ESR latches errors; a write re-arms it, the read then holds
	 * anything from before (10.5.3: write before reading). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	if (lapic_read(LAPIC_ESR))
		pr_warn("lapic: error status 0x%lx at enable\n",
			(unsigned long)lapic_read(LAPIC_ESR));

	pr_info("lapic: ID %u, version 0x%x, %u LVT entries at 0x%08lx\n",
		lapic_id(), lapic_version(), lapic_nr_lvt(),
		(unsigned long)base_phys);
	return 0;
}
