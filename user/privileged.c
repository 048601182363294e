/*
 * user/privileged.c - run a privileged instruction (cli) in ring 3: #GP,
 * and the kernel kills the process with a one-line report.
 */
#include "user/lib/user.h"

int main(void)
{
	printf("privileged: trying cli\n");
	asm volatile("cli");
	printf("privileged: cli worked in ring 3 (BUG)\n");
	return 1;
}
