/*
 * tests/kernel/block_test.c - the block layer (kernel/block/blk.h) and
 * the ATA disk (drivers/block/ata.h).
 *
 * The layer's promises are checked on a fake disk whose "device" is a
 * kernel thread: it waits for an issued request, looks whether the
 * submitter is asleep, and completes it from a hard IRQ (irq_offload),
 * as a disk's interrupt would. In "never" mode it completes nothing, for
 * the timeout. The ata_* cases need the real drive (the ktest-disk boot
 * attaches the harness's image, tests/harness/diskimage.py) and skip
 * without it.
 */
#include "drivers/block/ata.h"
#include "kernel/block/blk.h"
#include "kernel/irq/offload.h"
#include "kernel/sched/thread.h"
#include "kernel/test/ktest.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define FAKE_SECTORS   256
#define FAKE_BAD       13 /* the fake device fails this sector: -EIO */
#define STRESS_THREADS 4
#define STRESS_READS   20

static struct {
	struct blk_queue q;
	struct thread *device;
	bool never;    /* complete nothing: requests can only time out */
	bool late_irq; /* the device interrupts while its reset runs */
	struct blk_request *volatile issued;
	struct wait_queue_head wq; /* the device thread, for issued */
	struct thread *submitter;
	bool submitter_slept; /* seen asleep when its request completed */
	unsigned long timeouts_seen;
} fake;

static int fake_issue(struct blk_queue *q, struct blk_request *rq)
{
	(void)q;
	/* issued from BLOCK_SOFTIRQ in the device's own interrupt, there
	 * is no submitter to wait for */
	fake.submitter =
		current_thread() == fake.device ? NULL : current_thread();
	__atomic_store_n(&fake.issued, rq, __ATOMIC_RELEASE);
	wake_up(&fake.wq);
	return 0;
}

static void fake_irq(void *arg);

static void fake_timeout(struct blk_queue *q, struct blk_request *rq)
{
	(void)q;
	fake.timeouts_seen++;
	__atomic_store_n(&fake.issued, NULL, __ATOMIC_RELEASE);
	if (fake.late_irq)
		irq_offload(fake_irq, rq); /* "done!" - too late */
}

static const struct blk_ops fake_ops = {
	.issue = fake_issue,
	.timeout = fake_timeout,
};

/* The fake disk's "interrupt": fill the buffer, complete. */
static void fake_irq(void *arg)
{
	struct blk_request *rq = arg;
	int err = rq->sector <= FAKE_BAD && FAKE_BAD < rq->sector + rq->count
			  ? -EIO
			  : 0;

	if (!rq->write && !err)
		for (uint32_t i = 0; i < rq->count; i++)
			snprintf((char *)rq->buf + i * SECTOR_SIZE, SECTOR_SIZE,
				 "fake %lu", (unsigned long)(rq->sector + i));
	blk_complete_request(&fake.q, rq, err);
}

/* The submitter goes to sleep after issuing: give it the time to (a
 * bounded number of yields; on two CPUs it may be running elsewhere). */
static void let_submitter_sleep(void)
{
	for (int i = 0; i < 1000 && fake.submitter &&
			fake.submitter->state != THREAD_SLEEPING;
	     i++)
		yield();
}

static int fake_device(void *arg)
{
	(void)arg;
	while (!kthread_should_stop()) {
		struct blk_request *rq;

		wait_event(fake.wq, fake.issued || kthread_should_stop());
		rq = __atomic_load_n(&fake.issued, __ATOMIC_ACQUIRE);
		if (!rq)
			continue;
		if (fake.never) { /* a mute device: until the test says */
			wait_event(fake.wq,
				   !fake.never || kthread_should_stop());
			continue;
		}
		let_submitter_sleep();
		fake.issued = NULL;
		fake.submitter_slept = fake.submitter &&
				       fake.submitter->state == THREAD_SLEEPING;
		irq_offload(fake_irq, rq);
	}
	return 0;
}

static int fake_init(void)
{
	memset(&fake, 0, sizeof(fake));
	init_waitqueue_head(&fake.wq);
	if (blk_queue_init(&fake.q, "fake0", &fake_ops, FAKE_SECTORS))
		return -1;
	fake.device = kthread_run(fake_device, NULL, "fake-disk");
	return fake.device ? 0 : -1;
}

static void fake_exit(void)
{
	kthread_stop(fake.device);
	blk_queue_release(&fake.q);
}

/* The submitter sleeps; the completion runs in BLOCK_SOFTIRQ (raised by
 * the fake's hard IRQ, run at its irq_exit) and wakes it. */
