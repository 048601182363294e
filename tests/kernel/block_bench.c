/*
 * tests/kernel/block_bench.c - what the block layer costs per request.
 *
 *  block_rq_4k  one 8-sector (4 KiB) read through the block layer, from
 *               blk_submit_and_wait to its return, on a bench disk whose
 *               "device" answers at once from a hard IRQ (irq_offload):
 *               queueing, issue (and the timeout timer), the interrupt,
 *               blk_complete_request, BLOCK_SOFTIRQ at the interrupt's
 *               irq_exit (accounting, the tracepoints, end and wake-up),
 *               and the 4 KiB copy the device does. Everything but the
 *               drive's PIO.
 *
 * Why not the ATA disk itself: under -icount the guest's idle time runs
 * as fast as QEMU can warp it, while the drive's data comes from a host
 * thread in real time - how many interrupts find the next sector ready,
 * and where they land, changes from run to run, and make bench wants
 * figures that repeat exactly. The real drive's wall-clock rate is what
 * `disk check` prints (docs/block.md).
 */
#include "kernel/block/blk.h"
#include "kernel/irq/offload.h"
#include "kernel/test/bench.h"
#include "lib/string.h"

static struct blk_queue bench_disk;
static uint8_t platter[BLK_MAX_SECTORS * SECTOR_SIZE];

static void bench_irq(void *arg)
{
	struct blk_request *rq = arg;

	memcpy(rq->buf, platter, rq->count * SECTOR_SIZE);
	blk_complete_request(&bench_disk, rq, 0);
}

static int bench_issue(struct blk_queue *q, struct blk_request *rq)
{
	(void)q;
	irq_offload(bench_irq, rq);
	return 0;
}

static const struct blk_ops bench_ops = { .issue = bench_issue };

static uint64_t bench_block_rq_4k(void)
{
	static uint8_t buf[BLK_MAX_SECTORS * SECTOR_SIZE];
	static uint64_t samples[BENCH_RUNS];

	if (blk_queue_init(&bench_disk, "bench0", &bench_ops, 64))
		return BENCH_SKIPPED;
	blk_read(&bench_disk, 0, BLK_MAX_SECTORS, buf); /* warm up */
	for (int i = 0; i < BENCH_RUNS; i++) {
		uint64_t t0 = rdtsc();

		blk_read(&bench_disk, 8, BLK_MAX_SECTORS, buf);
		samples[i] = rdtsc() - t0;
	}
	blk_queue_release(&bench_disk);
	return bench_median(samples, BENCH_RUNS);
}
BENCH(block_rq_4k, bench_block_rq_4k,
      "block layer: one 8-sector (4 KiB) read, submit -> hard IRQ -> BLOCK_SOFTIRQ -> return");
