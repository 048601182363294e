/*
 * tests/kernel/selftest_fail.c - a suite that must fail.
 *
 * It is linked only into build/selftest/interlude.elf, the kernel the
 * harness self-test boots to prove that a failing in-kernel test makes
 * `make test` fail. Never linked into the real kernel.
 */
#include "kernel/test/ktest.h"

/* 1 + 1 is not 3: this check fails on purpose. */
static void must_fail(struct ktest *t)
{
	EXPECT_EQ(t, 1 + 1, 3);
}

static void must_pass(struct ktest *t)
{
	EXPECT_EQ(t, 1 + 1, 2);
}

KTEST_SUITE(selftest_fail, KTEST_CASE(must_pass), KTEST_CASE(must_fail));
