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
 * Booting with ktest=all (or ktest=SUITE,SUITE) runs suites at boot and
 * leaves QEMU with the result; the shell's "ktest" command runs them too.
 *
 * Leak check: kmalloc's live allocation count is taken before a suite
 * (before its init) and compared after it (after its exit). A suite that
 * leaves allocations behind is reported "not ok" with a diagnostic line
 * "# leak: N allocations (M bytes) not freed" just before its result
 * line, even if every case passed, and adds one failure to the totals.
 * So a test frees what it allocates - or its suite's exit does.
 *
 * Context: cases run in task context with IRQs on, one at a time.
 */
#ifndef KERNEL_TEST_KTEST_H
#define KERNEL_TEST_KTEST_H

#include <stdbool.h>
#include <stdint.h>

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

struct ktest {
	const char *name;
	int failures;
	bool skipped;
	const char *skip_reason;
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

struct ktest_totals {
	int passed, failed, skipped;
};

/* Run the named suites ("all" or NULL = every suite), print KTAP. */
struct ktest_totals ktest_run(const char *const *names, int count);
/* Was ktest= given on the command line? Run it and exit QEMU. */
bool ktest_boot_requested(void);
void ktest_boot_run(void) __attribute__((noreturn));

#endif
