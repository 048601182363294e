/*
 * user/spin.c - spin in ring 3 without ever making a system call: only a
 * kill (Ctrl-C) on the way back from the timer interrupt can end it.
 */
#include "user/lib/user.h"

int main(void)
{
	volatile unsigned long n = 0;

	printf("spin: spinning in user mode; Ctrl-C ends it\n");
	for (;;)
		n++;
}
