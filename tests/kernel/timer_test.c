/*
 * tests/kernel/timer_test.c - kernel timers on TIMER_SOFTIRQ, hrtimers on
 * HRTIMER_SOFTIRQ, and the scheduler's accounting on SCHED_SOFTIRQ.
 *
 * (Expiry order and del_timer are in the sched suite.) Every wait is
 * for an event, bounded by KTEST_WAIT_FOR.
 */
#include "drivers/irqchip/irqchip.h"
#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/irq/offload.h"
#include "kernel/magic.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sched/hrtimer.h"
#include "kernel/sched/preempt.h"
#include "kernel/sched/stats.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/timer.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

static struct {
	int runs;
	bool serving;
	unsigned long at_jiffies;
	uint64_t at_ns;
	int order[4];
	int n;
	int rearm;
} seen;

static void reset(void)
{
	memset(&seen, 0, sizeof(seen));
}

static void record_timer(struct timer_list *t)
{
	seen.runs++;
	seen.serving = in_serving_softirq();
	seen.at_jiffies = jiffies;
	if (seen.rearm > 0) {
		seen.rearm--;
		mod_timer(t, jiffies + 1);
	}
}

/* Runs once, from TIMER_SOFTIRQ, not before its jiffy. */
static void timer_runs_once_in_timer_softirq(struct ktest *t)
{
	const struct softirq_stat *st =
		softirq_stat(smp_processor_id(), TIMER_SOFTIRQ);
	unsigned long softirq_runs = st->runs;
	struct timer_list tl;
	unsigned long due;

	reset();
	timer_setup(&tl, record_timer);
	due = jiffies + 3;
	mod_timer(&tl, due);
	ASSERT_TRUE(t, KTEST_WAIT_FOR(seen.runs == 1));
	EXPECT_TRUE(t, seen.serving);
	EXPECT_GE(t, seen.at_jiffies, due);
	EXPECT_GT(t, st->runs, softirq_runs);
	/* and never again: wait for three more ticks */
	due = jiffies + 3;
	EXPECT_TRUE(t, KTEST_WAIT_FOR((long)(jiffies - due) >= 0));
	EXPECT_EQ(t, seen.runs, 1);
}

/* A timer that re-arms itself from its function runs again each time. */
static void timer_rearms_itself(struct ktest *t)
{
	struct timer_list tl;

	reset();
	seen.rearm = 2;
	timer_setup(&tl, record_timer);
	mod_timer(&tl, jiffies + 1);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(seen.runs == 3));
	EXPECT_FALSE(t, timer_pending(&tl));
}

static struct timer_list victim, finisher;
static volatile bool finished;

static void victim_fn(struct timer_list *tl)
{
	(void)tl;
}

/* Plays "the other CPU's timer function returns". */
static void finisher_fn(struct timer_list *tl)
{
	(void)tl;
	finished = true;
	timer_test_set_running(NULL);
}

/*
 * del_timer_sync must not return while the timer's function runs. On one
 * CPU a running timer function cannot be interrupted by task context, so
 * the test pretends it runs on another CPU; a second timer ends the
 * pretence three ticks later. del_timer_sync returns only after that.
 */
static void del_timer_sync_waits_for_running_function(struct ktest *t)
{
	finished = false;
	timer_setup(&victim, victim_fn);
	timer_setup(&finisher, finisher_fn);
	mod_timer(&victim, jiffies + 1000);
	timer_test_set_running(&victim);
	mod_timer(&finisher, jiffies + 3);
	EXPECT_TRUE(t, del_timer_sync(&victim)); /* it was pending */
	EXPECT_TRUE(t, finished);
	EXPECT_FALSE(t, timer_pending(&victim));
}

static bool deleted_in_hardirq;

static void del_sync_from_top_half(void *arg)
{
	deleted_in_hardirq = del_timer_sync(arg);
}

/* From hard IRQ it cannot wait: it refuses (with a message), deletes. */
static void del_timer_sync_in_hardirq_does_not_wait(struct ktest *t)
{
	struct timer_list tl;

	timer_setup(&tl, victim_fn);
	mod_timer(&tl, jiffies + 1000);
	irq_offload(del_sync_from_top_half, &tl);
	EXPECT_TRUE(t, deleted_in_hardirq);
	EXPECT_FALSE(t, timer_pending(&tl));
}

/* ---- hrtimers ----------------------------------------------------------- */

static struct hrtimer hr[3];

static void record_hrtimer(struct hrtimer *h)
{
	if (seen.n < 4)
		seen.order[seen.n++] = (int)(h - hr);
	seen.serving = in_serving_softirq();
	seen.at_ns = ktime_get_ns();
}

