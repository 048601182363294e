/* tests/kernel/pit_test.c - the timer tick against the TSC. */
#include "drivers/timer/pit.h"
#include "kernel/arch/cpu.h"
#include "kernel/sched/time.h"
#include "kernel/test/ktest.h"

#define TICKS_MEASURED 20
#define TOLERANCE_PCT  25 /* emulation is not a quartz crystal */

/* Wait until jiffies passes target, or the TSC says 2 s went by. */
static int wait_jiffies(unsigned long target)
{
	uint64_t deadline = rdtsc() + 2000ull * 1000 * tsc_khz;

	while ((long)(jiffies - target) < 0) {
		if (rdtsc() > deadline)
			return -1;
		safe_halt();
	}
	return 0;
}

/* The TSC was calibrated to something plausible (10 MHz .. 100 GHz). */
static void tsc_calibrated(struct ktest *t)
{
	EXPECT_GT(t, tsc_khz, 10000);
	EXPECT_LT(t, tsc_khz, 100000000);
}

/* Sort a few numbers in place (insertion sort: n is tiny). */
static void sort_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
}

/*
 * jiffies advance at HZ per second, as measured by the TSC, within 25%.
 * The median of TICKS_MEASURED tick-to-tick intervals is compared, not
 * their sum, with the TSC's rate measured again just before: an emulator descheduled by a busy host delivers late ticks
 * in a burst, which skews a total but not the median.
 */
static void tick_rate_matches_hz(struct ktest *t)
{
	uint64_t stamp[TICKS_MEASURED + 1], gap[TICKS_MEASURED], expected;

	ASSERT_EQ(t, wait_jiffies(jiffies + 1), 0); /* align to a tick */
	for (int i = 0; i <= TICKS_MEASURED; i++) {
		ASSERT_EQ(t, wait_jiffies(jiffies + 1), 0);
		stamp[i] = rdtsc();
	}
	for (int i = 0; i < TICKS_MEASURED; i++)
		gap[i] = stamp[i + 1] - stamp[i];
	sort_u64(gap, TICKS_MEASURED);
	/* Against a calibration made now: on a loaded virtual host the TSC's
	 * rate itself drifts (4.1 GHz measured where 2.8 GHz is normal), so
	 * the boot-time tsc_khz may no longer be true. */
	expected = (uint64_t)pit_calibrate_tsc() * 1000 / hz;
	EXPECT_GT(t, gap[TICKS_MEASURED / 2] * 100,
		  expected * (100 - TOLERANCE_PCT));
	EXPECT_LT(t, gap[TICKS_MEASURED / 2] * 100,
		  expected * (100 + TOLERANCE_PCT));
}

/* Every tick went through the IRQ0 handler. */
static void handler_counts_ticks(struct ktest *t)
{
	unsigned long before = pit_ticks();

	ASSERT_EQ(t, wait_jiffies(jiffies + 3), 0);
	EXPECT_GE(t, pit_ticks() - before, 3);
}

/* ktime is monotonic and tracks jiffies. */
static void ktime_monotonic(struct ktest *t)
{
	uint64_t a = ktime_get_ns(), b = ktime_get_ns();

	EXPECT_LE(t, a, b);
	EXPECT_GT(t, a, 0);
}

KTEST_SUITE(pit, KTEST_CASE(tsc_calibrated), KTEST_CASE(tick_rate_matches_hz),
	    KTEST_CASE(handler_counts_ticks), KTEST_CASE(ktime_monotonic));
