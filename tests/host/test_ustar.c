/*
 * test_ustar.c - lib/ustar: members of an archive built here the way GNU
 * tar writes one (--format=ustar), and damaged archives refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/host/check.h"
#include "tests/host/rename.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/ustar.h"

static uint8_t archive[16 * USTAR_BLOCK];

/* A header at block `at` for a member of `size` bytes of `fill`;
 * returns the block after its data. */
static size_t add_member(size_t at, const char *name, size_t size, char type,
			 uint8_t fill)
{
	uint8_t *h = archive + at * USTAR_BLOCK;
	unsigned long sum = 0;

	memset(h, 0, USTAR_BLOCK);
	strncpy((char *)h, name, 100);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 124, 12, "%011zo", size);
	memcpy(h + 257, "ustar", 6); /* POSIX: "ustar\0" and version "00" */
	memcpy(h + 263, "00", 2);
	h[156] = (uint8_t)type;
	memset(h + 148, ' ', 8);
	for (int i = 0; i < USTAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06lo", sum); /* then NUL, space */
	h[155] = ' ';
	memset(h + USTAR_BLOCK, fill, size);
	return at + 1 + (size + USTAR_BLOCK - 1) / USTAR_BLOCK;
}

static size_t two_members(void)
{
	size_t end;

	memset(archive, 0, sizeof(archive));
	end = add_member(0, "hello.elf", 700, '0', 0xaa);
	end = add_member(end, "spin.elf", 512, '0', 0xbb);
	return end; /* then zero blocks */
}

static void members_in_order(void)
{
	size_t pos = 0;
	struct ustar_member m;

	two_members();
	CHECK(ustar_is_archive(archive, sizeof(archive)));
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), 1);
	CHECK(strcmp(m.name, "hello.elf") == 0);
	CHECK_EQ(m.size, 700);
	CHECK(m.data == archive + USTAR_BLOCK);
	CHECK_EQ(m.data[699], 0xaa);
	CHECK_EQ(m.type, '0');
	CHECK_EQ(pos, 3 * USTAR_BLOCK); /* header + 700 bytes in 2 blocks */
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), 1);
	CHECK(strcmp(m.name, "spin.elf") == 0);
	CHECK_EQ(m.size, 512);
	CHECK_EQ(m.data[0], 0xbb);
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), 0);
}

static void directories_are_members_with_their_type(void)
{
	size_t pos = 0;
	struct ustar_member m;

	memset(archive, 0, sizeof(archive));
	add_member(0, "./", 0, '5', 0);
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), 1);
	CHECK_EQ(m.type, '5');
	CHECK_EQ(m.size, 0);
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), 0);
}

static void a_flipped_byte_fails_the_checksum(void)
{
	size_t pos = 0;
	struct ustar_member m;

	two_members();
	archive[3] ^= 1; /* in the first name */
	CHECK(!ustar_is_archive(archive, sizeof(archive)));
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), -EINVAL);
}

static void no_magic_is_no_archive(void)
{
	uint8_t elf[USTAR_BLOCK] = { 0x7f, 'E', 'L', 'F' };

	CHECK(!ustar_is_archive(elf, sizeof(elf)));
	CHECK(!ustar_is_archive(elf, 100)); /* shorter than a header */
}

/* A size that runs past the buffer is refused, not read beyond it. */
static void a_member_past_the_end_is_refused(void)
{
	size_t pos = 0;
	struct ustar_member m;

	memset(archive, 0, sizeof(archive));
	add_member(0, "big.elf", 3 * USTAR_BLOCK, '0', 1);
	CHECK_EQ(ustar_next(archive, 2 * USTAR_BLOCK, &pos, &m), -EINVAL);
	pos = 0;
	CHECK_EQ(ustar_next(archive, 4 * USTAR_BLOCK, &pos, &m), 1);
}

/* A 100-character name has no NUL in the header: still terminated. */
static void a_full_length_name_is_terminated(void)
{
	char name[101];
	size_t pos = 0;
	struct ustar_member m;

	memset(name, 'x', 100);
	name[100] = '\0';
	memset(archive, 0, sizeof(archive));
	add_member(0, name, 1, '0', 1);
	CHECK_EQ(ustar_next(archive, sizeof(archive), &pos, &m), 1);
	CHECK_EQ(strlen(m.name), 100);
}

static const struct test_case cases[] = {
	TEST_CASE(members_in_order),
	TEST_CASE(directories_are_members_with_their_type),
	TEST_CASE(a_flipped_byte_fails_the_checksum),
	TEST_CASE(no_magic_is_no_archive),
	TEST_CASE(a_member_past_the_end_is_refused),
	TEST_CASE(a_full_length_name_is_terminated),
};

int main(void)
{
	return RUN_TESTS(cases);
}
