/*
 * kernel/shell/cmds_disk.c - disk: the ATA disk through the block layer
 * (docs/block.md). Every read and write here is a request on the disk's
 * queue: the shell sleeps in blk_submit_and_wait until BLOCK_SOFTIRQ
 * completes it.
 */
#include "drivers/block/ata.h"
#include "kernel/console.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/time.h"
#include "kernel/shell/shell.h"
#include "lib/crc32.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define DISK_DUMP_MAX	  8 /* sectors `disk read` dumps at most */
#define DISK_STRESS_MAX	  8 /* threads */
#define DISK_STRESS_READS 10000
#define DISK_RANDOM_MAX	  100000

static void show_disk(struct ata_drive *d)
{
	const struct blk_queue *q = &d->queue;
	const struct blk_stats *s = &q->stats;

	console_printf(
		"disk: %s, %lu sectors (%lu KiB), PIO, LBA28, irq %d (thread irq/%d-ata)\n",
		d->model, (unsigned long)d->sectors,
		(unsigned long)d->sectors / 2, ATA_IRQ, ATA_IRQ);
	console_printf("queue: %u now, %u at most so far (of %d)\n",
		       blk_queue_depth(q), q->max_depth_seen, BLK_QUEUE_DEPTH);
	console_printf(
		"requests: %lu reads (%lu sectors), %lu writes (%lu sectors)\n",
		s->reads, s->sectors_read, s->writes, s->sectors_written);
	console_printf("errors: %lu (%lu timeouts, %lu resets), %lu refused\n",
		       s->errors, s->timeouts, d->resets, s->rejected);
	console_printf("interrupts: %lu (%lu with no request)\n", d->interrupts,
		       d->stray);
}

/* A number argument, or an error line and false. */
static bool parse_number(const char *what, const char *arg, unsigned long *out)
{
	if (kstrtoul(arg, 0, out)) {
		console_printf("disk: %s '%s' is not a number\n", what, arg);
		return false;
	}
	return true;
}

static bool check_lba(struct ata_drive *d, unsigned long lba,
		      unsigned long count)
{
	if (lba >= d->sectors || count > d->sectors - lba) {
		console_printf(
			"disk: sectors %lu-%lu are past the end of the disk (%lu sectors: 0-%lu)\n",
			lba, lba + count - 1, (unsigned long)d->sectors,
			(unsigned long)d->sectors - 1);
		return false;
	}
	return true;
}

static int report_error(const char *what, int err)
{
	console_printf("disk: %s failed: %s (%d)\n", what, errno_name(err),
		       err);
	return err;
}

