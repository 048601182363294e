/*
 * user/badport.c - touch an I/O port that was never granted: COM1's data
 * register, the kernel's console. The CPU checks the TSS I/O bitmap,
 * raises #GP, and the kernel kills the process with a one-line report
 * naming the port. Also shows that ioperm() refuses a port of a line the
 * process does not hold.
 */
#include "user/lib/user.h"

int main(void)
{
	printf("badport: ioperm(0x3f8, 8) -> %s\n",
	       strerror(ioperm(0x3f8, 8, 1)));
	printf("badport: now writing port 0x3f8 anyway\n");
	outb(0x3f8, 'X');
	printf("badport: still alive: the port was writable (BUG)\n");
	return 1;
}
