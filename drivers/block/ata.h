/*
 * drivers/block/ata.h - the ATA disk on the PIIX IDE primary channel
 * (docs/block.md): PIO, LBA28, one drive (the master), IRQ 14.
 *
 * At boot ata_init() looks for the drive with polled commands (IDENTIFY:
 * model, sector count), then attaches IRQ 14 as a threaded IRQ:
 *
 *   hard IRQ   ata_hardirq: read the status register - that acknowledges
 *              the drive - and return IRQ_WAKE_THREAD;
 *   irq/14-ata ata_thread: the PIO data transfer, 256 16-bit words per
 *              sector by port I/O, with IRQs on; at the end of a request
 *              blk_complete_request() hands it to BLOCK_SOFTIRQ.
 *
 * Requests come through the block layer (kernel/block/blk.h): one at a
 * time on the drive, the rest queued.
 *
 * Context: ata_init at boot, before the scheduler (it polls, IRQs off);
 * ata_disk() from any context; the queue's API as blk.h says.
 */
#ifndef DRIVERS_BLOCK_ATA_H
#define DRIVERS_BLOCK_ATA_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/block/blk.h"

#define ATA_IRQ 14

struct ata_drive {
	bool present;
	char model[41];	  /* IDENTIFY words 27-46, spaces trimmed */
	uint32_t sectors; /* LBA28 capacity, IDENTIFY words 60-61 */
	struct blk_queue queue;

	/* Serialises the drive's registers and the request's progress
	 * between ata_issue (submitter or BLOCK_SOFTIRQ, any CPU), the
	 * IRQ thread and the timeout. Taken with bottom halves off. */
	struct spinlock lock;
	uint8_t last_status, last_error; /* at the last interrupt / error */

	unsigned long interrupts; /* hard IRQs that were the drive's */
	unsigned long stray;	  /* ... with no request to serve */
	unsigned long resets;	  /* after a timeout */
};

/* Probe the drive and attach IRQ 14. 0, or -ENODEV (no drive: one boot
 * line says so), -ETIMEDOUT (a drive that never answers). */
int ata_init(void);
/* The drive, or NULL if none was found. */
struct ata_drive *ata_disk(void);
/* The drive's queue, or NULL. */
struct blk_queue *ata_queue(void);

/* Tests only: with nIEN set the drive stops interrupting, so a request
 * can only end by its timeout (which resets the drive and clears nIEN). */
void ata_test_mute_interrupts(bool mute);
/* Tests only: one run of the IRQ thread's function with no interrupt
 * behind it - as a wake left over from an earlier interrupt is. */
void ata_test_spurious_thread_run(void);

#endif
