/*
 * kernel/klog.h - a ring buffer of text lines that forgets whole lines.
 *
 * When a new line does not fit, the oldest complete lines are dropped to
 * make room, and counted, so a reader is told how much it missed instead
 * of seeing half a line. The storage is the caller's (size a power of two).
 * No locking here: the caller (printk) serialises.
 *
 * Context: any; does not sleep.
 */
#ifndef KERNEL_KLOG_H
#define KERNEL_KLOG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ringbuf.h"

struct klog {
	struct ringbuf rb;
	unsigned long lines_lost;
};

void klog_init(struct klog *log, void *storage, uint32_t size);
void klog_append(struct klog *log, const char *s, size_t n);
/* Calls out() with the stored text in at most two pieces (wraparound). */
void klog_for_each(const struct klog *log,
		   void (*out)(const char *s, size_t n));

#endif
