/* drivers/timer/calibrate.c - see calibrate.h. */
#include "drivers/timer/calibrate.h"

#include <stdbool.h>

#include "drivers/timer/pit.h"
#include "kernel/arch/cpu.h"
#include "kernel/printk.h"
#include "kernel/sched/time.h"
#include "lib/clockcal.h"
#include "lib/errno.h"

#define POINT_TRIES    3     /* readings per point: the narrowest counts */
#define QUICK_US       2000  /* the rough TSC window */
#define REFINED_MIN_US 10000 /* the refined one, at the least */
#define WAIT_MAX       (1ull << 30) /* TSC cycles without a PIT tick */

unsigned long calib_timeouts;

static struct calib_window tsc_window; /* kmain's start to the refinement */
static bool channel2_dead;	       /* the first window timed out */

static void read_point(struct calib_point *p, uint32_t (*read)(void))
{
	uint64_t before = rdtsc(), after;

	p->pit = pit_clock_read();
	p->clock = read ? read() : 0;
	after = rdtsc();
	p->tsc = before;
	p->bracket = (uint32_t)(after - before);
}

static void take_point(struct calib_point *p, uint32_t (*read)(void))
{
	struct calib_point try;

	read_point(p, read);
	for (int i = 1; i < POINT_TRIES; i++) {
		read_point(&try, read);
		if (try.bracket < p->bracket)
			*p = try;
	}
}

void calib_start(struct calib_window *w, uint32_t (*read)(void))
{
	w->read = read;
	take_point(&w->start, read);
}

/* PIT ticks from the window's start to p; the TSC rate known so far
 * (tsc_khz, 0 before the first window) tells how many wraps lie between. */
static uint64_t ticks_to(const struct calib_window *w,
			 const struct calib_point *p)
{
	return pit_ticks_between(w->start.pit, p->pit,
				 pit_ticks_in(p->tsc - w->start.tsc, tsc_khz));
}

/*
 * The window's ticks up to a last point *p, waiting until there are at
 * least min_ticks. The first point's ticks come from ticks_to (the
 * boot may have run for several wraps since the start); from then on
 * the points are microseconds apart, so each step is counted exactly.
 * The count must be seen to move at least once: a stuck channel 2 would
 * otherwise look like one that wrapped, and the wait is bounded.
 */
static int wait_for(const struct calib_window *w, uint64_t min_ticks,
		    struct calib_point *p, uint64_t *ticks)
{
	struct calib_point prev;
	uint64_t stalled_since;
	bool moved = false;

	take_point(p, w->read);
	*ticks = ticks_to(w, p);
	stalled_since = p->tsc;
	while (!moved || *ticks < min_ticks) {
		prev = *p;
		cpu_relax();
		take_point(p, w->read);
		if (p->pit == prev.pit) {
			if (p->tsc - stalled_since > WAIT_MAX) {
				calib_timeouts++;
				return -ETIMEDOUT;
			}
			continue;
		}
		moved = true;
		*ticks += (uint16_t)(prev.pit - p->pit);
		stalled_since = p->tsc;
	}
	return 0;
}

int calib_end(const struct calib_window *w, unsigned int min_us,
	      struct calib_result *r)
{
	/* rounded up, so that the window is never shorter than asked */
	uint64_t min_ticks =
		((uint64_t)min_us * PIT_INPUT_HZ + 999999) / 1000000;
	struct calib_point end;
	uint64_t ticks, counts, slack, cycles;
	int err = wait_for(w, min_ticks, &end, &ticks);

	if (err)
		return err;
	cycles = end.tsc - w->start.tsc;
	if (w->read) {
		/* the clock and the PIT were read within each bracket */
		counts = (uint32_t)(end.clock - w->start.clock);
		slack = (uint64_t)w->start.bracket + end.bracket;
	} else {
		/* the TSC at the PIT read: the bracket's middle, +- half */
		counts = cycles + end.bracket / 2 - w->start.bracket / 2;
		slack = ((uint64_t)w->start.bracket + end.bracket) / 2;
	}
	r->khz = clock_khz(counts, ticks);
	/* the brackets, and one PIT tick of resolution at each end */
	r->ppm = slack_ppm(slack, cycles) + slack_ppm(2, ticks);
	r->us = (uint32_t)(ticks * 1000000 / PIT_INPUT_HZ);
	return 0;
}

void tsc_calibrate_begin(void)
{
	struct calib_result r;

	pit_clock_start();
	calib_start(&tsc_window, NULL);
	if (calib_end(&tsc_window, QUICK_US, &r)) {
		pr_warn("pit: channel 2 never counted down (gate/speaker port 0x61?); TSC calibration uses a fallback of %u MHz\n",
			PIT_TSC_FALLBACK_KHZ / 1000);
		r.khz = PIT_TSC_FALLBACK_KHZ;
		channel2_dead = true;
	}
	/* time 0 is the window's start: kmain's first lines */
	time_init_tsc(r.khz, tsc_window.start.tsc);
}

void tsc_calibrate_refine(void)
{
	struct calib_result r;
	uint32_t rough = tsc_khz;

	if (channel2_dead)
		return; /* warned already; one bounded wait is enough */
	if (calib_end(&tsc_window, REFINED_MIN_US, &r)) {
		pr_warn("tsc: channel 2 stopped counting; keeping %lu kHz\n",
			(unsigned long)rough);
		return;
	}
	time_refine_tsc(r.khz);
	pr_info("tsc: %lu.%03lu MHz, refined over %lu.%03lu ms of boot (+-%lu ppm; the first 2 ms said %lu.%03lu MHz)\n",
		(unsigned long)r.khz / 1000, (unsigned long)r.khz % 1000,
		(unsigned long)r.us / 1000, (unsigned long)r.us % 1000,
		(unsigned long)r.ppm, (unsigned long)rough / 1000,
		(unsigned long)rough % 1000);
}
