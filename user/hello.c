/* user/hello.c - the smallest user program: print, say who it is, exit. */
#include "user/lib/user.h"

int main(int argc, char **argv)
{
	printf("hello from ring 3: pid %d, %d args:", getpid(), argc);
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return argc > 1 ? 7 : 0;
}