static void completion_runs_in_softirq_and_wakes(struct ktest *t)
{
	char buf[SECTOR_SIZE];
	struct blk_request rq = { .sector = 5, .count = 1, .buf = buf };

	EXPECT_EQ(t, blk_submit_and_wait(&fake.q, &rq), 0);
	EXPECT_TRUE(t, rq.done);
	EXPECT_TRUE(t, rq.in_softirq);
	EXPECT_TRUE(t, fake.submitter_slept);
	EXPECT_STREQ(t, buf, "fake 5");
	EXPECT_EQ(t, fake.q.stats.reads, 1);
}

/* Out of range or a bad count: refused at once, the device never sees
 * it, and it is counted. */
static void bad_lba_is_refused(struct ktest *t)
{
	char buf[2 * SECTOR_SIZE];
	unsigned long rejected = fake.q.stats.rejected;

	EXPECT_EQ(t, blk_read(&fake.q, FAKE_SECTORS, 1, buf), -ERANGE);
	EXPECT_EQ(t, blk_read(&fake.q, FAKE_SECTORS - 1, 2, buf), -ERANGE);
	EXPECT_EQ(t, blk_read(&fake.q, 0, 0, buf), -EINVAL);
	EXPECT_EQ(t, blk_read(&fake.q, 0, BLK_MAX_SECTORS + 1, buf), -EINVAL);
	EXPECT_EQ(t, fake.q.stats.rejected, rejected + 4);
	EXPECT_TRUE(t, fake.issued == NULL);
}

/* The device fails a request: the error reaches the submitter. */
static void device_error_reaches_submitter(struct ktest *t)
{
	char buf[4 * SECTOR_SIZE];
	unsigned long errors = fake.q.stats.errors;

	EXPECT_EQ(t, blk_read(&fake.q, FAKE_BAD - 1, 4, buf), -EIO);
	EXPECT_EQ(t, fake.q.stats.errors, errors + 1);
	EXPECT_EQ(t, blk_read(&fake.q, FAKE_BAD + 1, 1, buf), 0);
}

struct submitter {
	struct blk_queue *q;
	unsigned int base;
	int ok, failed, wrong;
};

