/*
 * user/userkbd.c - the PS/2 keyboard, driven from ring 3: the same
 * pattern as userserial on a second device, to show it is general.
 *
 *   run userkbd [&]
 *
 * Attach IRQ 1 (the kernel's i8042 driver and the hotkey release it), get
 * the controller's data port (0x60) with ioperm, and read its status
 * port (0x64) through the kernel with port_in - 0x64 is also the command
 * port that resets the CPU, so no process gets it raw - then: wait, take
 * every byte the controller holds (status bit 0 says one is waiting;
 * reading port 0x60 frees the controller for the next), ack, and look
 * once more (see the loop for why: userserial solves the same problem by
 * toggling its device's interrupt enable instead). Key presses
 * are printed with their scancode (set 1, translated by the controller)
 * and, for letters and digits, the character. Esc ends the driver, which
 * prints its counts; the kernel then takes the keyboard back.
 */
#include "user/lib/user.h"

#define KBD_IRQ	   1
#define KBD_DATA   0x60
#define KBD_STATUS 0x64
#define STATUS_OBF 0x01 /* output buffer full: a byte waits at 0x60 */
#define STATUS_AUX 0x20 /* ...and it came from the mouse port */
#define SC_RELEASE 0x80 /* set 1: break code = make code | 0x80 */
#define SC_ESC	   0x01

/* Set 1 make codes 0x02-0x32 for digits and letters (US layout). */
static const char keymap[0x33] = {
	[0x02] = '1', [0x03] = '2', [0x04] = '3', [0x05] = '4', [0x06] = '5',
	[0x07] = '6', [0x08] = '7', [0x09] = '8', [0x0a] = '9', [0x0b] = '0',
	[0x10] = 'q', [0x11] = 'w', [0x12] = 'e', [0x13] = 'r', [0x14] = 't',
	[0x15] = 'y', [0x16] = 'u', [0x17] = 'i', [0x18] = 'o', [0x19] = 'p',
	[0x1e] = 'a', [0x1f] = 's', [0x20] = 'd', [0x21] = 'f', [0x22] = 'g',
	[0x23] = 'h', [0x24] = 'j', [0x25] = 'k', [0x26] = 'l', [0x2c] = 'z',
	[0x2d] = 'x', [0x2e] = 'c', [0x2f] = 'v', [0x30] = 'b', [0x31] = 'n',
	[0x32] = 'm',
};

struct stats {
	unsigned long events, bytes, presses;
};

/* One byte from the controller; returns 1 when it was Esc. */
static int handle_byte(struct stats *s, uint8_t sc)
{
	uint8_t make = sc & ~SC_RELEASE;

	s->bytes++;
	if (sc & SC_RELEASE)
		return 0;
	s->presses++;
	if (make < sizeof(keymap) && keymap[make])
		printf("userkbd: key 0x%02x '%c'\n", make, keymap[make]);
	else
		printf("userkbd: key 0x%02x\n", make);
	return make == SC_ESC;
}

/* Every byte the controller holds now; returns 1 once Esc was seen. */
static int drain(struct stats *s)
{
	uint8_t st;
	int done = 0;

	while (!done && ((st = (uint8_t)port_in(KBD_STATUS)) & STATUS_OBF)) {
		uint8_t byte = inb(KBD_DATA);

		if (!(st & STATUS_AUX))
			done = handle_byte(s, byte);
	}
	return done;
}

int main(void)
{
	struct stats s = { 0, 0, 0 };
	int h = irq_attach(KBD_IRQ, 0), done = 0;

	/* 0x64 is mediated (it also resets the machine): port_in reads it */
	if (h < 0 || ioperm(KBD_DATA, 1, 1) < 0 || port_in(KBD_STATUS) < 0) {
		printf("userkbd: cannot get irq 1 and ports 0x60/0x64: %s\n",
		       strerror(h < 0 ? h : -EPERM));
		return 1;
	}
	printf("userkbd: the keyboard is mine (irq 1, handle %d); Esc ends\n",
	       h);
	while (!done) {
		long n = irq_wait(h, 0);

		if (n < 0)
			break;
		s.events = (unsigned long)n;
		done = drain(&s);
		irq_ack(h);
		/* A byte that came after the drain, while the line was
		 * masked, raised it unseen (an edge lost): take it now,
		 * which lowers the line so the next byte makes a new edge. */
		if (!done)
			done = drain(&s);
	}
	printf("userkbd: %lu events, %lu bytes, %lu key presses\n", s.events,
	       s.bytes, s.presses);
	return 0;
}
