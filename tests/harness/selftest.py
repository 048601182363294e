"""The harness tests itself: a test runner that cannot see failures is worse
than none. Each check feeds the harness something that MUST fail and passes
only if the harness reported that failure.

  harness/selftest/ktap_unit_tests        the parser's unit tests (test_ktap.py)
  harness/selftest/scenario_unit_tests    VARIANTS and the kstats parsers
                                          (test_scenarios.py)
  harness/selftest/benchdocs_unit_tests   the docs' bench-figure checker on
                                          pages that must fail and pass
                                          (test_benchdocs.py)
  harness/selftest/ktap_detects_failure   canned failing KTAP -> reported FAIL
  harness/selftest/ktest_detects_failure  a kernel built with the failing suite
                                          `selftest_fail` (--selftest-elf) ->
                                          ktest/selftest_fail/must_fail FAILs
  harness/selftest/ktest_strict_checks    the same boot: each strict check
                                          (undeclared or missing report, a
                                          spinlock/BH/IRQ state left behind)
                                          fails its case with its diagnostic,
                                          and the state is restored after
  harness/selftest/report_checker         canned serial logs: an undeclared
                                          WARNING fails, a declared one passes,
                                          a declared but missing one fails
  harness/selftest/timeout_detected       a boot that never ends -> FAIL
"""

import io
import os
import unittest

from . import ktap, reports, test_benchdocs, test_ktap, test_scenarios
from .results import FAIL, PASS, failed, passed, skipped
from .suites import ktap_results, ktest_boot

PREFIX = "harness/selftest"

CANNED_FAILURE = """\
[    0.001000] Interlude booting
KTAP version 1
1..1
    KTAP version 1
    # Subtest: selftest_fail
    1..1
    # EXPECT_EQ failed at tests/kernel/selftest.c:9: 1 == 2
    not ok 1 must_fail
not ok 1 selftest_fail
"""


def _detected(results, name):
    """True if the test `name` is among `results` and reported failed."""
    by_name = {r.name: r for r in results}
    return name in by_name and by_name[name].status == FAIL


def ktap_unit_tests():
    name = f"{PREFIX}/ktap_unit_tests"
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_ktap)
    stream = io.StringIO()
    outcome = unittest.TextTestRunner(stream=stream, verbosity=1).run(suite)
    if outcome.wasSuccessful():
        return passed(name)
    return failed(name, stream.getvalue())


def scenario_unit_tests():
    name = f"{PREFIX}/scenario_unit_tests"
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_scenarios)
    stream = io.StringIO()
    outcome = unittest.TextTestRunner(stream=stream, verbosity=1).run(suite)
    if outcome.wasSuccessful():
        return passed(name)
    return failed(name, stream.getvalue())


def benchdocs_unit_tests():
    name = f"{PREFIX}/benchdocs_unit_tests"
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_benchdocs)
    stream = io.StringIO()
    outcome = unittest.TextTestRunner(stream=stream, verbosity=1).run(suite)
    if outcome.wasSuccessful():
        return passed(name)
    return failed(name, stream.getvalue())


def ktap_detects_failure():
    name = f"{PREFIX}/ktap_detects_failure"
    results = ktap_results("ktest", ktap.parse(CANNED_FAILURE))
    if _detected(results, "ktest/selftest_fail/must_fail"):
        return passed(name)
    return failed(name, f"canned failing KTAP was not reported as failed: {results}")


def ktest_detects_failure(results):
    name = f"{PREFIX}/ktest_detects_failure"
    if _detected(results, "ktest/selftest_fail/must_fail") and \
            any(r.status == FAIL for r in results):
        return passed(name)
    shown = "\n".join(f"  {r.status} {r.name}" for r in results) or "  (no results)"
    return failed(name, "booting the self-test kernel did not report "
                  "ktest/selftest_fail/must_fail as failed; the harness got:\n" + shown)


# Case of selftest_fail -> None if it must pass, else a text its failure
# diagnostics must contain.
STRICT_CASES = {
    "must_pass": None,
    "undeclared_warning": "undeclared report: 'WARNING: at tests/kernel/selftest_fail.c",
    "declared_warning": None,
    "declared_but_missing": "declared 1 report(s) containing 'BUG: never printed', 0 printed",
    "leaves_spinlock_held": "+1 spinlocks held",
    "leaves_bh_disabled": "+1 bottom-half disables",
    "leaves_irqs_off": "returned with IRQs off",
    "next_case_is_clean": None,
}


def ktest_strict_checks(results):
    name = f"{PREFIX}/ktest_strict_checks"
    by_name = {r.name: r for r in results}
    wrong = []
    for case, diagnostic in STRICT_CASES.items():
        r = by_name.get(f"ktest/selftest_fail/{case}")
        if r is None:
            wrong.append(f"{case}: no result")
        elif diagnostic is None and r.status != PASS:
            wrong.append(f"{case}: must pass, got {r.status}\n{r.details}")
        elif diagnostic is not None and (r.status != FAIL or diagnostic not in r.details):
            wrong.append(f"{case}: must fail with {diagnostic!r}, got {r.status}\n{r.details}")
    return failed(name, "\n".join(wrong)) if wrong else passed(name)


def report_checker():
    """The harness's own report check, on canned logs (the unit tests in
    test_ktap.Reports say more; this is the must-fail/must-pass core)."""
    name = f"{PREFIX}/report_checker"
    log = "[    1.0] WARNING: at kernel/x.c:1: cond\n"
    wrong = []
    if not reports.check(log):
        wrong.append("an undeclared WARNING was not reported")
    if reports.check(log, [(r"WARNING: at kernel/x\.c", 1)]):
        wrong.append("a declared WARNING was reported")
    if not reports.check("", [(r"WARNING: at kernel/x\.c", 1)]):
        wrong.append("a declared but missing WARNING was not reported")
    return failed(name, "\n".join(wrong)) if wrong else passed(name)


def selftest_kernel(selftest_elf, log_dir=None):
    """Boot the self-test kernel once; both ktest checks read its results."""
    names = [f"{PREFIX}/ktest_detects_failure", f"{PREFIX}/ktest_strict_checks"]
    if not selftest_elf:
        return [skipped(n, "no --selftest-elf given") for n in names]
    if not os.path.isfile(selftest_elf):
        return [failed(n, f"{selftest_elf} not found: build it first") for n in names]
    # Exactly the code path of the real ktest run.
    results = ktest_boot("ktest", selftest_elf, "ktest=all", log_dir=log_dir,
                         log_name="selftest-ktest")
    return [ktest_detects_failure(results), ktest_strict_checks(results)]


def timeout_detected(elf, log_dir=None):
    """Boot with the CPU stopped (-S): the kernel never runs, so never exits."""
    name = f"{PREFIX}/timeout_detected"
    if not os.path.isfile(elf):
        return skipped(name, f"{elf} not found")
    results = ktest_boot("ktest", elf, "ktest=all", extra_args=["-S"],
                         timeout=0.5, log_dir=log_dir, log_name="selftest-timeout")
    boot = [r for r in results if r.name == "ktest/(boot)"]
    if boot and boot[0].status == FAIL and "timed out" in boot[0].details:
        return passed(name)
    return failed(name, f"a boot that never ends was not reported as a timeout: {results}")


def run(elf, selftest_elf=None, log_dir=None):
    """All self-test checks, as TestResults."""
    return [ktap_unit_tests(), scenario_unit_tests(), benchdocs_unit_tests(),
            ktap_detects_failure(),
            *selftest_kernel(selftest_elf, log_dir), report_checker(),
            timeout_detected(elf, log_dir)]
