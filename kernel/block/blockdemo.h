/*
 * kernel/block/blockdemo.h - a null disk: a second request source on
 * BLOCK_SOFTIRQ next to the ATA disk (docs/block.md).
 *
 * Its "device" finishes every request the moment it is issued (no data:
 * reads come back as zeros), so a request submitted from a hard IRQ, an
 * exception or a system call is completed - and BLOCK_SOFTIRQ raised -
 * in that same context, and the softirq then runs where such a raise
 * runs. `raise BLOCK [irq|exception]` and `defer softirq` use it: the
 * BLOCK slot's action is the real block layer's either way.
 *
 * Context: any (nothing sleeps). end_io runs in BLOCK_SOFTIRQ.
 */
#ifndef KERNEL_BLOCK_BLOCKDEMO_H
#define KERNEL_BLOCK_BLOCKDEMO_H

#include "kernel/block/blk.h"

#define BLOCKDEMO_SECTORS 1024

void blockdemo_init(void); /* after blk_init */
/* Submit rq (end_io set by the caller) for sector 0 of the null disk:
 * 0 or a refusal (blk_submit's). */
int blockdemo_submit_request(struct blk_request *rq);
/* Submit n requests from a small pool; returns how many were taken
 * (the rest: the pool or the queue was full). */
unsigned long blockdemo_submit(unsigned long n);

#endif
