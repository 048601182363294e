/*
 * drivers/input/scancode.h - turn PC keyboard scancodes (set 1) into key
 * events: which key, pressed or released, and the character it types.
 *
 * Set 1 is what the i8042 controller hands over when it translates (its
 * default): one byte per key press (the "make" code), the same byte with
 * bit 7 set on release (the "break" code), and a 0xe0 prefix byte in front
 * of the keys the original PC keyboard did not have (arrows, right Ctrl...).
 *
 * The decoder is pure: all it knows lives in a struct kbd_state (modifier
 * keys, a pending 0xe0), so the driver and the hotkey handler each keep
 * their own, and host tests can drive it.
 *
 * Context: any; does not sleep.
 */
#ifndef DRIVERS_INPUT_SCANCODE_H
#define DRIVERS_INPUT_SCANCODE_H

#include <stdbool.h>
#include <stdint.h>

#define SC_EXTENDED  0x80 /* key_event.code: was prefixed by 0xe0 */
#define SC_PREFIX_E0 0xe0
#define SC_RELEASE   0x80 /* in a scancode byte: a break code */

/* A few make codes that code names */
#define SC_CTRL	     0x1d
#define SC_LSHIFT    0x2a
#define SC_RSHIFT    0x36
#define SC_ALT	     0x38
#define SC_CAPSLOCK  0x3a
#define SC_I	     0x17

struct kbd_state {
	bool e0; /* the previous byte was 0xe0 */
	bool lshift, rshift, ctrl, alt, capslock;
};

struct key_event {
	uint8_t code; /* make code, | SC_EXTENDED after 0xe0 */
	bool pressed;
	char ascii; /* the character typed, 0 if none */
};

/* Feed one byte; true if it completed a key event (written to *ev). */
bool scancode_decode(struct kbd_state *st, uint8_t byte, struct key_event *ev);
/* "a", "A", "Enter", "Up", "F5"...; buf holds one-character names. */
const char *key_name(const struct key_event *ev, char buf[2]);

#endif
