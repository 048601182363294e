/*
 * kernel/main.c - kmain: bring the machine up, in an order where each step
 * only needs the ones before it.
 *
 *   1. segments and the IDT       any fault from now on is reported
 *   2. the serial ports           printk reaches the console
 *   3. the TSC, against the PIT   printk lines get real timestamps
 *   4. boot information, options  command line, memory map
 *   5. interrupt controller       8259 remapped, all lines masked
 *   6. timer tick                 IRQ0 at hz, jiffies
 *   7. scheduler                  kmain becomes CPU 0's idle thread
 *   8. the other CPUs             started; each joins in its idle thread
 *   9. interrupts on
 *  10. first threads              per-CPU threads, tests or the shell
 */
#include <stdint.h>

#include "boot/gdt.h"
#include "drivers/irqchip/irqchip.h"
#include "drivers/input/hotkey.h"
#include "drivers/input/i8042.h"
#include "drivers/misc/qemu_exit.h"
#include "drivers/net/e1000.h"
#include "drivers/pci/pci.h"
#include "drivers/timer/calibrate.h"
#include "drivers/timer/lapic_timer.h"
#include "drivers/timer/pit.h"
#include "drivers/tty/uart16550.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/backtrace.h"
#include "kernel/bh/demo.h"
#include "kernel/bh/softirq.h"
#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue.h"
#include "kernel/cmdline.h"
#include "kernel/irq/irq_work.h"
#include "kernel/irq/offload.h"
#include "kernel/mm/mm.h"
#include "kernel/multiboot.h"
#include "kernel/net/loopback.h"
#include "kernel/net/napi.h"
#include "kernel/net/netdev.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/printk.h"
#include "kernel/sched/hrtimer.h"
#include "kernel/sched/stats.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/sched/timer.h"
#include "kernel/shell/shell.h"
#include "kernel/smp/ipi.h"
#include "kernel/smp/smp.h"
#include "kernel/test/bench.h"
#include "kernel/test/ktest.h"

#define INTERLUDE_VERSION "0.1"

static void print_memory_map(void)
{
	for (unsigned int i = 0; i < mem_region_count(); i++) {
		const struct mem_region *r = mem_region(i);

		pr_info("mem: [%08llx-%08llx] %s\n", r->base,
			r->base + r->length - 1,
			r->type == MB_MEMORY_AVAILABLE ? "usable" : "reserved");
	}
	pr_info("mem: %llu KiB usable\n", mem_usable_bytes() / 1024);
}

static void print_uarts(void)
{
	for (int i = 0; i < UART_NR_PORTS; i++) {
		struct uart_port *p = &uart_ports[i];

		if (p->present)
			pr_info("serial: %s at I/O 0x%x (irq %u) is a 16550A\n",
				p->name, p->base, p->irq);
	}
}

static int shell_thread(void *arg)
{
	(void)arg;
	shell_main();
}

static int ktest_thread(void *arg)
{
	(void)arg;
	ktest_boot_run();
}

/* The first threads: the drivers' bottom halves, then tests or the shell. */
static void start_threads(void)
{
	ksoftirqd_start();
	workqueue_init();
	irq_start_threads(); /* irq/N-name for lines requested above */
	if (bench_boot_requested())
		kthread_run(bench_thread, NULL, "bench");
	else if (ktest_boot_requested())
		kthread_run(ktest_thread, NULL, "ktest");
	else
		kthread_run(shell_thread, NULL, "shell");
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
	int bad_loader;

	gdt_init();
	idt_init();
	uart_init_all();
	tsc_calibrate_begin(); /* a rough rate now, refined below */

	bad_loader = multiboot_init(magic, info);
	pr_info("Interlude %s: a teaching kernel for interrupts and deferred work\n",
		INTERLUDE_VERSION);
	if (bad_loader)
		panic("not started by a Multiboot loader (magic %08lx)",
		      (unsigned long)magic);
	pr_info("Booted by %s\n", multiboot_loader_name());
	cmdline_init(multiboot_cmdline());
	pr_info("tsc: about %lu MHz (a first estimate), %u symbols for backtraces\n",
		(unsigned long)tsc_khz / 1000, ksym_count());
	print_memory_map();
	print_uarts();
	mm_init();

	tasklets_init();
	timers_init();
	workqueue_init_early();
	bh_demos_init();
	netdev_init(); /* NET_TX */
	napi_init();   /* NET_RX */
	sched_stats_init();
	hrtimers_init();
	irqchip_init();
	irq_offload_init();
	lapic_timer_init(); /* APIC mode only: its calibration starts */
	if (pit_init(hz))
		panic("cannot attach the timer to IRQ0");
	uart_irq_init();
	uart_register_releasable();
	pci_init(); /* PCI BARs become device memory of their lines */
	if (!i8042_init()) {
		hotkey_init();
		i8042_register_releasable();
		hotkey_register_releasable();
	}
	loopback_init();
	e1000_init(); /* after pci_init: finds the NIC on the bus */
	sched_init();
	proc_init();
	lapic_timer_start(); /* else hrtimers use the tick */
	tsc_calibrate_refine();
	ipi_init();
	irq_work_init();
	smp_boot_aps(); /* the other CPUs join (kernel/smp/smp.h) */
	local_irq_enable();
	pr_info("Interrupts on; boot took %llu us\n", ktime_get_ns() / 1000);

	start_threads();
	sched_start_idle(); /* kmain's own context becomes the idle thread */
}
