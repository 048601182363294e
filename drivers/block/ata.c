/* drivers/block/ata.c - see ata.h. Register facts: the ATA/ATAPI-6
 * standard (T13 1410D), sections on the command block registers, PIO
 * data-in/data-out protocols, IDENTIFY DEVICE and READ/WRITE SECTORS. */
#include "drivers/block/ata.h"

#include "kernel/arch/io.h"
#include "kernel/bh/softirq.h"
#include "kernel/irq/irq.h"
#include "kernel/printk.h"
#include "kernel/sched/spinlock.h"
#include "kernel/sched/time.h"
#include "lib/errno.h"
#include "lib/string.h"

/* The primary channel's command block (0x1f0-0x1f7) and control block. */
#define ATA_DATA	 0x1f0 /* 16-bit PIO data */
#define ATA_ERROR	 0x1f1 /* read: why ERR is set */
#define ATA_NSECT	 0x1f2
#define ATA_LBA_LOW	 0x1f3
#define ATA_LBA_MID	 0x1f4
#define ATA_LBA_HIGH	 0x1f5
#define ATA_DEVICE	 0x1f6 /* drive select, LBA bits 24-27 */
#define ATA_STATUS	 0x1f7 /* read: status, and acknowledges the IRQ */
#define ATA_COMMAND	 0x1f7 /* write */
#define ATA_ALTSTATUS	 0x3f6 /* read: status, without acknowledging */
#define ATA_CONTROL	 0x3f6 /* write: nIEN, SRST */

#define ATA_SR_BSY	 0x80
#define ATA_SR_DRDY	 0x40
#define ATA_SR_DF	 0x20
#define ATA_SR_DRQ	 0x08
#define ATA_SR_ERR	 0x01

#define ATA_CTL_NIEN	 0x02 /* the drive does not assert INTRQ */
#define ATA_CTL_SRST	 0x04 /* software reset of both drives */

#define ATA_DEV_LBA	 0xe0 /* master, LBA addressing (bits 7, 5 obsolete) */

#define ATA_CMD_READ	 0x20 /* READ SECTORS (PIO, LBA28) */
#define ATA_CMD_WRITE	 0x30 /* WRITE SECTORS */
#define ATA_CMD_IDENTIFY 0xec

#define WORDS_PER_SECTOR (SECTOR_SIZE / 2)
#define ATA_WAIT_US	 200000	 /* for BSY/DRQ when polling */
#define ATA_WAIT_POLLS	 2000000 /* ... and at most this many reads */
#define ATA_MORE	 1	 /* a step that leaves the request going */

static struct ata_drive drive;

struct ata_drive *ata_disk(void)
{
	return drive.present ? &drive : NULL;
}

struct blk_queue *ata_queue(void)
{
	return drive.present ? &drive.queue : NULL;
}

/* ---- polling, for the probe, a command's start and the reset ---------- */

/* The standard's 400 ns before the status is valid: four reads of the
 * alternate status take at least that long. */
static uint8_t settle(void)
{
	for (int i = 0; i < 3; i++)
		inb(ATA_ALTSTATUS);
	return inb(ATA_ALTSTATUS);
}

/* Wait until (status & mask) == want, bounded in time and in reads:
 * the status, or -ETIMEDOUT. ERR or DF set also ends the wait. */
static int wait_status(uint8_t mask, uint8_t want)
{
	uint64_t deadline = ktime_get_ns() + ATA_WAIT_US * 1000ull;

	for (long i = 0; i < ATA_WAIT_POLLS; i++) {
		uint8_t st = inb(ATA_ALTSTATUS);

		if (!(st & ATA_SR_BSY) && (st & (ATA_SR_ERR | ATA_SR_DF)))
			return st;
		if ((st & mask) == want)
			return st;
		if (ktime_get_ns() > deadline)
			break;
	}
	return -ETIMEDOUT;
}

/* ---- the probe ---------------------------------------------------------- */

/* IDENTIFY strings are big-endian words padded with spaces. */
static void copy_ata_string(char *dst, const uint16_t *words, int nwords)
{
	int len = nwords * 2;

	for (int i = 0; i < nwords; i++) {
		dst[2 * i] = (char)(words[i] >> 8);
		dst[2 * i + 1] = (char)(words[i] & 0xff);
	}
	while (len > 0 && dst[len - 1] == ' ')
		len--;
	dst[len] = '\0';
}

/* IDENTIFY DEVICE, polled (nIEN set): 0 and the 256 words, or -ENODEV
 * (no drive, or not an ATA disk: aborted, ATAPI signature) or
 * -ETIMEDOUT. */
static int identify(uint16_t *id)
{
	int st;

	outb(ATA_CONTROL, ATA_CTL_NIEN);
	outb(ATA_DEVICE, ATA_DEV_LBA);
	st = settle();
	if (st == 0xff || st == 0x00)
		return -ENODEV; /* floating bus, or no drive on the channel */
	if (wait_status(ATA_SR_BSY, 0) < 0)
		return -ETIMEDOUT;
	outb(ATA_COMMAND, ATA_CMD_IDENTIFY);
	if (settle() == 0x00)
		return -ENODEV;
	st = wait_status(ATA_SR_BSY | ATA_SR_DRQ, ATA_SR_DRQ);
	if (st < 0)
		return -ETIMEDOUT;
	if (st & ATA_SR_ERR) /* aborted: e.g. a CD-ROM (ATAPI) */
		return -ENODEV;
	insw(ATA_DATA, id, WORDS_PER_SECTOR);
	return 0;
}