/* 16 bytes a line: offset, hex, the printable ones. */
static void hexdump(unsigned long lba, const uint8_t *p)
{
	for (int off = 0; off < SECTOR_SIZE; off += 16) {
		char text[17];

		console_printf("%08lx:", lba * SECTOR_SIZE + off);
		for (int i = 0; i < 16; i++) {
			uint8_t c = p[off + i];

			console_printf(" %02x", c);
			text[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		text[16] = '\0';
		console_printf("  |%s|\n", text);
	}
}

static int disk_read(struct ata_drive *d, int argc, char **argv)
{
	static uint8_t buf[DISK_DUMP_MAX * SECTOR_SIZE];
	unsigned long lba, count = 1;
	int err;

	if (!parse_number("LBA", argv[2], &lba) ||
	    (argc == 4 && !parse_number("COUNT", argv[3], &count)))
		return -EINVAL;
	if (count < 1 || count > DISK_DUMP_MAX) {
		console_printf("disk: COUNT must be 1-%d\n", DISK_DUMP_MAX);
		return -EINVAL;
	}
	if (!check_lba(d, lba, count))
		return -ERANGE;
	err = blk_read(&d->queue, lba, count, buf);
	if (err)
		return report_error("read", err);
	for (unsigned long i = 0; i < count; i++)
		hexdump(lba + i, buf + i * SECTOR_SIZE);
	return 0;
}

/* TEXT: the words after the LBA, joined by spaces (quotes work too). */
static int disk_write(struct ata_drive *d, int argc, char **argv)
{
	static uint8_t buf[SECTOR_SIZE];
	unsigned long lba;
	size_t len = 0;
	int err;

	if (!parse_number("LBA", argv[2], &lba))
		return -EINVAL;
	if (!check_lba(d, lba, 1))
		return -ERANGE;
	memset(buf, 0, sizeof(buf));
	for (int i = 3; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (len + n + (i > 3) > SECTOR_SIZE) {
			console_printf(
				"disk: TEXT is longer than a sector (%d bytes)\n",
				SECTOR_SIZE);
			return -E2BIG;
		}
		if (i > 3)
			buf[len++] = ' ';
		memcpy(buf + len, argv[i], n);
		len += n;
	}
	err = blk_write(&d->queue, lba, 1, buf);
	if (err)
		return report_error("write", err);
	console_printf("disk: wrote %lu bytes to sector %lu (the rest zero)\n",
		       (unsigned long)len, lba);
	return 0;
}

/* Read the whole disk, BLK_MAX_SECTORS a request, in order. */
static int disk_check(struct ata_drive *d)
{
	uint8_t *buf = kmalloc(BLK_MAX_SECTORS * SECTOR_SIZE);
	uint64_t t0 = ktime_get_ns(), us;
	uint32_t crc = 0;
	int err = 0;

	if (!buf)
		return report_error("check", -ENOMEM);
	for (uint32_t lba = 0; lba < d->sectors && !err;
	     lba += BLK_MAX_SECTORS) {
		uint32_t n = d->sectors - lba < BLK_MAX_SECTORS
				     ? d->sectors - lba
				     : BLK_MAX_SECTORS;

		err = blk_read(&d->queue, lba, n, buf);
		if (!err)
			crc = crc32_update(crc, buf, n * SECTOR_SIZE);
		if (err)
			console_printf("disk: check: sector %lu: %s\n",
				       (unsigned long)lba, errno_name(err));
	}
	kfree(buf);
	if (err)
		return err;
	us = (ktime_get_ns() - t0) / 1000;
	console_printf(
		"disk check: %lu sectors, crc32 %08lx, %lu ms (%lu KB/s)\n",
		(unsigned long)d->sectors, (unsigned long)crc,
		(unsigned long)(us / 1000),
		(unsigned long)(us ? (uint64_t)d->sectors * 512 * 1000 / us
				   : 0));
	return 0;
}

/* The sector sequence of `disk random`: diskimage.py's lba_sequence. */
static uint32_t next_lba(uint32_t *x, uint32_t sectors)
{
	*x = *x * 1664525u + 1013904223u;
	return (*x >> 8) % sectors;
}

static int disk_random(struct ata_drive *d, char **argv)
{
	static uint8_t buf[SECTOR_SIZE];
	unsigned long count, seed;
	uint32_t x, crc = 0;

	if (!parse_number("COUNT", argv[2], &count) ||
	    !parse_number("SEED", argv[3], &seed))
		return -EINVAL;
	if (count < 1 || count > DISK_RANDOM_MAX) {
		console_printf("disk: COUNT must be 1-%d\n", DISK_RANDOM_MAX);
		return -EINVAL;
	}
	x = (uint32_t)seed;
	for (unsigned long i = 0; i < count; i++) {
		uint32_t lba = next_lba(&x, d->sectors);
		int err = blk_read(&d->queue, lba, 1, buf);

		if (err) {
			console_printf("disk: random: sector %lu: ",
				       (unsigned long)lba);
			return report_error("read", err);
		}
		crc = crc32_update(crc, buf, SECTOR_SIZE);
	}
	console_printf("disk random: %lu sectors, crc32 %08lx\n", count,
		       (unsigned long)crc);
	return 0;
}

/* ---- disk stress: several threads read at once ---------------------- */

struct stress_worker {
	struct ata_drive *d;
	uint32_t seed;
	unsigned long reads, done, errors, wrong;
};

/* Each sector starts "sector %08u\n" (tests/harness/diskimage.py): a
 * read from the wrong place shows. */
static bool sector_is(const uint8_t *buf, uint32_t lba)
{
	char want[17];

	snprintf(want, sizeof(want), "sector %08lu\n", (unsigned long)lba);
	return !memcmp(buf, want, 16);
}

static int stress_thread(void *arg)
{
	struct stress_worker *w = arg;
	uint8_t buf[SECTOR_SIZE];
	uint32_t x = w->seed;

	for (unsigned long i = 0; i < w->reads; i++) {
		uint32_t lba = next_lba(&x, w->d->sectors);

		if (blk_read(&w->d->queue, lba, 1, buf))
			w->errors++;
		else if (!sector_is(buf, lba))
			w->wrong++;
		w->done++;
	}
	/* A thread that returns on its own is freed at once; this one is
	 * reaped by the shell's kthread_stop, so it waits for that. */
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static int disk_stress(struct ata_drive *d, char **argv)
{
	static struct stress_worker workers[DISK_STRESS_MAX];
	struct thread *threads[DISK_STRESS_MAX];
	unsigned long nthreads, reads, done = 0, errors = 0, wrong = 0;
	unsigned int depth_before = d->queue.max_depth_seen;

	if (!parse_number("THREADS", argv[2], &nthreads) ||
	    !parse_number("N", argv[3], &reads))
		return -EINVAL;
	if (nthreads < 1 || nthreads > DISK_STRESS_MAX || reads < 1 ||
	    reads > DISK_STRESS_READS) {
		console_printf("disk: THREADS must be 1-%d, N 1-%d\n",
			       DISK_STRESS_MAX, DISK_STRESS_READS);
		return -EINVAL;
	}
	d->queue.max_depth_seen = 0;
	for (unsigned long i = 0; i < nthreads; i++) {
		workers[i] = (struct stress_worker){ .d = d,
						     .seed = 1000 + i,
						     .reads = reads };
		threads[i] = kthread_run(stress_thread, &workers[i],
					 "disk-stress/%lu", i);
		if (!threads[i]) {
			console_printf("disk: cannot start thread %lu\n", i);
			nthreads = i;
			break;
		}
	}
	/* kthread_stop waits for each to finish its reads, and frees it. */
	for (unsigned long i = 0; i < nthreads; i++) {
		kthread_stop(threads[i]);
		done += workers[i].done;
		errors += workers[i].errors;
		wrong += workers[i].wrong;
	}
	console_printf(
		"disk stress: %lu threads x %lu reads: %lu completed, %lu errors, %lu wrong sectors, queue depth up to %u\n",
		nthreads, reads, done, errors, wrong, d->queue.max_depth_seen);
	if (d->queue.max_depth_seen < depth_before)
		d->queue.max_depth_seen = depth_before;
	return errors || wrong ? -EIO : 0;
}

static int cmd_disk(int argc, char **argv)
{
	struct ata_drive *d = ata_disk();
	const char *sub = argc > 1 ? argv[1] : "";

	if (!d) {
		console_printf("disk: no disk\n");
		return -ENODEV;
	}
	if (argc == 1)
		return show_disk(d), 0;
	if (!strcmp(sub, "read") && (argc == 3 || argc == 4))
		return disk_read(d, argc, argv);
	if (!strcmp(sub, "write") && argc >= 3)
		return disk_write(d, argc, argv);
	if (!strcmp(sub, "check") && argc == 2)
		return disk_check(d);
	if (!strcmp(sub, "random") && argc == 4)
		return disk_random(d, argv);
	if (!strcmp(sub, "stress") && argc == 4)
		return disk_stress(d, argv);
	return shell_usage("disk");
}
SHELL_COMMAND(
	disk, cmd_disk, 0, -1,
	"disk [read LBA [COUNT] | write LBA TEXT | check | random COUNT SEED | stress THREADS N]",
	"the ATA disk: its state; read (hex dump, COUNT <= 8), write TEXT into a sector, CRC-32 of it all, N random reads, N reads from each of THREADS threads");
