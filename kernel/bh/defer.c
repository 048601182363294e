/* kernel/bh/defer.c - see defer.h. */
#include "kernel/bh/defer.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/softirq.h"
#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue.h"
#include "kernel/block/blockdemo.h"
#include "kernel/irq/irqdesc.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"
#include "lib/crc32.h"
#include "lib/errno.h"
#include "lib/string.h"

static const char *const mech_names[NR_DEFER_MECHS] = {
	"softirq", "tasklet", "bh", "workqueue", "threaded",
};

/* One run at a time (the shell is the only caller; tests too). */
static struct {
	enum defer_mech mech;
	uint64_t triggered_at;
	struct defer_result *result;
	struct completion done;
	uint32_t crc; /* the job's "work" */
} run;

static struct blk_request defer_request;
static struct tasklet defer_tasklet;
static struct work_struct defer_work;

const char *defer_mech_name(enum defer_mech m)
{
	return m < NR_DEFER_MECHS ? mech_names[m] : "?";
}

int defer_mech_by_name(const char *name)
{
	for (int m = 0; m < NR_DEFER_MECHS; m++)
		if (!strcmp(name, mech_names[m]))
			return m;
	return -1;
}

/* The job: note where it runs (first!), then do a little work. */
static void job(void)
{
	uint64_t now = rdtsc();
	struct defer_result *r = run.result;
	static const char data[] = "the same small job, every time";

	r->latency = now - run.triggered_at;
	r->hardirq = in_hardirq();
	r->softirq = in_serving_softirq();
	r->task = in_task();
	r->preempt_count = preempt_count();
	r->may_sleep = preempt_count() == 0 && !irqs_disabled();
	strlcpy(r->thread, current_thread() ? current_thread()->name : "?",
		sizeof(r->thread));
	run.crc = crc32_update(0, data, sizeof(data) - 1);
	r->ran = true;
	complete(&run.done);
}

static void request_done(struct blk_request *req)
{
	(void)req;
	job();
}

static void tasklet_job(struct tasklet *t)
{
	(void)t;
	job();
}

static void work_job(struct work_struct *w)
{
	(void)w;
	job();
}

static irqreturn_t defer_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	job();
	return IRQ_HANDLED;
}

/* The top half of every mechanism, a handler on DEFER_IRQ: defer. */
static irqreturn_t defer_top_half(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	switch (run.mech) {
	case DEFER_SOFTIRQ:
		blockdemo_submit_request(
			&defer_request); /* completes at once */
		break;
	case DEFER_TASKLET:
		tasklet_schedule(&defer_tasklet);
		break;
	case DEFER_BH_WORK:
		queue_work(system_bh_wq, &defer_work);
		break;
	case DEFER_WORKQUEUE:
		queue_work(system_wq, &defer_work);
		break;
	case DEFER_THREADED:
		return IRQ_WAKE_THREAD;
	default:
		break;
	}
	return IRQ_HANDLED;
}

/* The "device": note the time, and the line fires (irq_offload makes it
 * a hard IRQ, as a real interrupt would be). */
static void fire_line(void *arg)
{
	(void)arg;
	run.triggered_at = rdtsc();
	generic_handle_irq(DEFER_IRQ);
}

/* A line with nothing behind it: masking and EOI have nothing to do. */
static void soft_nop(unsigned int irq)
{
	(void)irq;
}

static struct irq_chip soft_chip = {
	.name = "soft",
	.mask = soft_nop,
	.unmask = soft_nop,
	.ack = soft_nop,
};

/* Borrow DEFER_IRQ with the soft chip, put this mechanism's top half on
 * it (threaded: a primary and an irq/N-defer thread; the others never
 * force-threaded, so that `threadirqs` does not change what they show),
 * fire it once, wait for the job, give the line back. */
static int run_on_line(enum defer_mech m)
{
	struct irq_desc saved = irq_desc[DEFER_IRQ];
	bool threaded = m == DEFER_THREADED;
	int err;

	if (saved.action)
		return -EBUSY;
	irq_set_chip(DEFER_IRQ, &soft_chip, IRQF_TRIGGER_RISING);
	err = request_threaded_irq(
		DEFER_IRQ, defer_top_half, threaded ? defer_thread_fn : NULL,
		threaded ? IRQF_ONESHOT : IRQF_NO_THREAD, "defer", &run);
	if (!err) {
		irq_offload(fire_line, NULL);
		wait_for_completion_timeout(&run.done, 2 * hz);
		free_irq(DEFER_IRQ, &run);
	}
	irq_desc[DEFER_IRQ] = saved;
	return err;
}

int defer_run(enum defer_mech m, struct defer_result *r)
{
	int err = 0;

	if (m >= NR_DEFER_MECHS)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	run.mech = m;
	run.result = r;
	init_completion(&run.done);
	defer_request.end_io = request_done;
	tasklet_init(&defer_tasklet, tasklet_job, "defer");
	INIT_WORK(&defer_work, work_job);
	err = run_on_line(m);
	tasklet_kill(&defer_tasklet);
	if (!err && !r->ran)
		err = -ETIMEDOUT;
	return err;
}