/* Fires once, in HRTIMER_SOFTIRQ, not before its time; in APIC mode the
 * local APIC timer's one-shot interrupt is what triggered it. */
static void hrtimer_fires_not_early_in_softirq(struct ktest *t)
{
	unsigned long events = hrtimer_clock_events();
	uint64_t due;

	reset();
	hrtimer_init(&hr[0], record_hrtimer);
	due = ktime_get_ns() + 2000000; /* 2 ms */
	hrtimer_start(&hr[0], 2000000);
	ASSERT_TRUE(t, KTEST_WAIT_FOR(seen.n == 1));
	EXPECT_GE(t, seen.at_ns, due);
	EXPECT_TRUE(t, seen.serving);
	EXPECT_FALSE(t, hrtimer_active(&hr[0]));
	if (!strcmp(irqchip_mode(), "APIC"))
		EXPECT_GT(t, hrtimer_clock_events(), events);
}

/* Started out of order, they fire in expiry order; a cancelled one
 * not. (The order is checked against the recorded expiry times: on a
 * loaded host the starts themselves can be milliseconds apart.) */
static void hrtimers_fire_in_order_cancelled_never(struct ktest *t)
{
	static const uint64_t delay_us[3] = { 30000, 10000, 20000 };
	struct hrtimer cancelled;

	reset();
	/* HRTIMER_SOFTIRQ waits until all are started and one cancelled: a
	 * host hiccup of 15 ms here must not let "cancelled" fire first. */
	local_bh_disable();
	hrtimer_init(&cancelled, record_hrtimer);
	hrtimer_start(&cancelled, 15000 * 1000);
	for (int i = 0; i < 3; i++) {
		hrtimer_init(&hr[i], record_hrtimer);
		hrtimer_start(&hr[i], delay_us[i] * 1000);
	}
	EXPECT_TRUE(t, hrtimer_cancel(&cancelled));
	local_bh_enable();
	ASSERT_TRUE(t, KTEST_WAIT_FOR(seen.n == 3));
	for (int i = 1; i < 3; i++)
		EXPECT_LE(t, hr[seen.order[i - 1]].expires_ns,
			  hr[seen.order[i]].expires_ns);
	EXPECT_FALSE(t, hrtimer_cancel(&cancelled));
}

/* ---- SCHED_SOFTIRQ ------------------------------------------------------ */

/* One decay step moves the average toward the number of runnable
 * threads; many steps converge on it. */
static void load_average_decays_toward_runnable(struct ktest *t)
{
	unsigned long load = 0;

	EXPECT_EQ(t, calc_load(0, EXP_1, 0), 0);
	load = calc_load(load, EXP_1, 2 * FIXED_1);
	EXPECT_GT(t, load, 0);
	EXPECT_LT(t, load, 2 * FIXED_1);
	for (int i = 0; i < 200; i++)
		load = calc_load(load, EXP_1, 2 * FIXED_1);
	EXPECT_GE(t, load, 2 * FIXED_1 - 2);
	EXPECT_LE(t, load, 2 * FIXED_1);
	for (int i = 0; i < 200; i++)
		load = calc_load(load, EXP_1, 0);
	EXPECT_LE(t, load, 2);
}

/* Every tick is accounted for by SCHED_SOFTIRQ, and a busy wait counts
 * as task time. */
static unsigned long ticks_accounted(const struct sched_stats *st)
{
	return st->ticks[CPUTIME_TASK] + st->ticks[CPUTIME_IDLE] +
	       st->ticks[CPUTIME_SOFTIRQ] + st->ticks[CPUTIME_IRQ];
}

/* Every tick is accounted to some context. Which one is not asserted:
 * run from the shell during a storm, the ticks land in softirq time, on
 * a quiet system in this spinning task's. */
static void sched_softirq_accounts_ticks(struct ktest *t)
{
	const struct sched_stats *st = sched_stats(smp_processor_id());
	unsigned long total = ticks_accounted(st);
	unsigned long runs =
		softirq_stat(smp_processor_id(), SCHED_SOFTIRQ)->runs;
	unsigned long start = jiffies;

	while (jiffies - start < 3)
		cpu_relax();
	EXPECT_GE(t, ticks_accounted(st) - total, 2);
	EXPECT_GE(t,
		  softirq_stat(smp_processor_id(), SCHED_SOFTIRQ)->runs - runs,
		  2);
}

/* Wait until a good timer armed after the bad one has run: TIMER_SOFTIRQ
 * has passed the bad one's jiffy too. */
