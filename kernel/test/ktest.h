/*
 * kernel/test/ktest.h - in-kernel tests, reported as KTAP (Linux KUnit's
 * format), so a harness on the host can read the results off the serial
 * line.
 *
 * A suite is a named list of cases; a case is a function taking the
 * test's state. Suites register themselves through a linker section:
 *
 *	static void adds_up(struct ktest *t)
 *	{
 *		EXPECT_EQ(t, 1 + 1, 2);		// "now 1+1 is 2"
 *	}
 *	KTEST_SUITE(arith, KTEST_CASE(adds_up));
 *
 * EXPECT_* record a failure (printing both values and file:line) and go
 * on; ASSERT_* also end the case. KTEST_SKIP ends it as skipped.
 * Booting with ktest=all (or ktest=SUITE,SUITE, or SUITE.CASE for one
 * case, the others reported skipped) runs suites at boot and
 * leaves QEMU with the result; the shell's "ktest" command runs them too.
 *
 * Leak check: kmalloc's live allocation count is taken before a suite
 * (before its init) and compared after it (after its exit). A suite that
 * leaves allocations behind is reported "not ok" with a diagnostic line
 * "# leak: N allocations (M bytes) not freed" just before its result
 * line, even if every case passed, and adds one failure to the totals.
 * So a test frees what it allocates - or its suite's exit does.
 *
 * Strict cases. A case also fails, with a diagnostic naming why, if
 *  - it printed a report line ("BUG:", "WARNING:", "Oops:", "Kernel
 *    panic": see printk.h) that it did not declare. A case that provokes
 *    reports on purpose declares each kind, before or after provoking it:
 *
 *	KTEST_EXPECT_REPORT(t, "BUG: sleeping function");	// exactly one
 *	KTEST_EXPECT_REPORTS(t, "WARNING: at kernel/mm", 3);	// exactly 3
 *	KTEST_EXPECT_REPORTS(t, "Oops:", KTEST_SOME);		// one or more
 *
 *    Every report printed while the case ran (by any thread, on any CPU)
 *    goes to the first declaration whose text it contains; one that
 *    matches none fails the case, and so does a declaration that did not
 *    get its count: a declared report that is no longer printed fails
 *    too, so declarations cannot rot. The harness checks the serial log
 *    the same way (tests/harness/reports.py): a report outside any case
 *    fails the boot.
 *  - it returns with the kernel in a state other than the one it began
 *    in: a different preempt count (a spinlock still held, bottom halves
 *    still disabled, preemption still disabled, an unbalanced hard-IRQ
 *    count) or IRQs still off. ktest names what is wrong and restores
 *    the state the case began with, so the next case is not poisoned.
 *
 * Timing: wait for events (a completion, KTEST_WAIT_FOR) with a timeout,
 * never for a fixed time, and do not bound how long something took by
 * the wall clock: a loaded host stretches it. A check of a clock's rate
 * is strict only when booted with ktest_exact_clock (QEMU -icount, the
 * ktest-icount boot of tests/run_tests.py).
 *
 * Context: cases run in task context with IRQs on, one at a time.
 */
#ifndef KERNEL_TEST_KTEST_H
#define KERNEL_TEST_KTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/percpu.h"
#include "kernel/sched/time.h"
#include "kernel/sched/wait.h"

/* Wait for an event: re-check cond every millisecond, give up after two
 * seconds (generous on a loaded host). Evaluates to whether cond became
 * true. For tests in task context. */
#define KTEST_WAIT_FOR(cond)                                            \
	({                                                              \
		unsigned long __end = jiffies + 2 * hz;                 \
		bool __ok;                                              \
		while (!(__ok = (cond)) && (long)(jiffies - __end) < 0) \
			msleep(1);                                      \
		__ok;                                                   \
	})

#define KTEST_MAX_EXPECT 4
#define KTEST_SOME	 (-1) /* a count for KTEST_EXPECT_REPORTS: >= 1 */

struct ktest_expect {
	const char *text; /* a substring of the report line */
	int count;	  /* how many, or KTEST_SOME */
	int seen;
	const char *file;
	int line;
};

struct ktest {
	const char *name;
	int failures;
	bool skipped;
	const char *skip_reason;
	/* strict checks: the state the case began in */
	unsigned long first_report; /* printk_report_count() at the start */
	int nexpect;
	struct ktest_expect expect[KTEST_MAX_EXPECT];
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
};

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
	int (*init)(void);  /* optional; non-zero fails every case */
	void (*exit)(void); /* optional; undo what init did */
};

#define KTEST_CASE(fn)  \
	{               \
#fn, fn \
	}