static int submit_thread(void *arg)
{
	struct submitter *s = arg;
	char buf[SECTOR_SIZE], want[SECTOR_SIZE];

	for (int i = 0; i < STRESS_READS; i++) {
		unsigned int lba = FAKE_BAD + 1 + s->base + (unsigned int)i;

		if (blk_read(s->q, lba, 1, buf)) {
			s->failed++;
			continue;
		}
		snprintf(want, sizeof(want), "fake %u", lba);
		if (strcmp(buf, want))
			s->wrong++;
		else
			s->ok++;
	}
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* Several threads at once: requests queue up behind the one in flight,
 * and every one completes with its own data. */
static void concurrent_submitters_all_complete(struct ktest *t)
{
	struct submitter s[STRESS_THREADS];
	struct thread *th[STRESS_THREADS];

	fake.q.max_depth_seen = 0;
	for (int i = 0; i < STRESS_THREADS; i++) {
		s[i] = (struct submitter){ .q = &fake.q, .base = 50u * i };
		th[i] = kthread_run(submit_thread, &s[i], "blk-sub/%d", i);
		ASSERT_TRUE(t, th[i] != NULL);
	}
	for (int i = 0; i < STRESS_THREADS; i++) {
		kthread_stop(th[i]);
		EXPECT_EQ(t, s[i].ok, STRESS_READS);
		EXPECT_EQ(t, s[i].failed, 0);
		EXPECT_EQ(t, s[i].wrong, 0);
	}
	EXPECT_TRUE(t, fake.q.max_depth_seen > 1);
	EXPECT_EQ(t, blk_queue_depth(&fake.q), 0);
}

/* A device that never answers: the timer fails the request with
 * -ETIMEDOUT after ops->timeout, the submitter wakes, and the queue
 * takes the next request. */
static void timed_out_request_fails(struct ktest *t)
{
	char buf[SECTOR_SIZE];
	unsigned long timeouts = fake.q.stats.timeouts;

	fake.q.timeout_ms = 50;
	fake.never = true;
	EXPECT_EQ(t, blk_read(&fake.q, 1, 1, buf), -ETIMEDOUT);
	fake.never = false;
	wake_up(&fake.wq);
	fake.q.timeout_ms = BLK_TIMEOUT_MS;
	EXPECT_EQ(t, fake.q.stats.timeouts, timeouts + 1);
	EXPECT_EQ(t, fake.timeouts_seen, 1);
	EXPECT_EQ(t, blk_read(&fake.q, 2, 1, buf), 0);
}

static void count_end(struct blk_request *rq)
{
	(*(int *)rq->private)++;
}

/* Asynchronous submitters (a hard IRQ cannot wait for a slot): past
 * BLK_QUEUE_DEPTH the queue says -EBUSY (the device holds the first
 * meanwhile); what it took all ends. */
static void full_queue_refuses_async(struct ktest *t)
{
	static struct blk_request rqs[BLK_QUEUE_DEPTH + 1];
	static char buf[SECTOR_SIZE];
	int ended = 0, accepted = 0;

	fake.never = true;
	for (int i = 0; i <= BLK_QUEUE_DEPTH; i++) {
		rqs[i] = (struct blk_request){ .sector = 20,
					       .count = 1,
					       .buf = buf,
					       .end_io = count_end,
					       .private = &ended };
		accepted += blk_submit(&fake.q, &rqs[i]) == 0;
	}
	EXPECT_EQ(t, accepted, BLK_QUEUE_DEPTH);
	fake.never = false; /* the device answers again: all of them end */
	wake_up(&fake.wq);
	EXPECT_TRUE(t, KTEST_WAIT_FOR(ended == BLK_QUEUE_DEPTH));
	EXPECT_EQ(t, blk_queue_depth(&fake.q), 0);
}

/* Regression for "the timer and the driver can both complete one
 * request": a device whose completion interrupt comes while the timeout
 * resets it (a hard-IRQ completer, which never holds the request). The
 * timeout owns the request from the moment it takes it: the late
 * completion is ignored, the request ends once, failed, and the queue's
 * depth comes back to 0 rather than below it. */
static void late_completion_during_a_timeout_is_ignored(struct ktest *t)
{
	char buf[SECTOR_SIZE];
	struct blk_stats before = fake.q.stats;

	fake.q.timeout_ms = 50;
	fake.never = fake.late_irq = true;
	EXPECT_EQ(t, blk_read(&fake.q, 1, 1, buf), -ETIMEDOUT);
	fake.never = fake.late_irq = false;
	wake_up(&fake.wq);
	fake.q.timeout_ms = BLK_TIMEOUT_MS;
	EXPECT_EQ(t, fake.q.stats.errors, before.errors + 1);
	EXPECT_EQ(t, fake.q.stats.reads, before.reads);
	EXPECT_EQ(t, blk_queue_depth(&fake.q), 0);
	EXPECT_EQ(t, blk_read(&fake.q, 2, 1, buf), 0);
}

/* ---- the real drive ------------------------------------------------------ */

#define NEED_DISK(t)                                                        \
	do {                                                                \
		if (!ata_disk())                                            \
			KTEST_SKIP(t, "no ATA disk (the ktest-disk boot)"); \
	} while (0)

/* A sector through IRQ 14, irq/14-ata and BLOCK_SOFTIRQ: the image's
 * header says which sector it is. */
static void ata_reads_the_right_sectors(struct ktest *t)
{
	static char buf[BLK_MAX_SECTORS * SECTOR_SIZE];
	struct ata_drive *d;
	struct blk_request rq = { .sector = 100,
				  .count = BLK_MAX_SECTORS,
				  .buf = buf };
	unsigned long irqs;
	char want[17];

	NEED_DISK(t);
	d = ata_disk();
	irqs = d->interrupts;
	EXPECT_EQ(t, blk_submit_and_wait(&d->queue, &rq), 0);
	EXPECT_TRUE(t, rq.in_softirq);
	for (int i = 0; i < BLK_MAX_SECTORS; i++) {
		snprintf(want, sizeof(want), "sector %08d\n", 100 + i);
		EXPECT_EQ(t, memcmp(buf + i * SECTOR_SIZE, want, 16), 0);
	}
	EXPECT_TRUE(t, d->interrupts >= irqs + BLK_MAX_SECTORS);
}

/* Written, then read back; the sector's old content is restored. */
static void ata_write_reads_back(struct ktest *t)
{
	static char old[SECTOR_SIZE], buf[SECTOR_SIZE], back[SECTOR_SIZE];
	struct blk_queue *q = ata_queue();

	NEED_DISK(t);
	ASSERT_EQ(t, blk_read(q, 300, 1, old), 0);
	memset(buf, 0x5a, sizeof(buf));
	strlcpy(buf, "written by ktest", sizeof(buf));
	EXPECT_EQ(t, blk_write(q, 300, 1, buf), 0);
	EXPECT_EQ(t, blk_read(q, 300, 1, back), 0);
	EXPECT_EQ(t, memcmp(back, buf, SECTOR_SIZE), 0);
	EXPECT_EQ(t, blk_write(q, 300, 1, old), 0);
}

/* The drive's own error: with the layer's bound lifted, a read past the
 * drive's end is aborted by the drive (ERR) and fails with -EIO. */
static void ata_drive_error_is_eio(struct ktest *t)
{
	static char buf[SECTOR_SIZE];
	struct blk_queue *q = ata_queue();
	uint32_t capacity;

	NEED_DISK(t);
	capacity = q->capacity;
	q->capacity = capacity + 16;
	EXPECT_EQ(t, blk_read(q, capacity + 8, 1, buf), -EIO);
	q->capacity = capacity;
	EXPECT_EQ(t, blk_read(q, capacity - 1, 1, buf), 0);
}

/* A drive that stops interrupting (nIEN): the request times out, the
 * drive is reset, and the next request works. */
static void ata_silent_drive_times_out_and_recovers(struct ktest *t)
{
	static char buf[SECTOR_SIZE];
	struct ata_drive *d;
	unsigned long resets;

	NEED_DISK(t);
	d = ata_disk();
	resets = d->resets;
	d->queue.timeout_ms = 100;
	ata_test_mute_interrupts(true);
	EXPECT_EQ(t, blk_read(&d->queue, 7, 1, buf), -ETIMEDOUT);
	d->queue.timeout_ms = BLK_TIMEOUT_MS;
	EXPECT_EQ(t, d->resets, resets + 1);
	EXPECT_EQ(t, blk_read(&d->queue, 7, 1, buf), 0);
	EXPECT_EQ(t, memcmp(buf, "sector 00000007\n", 16), 0);
}

static volatile bool hammering;

static int spurious_runs(void *arg)
{
	unsigned long *runs = arg;

	while (hammering) {
		ata_test_spurious_thread_run();
		(*runs)++;
		yield();
	}
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* A thread run with no interrupt behind it - a wake left over from the
 * last request - may come, from another CPU, between a request going in
 * flight and its command reaching the drive. It must leave the request
 * alone: the progress it reads is the request's own (not the last
 * request's, as when it was kept in the drive), and the drive lock keeps
 * it out of a half-issued command. Every sector must arrive right. */
static void ata_spurious_thread_runs_change_nothing(struct ktest *t)
{
	static char buf[BLK_MAX_SECTORS * SECTOR_SIZE];
	struct blk_queue *q = ata_queue();
	unsigned long runs = 0, errors = 0, wrong = 0;
	struct thread *th;
	char want[17];

	NEED_DISK(t);
	hammering = true;
	/* on the other CPU if there is one: the runs then really overlap
	 * the submitter's dispatch and issue */
	th = nr_cpus > 1 ? kthread_create_on_cpu(spurious_runs, &runs, 1,
						 "spurious-ata")
			 : kthread_create(spurious_runs, &runs, "spurious-ata");
	ASSERT_TRUE(t, th != NULL);
	wake_up_new_thread(th);
	for (uint32_t lba = 0; lba < 2000; lba += BLK_MAX_SECTORS) {
		if (blk_read(q, lba, BLK_MAX_SECTORS, buf)) {
			errors++;
			continue;
		}
		for (int i = 0; i < BLK_MAX_SECTORS; i++) {
			snprintf(want, sizeof(want), "sector %08lu\n",
				 (unsigned long)lba + i);
			wrong += memcmp(buf + i * SECTOR_SIZE, want, 16) != 0;
		}
	}
	hammering = false;
	kthread_stop(th);
	EXPECT_EQ(t, errors, 0);
	EXPECT_EQ(t, wrong, 0);
	EXPECT_GT(t, runs, 0);
}

KTEST_SUITE_FULL(block, fake_init, fake_exit,
		 KTEST_CASE(completion_runs_in_softirq_and_wakes),
		 KTEST_CASE(bad_lba_is_refused),
		 KTEST_CASE(device_error_reaches_submitter),
		 KTEST_CASE(concurrent_submitters_all_complete),
		 KTEST_CASE(timed_out_request_fails),
		 KTEST_CASE(late_completion_during_a_timeout_is_ignored),
		 KTEST_CASE(full_queue_refuses_async),
		 KTEST_CASE(ata_reads_the_right_sectors),
		 KTEST_CASE(ata_write_reads_back),
		 KTEST_CASE(ata_drive_error_is_eio),
		 KTEST_CASE(ata_silent_drive_times_out_and_recovers),
		 KTEST_CASE(ata_spurious_thread_runs_change_nothing));
