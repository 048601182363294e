"""The harness tests itself: a test runner that cannot see failures is worse
than none. Each check feeds the harness something that MUST fail and passes
only if the harness reported that failure.

  harness/selftest/ktap_unit_tests        the parser's unit tests (test_ktap.py)
  harness/selftest/scenario_unit_tests    VARIANTS and the kstats parsers
                                          (test_scenarios.py)
  harness/selftest/gdb_unit_tests         the GDB helpers' decoding, its tables
                                          against the headers, and the GDB
                                          sessions' checks on failing output
                                          (test_gdbtests.py)
  harness/selftest/benchdocs_unit_tests   the docs' bench-figure checker on
                                          pages that must fail and pass
                                          (test_benchdocs.py)
  harness/selftest/pyunit_unit_tests      Python test modules as results: a
                                          failing test is a failed result
                                          (test_pyunit.py)
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
  harness/selftest/transcript_unit_tests  the doc transcript checker's unit
                                          tests (test_transcripts.py)
  harness/selftest/transcript_detects_stale  one real boot: a right
                                          transcript passes, one with a
                                          changed word and one with a line
                                          missing fail, at their doc lines
  harness/selftest/gdbdoc_unit_tests      the GDB transcript checker on canned
                                          output (test_gdbdocs.py)
  harness/selftest/gdbdoc_detects_stale   one real GDB session: a right block
                                          passes, one with a wrong function
                                          name and one with a wrong value fail,
                                          at their doc lines
"""

import io
import os
import unittest

from . import (gdbdocs, ktap, reports, test_benchdocs, test_gdbdocs, test_gdbtests,
               test_ktap, test_pyunit, test_scenarios, test_transcripts, transcripts)
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


def unit_tests(module, name):
    """One result: the unittest module `module` (a test_*.py beside this
    file) run in full; its output is the failure's details."""
    name = f"{PREFIX}/{name}"
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
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


# Three blocks of one page, one boot: right, a word changed, a line missing.
STALE_PAGE = """\
<!-- transcript -->
```
interlude> echo right
right
interlude> irq 0
irq 0: chip IO-APIC, hwirq 2, edge, depth 0, count 2~, unhandled 0
  trigger edge, rising
  affinity CPU 0 (kept there by its driver)
  flow edge (ack first; one that cannot run now is held and replayed)
  state: open, deferred 0 (held by oneshot 0), replayed 0
  timer      dev_id 0x00169a68~  flags 0x00010001  count 2~
```
<!-- transcript -->
```
interlude> irq 0
irq 0: chip XT-PIC, hwirq 2, edge, depth 0, count 2~, unhandled 0
  trigger edge, rising
  affinity CPU 0 (kept there by its driver)
  flow edge (ack first; one that cannot run now is held and replayed)
  state: open, deferred 0 (held by oneshot 0), replayed 0
  timer      dev_id 0x00169a68~  flags 0x00010001  count 2~
```
<!-- transcript -->
```
interlude> irq 0
irq 0: chip IO-APIC, hwirq 2, edge, depth 0, count 2~, unhandled 0
  trigger edge, rising
  affinity CPU 0 (kept there by its driver)
  state: open, deferred 0 (held by oneshot 0), replayed 0
  timer      dev_id 0x00169a68~  flags 0x00010001  count 2~
```
"""


def transcript_detects_stale(elf, iso, log_dir=None):
    name = f"{PREFIX}/transcript_detects_stale"
    if not os.path.isfile(elf):
        return skipped(name, f"{elf} not found")
    boots = transcripts.plan_boots(transcripts.parse("stale.md", STALE_PAGE))
    if len(boots) != 1:
        return failed(name, f"the three blocks should share one boot, got {len(boots)}")
    got = {r.name: r for r in transcripts.run_boot(boots[0], elf, iso, log_dir)}
    want = {"doc/stale.md/2": (PASS, None),
            "doc/stale.md/14": (FAIL, "stale.md:16: 'irq 0': the doc and the kernel differ\n"
                                "  doc    | irq 0: chip XT-PIC"),
            "doc/stale.md/24": (FAIL, "stale.md:29: 'irq 0': the doc and the kernel differ\n"
                                "  doc    |   state: open")}
    wrong = []
    for block, (status, text) in want.items():
        r = got.get(block)
        if r is None or r.status != status or (text and text not in r.details):
            wrong.append(f"{block}: want {status} {text or ''}, got "
                         f"{r.status + chr(10) + r.details if r else 'no result'}")
    return failed(name, "\n".join(wrong)) if wrong else passed(name)


STALE_GDB_PAGE = """\
<!-- gdb-transcript -->
```
(gdb) break kmain
Breakpoint 1 at 0x100000: file kernel/main.c, line 1.
(gdb) continue
Breakpoint 1, kmain (magic=732803074, info=0x9500) at kernel/main.c:1
1\tgdt_init();
(gdb) p/x magic
$1 = 0x2badb002
```

<!-- gdb-transcript -->
```
(gdb) bt
#0  kmain (magic=732803074, info=0x9500) at kernel/main.c:1
#1  0x00100238 in start () at boot/multiboot.S:42
```

<!-- gdb-transcript -->
```
(gdb) p/x info->flags
$2 = 0x24e
```
"""


def gdbdoc_detects_stale(elf, log_dir=None):
    name = f"{PREFIX}/gdbdoc_detects_stale"
    if not os.path.isfile(elf):
        return skipped(name, f"{elf} not found")
    sessions = gdbdocs.plan_sessions(gdbdocs.parse("stale.md", STALE_GDB_PAGE))
    if len(sessions) != 1:
        return failed(name, f"the three blocks should share one session, got {len(sessions)}")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    got = {r.name: r for r in gdbdocs.run_session(sessions[0], elf, repo, log_dir)}
    want = {"gdbdoc/stale.md/2": (PASS, None),
            "gdbdoc/stale.md/13": (FAIL, "stale.md:16: 'bt': the doc and GDB differ\n"
                                   "  doc | #1  0x00100238 in start ()"),
            "gdbdoc/stale.md/20": (FAIL, "stale.md:22: 'p/x info->flags': the doc and GDB "
                                   "differ\n  doc | $2 = 0x24e")}
    wrong = []
    for block, (status, text) in want.items():
        r = got.get(block)
        if r is None or r.status != status or (text and text not in r.details):
            wrong.append(f"{block}: want {status} {text or ''}, got "
                         f"{r.status + chr(10) + r.details if r else 'no result'}")
    return failed(name, "\n".join(wrong)) if wrong else passed(name)


def run(elf, selftest_elf=None, log_dir=None, iso=None):
    """All self-test checks, as TestResults."""
    return [unit_tests(test_ktap, "ktap_unit_tests"),
            unit_tests(test_scenarios, "scenario_unit_tests"),
            unit_tests(test_gdbtests, "gdb_unit_tests"),
            unit_tests(test_benchdocs, "benchdocs_unit_tests"),
            unit_tests(test_transcripts, "transcript_unit_tests"),
            unit_tests(test_gdbdocs, "gdbdoc_unit_tests"),
            unit_tests(test_pyunit, "pyunit_unit_tests"),
            ktap_detects_failure(),
            *selftest_kernel(selftest_elf, log_dir), report_checker(),
            timeout_detected(elf, log_dir),
            transcript_detects_stale(elf, iso, log_dir),
            gdbdoc_detects_stale(elf, log_dir)]
