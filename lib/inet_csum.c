/* lib/inet_csum.c - the Internet checksum; see inet_csum.h. */
#include "lib/inet_csum.h"

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	/* A 32-bit sum of 16-bit words cannot overflow before 64 KiB of
	 * 0xffff words; fold now and then so any length is safe. */
	while (len >= 2) {
		sum += (uint32_t)p[0] << 8 | p[1];
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8; /* the odd byte, zero-padded */
	return sum;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	/* Ones' complement addition: carries out of bit 15 come back in. */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t inet_csum(const void *data, size_t len)
{
	return inet_csum_fold(inet_csum_add(0, data, len));
}