static int ata_issue(struct blk_queue *q, struct blk_request *rq);
static void ata_timeout(struct blk_queue *q, struct blk_request *rq);
static irqreturn_t ata_hardirq(int irq, void *dev_id);
static irqreturn_t ata_thread(int irq, void *dev_id);

static const struct blk_ops ata_ops = {
	.issue = ata_issue,
	.timeout = ata_timeout,
};

/*
 * Not IRQF_ONESHOT: IRQ 14 is an edge line, and the drive is quiet from
 * the status read in ata_hardirq until the thread moves the next
 * sector's data - there is nothing a masked line would hold back, and
 * masking an edge line can only lose an edge. (ONESHOT is for a level
 * line whose device keeps asserting until the thread quietens it.)
 */
int ata_init(void)
{
	static uint16_t id[WORDS_PER_SECTOR];
	int err = identify(id);

	if (err == -ENODEV) {
		pr_info("ata: no disk on the primary IDE channel\n");
		return err;
	}
	if (err) {
		pr_err("ata: the primary master does not answer IDENTIFY (BSY/DRQ timeout)\n");
		return err;
	}
	copy_ata_string(drive.model, &id[27], 20);
	drive.sectors = id[60] | (uint32_t)id[61] << 16;
	if (!drive.sectors) {
		pr_err("ata: %s has no LBA28 sectors; not used\n", drive.model);
		return -ENODEV;
	}
	spin_lock_init(&drive.lock, "ata");
	err = blk_queue_init(&drive.queue, "ata0", &ata_ops, drive.sectors);
	if (err) {
		pr_err("ata: no block queue left (%d); disk not used\n", err);
		return err;
	}
	drive.queue.driver_data = &drive;
	err = request_threaded_irq(ATA_IRQ, ata_hardirq, ata_thread, 0, "ata",
				   &drive);
	if (err) {
		pr_err("ata: cannot attach IRQ %d (%d)\n", ATA_IRQ, err);
		blk_queue_release(&drive.queue);
		return err;
	}
	inb(ATA_STATUS);      /* nothing left pending from the probe */
	outb(ATA_CONTROL, 0); /* nIEN clear: the drive interrupts */
	drive.present = true;
	pr_info("ata: %s, %lu sectors (%lu KiB), PIO, LBA28, irq %d\n",
		drive.model, (unsigned long)drive.sectors,
		(unsigned long)drive.sectors / 2, ATA_IRQ);
	return 0;
}

/* ---- requests ----------------------------------------------------------- */

/* The drive's lock, with bottom halves off: BLOCK_SOFTIRQ issues
 * requests and the timeout resets the drive, and neither may spin on a
 * lock that the code they interrupted on this CPU holds. */
static void drive_lock(struct ata_drive *d)
{
	local_bh_disable();
	spin_lock(&d->lock);
}

static void drive_unlock(struct ata_drive *d)
{
	spin_unlock(&d->lock);
	local_bh_enable();
}

static int drive_error(struct ata_drive *d)
{
	d->last_error = inb(ATA_ERROR);
	return -EIO;
}

/* Send the command; for a write also the first sector (the drive asks
 * for it with DRQ, without an interrupt). Drive lock held. */
static int start_command(struct ata_drive *d, struct blk_request *rq)
{
	int st;

	if (wait_status(ATA_SR_BSY, 0) < 0) {
		pr_err("ata: drive busy, cannot start a request\n");
		return -ETIMEDOUT;
	}
	outb(ATA_DEVICE, ATA_DEV_LBA | ((rq->sector >> 24) & 0x0f));
	outb(ATA_NSECT, (uint8_t)rq->count);
	outb(ATA_LBA_LOW, (uint8_t)rq->sector);
	outb(ATA_LBA_MID, (uint8_t)(rq->sector >> 8));
	outb(ATA_LBA_HIGH, (uint8_t)(rq->sector >> 16));
	outb(ATA_COMMAND, rq->write ? ATA_CMD_WRITE : ATA_CMD_READ);
	if (!rq->write)
		return 0; /* the drive interrupts when sector 0 is ready */
	st = wait_status(ATA_SR_BSY | ATA_SR_DRQ, ATA_SR_DRQ);
	if (st < 0)
		return -ETIMEDOUT;
	if (st & (ATA_SR_ERR | ATA_SR_DF))
		return drive_error(d);
	outsw(ATA_DATA, rq->buf, WORDS_PER_SECTOR);
	rq->moved = 1;
	return 0;
}

/*
 * From the submitter or from BLOCK_SOFTIRQ, on any CPU. The request is
 * in flight already, so the IRQ thread may look at it at any moment
 * (woken by an interrupt left over from the last request, say): the
 * drive lock keeps it out until the command is sent, and rq->started
 * tells it whether there is a command to serve.
 */
