/* drivers/input/scancode.c - see scancode.h. US layout. */
#include "drivers/input/scancode.h"

#include <stddef.h>

#define KEYMAP_SIZE 0x3a

/* Characters by make code, without and with Shift; 0 = not a character. */
static const char keymap[KEYMAP_SIZE] = {
	0,   27,  '1',	'2',  '3',  '4', '5', '6',  '7', '8', '9', '0',
	'-', '=', '\b', '\t', 'q',  'w', 'e', 'r',  't', 'y', 'u', 'i',
	'o', 'p', '[',	']',  '\n', 0,	 'a', 's',  'd', 'f', 'g', 'h',
	'j', 'k', 'l',	';',  '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm',	',',  '.',  '/', 0,   '*',  0,	 ' ',
};

static const char keymap_shift[KEYMAP_SIZE] = {
	0,   27,  '!',	'@',  '#',  '$', '%', '^', '&', '*', '(', ')',
	'_', '+', '\b', '\t', 'Q',  'W', 'E', 'R', 'T', 'Y', 'U', 'I',
	'O', 'P', '{',	'}',  '\n', 0,	 'A', 'S', 'D', 'F', 'G', 'H',
	'J', 'K', 'L',	':',  '"',  '~', 0,   '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M',	'<',  '>',  '?', 0,   '*', 0,	' ',
};

static bool is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Modifier keys change the state; returns true if code was one. */
static bool track_modifier(struct kbd_state *st, uint8_t code, bool pressed)
{
	switch (code & ~SC_EXTENDED) {
	case SC_LSHIFT:
		st->lshift = pressed;
		return true;
	case SC_RSHIFT:
		st->rshift = pressed;
		return true;
	case SC_CTRL:
		st->ctrl = pressed;
		return true;
	case SC_ALT:
		st->alt = pressed;
		return true;
	case SC_CAPSLOCK:
		if (pressed)
			st->capslock = !st->capslock;
		return true;
	}
	return false;
}

static char key_ascii(const struct kbd_state *st, uint8_t code)
{
	bool shift = st->lshift || st->rshift;
	char c;

	if (code >= KEYMAP_SIZE) /* extended keys, F-keys: no character */
		return 0;
	c = keymap[code];
	if (is_letter(c) && st->capslock)
		shift = !shift;
	c = shift ? keymap_shift[code] : c;
	if (st->ctrl && is_letter(keymap[code]))
		c = keymap[code] & 0x1f; /* Ctrl-A = 1 ... Ctrl-Z = 26 */
	return c;
}

bool scancode_decode(struct kbd_state *st, uint8_t byte, struct key_event *ev)
{
	if (byte == SC_PREFIX_E0) {
		st->e0 = true;
		return false;
	}
	ev->code = (byte & ~SC_RELEASE) | (st->e0 ? SC_EXTENDED : 0);
	ev->pressed = !(byte & SC_RELEASE);
	st->e0 = false;
	if (track_modifier(st, ev->code, ev->pressed) ||
	    (ev->code & SC_EXTENDED))
		ev->ascii = 0;
	else
		ev->ascii = key_ascii(st, ev->code);
	return true;
}

/* Keys that type no printable character, by code. */
static const struct {
	uint8_t code;
	const char *name;
} special_keys[] = {
	{ 0x01, "Esc" },
	{ 0x0e, "Backspace" },
	{ 0x0f, "Tab" },
	{ 0x1c, "Enter" },
	{ 0x1c | SC_EXTENDED, "Enter" }, /* keypad */
	{ 0x39, "Space" },
	{ SC_CTRL, "Ctrl" },
	{ SC_CTRL | SC_EXTENDED, "Ctrl" },
	{ SC_LSHIFT, "Shift" },
	{ SC_RSHIFT, "Shift" },
	{ SC_ALT, "Alt" },
	{ SC_ALT | SC_EXTENDED, "Alt" },
	{ SC_CAPSLOCK, "CapsLock" },
	{ 0x3b, "F1" },
	{ 0x3c, "F2" },
	{ 0x3d, "F3" },
	{ 0x3e, "F4" },
	{ 0x3f, "F5" },
	{ 0x40, "F6" },
	{ 0x41, "F7" },
	{ 0x42, "F8" },
	{ 0x43, "F9" },
	{ 0x44, "F10" },
	{ 0x57, "F11" },
	{ 0x58, "F12" },
	{ 0x48 | SC_EXTENDED, "Up" },
	{ 0x50 | SC_EXTENDED, "Down" },
	{ 0x4b | SC_EXTENDED, "Left" },
	{ 0x4d | SC_EXTENDED, "Right" },
	{ 0x53 | SC_EXTENDED, "Delete" },
};

static const char *special_name(uint8_t code)
{
	for (size_t i = 0; i < sizeof(special_keys) / sizeof(special_keys[0]);
	     i++)
		if (special_keys[i].code == code)
			return special_keys[i].name;
	return NULL;
}

const char *key_name(const struct key_event *ev, char buf[2])
{
	const char *name = special_name(ev->code);

	if (name)
		return name;
	if (ev->ascii > ' ' && ev->ascii < 0x7f) {
		buf[0] = ev->ascii;
		buf[1] = '\0';
		return buf;
	}
	return "?";
}
