/*
 * user/netsend.c - a system call whose kernel half raises a softirq.
 *
 *   run netsend        (or the shell's `raise NET_TX syscall`)
 *
 * net_send(1) queues one packet on the kernel's loopback device "lo" and
 * raises NET_TX, as a socket send hands a packet to the stack. Nothing
 * runs the softirq inside the call: the kernel's way out of the system
 * call does (trap_dispatch -> softirq_on_trap_return), before this
 * program's next instruction. The program does not assume it: it asks
 * the kernel's softirq accounting (softirq_runs) before and after, and
 * prints where NET_TX, and the NET_RX it raised, ran.
 */
#include "user/lib/user.h"

static const char *const place_words[NR_SOFTIRQ_PLACES] = {
	[SOFTIRQ_AT_IRQ_EXIT] = "at irq_exit",
	[SOFTIRQ_AT_EXCEPTION] = "on an exception's return",
	[SOFTIRQ_AT_SYSCALL] = "on the syscall's return, before ring 3 resumed",
	[SOFTIRQ_AT_BH_ENABLE] = "at local_bh_enable",
	[SOFTIRQ_AT_DO_SOFTIRQ] = "in do_softirq",
	[SOFTIRQ_AT_KSOFTIRQD] = "in ksoftirqd",
};

/* "NET_TX ran 1 time(s) on the syscall's return, ..." when one place ran
 * every execution, else "NET_TX ran 3 time(s): 1 at irq_exit, 2 in ...". */
static void report(const char *name, const struct softirq_runs *before,
		   const struct softirq_runs *after)
{
	uint32_t total = after->runs - before->runs;
	const char *sep = ":";

	printf("netsend: %s ran %u time(s)", name, (unsigned)total);
	for (int i = 0; i < NR_SOFTIRQ_PLACES; i++) {
		uint32_t n = after->at[i] - before->at[i];

		if (n == total && n)
			printf(" %s", place_words[i]);
		else if (n)
			printf("%s %u %s", sep, (unsigned)n, place_words[i]);
		if (n && n != total)
			sep = ",";
	}
	if (!total)
		printf(" - not yet: still pending");
	printf("\n");
}

int main(void)
{
	struct softirq_runs tx0, rx0, tx1, rx1;
	long sent;

	if (softirq_runs(ABI_NET_TX_SOFTIRQ, &tx0) ||
	    softirq_runs(ABI_NET_RX_SOFTIRQ, &rx0)) {
		printf("netsend: softirq_runs failed\n");
		return 1;
	}
	sent = net_send(1);
	/* Back in ring 3: whatever ran the softirqs has run. */
	softirq_runs(ABI_NET_TX_SOFTIRQ, &tx1);
	softirq_runs(ABI_NET_RX_SOFTIRQ, &rx1);
	if (sent != 1) {
		printf("netsend: net_send: %s\n", strerror(sent));
		return 1;
	}
	printf("netsend: net_send(1) queued 1 packet and raised NET_TX\n");
	report("NET_TX", &tx0, &tx1);
	report("NET_RX", &rx0, &rx1);
	return 0;
}
