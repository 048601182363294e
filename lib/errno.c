/*
 * errno.c - names for error numbers, for messages and test output.
 */
#include "lib/errno.h"

struct errno_entry {
	int num;
	const char *name;
};

/* A short table: a linear search is fast enough for error paths. */
static const struct errno_entry errno_table[] = {
	{ EPERM, "EPERM" },	      { ENOENT, "ENOENT" },
	{ EINTR, "EINTR" },	      { EIO, "EIO" },
	{ E2BIG, "E2BIG" },	      { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },	      { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },	      { EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },	      { EINVAL, "EINVAL" },
	{ ENOSPC, "ENOSPC" },	      { ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" },	      { ETIMEDOUT, "ETIMEDOUT" },
	{ ESRCH, "ESRCH" },	      { ENOEXEC, "ENOEXEC" },
	{ EBADF, "EBADF" },	      { ENXIO, "ENXIO" },
	{ EDEADLK, "EDEADLK" },	      { EMSGSIZE, "EMSGSIZE" },
	{ EADDRINUSE, "EADDRINUSE" }, { EHOSTUNREACH, "EHOSTUNREACH" },
};

const char *errno_name(int err)
{
	/* Negate in unsigned arithmetic: -INT_MIN would overflow an int. */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	unsigned int i;

	for (i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++) {
		if ((unsigned int)errno_table[i].num == e)
			return errno_table[i].name;
	}
	return "E?";
}
