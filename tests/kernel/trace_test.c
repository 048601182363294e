/*
 * tests/kernel/trace_test.c - the kernel tracer: off records nothing; an
 * interrupt whose handler schedules a tasklet leaves, on one CPU and in
 * this order, irq_handler_entry -> tasklet_schedule -> irq_handler_exit
 * -> softirq_entry vec=TASKLET -> tasklet_entry -> tasklet_exit ->
 * softirq_exit; queue_work leaves workqueue_queue_work -> sched_wakeup
 * of the kworker -> sched_switch to it -> workqueue_execute_start/end; a
 * ring that overflows counts exactly what it lost, in both modes; the
 * rings of all CPUs are merged in time order; the text is ftrace's.
 *
 * The suite borrows the last IRQ line with the fake chip (fake_chip.h)
 * and leaves tracing off and the rings empty.
 */
#include <stdint.h>

#include "kernel/bh/softirq.h"
#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue.h"
#include "kernel/irq/irq.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/thread.h"
#include "kernel/smp/ipi.h"
#include "kernel/test/ktest.h"
#include "kernel/trace/trace.h"
#include "lib/string.h"
#include "tests/kernel/fake_chip.h"

#define TEST_IRQ (NR_IRQS - 1)
#define ALL	 ((1u << NR_TRACE_EVENTS) - 1)

static struct irq_desc saved_desc;

static int trace_test_init(void)
{
	saved_desc = irq_desc[TEST_IRQ];
	trace_disable();
	trace_clear();
	return 0;
}

static void trace_test_exit(void)
{
	trace_disable();
	trace_clear();
	trace_set_mode(TRACE_OVERWRITE);
	irq_desc[TEST_IRQ] = saved_desc;
}

/* The events of one CPU, in the order the rings give them. */
#define MAX_SEEN 64
struct seen {
	unsigned int cpu;
	int n;
	struct trace_record rec[MAX_SEEN];
	uint64_t last_tsc;
	bool in_order; /* time stamps never went back */
};

static bool collect(const struct trace_record *r, void *arg)
{
	struct seen *s = arg;

	if (r->tsc < s->last_tsc)
		s->in_order = false;
	s->last_tsc = r->tsc;
	if (r->cpu == s->cpu && s->n < MAX_SEEN)
		s->rec[s->n++] = *r;
	return true;
}

static void gather(struct seen *s, unsigned int cpu)
{
	memset(s, 0, sizeof(*s));
	s->cpu = cpu;
	s->in_order = true;
	trace_for_each(collect, s);
}

/* Does s hold these events in this order (others may come between)? */
static int find_chain(const struct seen *s, const int *chain, int len)
{
	int k = 0;

	for (int i = 0; i < s->n && k < len; i++)
		if (s->rec[i].event == chain[k])
			k++;
	return k; /* how many of the chain were found, in order */
}

static struct tasklet off_tl;
static volatile int off_runs;

static void off_fn(struct tasklet *tl)
{
	(void)tl;
	off_runs++;
}

/* A tasklet scheduled and run - schedule, raise, softirq entry and exit,
 * tasklet entry and exit, all traced events - leaves nothing behind. */
static void tracing_off_records_nothing(struct ktest *t)
{
	struct trace_cpu_stats st;

	trace_disable();
	trace_clear();
	tasklet_init(&off_tl, off_fn, "off");
	off_runs = 0;
	tasklet_schedule(&off_tl);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(off_runs == 1));
	tasklet_kill(&off_tl);
	trace_cpu_stats(smp_processor_id(), &st);
	EXPECT_EQ(t, st.written, 0);
	EXPECT_EQ(t, st.lost, 0);
}

static struct tasklet chain_tl;
static volatile int chain_runs;

static void chain_fn(struct tasklet *tl)
{
	(void)tl;
	chain_runs++;
}

static irqreturn_t schedules_tasklet(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	tasklet_schedule(&chain_tl);
	return IRQ_HANDLED;
}

static void fire(void *arg)
{
	(void)arg;
	generic_handle_irq(TEST_IRQ);
}

