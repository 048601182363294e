/*
 * test_ringbuf.c - lib/ringbuf.c: FIFO order, full/empty, partial copies,
 * the 32-bit index wrap, and a long random run against a simple model.
 */
#include <stdint.h>
#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/ringbuf.h"

#define SIZE	  16
#define NEAR_WRAP 0xfffffff0u /* head/tail overflow after 16 bytes */

/* Start both counters just below the 32-bit overflow. */
static void init_near_wrap(struct ringbuf *rb, uint8_t *storage, uint32_t start)
{
	ringbuf_init(rb, storage, SIZE);
	rb->head = start;
	rb->tail = start;
}

static void starts_empty(void)
{
	uint8_t storage[SIZE], b;
	struct ringbuf rb;

	ringbuf_init(&rb, storage, SIZE);
	CHECK(ringbuf_empty(&rb));
	CHECK(!ringbuf_full(&rb));
	CHECK_EQ(ringbuf_len(&rb), 0);
	CHECK_EQ(ringbuf_space(&rb), SIZE);
	CHECK(!ringbuf_get(&rb, &b));
	CHECK_EQ(ringbuf_peek(&rb, 0), -1);
	CHECK_EQ(ringbuf_read(&rb, &b, 1), 0);
}

/* A full buffer refuses more bytes and never overwrites old ones. */
static void fill_until_full(void)
{
	uint8_t storage[SIZE], b;
	struct ringbuf rb;
	int i;

	ringbuf_init(&rb, storage, SIZE);
	for (i = 0; i < SIZE; i++)
		CHECK(ringbuf_put(&rb, (uint8_t)(100 + i)));
	CHECK(ringbuf_full(&rb));
	CHECK(!ringbuf_empty(&rb));
	CHECK_EQ(ringbuf_space(&rb), 0);
	CHECK(!ringbuf_put(&rb, 0xee));
	CHECK_EQ(ringbuf_write(&rb, "xyz", 3), 0);
	for (i = 0; i < SIZE; i++) {
		CHECK(ringbuf_get(&rb, &b));
		CHECK_EQ(b, 100 + i);
	}
	CHECK(ringbuf_empty(&rb));
}

/* Full and empty stay distinct while head wraps past 0xffffffff. */
static void index_wraparound(void)
{
	uint8_t storage[SIZE], b;
	struct ringbuf rb;
	int i;

	init_near_wrap(&rb, storage, 0xfffffffcu);
	for (i = 0; i < SIZE; i++)
		CHECK(ringbuf_put(&rb, (uint8_t)i));
	CHECK(rb.head < rb.tail); /* head has wrapped, tail not yet */
	CHECK(ringbuf_full(&rb));
	CHECK_EQ(ringbuf_len(&rb), SIZE);
	CHECK(!ringbuf_put(&rb, 0xee));
	for (i = 0; i < SIZE; i++) {
		CHECK_EQ(ringbuf_peek(&rb, 0), i);
		CHECK(ringbuf_get(&rb, &b));
		CHECK_EQ(b, i);
	}
	CHECK(ringbuf_empty(&rb));
	CHECK_EQ(rb.tail, 0xc);
}

static void partial_write_read(void)
{
	uint8_t storage[SIZE], out[32];
	struct ringbuf rb;
	const char *msg = "0123456789abcdefghij"; /* 20 bytes */
	int i;

	init_near_wrap(&rb, storage, NEAR_WRAP + 3);
	CHECK_EQ(ringbuf_write(&rb, msg, 20), SIZE); /* only 16 fit */
	CHECK_EQ(ringbuf_read(&rb, out, 10), 10);
	for (i = 0; i < 10; i++)
		CHECK_EQ(out[i], msg[i]);
	CHECK_EQ(ringbuf_write(&rb, "VWXYZ", 5), 5); /* wraps in the array */
	CHECK_EQ(ringbuf_len(&rb), 11);
	CHECK_EQ(ringbuf_read(&rb, out, sizeof(out)), 11);
	for (i = 0; i < 6; i++)
		CHECK_EQ(out[i], msg[10 + i]);
	for (i = 0; i < 5; i++)
		CHECK_EQ(out[6 + i], "VWXYZ"[i]);
	CHECK(ringbuf_empty(&rb));
}

