/* drivers/misc/qemu_exit.c - see qemu_exit.h. */
#include "drivers/misc/qemu_exit.h"

#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"
#include "kernel/console.h"
#include "kernel/printk.h"

/* ACPI PM1a control: writing SLP_TYP=5 | SLP_EN powers off. The port is
 * set by the firmware; these are where QEMU's machines put it. */
#define ACPI_PM1A_CNT_Q35   0x604  /* QEMU pc/q35 with SeaBIOS */
#define ACPI_PM1A_CNT_BOCHS 0xb004 /* older Bochs/QEMU */
#define ACPI_SLP_S5	    0x2000

#define I8042_STATUS	    0x64
#define I8042_STATUS_INFULL 0x02 /* controller still busy with input */
#define I8042_CMD_RESET	    0xfe /* pulse the CPU reset line */

void qemu_exit(int code)
{
	local_irq_disable();
	console_flush(); /* the last lines are often the test results */
	outb(QEMU_EXIT_PORT, (uint8_t)code);
	machine_poweroff(); /* reached only without isa-debug-exit */
}

void machine_poweroff(void)
{
	local_irq_disable();
	console_flush();
	outw(ACPI_PM1A_CNT_Q35, ACPI_SLP_S5);
	outw(ACPI_PM1A_CNT_BOCHS, ACPI_SLP_S5);
	printk(KERN_EMERG "poweroff: no power-off port answered; halting\n");
	console_flush();
	halt_forever();
}

void machine_reboot(void)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	local_irq_disable();
	console_flush();
	for (int i = 0; i < 100000 && (inb(I8042_STATUS) & I8042_STATUS_INFULL);
	     i++)
		cpu_relax();
	outb(I8042_STATUS, I8042_CMD_RESET);
	/* Still here: an empty IDT turns the next interrupt into a triple
	 * fault, which resets the CPU. */
	asm volatile("lidt (%0); int3" : : "r"(&no_idt));
	halt_forever();
}
