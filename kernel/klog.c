/* kernel/klog.c - see klog.h. */
#include "kernel/klog.h"

void klog_init(struct klog *log, void *storage, uint32_t size)
{
	ringbuf_init(&log->rb, storage, size);
	log->lines_lost = 0;
}

/* Drop the oldest line, newline included. */
static void klog_drop_line(struct klog *log)
{
	uint8_t c;

	while (ringbuf_get(&log->rb, &c) && c != '\n')
		;
	log->lines_lost++;
}

void klog_append(struct klog *log, const char *s, size_t n)
{
	if (n > log->rb.size) { /* keep the tail of a giant message */
		s += n - log->rb.size;
		n = log->rb.size;
	}
	while (ringbuf_space(&log->rb) < n)
		klog_drop_line(log);
	ringbuf_write(&log->rb, s, n);
}

void klog_for_each(const struct klog *log, void (*out)(const char *s, size_t n))
{
	const struct ringbuf *rb = &log->rb;
	uint32_t len = ringbuf_len(rb);
	uint32_t start = rb->tail & (rb->size - 1);
	uint32_t first = rb->size - start;

	if (first > len)
		first = len;
	if (first)
		out((const char *)rb->data + start, first);
	if (len > first)
		out((const char *)rb->data, len - first);
}
