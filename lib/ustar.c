/* lib/ustar.c - see ustar.h. */
#include "lib/ustar.h"

#include "lib/errno.h"
#include "lib/string.h"

#define NAME_OFF   0
#define NAME_LEN   100
#define SIZE_OFF   124
#define SIZE_LEN   12
#define CHKSUM_OFF 148
#define CHKSUM_LEN 8
#define TYPE_OFF   156
#define MAGIC_OFF  257
#define MAGIC	   "ustar" /* then NUL (POSIX) or a space (GNU) */
#define MAGIC_LEN  5

/* An octal field: digits, maybe led by spaces, ended by NUL or space.
 * -1 if there are no digits or something else is in it. */
static long long octal(const uint8_t *field, size_t len)
{
	long long v = 0;
	size_t i = 0;
	bool digits = false;

	while (i < len && field[i] == ' ')
		i++;
	for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
		v = v * 8 + (field[i] - '0');
		digits = true;
	}
	if (i < len && field[i] != '\0' && field[i] != ' ')
		return -1;
	return digits ? v : -1;
}

static bool checksum_ok(const uint8_t *h)
{
	unsigned long sum = 0;
	long long want = octal(h + CHKSUM_OFF, CHKSUM_LEN);

	for (size_t i = 0; i < USTAR_BLOCK; i++)
		sum += (i >= CHKSUM_OFF && i < CHKSUM_OFF + CHKSUM_LEN) ? ' '
									: h[i];
	return want >= 0 && (unsigned long)want == sum;
}

static bool header_ok(const uint8_t *h)
{
	return !memcmp(h + MAGIC_OFF, MAGIC, MAGIC_LEN) && checksum_ok(h);
}

static bool all_zero(const uint8_t *h)
{
	for (size_t i = 0; i < USTAR_BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

bool ustar_is_archive(const uint8_t *buf, size_t len)
{
	return len >= USTAR_BLOCK && header_ok(buf);
}

int ustar_next(const uint8_t *buf, size_t len, size_t *pos,
	       struct ustar_member *m)
{
	const uint8_t *h;
	long long size;
	size_t blocks;

	/* the end: two zero blocks, or (leniently) the buffer's end */
	if (*pos > len || len - *pos < USTAR_BLOCK)
		return 0;
	h = buf + *pos;
	if (all_zero(h))
		return 0;
	if (!header_ok(h))
		return -EINVAL;
	size = octal(h + SIZE_OFF, SIZE_LEN);
	if (size < 0)
		return -EINVAL;
	blocks = ((size_t)size + USTAR_BLOCK - 1) / USTAR_BLOCK;
	if ((uint64_t)size > len - *pos - USTAR_BLOCK)
		return -EINVAL;
	memcpy(m->name, h + NAME_OFF, NAME_LEN);
	m->name[NAME_LEN] = '\0';
	m->data = h + USTAR_BLOCK;
	m->size = (size_t)size;
	m->type = h[TYPE_OFF] ? (char)h[TYPE_OFF] : '0';
	*pos += USTAR_BLOCK * (1 + blocks);
	return 1;
}
