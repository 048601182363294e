/*
 * user/badptr.c - hand the kernel bad pointers: every call must come back
 * with -EFAULT (never a kernel fault), and the process goes on; an
 * unknown call is -ENOSYS, and mapping RAM or a device BAR without its
 * line is -EPERM. Prints one line per case and "badptr: all refused" if
 * every one was.
 */
#include "user/lib/user.h"

struct ptr_case {
	const char *what;
	uint32_t addr, len;
};

static const struct ptr_case cases[] = {
	{ "NULL", 0, 4 },
	{ "kernel image", 0x00100000, 16 },
	{ "kernel stacks", 0xd0000000, 16 },
	{ "past user space", 0xf0000000, 16 },
	{ "spanning the user/kernel boundary", 0xeffffff8, 16 },
	{ "wrapping around 4 GiB", 0xfffffff0, 0x20 },
	{ "unmapped user page", 0xe8000000, 4 },
};

int main(void)
{
	int bad = 0;
	struct irq_info *kinfo = (struct irq_info *)0x00100000;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long r = write(1, (const void *)cases[i].addr, cases[i].len);

		printf("badptr: write(%s 0x%08lx) -> %s\n", cases[i].what,
		       (unsigned long)cases[i].addr, strerror(r));
		bad += r != -EFAULT;
		r = read(0, (void *)cases[i].addr, cases[i].len);
		bad += r != -EFAULT;
	}
	/* a read-only user page (our own code) is no buffer to write to */
	bad += read(0, (void *)main, 4) != -EFAULT;
	bad += irq_info(0, kinfo) != -EBADF; /* no handle: checked first */
	bad += syscall3(12345, 0, 0, 0) != -ENOSYS;
	/* device memory only of a line it holds: RAM never, a BAR not now */
	bad += mmap_device(0x00100000, 4096) != -EPERM;
	bad += mmap_device(0xfeb00000, 4096) != -EPERM;
	printf("badptr: %s\n", bad ? "SOME ACCEPTED (BUG)" : "all refused");
	return bad;
}
