/* kernel/bh/defer.c - see defer.h. */
#include "kernel/bh/defer.h"

#include "kernel/arch/cpu.h"
#include "kernel/bh/demo.h"
#include "kernel/bh/softirq.h"
#include "kernel/bh/tasklet.h"
#include "kernel/bh/workqueue.h"
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

static irqreturn_t defer_primary(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	return IRQ_WAKE_THREAD;
}

static irqreturn_t defer_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	job();
	return IRQ_HANDLED;
}

/* The top half of every mechanism: note the time, defer. */
static void top_half(void *arg)
{
	(void)arg;
	run.triggered_at = rdtsc();
	switch (run.mech) {
	case DEFER_SOFTIRQ:
		blockdemo_submit_request(&defer_request);
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
		generic_handle_irq(DEFER_IRQ); /* as if the line fired */
		break;
	default:
		break;
	}
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

static int run_threaded(void)
{
	struct irq_desc saved = irq_desc[DEFER_IRQ];
	int err;

	if (saved.action)
		return -EBUSY;
	irq_set_chip(DEFER_IRQ, &soft_chip, IRQF_TRIGGER_RISING);
	err = request_threaded_irq(DEFER_IRQ, defer_primary, defer_thread_fn,
				   IRQF_ONESHOT, "defer", &run);
	if (!err) {
		irq_offload(top_half, NULL);
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
	defer_request.done = request_done;
	tasklet_init(&defer_tasklet, tasklet_job, "defer");
	INIT_WORK(&defer_work, work_job);
	if (m == DEFER_THREADED) {
		err = run_threaded();
	} else {
		irq_offload(top_half, NULL);
		wait_for_completion_timeout(&run.done, 2 * hz);
	}
	tasklet_kill(&defer_tasklet);
	if (!err && !r->ran)
		err = -ETIMEDOUT;
	return err;
}
