/*
 * user/kbdreset.c - a hostile keyboard driver: it holds IRQ 1 as userkbd
 * does, then tries to use the i8042's command port 0x64 for what else it
 * drives - the CPU's reset line (command 0xfe) and the A20 gate (0xd1,
 * 0xdd). The kernel mediates 0x64: ioperm refuses it, port_out refuses
 * those commands (and passes harmless ones), and a raw outb faults (#GP):
 * the process is killed and the machine keeps running.
 */
#include "user/lib/user.h"

#define KBD_IRQ		 1
#define KBD_CMD		 0x64
#define CMD_READ_CONFIG	 0x20 /* harmless: the keyboard interface's own */
#define CMD_WRITE_OUTPUT 0xd1 /* output port: A20 and reset */
#define CMD_A20_OFF	 0xdd
#define CMD_PULSE_RESET	 0xfe
#define KBD_DATA	 0x60

static void try(unsigned int cmd, const char *what)
{
	printf("kbdreset: port_out(0x64, 0x%02x) %s: %s\n", cmd, what,
	       strerror(port_out(KBD_CMD, cmd)));
}

int main(void)
{
	int h = irq_attach(KBD_IRQ, 0);

	if (h < 0) {
		printf("kbdreset: irq_attach(1): %s\n", strerror(h));
		return 2;
	}
	printf("kbdreset: ioperm(0x64): %s\n", strerror(ioperm(KBD_CMD, 1, 1)));
	try(CMD_PULSE_RESET, "(reset)");
	try(CMD_WRITE_OUTPUT, "(output port)");
	try(CMD_A20_OFF, "(A20 off)");
	try(CMD_READ_CONFIG, "(read config)");
	if (ioperm(KBD_DATA, 1, 1) == 0)
		printf("kbdreset: config byte 0x%02x\n", inb(KBD_DATA));
	printf("kbdreset: now a raw outb(0x64, 0xfe)\n");
	outb(KBD_CMD, CMD_PULSE_RESET);
	printf("kbdreset: still alive after a raw reset command (BUG)\n");
	return 1;
}