static int ata_issue(struct blk_queue *q, struct blk_request *rq)
{
	struct ata_drive *d = q->driver_data;
	int err;

	drive_lock(d);
	err = start_command(d, rq);
	rq->started = !err;
	drive_unlock(d);
	return err;
}

/* Software reset: both drives of the channel back to their power-on
 * state, nIEN cleared. Softirq context: a bounded busy wait, rare. */
static void ata_timeout(struct blk_queue *q, struct blk_request *rq)
{
	struct ata_drive *d = q->driver_data;

	drive_lock(d);
	pr_err("ata: no interrupt: status %02x, %lu of %lu sectors moved; resetting the drive\n",
	       inb(ATA_ALTSTATUS), (unsigned long)rq->moved,
	       (unsigned long)rq->count);
	d->resets++;
	outb(ATA_CONTROL, ATA_CTL_SRST | ATA_CTL_NIEN);
	settle();
	outb(ATA_CONTROL, 0);
	if (wait_status(ATA_SR_BSY, 0) < 0)
		pr_err("ata: the drive stays busy after a reset\n");
	inb(ATA_STATUS);
	drive_unlock(d);
}

/* The hard IRQ: the status read acknowledges the drive (it drops
 * INTRQ); the rest is the thread's. */
static irqreturn_t ata_hardirq(int irq, void *dev_id)
{
	struct ata_drive *d = dev_id;
	uint8_t st = inb(ATA_STATUS);

	(void)irq;
	if (st & ATA_SR_BSY)
		return IRQ_NONE; /* the drive does not interrupt while busy */
	d->last_status = st;
	d->interrupts++;
	return IRQ_WAKE_THREAD;
}

/* PIO data-in: every sector the drive has ready (DRQ), one at a time;
 * 0 when the last is in, ATA_MORE to wait for the next interrupt. */
static int read_step(struct ata_drive *d, struct blk_request *rq)
{
	while (rq->moved < rq->count) {
		uint8_t st = settle();

		if (st & ATA_SR_BSY)
			return ATA_MORE;
		if (st & (ATA_SR_ERR | ATA_SR_DF))
			return drive_error(d);
		if (!(st & ATA_SR_DRQ))
			return ATA_MORE;
		insw(ATA_DATA, (uint8_t *)rq->buf + rq->moved * SECTOR_SIZE,
		     WORDS_PER_SECTOR);
		rq->moved++;
	}
	return 0;
}

/* PIO data-out: the interrupt after each sector asks for the next one;
 * the one after the last says it is written. */
static int write_step(struct ata_drive *d, struct blk_request *rq)
{
	uint8_t st = settle();

	if (st & ATA_SR_BSY)
		return ATA_MORE;
	if (st & (ATA_SR_ERR | ATA_SR_DF))
		return drive_error(d);
	if (rq->moved == rq->count)
		return 0;
	if (!(st & ATA_SR_DRQ))
		return ATA_MORE;
	outsw(ATA_DATA, (uint8_t *)rq->buf + rq->moved * SECTOR_SIZE,
	      WORDS_PER_SECTOR);
	rq->moved++;
	return ATA_MORE;
}

/* One step of the request in flight under the drive lock: 0 or -errno
 * when it is over, ATA_MORE while it goes on (or nothing was in flight
 * or started: an interrupt left over, counted as stray). */
static int thread_step(struct ata_drive *d, struct blk_request **out)
{
	struct blk_request *rq = blk_hold_inflight(&d->queue);
	int result = ATA_MORE;

	*out = rq;
	if (!rq || !rq->started) {
		d->stray++;
	} else {
		result = rq->write ? write_step(d, rq) : read_step(d, rq);
	}
	if (rq && result == ATA_MORE)
		blk_release_inflight(&d->queue);
	return result;
}

/*
 * The thread irq/14-ata: the slow part, with IRQs on and preemptible.
 * When a request is over it goes to BLOCK_SOFTIRQ - raised here, inside
 * local_bh_disable/enable: raised from plain task context the softirq
 * would wait for ksoftirqd (a wake-up and a context switch); in a
 * BH-disabled section local_bh_enable runs it at once, in this thread,
 * as Linux's threaded network drivers do around napi_schedule(). The
 * drive lock is let go first: the softirq issues the next request.
 */
static irqreturn_t ata_thread(int irq, void *dev_id)
{
	struct ata_drive *d = dev_id;
	struct blk_request *rq;
	int result;

	(void)irq;
	local_bh_disable();
	spin_lock(&d->lock);
	result = thread_step(d, &rq);
	spin_unlock(&d->lock);
	if (result != ATA_MORE)
		blk_complete_request(&d->queue, rq, result);
	local_bh_enable(); /* BLOCK_SOFTIRQ runs here */
	return IRQ_HANDLED;
}

void ata_test_mute_interrupts(bool mute)
{
	outb(ATA_CONTROL, mute ? ATA_CTL_NIEN : 0);
}

void ata_test_spurious_thread_run(void)
{
	ata_thread(ATA_IRQ, &drive);
}
