/*
 * ringbuf.h - a byte FIFO over a caller-provided array.
 *
 * The classic way to pass bytes from an interrupt handler (the UART
 * receive interrupt) to a thread (the shell) without a lock.
 *
 * Rules:
 *  - The storage size must be a power of two (1, 2, 4, ... 2^31), so that
 *    "index modulo size" is a cheap mask: index & (size - 1).
 *  - head (where the next byte is written) and tail (where the next byte
 *    is read) are free-running 32-bit counters that are never reduced
 *    modulo size. head - tail is the number of stored bytes, correct even
 *    after head wraps past 0xffffffff, because unsigned subtraction is
 *    modulo 2^32 (and size <= 2^31). So "full" (head - tail == size) and
 *    "empty" (head == tail) never look alike, and every slot is usable.
 *  - Nothing is ever overwritten: writing to a full buffer stores less.
 *  - One producer and one consumer may run at the same time without a
 *    lock, e.g. an interrupt handler producing and a thread consuming.
 *    The producer calls put/write/space/full and is the only writer of
 *    head; the consumer calls get/read/peek/drop/len/empty and is the
 *    only writer of tail. Each side publishes its index with a single
 *    32-bit store-release after touching the data, and reads the other's
 *    index with a load-acquire, so the data is visible before the index
 *    that announces it, even on several CPUs.
 *  - Several producers (or consumers) need a lock among themselves.
 *  - ringbuf_init() and ringbuf_reset() must not race with either side.
 *
 * Context: any; does not sleep.
 */
#ifndef LIB_RINGBUF_H
#define LIB_RINGBUF_H

#include <stdbool.h>
#include <stdint.h>

struct ringbuf {
	uint8_t *data;
	uint32_t size; /* power of two */
	uint32_t head; /* write counter, free-running */
	uint32_t tail; /* read counter, free-running */
};

void ringbuf_init(struct ringbuf *rb, void *storage, uint32_t size);
void ringbuf_reset(struct ringbuf *rb);

uint32_t ringbuf_len(const struct ringbuf *rb);	  /* bytes stored */
uint32_t ringbuf_space(const struct ringbuf *rb); /* bytes free */
bool ringbuf_empty(const struct ringbuf *rb);
bool ringbuf_full(const struct ringbuf *rb);

/* Producer side. put returns false (storing nothing) when full. */
bool ringbuf_put(struct ringbuf *rb, uint8_t byte);
uint32_t ringbuf_write(struct ringbuf *rb, const void *src, uint32_t n);

/* Consumer side. get returns false when empty. */
bool ringbuf_get(struct ringbuf *rb, uint8_t *out);
uint32_t ringbuf_read(struct ringbuf *rb, void *dst, uint32_t n);
int ringbuf_peek(const struct ringbuf *rb, uint32_t idx); /* or -1 */
void ringbuf_drop(struct ringbuf *rb, uint32_t n);

#endif /* LIB_RINGBUF_H */
