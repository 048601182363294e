/*
 * ringbuf.c - single-producer, single-consumer byte ring.
 *
 * Each side reads its own index plainly (nobody else writes it) and the
 * other side's index with acquire; it publishes its own with release.
 */
#include "lib/ringbuf.h"
#include "lib/string.h"

static inline uint32_t load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

void ringbuf_init(struct ringbuf *rb, void *storage, uint32_t size)
{
	rb->data = storage;
	rb->size = size;
	rb->head = 0;
	rb->tail = 0;
}

void ringbuf_reset(struct ringbuf *rb)
{
	rb->head = 0;
	rb->tail = 0;
}

uint32_t ringbuf_len(const struct ringbuf *rb)
{
	return load_acquire(&rb->head) - load_acquire(&rb->tail);
}

uint32_t ringbuf_space(const struct ringbuf *rb)
{
	return rb->size - ringbuf_len(rb);
}

bool ringbuf_empty(const struct ringbuf *rb)
{
	return ringbuf_len(rb) == 0;
}

bool ringbuf_full(const struct ringbuf *rb)
{
	return ringbuf_len(rb) == rb->size;
}

bool ringbuf_put(struct ringbuf *rb, uint8_t byte)
{
	uint32_t head = rb->head;

	if (head - load_acquire(&rb->tail) == rb->size)
		return false;
	rb->data[head & (rb->size - 1)] = byte;
	store_release(&rb->head, head + 1); /* byte first, then index */
	return true;
}

bool ringbuf_get(struct ringbuf *rb, uint8_t *out)
{
	uint32_t tail = rb->tail;

	if (load_acquire(&rb->head) == tail)
		return false;
	*out = rb->data[tail & (rb->size - 1)];
	store_release(&rb->tail, tail + 1); /* read first, then free it */
	return true;
}

/*
 * The stored region may wrap around the end of the array; copy it as at
 * most two contiguous pieces: [pos, end of array) then [0, rest).
 */
uint32_t ringbuf_write(struct ringbuf *rb, const void *src, uint32_t n)
{
	uint32_t head = rb->head;
	uint32_t space = rb->size - (head - load_acquire(&rb->tail));
	uint32_t pos = head & (rb->size - 1);
	uint32_t first;

	if (n > space)
		n = space;
	first = rb->size - pos < n ? rb->size - pos : n;
	memcpy(rb->data + pos, src, first);
	memcpy(rb->data, (const uint8_t *)src + first, n - first);
	store_release(&rb->head, head + n);
	return n;
}

uint32_t ringbuf_read(struct ringbuf *rb, void *dst, uint32_t n)
{
	uint32_t tail = rb->tail;
	uint32_t len = load_acquire(&rb->head) - tail;
	uint32_t pos = tail & (rb->size - 1);
	uint32_t first;

	if (n > len)
		n = len;
	first = rb->size - pos < n ? rb->size - pos : n;
	memcpy(dst, rb->data + pos, first);
	memcpy((uint8_t *)dst + first, rb->data, n - first);
	store_release(&rb->tail, tail + n);
	return n;
}

int ringbuf_peek(const struct ringbuf *rb, uint32_t idx)
{
	uint32_t tail = rb->tail;

	if (idx >= load_acquire(&rb->head) - tail)
		return -1;
	return rb->data[(tail + idx) & (rb->size - 1)];
}

void ringbuf_drop(struct ringbuf *rb, uint32_t n)
{
	uint32_t tail = rb->tail;
	uint32_t len = load_acquire(&rb->head) - tail;

	store_release(&rb->tail, tail + (n < len ? n : len));
}
