"""Report lines: what the kernel prints when it finds itself broken.

A serial log must not contain a "BUG:", "WARNING:", "Oops:", "Kernel panic"
or "panic" line that its test did not declare. Who declares what:

  * ktest boots: a report printed while a case runs is the kernel's to
    judge (the case declares it with KTEST_EXPECT_REPORT, and ktest fails
    the case otherwise: kernel/test/ktest.h). Here the harness fails the
    boot for a report OUTSIDE any case: during boot, a suite's init or
    exit, or after the last suite.
  * scenarios (and the ISO boot, the GDB run): every report on COM1 must
    match one of the run's declarations, a list of (REGEX, COUNT):

        EXPECT_REPORTS = [(r"WARNING: local_bh_enable with IRQs off", 1),
                          (r"Oops: .* in thread 'spin'", SOME)]

    at module level of tests/scenarios/NAME.py, or for one function with
    @boot_options(expect_reports=[...]). COUNT is the exact number of
    matching lines, or SOME for one or more. A line goes to the first
    declaration whose REGEX it matches (re.search); a line matching none
    fails the test, and so does a declaration whose COUNT was not met
    (a declared report that is no longer printed: the declaration rotted).

check() returns a list of problems (strings); empty means all is well.
"""

import re

SOME = "some"          # a COUNT: one or more

REPORT = re.compile(r"BUG:|WARNING:|Oops:|Kernel panic|^(?:\[[ 0-9.]+\] )?panic(?=[:!\s]|$)")

# KTAP structure lines; a case's own result line is indented by 4 spaces.
_KTAP_LINE = re.compile(r"^ *(?:(?:not )?ok \d+|KTAP version \d+|1\.\.\d+|# Subtest:)"
                        r"|^# \S+: pass:\d+")
_CASE_RESULT = re.compile(r"^    (?:not )?ok \d+")


def report_lines(text):
    """The report lines of a log, in order (KTAP '#' diagnostics, which
    quote reports in failure messages, are not reports themselves)."""
    return [line for line in text.splitlines()
            if REPORT.search(line) and not line.lstrip().startswith("#")]


def outside_ktest_cases(text):
    """Report lines of a ktest boot that no case can have declared: those
    not followed, as the next KTAP line, by a case's result line."""
    outside = []
    next_is_case = False       # scanning backwards: what comes after
    for line in reversed(text.splitlines()):
        if _KTAP_LINE.match(line):
            next_is_case = bool(_CASE_RESULT.match(line))
        elif (REPORT.search(line) and not line.lstrip().startswith("#")
              and not next_is_case):
            outside.append(line)
    return list(reversed(outside))


def _count_ok(count, seen):
    return seen > 0 if count == SOME else seen == count


def _describe(count):
    return "one or more" if count == SOME else str(count)


def check(text, declared=()):
    """Problems with the report lines of `text` against `declared`, a list
    of (regex, count) pairs; [] if every report was declared and every
    declaration met."""
    decls = []
    for entry in declared or ():
        regex, count = entry
        if not (count == SOME or (isinstance(count, int) and count >= 0)):
            raise TypeError(f"report declaration {entry!r}: COUNT is an int >= 0 or SOME")
        decls.append([re.compile(regex), count, 0])
    problems = []
    for line in report_lines(text):
        for d in decls:
            if d[0].search(line):
                d[2] += 1
                break
        else:
            problems.append(f"undeclared report: {line.strip()!r}")
    for regex, count, seen in decls:
        if not _count_ok(count, seen):
            problems.append(f"declared {_describe(count)} report(s) matching "
                            f"{regex.pattern!r}, {seen} printed")
    return problems
