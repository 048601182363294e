/* tests/kernel/trap_test.c - exceptions are caught, reported, survivable
 * in test mode; symbols resolve for backtraces. */
#include "kernel/arch/cpu.h"
#include "kernel/arch/trap.h"
#include "kernel/backtrace.h"
#include "kernel/test/ktest.h"
#include "lib/string.h"

static volatile int zero, sink;

static __attribute__((noinline)) void divide_by_zero(void)
{
	sink = 100 / zero; /* volatile: the division must really happen */
}

static __attribute__((noinline)) void invalid_opcode(void)
{
	asm volatile("ud2");
}

/* A divide error reaches its handler as vector 0, with the EIP inside
 * the function that divided. */
static void divide_error_caught(struct ktest *t)
{
	struct trap_catch tc;
	uint32_t off;

	trap_catch_arm(&tc, TRAP_DE);
	if (ksetjmp(&tc.env) == 0)
		divide_by_zero();
	trap_catch_disarm(&tc);
	ASSERT_TRUE(t, tc.caught);
	EXPECT_EQ(t, tc.frame.vector, TRAP_DE);
	EXPECT_STREQ(t, ksym_lookup(tc.frame.eip, &off), "divide_by_zero");
}

/* ud2 raises #UD (vector 6) with no error code. */
static void invalid_opcode_caught(struct ktest *t)
{
	struct trap_catch tc;

	trap_catch_arm(&tc, TRAP_UD);
	if (ksetjmp(&tc.env) == 0)
		invalid_opcode();
	trap_catch_disarm(&tc);
	ASSERT_TRUE(t, tc.caught);
	EXPECT_EQ(t, tc.frame.vector, TRAP_UD);
	EXPECT_EQ(t, tc.frame.err_code, 0);
	EXPECT_EQ(t, tc.frame.cs, 0x08);
}

static __attribute__((noinline)) int catch_one_divide(void)
{
	struct trap_catch tc;

	trap_catch_arm(&tc, TRAP_DE);
	if (ksetjmp(&tc.env) == 0)
		divide_by_zero();
	trap_catch_disarm(&tc);
	return tc.caught;
}

/* After resuming, interrupts are as they were (on), and a second trap
 * is caught the same way: nothing is left half-done. */
static void resumes_cleanly(struct ktest *t)
{
	for (int i = 0; i < 3; i++)
		EXPECT_TRUE(t, catch_one_divide());
	EXPECT_FALSE(t, irqs_disabled());
}

/* int3 goes through the stub path for a trap without error code. */
static void breakpoint_vector(struct ktest *t)
{
	struct trap_catch tc;

	trap_catch_arm(&tc, TRAP_BP);
	if (ksetjmp(&tc.env) == 0)
		asm volatile("int3");
	trap_catch_disarm(&tc);
	ASSERT_TRUE(t, tc.caught);
	EXPECT_EQ(t, tc.frame.vector, TRAP_BP);
}

/* The embedded symbol table names functions, and offsets are right. */
static void symbols_resolve(struct ktest *t)
{
	uint32_t addr = ksym_address("kmain"), off = 1;

	ASSERT_NE(t, addr, 0);
	EXPECT_STREQ(t, ksym_lookup(addr, &off), "kmain");
	EXPECT_EQ(t, off, 0);
	EXPECT_STREQ(t, ksym_lookup(addr + 3, &off), "kmain");
	EXPECT_EQ(t, off, 3);
	EXPECT_GT(t, ksym_count(), 50);
}

/* Exception names come from the SDM table. */
static void exception_names(struct ktest *t)
{
	EXPECT_STREQ(t, exception_name(0), "divide error");
	EXPECT_STREQ(t, exception_name(14), "page fault");
	EXPECT_STREQ(t, exception_name(15), "reserved");
}

KTEST_SUITE(traps, KTEST_CASE(divide_error_caught),
	    KTEST_CASE(invalid_opcode_caught), KTEST_CASE(resumes_cleanly),
	    KTEST_CASE(breakpoint_vector), KTEST_CASE(symbols_resolve),
	    KTEST_CASE(exception_names));
