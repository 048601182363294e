/*
 * test_inet_csum.c - lib/inet_csum against RFC 1071's worked example and
 * a real IPv4 header, and the rules the stack relies on: pieces add up
 * to the whole, an odd byte is zero-padded, a correct message verifies
 * to 0, and one flipped bit is caught.
 */
#include <string.h>

#include "tests/host/check.h"
#include "lib/inet_csum.h"

/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (after
 * folding the carry), so the checksum is its complement, 220d. */
static void rfc1071_example(void)
{
	static const unsigned char b[] = { 0x00, 0x01, 0xf2, 0x03,
					   0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_EQ(inet_csum(b, sizeof(b)), 0x220d);
}

/* A captured IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) whose
 * checksum field reads b861. */
static const unsigned char ip_header[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void ipv4_header_vector(void)
{
	unsigned char h[20];

	memcpy(h, ip_header, sizeof(h));
	h[10] = h[11] = 0;
	CHECK_EQ(inet_csum(h, sizeof(h)), 0xb861);
}

/* The receiver's test: the sum over everything, checksum included. */
static void correct_message_verifies_to_zero(void)
{
	CHECK_EQ(inet_csum(ip_header, sizeof(ip_header)), 0);
}

static void flipped_bit_is_caught(void)
{
	unsigned char h[20];

	memcpy(h, ip_header, sizeof(h));
	h[15] ^= 0x04;
	CHECK(inet_csum(h, sizeof(h)) != 0);
}

/* An odd length: the last byte counts as the high half of a word. */
static void odd_length_pads_with_zero(void)
{
	static const unsigned char odd[] = { 0x12, 0x34, 0x56 };
	static const unsigned char even[] = { 0x12, 0x34, 0x56, 0x00 };

	CHECK_EQ(inet_csum(odd, 3), inet_csum(even, 4));
	CHECK_EQ(inet_csum(odd, 3), (unsigned)(~(0x1234 + 0x5600) & 0xffff));
}

/* Pseudo-header, header and payload summed in pieces equal one call. */
static void pieces_equal_whole(void)
{
	static unsigned char buf[3000];
	unsigned int seed = 7;
	uint32_t sum;

	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (unsigned char)(seed >> 16);
	}
	sum = inet_csum_add(0, buf, 12);
	sum = inet_csum_add(sum, buf + 12, 8);
	sum = inet_csum_add(sum, buf + 20, sizeof(buf) - 21);
	CHECK_EQ(inet_csum_fold(sum), inet_csum(buf, sizeof(buf) - 1));
}

/* All-ones words: many carries, which must all come back in. */
static void carries_fold_back(void)
{
	static unsigned char ones[70000];

	memset(ones, 0xff, sizeof(ones));
	CHECK_EQ(inet_csum(ones, sizeof(ones)), 0);
	CHECK_EQ(inet_csum("", 0), 0xffff);
}

static const struct test_case cases[] = {
	TEST_CASE(rfc1071_example),
	TEST_CASE(ipv4_header_vector),
	TEST_CASE(correct_message_verifies_to_zero),
	TEST_CASE(flipped_bit_is_caught),
	TEST_CASE(odd_length_pads_with_zero),
	TEST_CASE(pieces_equal_whole),
	TEST_CASE(carries_fold_back),
};

int main(void)
{
	return RUN_TESTS(cases);
}
