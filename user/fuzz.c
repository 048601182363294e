/*
 * user/fuzz.c - a bounded system call fuzzer.
 *
 *   run fuzz [CALLS] [SEED]
 *
 * Random numbers (valid ones and beyond) with random arguments drawn
 * from interesting values: small numbers, -1, huge numbers, pointers into
 * the kernel, across the user/kernel boundary, into unmapped user space,
 * and into its own buffer. Calls that would end or stall the fuzzer are
 * tamed: no exit, read only from a bad descriptor, short sleeps, only
 * non-blocking irq_wait. It must finish with the kernel alive: it prints
 * "fuzz: done" and a summary.
 */
#include "user/lib/user.h"

static char buffer[64] = "fuzz buffer\n";

static uint32_t pick_arg(uint32_t *seed)
{
	static const uint32_t values[] = {
		0,	    1,		2,	    3,		8,
		0xffffffff, 0x7fffffff, 0x80000000, 0x00100000, 0xd0000000,
		0xeffffffc, 0xf0000000, 0xe8000000, 0xfffffff0, 0x2f8,
		0x3f8,	    65535,	65536,
	};
	uint32_t r = rand32(seed);

	if (r % 4 == 0)
		return (uint32_t)buffer + rand32(seed) % sizeof(buffer);
	if (r % 4 == 1)
		return rand32(seed);
	return values[rand32(seed) % (sizeof(values) / sizeof(values[0]))];
}

static long fuzz_one(uint32_t *seed)
{
	long nr = (long)(rand32(seed) % (NR_SYSCALLS + 4));
	uint32_t a1 = pick_arg(seed), a2 = pick_arg(seed), a3 = pick_arg(seed);

	switch (nr) {
	case SYS_exit:
		nr = SYS_getpid; /* keep going */
		break;
	case SYS_read:
		a1 = 3 + a1 % 5; /* never the console: it would block */
		break;
	case SYS_write:
		a1 = 1;
		a3 %= 16; /* a few bytes at most on the console */
		break;
	case SYS_sleep_ms:
		a1 %= 3;
		break;
	case SYS_irq_wait:
		a2 |= IRQ_WAIT_NONBLOCK;
		break;
	}
	return syscall3(nr, (long)a1, (long)a2, (long)a3);
}

int main(int argc, char **argv)
{
	unsigned long calls = 2000, seed = 12345, errors = 0;
	uint32_t s;

	if (argc > 1)
		kstrtoul(argv[1], 10, &calls);
	if (argc > 2)
		kstrtoul(argv[2], 10, &seed);
	s = (uint32_t)seed ? (uint32_t)seed : 1;
	printf("fuzz: %lu random calls, seed %lu\n", calls, seed);
	for (unsigned long i = 0; i < calls; i++)
		errors += fuzz_one(&s) < 0;
	printf("\nfuzz: done: %lu calls, %lu refused with an error\n", calls,
	       errors);
	return 0;
}
