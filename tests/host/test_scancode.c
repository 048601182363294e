/*
 * test_scancode.c - the set-1 decoder: make/break codes, 0xe0 prefixes,
 * Shift, Caps Lock, Ctrl, and key names.
 */
#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "drivers/input/scancode.h"

/* Feed bytes; return the last event (and how many events there were). */
static int feed(struct kbd_state *st, const unsigned char *bytes, int n,
		struct key_event *last)
{
	int events = 0;

	for (int i = 0; i < n; i++)
		if (scancode_decode(st, bytes[i], last))
			events++;
	return events;
}

static void make_and_break(void)
{
	struct kbd_state st = { 0 };
	struct key_event ev;

	CHECK(scancode_decode(&st, 0x1e, &ev)); /* 'a' pressed */
	CHECK(ev.pressed);
	CHECK_EQ(ev.ascii, 'a');
	CHECK(scancode_decode(&st, 0x9e, &ev)); /* 'a' released */
	CHECK(!ev.pressed);
	CHECK_EQ(ev.code, 0x1e);
}

static void shift_and_capslock(void)
{
	struct kbd_state st = { 0 };
	struct key_event ev;
	const unsigned char shift_a[] = { 0x2a, 0x1e };
	const unsigned char release_shift_caps_a[] = { 0xaa, 0x3a, 0xba, 0x1e };
	const unsigned char shift_1[] = { 0x2a, 0x02 };

	CHECK_EQ(feed(&st, shift_a, 2, &ev), 2);
	CHECK_EQ(ev.ascii, 'A');
	feed(&st, release_shift_caps_a, 4, &ev);
	CHECK(st.capslock);
	CHECK_EQ(ev.ascii, 'A'); /* caps lock: upper case letters */
	CHECK_EQ(feed(&st, shift_1, 2, &ev), 2);
	CHECK_EQ(ev.ascii, '!'); /* caps does not touch digits */
}

static void extended_keys(void)
{
	struct kbd_state st = { 0 };
	struct key_event ev;
	char buf[2];

	CHECK(!scancode_decode(&st, 0xe0, &ev)); /* prefix alone: no event */
	CHECK(scancode_decode(&st, 0x48, &ev));
	CHECK_EQ(ev.code, 0x48 | SC_EXTENDED);
	CHECK_EQ(ev.ascii, 0);
	CHECK_STR(key_name(&ev, buf), "Up");
	CHECK(scancode_decode(&st, 0x48, &ev)); /* no prefix: keypad 8 */
	CHECK_EQ(ev.code, 0x48);
}

static void ctrl_makes_control_codes(void)
{
	struct kbd_state st = { 0 };
	struct key_event ev;
	const unsigned char ctrl_c[] = { 0x1d, 0x2e };

	feed(&st, ctrl_c, 2, &ev);
	CHECK(st.ctrl);
	CHECK_EQ(ev.ascii, 3);
}

static void names(void)
{
	struct kbd_state st = { 0 };
	struct key_event ev;
	char buf[2];

	scancode_decode(&st, 0x1c, &ev);
	CHECK_STR(key_name(&ev, buf), "Enter");
	scancode_decode(&st, 0x44, &ev);
	CHECK_STR(key_name(&ev, buf), "F10");
	scancode_decode(&st, 0x10, &ev);
	CHECK_STR(key_name(&ev, buf), "q");
	scancode_decode(&st, 0x39, &ev);
	CHECK_STR(key_name(&ev, buf), "Space");
}

static const struct test_case cases[] = {
	TEST_CASE(make_and_break), TEST_CASE(shift_and_capslock),
	TEST_CASE(extended_keys),  TEST_CASE(ctrl_makes_control_codes),
	TEST_CASE(names),
};

int main(void)
{
	return RUN_TESTS(cases);
}
