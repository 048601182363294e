/*
 * lib/ustar.h - reading a POSIX ustar ("tar") archive in memory.
 *
 * GRUB loads each Multiboot module with a file lookup through the BIOS,
 * about 27 ms apiece under QEMU's TCG; the ISO therefore carries the user
 * programs as one archive (build/programs.tar, made by GNU tar) and the
 * kernel splits it into its members at boot (kernel/multiboot.c).
 *
 * The format (POSIX.1-1988 "ustar"): a sequence of 512-byte headers, each
 * followed by its member's data rounded up to 512 bytes; two zero blocks
 * end it. A header holds the name (100 bytes, NUL-terminated if shorter),
 * the size (12 octal digits), a checksum (the sum of the header's bytes
 * with the checksum field counted as spaces), the type ('0' or NUL: a
 * regular file) and the magic "ustar" at offset 257.
 *
 * Context: any; pure functions on a buffer (tests/host/test_ustar.c).
 */
#ifndef LIB_USTAR_H
#define LIB_USTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USTAR_BLOCK 512

struct ustar_member {
	char name[101];	     /* NUL-terminated */
	const uint8_t *data; /* inside the archive */
	size_t size;
	char type; /* '0' a regular file, '5' a directory, ... */
};

/* Does the buffer start with a valid ustar header? */
bool ustar_is_archive(const uint8_t *buf, size_t len);

/*
 * The member whose header is at *pos, and *pos moved past its data:
 * 1 a member, 0 the end of the archive, or -EINVAL if the header is
 * damaged (bad checksum or magic, size past the buffer's end).
 */
int ustar_next(const uint8_t *buf, size_t len, size_t *pos,
	       struct ustar_member *m);

#endif