static void tasklet_chain_in_order(struct ktest *t)
{
	static const int chain[] = {
		TRACE_IRQ_HANDLER_ENTRY, TRACE_TASKLET_SCHEDULE,
		TRACE_IRQ_HANDLER_EXIT,	 TRACE_SOFTIRQ_ENTRY,
		TRACE_TASKLET_ENTRY,	 TRACE_TASKLET_EXIT,
		TRACE_SOFTIRQ_EXIT,
	};
	static struct seen s;
	int found;

	memset(&irq_desc[TEST_IRQ], 0, sizeof(irq_desc[TEST_IRQ]));
	irq_set_chip(TEST_IRQ, &fake_chip, IRQF_TRIGGER_RISING);
	memset(&fchip, 0, sizeof(fchip));
	tasklet_init(&chain_tl, chain_fn, "chain");
	chain_runs = 0;
	/* NO_THREAD: the chain is about the top half, threadirqs or not */
	ASSERT_EQ(t,
		  request_irq(TEST_IRQ, schedules_tasklet, IRQF_NO_THREAD,
			      "tracee", NULL),
		  0);
	trace_clear();
	trace_enable(ALL);
	irq_offload(fire, NULL);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(chain_runs == 1));
	trace_disable();
	free_irq(TEST_IRQ, NULL);
	tasklet_kill(&chain_tl);
	gather(&s, smp_processor_id());
	found = find_chain(&s, chain, 7);
	EXPECT_EQ(t, found, 7);
	for (int i = 0; i < s.n; i++) {
		const struct trace_record *r = &s.rec[i];

		if (r->event == TRACE_IRQ_HANDLER_ENTRY) {
			EXPECT_EQ(t, r->arg[0], TEST_IRQ);
			EXPECT_EQ(t, r->ctx, 'h');
		}
		if (r->event == TRACE_SOFTIRQ_ENTRY)
			EXPECT_EQ(t, r->arg[0], TASKLET_SOFTIRQ);
		if (r->event == TRACE_TASKLET_ENTRY) {
			EXPECT_EQ(t, r->arg[0], (uint32_t)(uintptr_t)&chain_tl);
			EXPECT_EQ(t, r->ctx, 's');
		}
	}
	EXPECT_TRUE(t, s.in_order);
}

static volatile int work_runs;
static volatile int work_tid;

static void traced_work(struct work_struct *w)
{
	(void)w;
	work_tid = current_thread()->tid;
	work_runs++;
}

static void workqueue_chain_in_order(struct ktest *t)
{
	static const int chain[] = {
		TRACE_WQ_QUEUE_WORK,	TRACE_WQ_ACTIVATE_WORK,
		TRACE_SCHED_WAKEUP,	TRACE_SCHED_SWITCH,
		TRACE_WQ_EXECUTE_START, TRACE_WQ_EXECUTE_END,
	};
	static struct work_struct w;
	static struct seen s;
	int switch_to_worker = 0;

	INIT_WORK(&w, traced_work);
	work_runs = 0;
	trace_clear();
	trace_enable(ALL);
	queue_work(system_wq, &w);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(work_runs == 1));
	flush_work(&w);
	trace_disable();
	gather(&s, smp_processor_id());
	EXPECT_EQ(t, find_chain(&s, chain, 6), 6);
	for (int i = 0; i < s.n; i++)
		if (s.rec[i].event == TRACE_SCHED_SWITCH &&
		    (int)s.rec[i].arg[2] == work_tid)
			switch_to_worker++;
	EXPECT_GE(t, switch_to_worker, 1); /* to the kworker that ran it */
}

/* RING + 100 records: overwrite keeps the newest RING and counts 100
 * lost; stop keeps the first RING and counts 100 refused. */
static void overflow_counts_exactly(struct ktest *t)
{
	struct trace_cpu_stats st;
	unsigned int cpu;
	unsigned long flags;

	for (int m = 0; m < 2; m++) {
		trace_set_mode(m ? TRACE_STOP : TRACE_OVERWRITE);
		/* The sites patched on, but recording only while IRQs are
		 * off here: a tick's own softirq_raise just before or after
		 * the loop (an interrupt pending at local_irq_restore) would
		 * be one record too many. */
		trace_enable(1u << TRACE_SOFTIRQ_RAISE);
		trace_stop_recording();
		trace_clear();
		flags = local_irq_save(); /* all on this CPU, nothing else */
		cpu = smp_processor_id();
		trace_mask = 1u << TRACE_SOFTIRQ_RAISE;
		for (uint32_t i = 0; i < TRACE_RING_RECORDS + 100; i++)
			trace_event(TRACE_SOFTIRQ_RAISE, 7, i, 0);
		trace_stop_recording();
		local_irq_restore(flags);
		trace_disable();
		trace_cpu_stats(cpu, &st);
		EXPECT_EQ(t, st.held, TRACE_RING_RECORDS);
		EXPECT_EQ(t, st.lost, 100);
		EXPECT_EQ(t, st.written,
			  m ? TRACE_RING_RECORDS : TRACE_RING_RECORDS + 100);
	}
	trace_set_mode(TRACE_OVERWRITE);
	trace_clear();
}

/* The text: ftrace's trace_pipe line. */
static void format_is_ftrace_text(struct ktest *t)
{
	struct trace_record r = {
		.tsc = 0,
		.event = TRACE_SOFTIRQ_ENTRY,
		.cpu = 1,
		.ctx = 's',
		.flags = TRACE_REC_IRQS_OFF,
		.preempt = 1,
		.tid = 0,
		.arg = { TASKLET_SOFTIRQ, 0, 0 },
	};
	char line[240];

	trace_format(&r, line, sizeof(line), true);
	/* the time is that of TSC 0: before boot, so not checked */
	EXPECT_TRUE(t,
		    strstr(line, "          <idle>-0     [001] d.s1 ") == line);
	EXPECT_TRUE(t,
		    strstr(line, ": softirq_entry: vec=5 [action=TASKLET]") !=
			    NULL);
	EXPECT_EQ(t, trace_event_by_name("sched_switch"), TRACE_SCHED_SWITCH);
	EXPECT_EQ(t, trace_event_by_name("nonsense"), -1);
}

