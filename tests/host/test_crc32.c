/*
 * test_crc32.c - lib/crc32 against the published check value and zlib's
 * behaviour (chaining pieces gives the same result as one call).
 */
#include <string.h>

#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/crc32.h"

/* The standard check value: CRC-32 of "123456789" is 0xcbf43926. */
static void check_value(void)
{
	CHECK_EQ(crc32_update(0, "123456789", 9), 0xcbf43926u);
}

static void empty_is_zero(void)
{
	CHECK_EQ(crc32_update(0, "", 0), 0);
}

/* Known zlib.crc32 results for a few inputs. */
static void known_values(void)
{
	CHECK_EQ(crc32_update(0, "a", 1), 0xe8b7be43u);
	CHECK_EQ(crc32_update(0, "The quick brown fox jumps over the lazy dog",
			      43),
		 0x414fa339u);
}

/* Feeding the data in pieces gives the same CRC as all at once. */
static void chaining(void)
{
	static unsigned char buf[1000];
	unsigned int seed = 12345;
	uint32_t whole, pieces = 0;

	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (unsigned char)(seed >> 16);
	}
	whole = crc32_update(0, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i += 7) {
		size_t n = sizeof(buf) - i < 7 ? sizeof(buf) - i : 7;

		pieces = crc32_update(pieces, buf + i, n);
	}
	CHECK_EQ(whole, pieces);
	CHECK(whole != crc32_update(0, buf, sizeof(buf) - 1));
}

static const struct test_case cases[] = {
	TEST_CASE(check_value),
	TEST_CASE(empty_is_zero),
	TEST_CASE(known_values),
	TEST_CASE(chaining),
};

int main(void)
{
	return RUN_TESTS(cases);
}