static bool one_good_timer_ran(void)
{
	struct timer_list good;
	bool ran;

	timer_setup(&good, record_timer);
	mod_timer(&good, jiffies + 2);
	ran = KTEST_WAIT_FOR(seen.runs == 1);
	del_timer_sync(&good);
	return ran;
}

/* Every timer call refuses a timer that never went through timer_setup,
 * loudly, and its function never runs. */
static void never_initialised_timer_refused(struct ktest *t)
{
	unsigned long bugs = bad_magic_count;
	unsigned int pending = timers_pending_count();
	struct timer_list tl;
	KTEST_EXPECT_REPORTS(t, "used before timer_setup", 4);

	reset();
	memset(&tl, 0, sizeof(tl));
	tl.function = record_timer; /* only timer_setup is missing */
	INIT_LIST_HEAD(&tl.entry);
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, mod_timer(&tl, jiffies + 1));
	tl.expires = jiffies + 1;
	/* prints a BUG: line on purpose */
	add_timer(&tl);
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, del_timer(&tl));
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, del_timer_sync(&tl));
	EXPECT_EQ(t, bad_magic_count, bugs + 4);
	EXPECT_EQ(t, timers_pending_count(), pending);
	EXPECT_TRUE(t, one_good_timer_ran()); /* the good one, not tl */
	EXPECT_EQ(t, seen.runs, 1);
}

/* A freed timer (poisoned by kfree) is refused the same way. */
static void freed_timer_refused(struct ktest *t)
{
	unsigned long bugs = bad_magic_count;
	struct timer_list *keep = kmalloc(sizeof(*keep)); /* keeps the slab */
	struct timer_list *tl = kmalloc(sizeof(*tl));
	KTEST_EXPECT_REPORT(t, "used after it was freed");

	ASSERT_TRUE(t, keep && tl);
	reset();
	timer_setup(tl, record_timer);
	kfree(tl);
	/* prints a BUG: line on purpose */
	EXPECT_FALSE(t, mod_timer(tl, jiffies + 1));
	EXPECT_EQ(t, bad_magic_count, bugs + 1);
	EXPECT_EQ(t, tl->magic, FREED_MAGIC); /* nothing written into it */
	EXPECT_TRUE(t, one_good_timer_ran());
	EXPECT_EQ(t, seen.runs, 1);
	kfree(keep);
}

/* A timer freed while pending (the bug del_timer_sync prevents): the
 * softirq finds it at the head of the list, says so, unlinks it through
 * its neighbours and never calls it; the timer behind it still runs.
 * Until then nobody may walk the list (arming a timer does: msleep
 * would), so this case waits with preemption off, polling jiffies. */
static void timer_freed_while_pending_is_dropped(struct ktest *t)
{
	unsigned long bugs = bad_magic_count;
	unsigned int pending = timers_pending_count();
	struct timer_list *keep = kmalloc(sizeof(*keep));
	struct timer_list *victim = kmalloc(sizeof(*victim));
	struct timer_list good;
	unsigned long end;
	KTEST_EXPECT_REPORT(t, "used after it was freed");

	ASSERT_TRUE(t, keep && victim);
	reset();
	timer_setup(victim, record_timer);
	timer_setup(&good, record_timer);
	preempt_disable();
	local_bh_disable(); /* neither can run before the kfree */
	mod_timer(victim, jiffies + 1);
	mod_timer(&good, jiffies + 2);
	kfree(victim); /* prints a BUG: line on purpose (from the softirq) */
	local_bh_enable();
	end = jiffies + 2 * hz;
	while (seen.runs == 0 && (long)(jiffies - end) < 0)
		cpu_relax(); /* ticks and TIMER_SOFTIRQ still come */
	preempt_enable();
	EXPECT_EQ(t, seen.runs, 1); /* good only */
	EXPECT_EQ(t, bad_magic_count, bugs + 1);
	EXPECT_EQ(t, timers_pending_count(), pending);
	del_timer_sync(&good);
	kfree(keep);
}

KTEST_SUITE(timers, KTEST_CASE(timer_runs_once_in_timer_softirq),
	    KTEST_CASE(timer_rearms_itself),
	    KTEST_CASE(del_timer_sync_waits_for_running_function),
	    KTEST_CASE(del_timer_sync_in_hardirq_does_not_wait),
	    KTEST_CASE(hrtimer_fires_not_early_in_softirq),
	    KTEST_CASE(hrtimers_fire_in_order_cancelled_never),
	    KTEST_CASE(load_average_decays_toward_runnable),
	    KTEST_CASE(sched_softirq_accounts_ticks),
	    KTEST_CASE(never_initialised_timer_refused),
	    KTEST_CASE(freed_timer_refused),
	    KTEST_CASE(timer_freed_while_pending_is_dropped));