/* Records written on every CPU at once come out merged in time order. */
static void write_some(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < 50; i++)
		trace_event(TRACE_SOFTIRQ_RAISE, 6, i, 0);
}

static void cpus_merged_in_time_order(struct ktest *t)
{
	static struct seen s;
	struct trace_cpu_stats st;

	KTEST_SKIP_UNLESS_SMP(t);
	trace_clear();
	trace_enable(1u << TRACE_SOFTIRQ_RAISE);
	for (unsigned int c = 1; c < nr_cpus; c++)
		ASSERT_EQ(t,
			  smp_call_function_single(c, write_some, NULL, false),
			  0);
	write_some(NULL);
	for (unsigned int c = 1; c < nr_cpus; c++)
		EXPECT_TRUE(t, KTEST_WAIT_FOR((trace_cpu_stats(c, &st),
					       st.written >= 50)));
	trace_disable();
	gather(&s, 1);
	EXPECT_TRUE(t, s.in_order);
	EXPECT_GE(t, s.n, 50);
}

/* A tasklet that reschedules itself 100 times from one interrupt: the
 * irq_exit loop stops after its budget and records why (ksoftirqd takes
 * the rest). */
static struct tasklet storm_tl;
static volatile int storm_left;

static void storm_fn(struct tasklet *tl)
{
	if (--storm_left > 0)
		tasklet_schedule(tl);
}

static void schedule_storm(void *arg)
{
	(void)arg;
	tasklet_schedule(&storm_tl);
}

static bool find_takeover(const struct trace_record *r, void *arg)
{
	const struct trace_record **found = arg;

	if (r->event == TRACE_KSOFTIRQD_TAKEOVER && !*found)
		*found = r;
	return true;
}

static void ksoftirqd_takeover_recorded(struct ktest *t)
{
	const struct trace_record *r = NULL;

	tasklet_init(&storm_tl, storm_fn, "tracestorm");
	storm_left = 100;
	trace_clear();
	trace_enable(1u << TRACE_KSOFTIRQD_TAKEOVER);
	irq_offload(schedule_storm, NULL);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(storm_left == 0));
	trace_disable();
	tasklet_kill(&storm_tl);
	trace_for_each(find_takeover, &r);
	ASSERT_TRUE(t, r != NULL);
	EXPECT_LE(t, r->arg[0], 10); /* at most the pass budget */
	EXPECT_LE(t, r->arg[1], 2);  /* passes, time or resched */
	EXPECT_NE(t, r->arg[2] & (1u << TASKLET_SOFTIRQ), 0); /* left over */
}

/* A threaded handler: irq_handler_entry, then irq_thread_wake naming the
 * thread, then a switch to that thread. */
static volatile int thread_runs;

static irqreturn_t wake_primary(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	return IRQ_WAKE_THREAD;
}

static irqreturn_t traced_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	thread_runs++;
	return IRQ_HANDLED;
}

static void irq_thread_wake_recorded(struct ktest *t)
{
	static const int chain[] = { TRACE_IRQ_HANDLER_ENTRY,
				     TRACE_IRQ_THREAD_WAKE,
				     TRACE_IRQ_HANDLER_EXIT,
				     TRACE_SCHED_SWITCH };
	static struct seen s;
	int woken = -1;

	memset(&irq_desc[TEST_IRQ], 0, sizeof(irq_desc[TEST_IRQ]));
	irq_set_chip(TEST_IRQ, &fake_chip, IRQF_TRIGGER_RISING);
	memset(&fchip, 0, sizeof(fchip));
	thread_runs = 0;
	ASSERT_EQ(t,
		  request_threaded_irq(TEST_IRQ, wake_primary, traced_thread_fn,
				       IRQF_ONESHOT, "tracedthr", NULL),
		  0);
	/* its irq/N thread is started and asleep, waiting for work */
	EXPECT_TRUE(t,
		    KTEST_WAIT_FOR(irq_desc[TEST_IRQ].action->thread &&
				   irq_desc[TEST_IRQ].action->thread->state ==
					   THREAD_SLEEPING));
	trace_clear();
	trace_enable(ALL);
	irq_offload(fire, NULL);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(thread_runs == 1));
	trace_disable();
	free_irq(TEST_IRQ, NULL);
	gather(&s, smp_processor_id());
	EXPECT_EQ(t, find_chain(&s, chain, 4), 4);
	for (int i = 0; i < s.n; i++)
		if (s.rec[i].event == TRACE_IRQ_THREAD_WAKE)
			woken = (int)s.rec[i].arg[2];
	EXPECT_GT(t, woken, 0);
}

KTEST_SUITE_FULL(trace, trace_test_init, trace_test_exit,
		 KTEST_CASE(tracing_off_records_nothing),
		 KTEST_CASE(tasklet_chain_in_order),
		 KTEST_CASE(workqueue_chain_in_order),
		 KTEST_CASE(overflow_counts_exactly),
		 KTEST_CASE(format_is_ftrace_text),
		 KTEST_CASE(cpus_merged_in_time_order),
		 KTEST_CASE(ksoftirqd_takeover_recorded),
		 KTEST_CASE(irq_thread_wake_recorded));
