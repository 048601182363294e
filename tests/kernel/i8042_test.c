/*
 * tests/kernel/i8042_test.c - the keyboard controller's waits.
 *
 * Only the "input buffer never empties" wait is faked: the command is
 * then never sent, so the real controller (and IRQ1) never notice.
 */
#include "drivers/input/i8042.h"
#include "kernel/arch/cpu.h"
#include "kernel/sched/time.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "tests/kernel/klog_search.h"

#define STATUS_IBF 0x02 /* input buffer full: the controller is busy */

static uint8_t always_busy(void)
{
	return STATUS_IBF;
}

/*
 * Regression for defect 10 on the i8042: a controller that never takes
 * a command (IBF stuck high) ends the wait after its bound with
 * -ETIMEDOUT, a count and a warning naming what it waited for.
 */
static void i8042_wait_is_bounded(struct ktest *t)
{
	unsigned long timeouts = i8042_wait_timeouts;
	uint64_t start;
	uint8_t config = 0;
	int err;

	i8042_set_status_reader(always_busy);
	start = rdtsc();
	err = i8042_read_config(&config);
	start = rdtsc() - start;
	i8042_set_status_reader(NULL);

	EXPECT_EQ(t, err, -ETIMEDOUT);
	EXPECT_EQ(t, i8042_wait_timeouts, timeouts + 1);
	EXPECT_LT(t, start / (tsc_khz ? tsc_khz : 1), 2000); /* < 2 s */
	EXPECT_TRUE(
		t,
		klog_contains(
			"i8042: controller never emptied its input buffer (status 0x02"));
}

KTEST_SUITE(i8042, KTEST_CASE(i8042_wait_is_bounded));