#define KTEST_SUITE_FULL(sname, initfn, exitfn, ...)                           \
	static const struct ktest_case __ktest_cases_##sname[] = {             \
		__VA_ARGS__, { 0, 0 }                                          \
	};                                                                     \
	static const struct ktest_suite __ktest_suite_##sname                  \
		__attribute__((used, section(".ktest_suites"),                 \
			       aligned(4))) = { #sname, __ktest_cases_##sname, \
						initfn, exitfn }

#define KTEST_SUITE(sname, ...) KTEST_SUITE_FULL(sname, 0, 0, __VA_ARGS__)

void ktest_fail_values(struct ktest *t, const char *file, int line,
		       const char *expr, long long a, long long b);
void ktest_fail_msg(struct ktest *t, const char *file, int line,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ktest_skip(struct ktest *t, const char *reason);
void ktest_expect_report(struct ktest *t, const char *file, int line,
			 const char *text, int count);

/* Declare report lines this case prints on purpose (see the top). */
#define KTEST_EXPECT_REPORTS(t, text, count) \
	ktest_expect_report(t, __FILE__, __LINE__, text, count)
#define KTEST_EXPECT_REPORT(t, text) KTEST_EXPECT_REPORTS(t, text, 1)

#define KTEST_CMP(t, op, a, b, on_fail)                                 \
	do {                                                            \
		long long __a = (long long)(a), __b = (long long)(b);   \
		if (!(__a op __b)) {                                    \
			ktest_fail_values(t, __FILE__, __LINE__,        \
					  #a " " #op " " #b, __a, __b); \
			on_fail;                                        \
		}                                                       \
	} while (0)

#define EXPECT_EQ(t, a, b)     KTEST_CMP(t, ==, a, b, (void)0)
#define EXPECT_NE(t, a, b)     KTEST_CMP(t, !=, a, b, (void)0)
#define EXPECT_LT(t, a, b)     KTEST_CMP(t, <, a, b, (void)0)
#define EXPECT_LE(t, a, b)     KTEST_CMP(t, <=, a, b, (void)0)
#define EXPECT_GT(t, a, b)     KTEST_CMP(t, >, a, b, (void)0)
#define EXPECT_GE(t, a, b)     KTEST_CMP(t, >=, a, b, (void)0)
#define ASSERT_EQ(t, a, b)     KTEST_CMP(t, ==, a, b, return )
#define ASSERT_NE(t, a, b)     KTEST_CMP(t, !=, a, b, return )
#define ASSERT_GT(t, a, b)     KTEST_CMP(t, >, a, b, return )
#define EXPECT_PTR_EQ(t, a, b) EXPECT_EQ(t, (uintptr_t)(a), (uintptr_t)(b))

#define EXPECT_TRUE(t, c)                                      \
	do {                                                   \
		if (!(c))                                      \
			ktest_fail_msg(t, __FILE__, __LINE__,  \
				       "EXPECT_TRUE(%s)", #c); \
	} while (0)
#define EXPECT_FALSE(t, c) EXPECT_TRUE(t, !(c))
#define ASSERT_TRUE(t, c)                                      \
	do {                                                   \
		if (!(c)) {                                    \
			ktest_fail_msg(t, __FILE__, __LINE__,  \
				       "ASSERT_TRUE(%s)", #c); \
			return;                                \
		}                                              \
	} while (0)

#define EXPECT_STREQ(t, a, b)                                                 \
	do {                                                                  \
		const char *__sa = (a), *__sb = (b);                          \
		if (!__sa || !__sb || strcmp(__sa, __sb))                     \
			ktest_fail_msg(                                       \
				t, __FILE__, __LINE__,                        \
				"EXPECT_STREQ(%s, %s): \"%s\" vs \"%s\"", #a, \
				#b, __sa ? __sa : "(null)",                   \
				__sb ? __sb : "(null)");                      \
	} while (0)

#define KTEST_SKIP(t, reason)          \
	do {                           \
		ktest_skip(t, reason); \
		return;                \
	} while (0)

/* Skip a case that needs a second CPU to prove anything. */
#define KTEST_SKIP_UNLESS_SMP(t)                                              \
	do {                                                                  \
		if (nr_cpus < 2)                                              \
			KTEST_SKIP(t, "needs a second CPU (-smp 1, nosmp or " \
				      "PIC mode)");                           \
	} while (0)

struct ktest_totals {
	int passed, failed, skipped;
};

/* Run the named suites ("all" or NULL = every suite), print KTAP. */
struct ktest_totals ktest_run(const char *const *names, int count);
/* Was ktest= given on the command line? Run it and exit QEMU. */
bool ktest_boot_requested(void);
void ktest_boot_run(void) __attribute__((noreturn));

#endif
