/*
 * test_clockcal.c - lib/clockcal: PIT tick counts across wraps, rates in
 * kHz, and the uncertainty of a window.
 */
#include <stdint.h>

#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/clockcal.h"

/* Within one wrap the 16-bit difference is the answer, whatever the
 * estimate says (0 = "no estimate"). */
static void ticks_within_one_wrap(void)
{
	CHECK_EQ(pit_ticks_between(0xffff, 0xffff, 0), 0);
	CHECK_EQ(pit_ticks_between(0xffff, 0x0000, 0), 0xffff);
	CHECK_EQ(pit_ticks_between(1000, 400, 0), 600);
	CHECK_EQ(pit_ticks_between(10, 0xfff0, 0), 26);	  /* wrapped once */
	CHECK_EQ(pit_ticks_between(1000, 400, 700), 600); /* near: kept */
}

/* The estimate picks the number of whole wraps: a window of 3 wraps plus
 * 600 ticks, estimated 1% off either way, is found exactly. */
static void ticks_across_wraps(void)
{
	uint64_t truth = 3 * 65536ull + 600;

	CHECK_EQ(pit_ticks_between(1000, 400, truth), truth);
	CHECK_EQ(pit_ticks_between(1000, 400, truth * 99 / 100), truth);
	CHECK_EQ(pit_ticks_between(1000, 400, truth * 101 / 100), truth);
	/* an estimate a third of a wrap short still rounds to the right one */
	CHECK_EQ(pit_ticks_between(1000, 400, truth - 20000), truth);
}

static void ticks_from_cycles(void)
{
	/* 10 ms at 1 GHz is 11931.82 PIT ticks */
	CHECK_EQ(pit_ticks_in(10000000, 1000000), 11931);
	/* 1 s at 2.753724 GHz: one second of ticks */
	CHECK_EQ(pit_ticks_in(2753724000ull, 2753724), PIT_INPUT_HZ);
	CHECK_EQ(pit_ticks_in(12345, 0), 0); /* no rate yet: no estimate */
	/* an hour at 4 GHz does not overflow */
	CHECK_EQ(pit_ticks_in(4000000000ull * 3600, 4000000),
		 (uint64_t)PIT_INPUT_HZ * 3600);
}

static void rates(void)
{
	/* the LAPIC timer of QEMU: 62.5 MHz over 11932 ticks (10.0002 ms) */
	CHECK_EQ(clock_khz(625010, 11932), 62500);
	/* 1 GHz over exactly one second */
	CHECK_EQ(clock_khz(1000000000ull, PIT_INPUT_HZ), 1000000);
	/* rounded to nearest: 1.5 kHz is 2 */
	CHECK_EQ(clock_khz(3, 2 * PIT_INPUT_HZ / 1000), 2);
	CHECK_EQ(clock_khz(100, 0), 0);
	/* 4 GHz over 5 s does not overflow */
	CHECK_EQ(clock_khz(20000000000ull, 5ull * PIT_INPUT_HZ), 4000000);
}

static void uncertainty(void)
{
	CHECK_EQ(slack_ppm(0, 1000), 0);
	CHECK_EQ(slack_ppm(1, 1000000), 1);
	CHECK_EQ(slack_ppm(1, 3000000), 1); /* rounded up, never to 0 */
	CHECK_EQ(slack_ppm(5, 11932), 420);
	CHECK_EQ(slack_ppm(7, 0), 1000000);
}

static const struct test_case cases[] = {
	TEST_CASE(ticks_within_one_wrap), TEST_CASE(ticks_across_wraps),
	TEST_CASE(ticks_from_cycles),	  TEST_CASE(rates),
	TEST_CASE(uncertainty),
};

int main(void)
{
	return RUN_TESTS(cases);
}