static void peek_and_drop(void)
{
	uint8_t storage[SIZE];
	struct ringbuf rb;

	init_near_wrap(&rb, storage, NEAR_WRAP + 14);
	ringbuf_write(&rb, "abcdef", 6);
	CHECK_EQ(ringbuf_peek(&rb, 0), 'a');
	CHECK_EQ(ringbuf_peek(&rb, 5), 'f');
	CHECK_EQ(ringbuf_peek(&rb, 6), -1);
	CHECK_EQ(ringbuf_peek(&rb, 0xffffffffu), -1);
	ringbuf_drop(&rb, 2);
	CHECK_EQ(ringbuf_peek(&rb, 0), 'c');
	CHECK_EQ(ringbuf_len(&rb), 4);
	ringbuf_drop(&rb, 100); /* more than stored: empties it */
	CHECK(ringbuf_empty(&rb));
	ringbuf_write(&rb, "zz", 2);
	ringbuf_reset(&rb);
	CHECK(ringbuf_empty(&rb));
	CHECK_EQ(rb.head, 0);
}

/* Size 1 is a power of two too: the mask is 0. */
static void size_one(void)
{
	uint8_t storage[1], b = 0;
	struct ringbuf rb;

	ringbuf_init(&rb, storage, 1);
	CHECK(ringbuf_put(&rb, 7));
	CHECK(ringbuf_full(&rb));
	CHECK(!ringbuf_put(&rb, 8));
	CHECK(ringbuf_get(&rb, &b));
	CHECK_EQ(b, 7);
	CHECK(ringbuf_empty(&rb));
}

/* xorshift32: a fixed, libc-independent random sequence. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* The model: a plain array, oldest byte first. */
struct model {
	uint8_t q[SIZE];
	uint32_t n;
};

static void model_push(struct model *m, uint8_t b)
{
	if (m->n < SIZE)
		m->q[m->n++] = b;
}

static void model_pop(struct model *m, uint32_t k)
{
	uint32_t i;

	if (k > m->n)
		k = m->n;
	for (i = k; i < m->n; i++)
		m->q[i - k] = m->q[i];
	m->n -= k;
}

static void random_step(struct ringbuf *rb, struct model *m)
{
	uint8_t data[SIZE + 4], b;
	uint32_t n = rng() % (SIZE + 4), i, got, want;

	switch (rng() % 5) {
	case 0:
		b = (uint8_t)rng();
		CHECK_EQ(ringbuf_put(rb, b), m->n < SIZE);
		model_push(m, b);
		break;
	case 1:
		CHECK_EQ(ringbuf_get(rb, &b), m->n > 0);
		if (m->n)
			CHECK_EQ(b, m->q[0]);
		model_pop(m, 1);
		break;
	case 2:
		for (i = 0; i < n; i++)
			data[i] = (uint8_t)rng();
		want = n < SIZE - m->n ? n : SIZE - m->n;
		CHECK_EQ(ringbuf_write(rb, data, n), want);
		for (i = 0; i < want; i++)
			model_push(m, data[i]);
		break;
	case 3:
		got = ringbuf_read(rb, data, n);
		CHECK_EQ(got, n < m->n ? n : m->n);
		for (i = 0; i < got && i < m->n; i++)
			CHECK_EQ(data[i], m->q[i]);
		model_pop(m, got);
		break;
	default:
		CHECK_EQ(ringbuf_peek(rb, n), n < m->n ? m->q[n] : -1);
		if (rng() % 4 == 0) {
			ringbuf_drop(rb, n);
			model_pop(m, n);
		}
		break;
	}
	CHECK_EQ(ringbuf_len(rb), m->n);
}

static void random_model_check(void)
{
	uint8_t storage[SIZE];
	struct ringbuf rb;
	struct model m = { .n = 0 };
	int step;

	init_near_wrap(&rb, storage, NEAR_WRAP - 1000);
	for (step = 0; step < 200000 && !check_failures; step++)
		random_step(&rb, &m);
	CHECK(rb.head < NEAR_WRAP); /* the run did cross the overflow */
}

static const struct test_case cases[] = {
	TEST_CASE(starts_empty),       TEST_CASE(fill_until_full),
	TEST_CASE(index_wraparound),   TEST_CASE(partial_write_read),
	TEST_CASE(peek_and_drop),      TEST_CASE(size_one),
	TEST_CASE(random_model_check),
};

int main(void)
{
	return RUN_TESTS(cases);
}
