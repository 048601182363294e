"""TestResult, and how the runner prints one.

Names are paths: "ktest/cmdline/parses_key_value", "host/test_string/strlen",
"scenario/shell_basics/test_help". Names in parentheses, like
"ktest/(boot)" or "ktest/pic/(missing #2)", are checks the harness adds
itself (the boot went wrong, a result line is missing), not test cases.
"""

from dataclasses import dataclass

PASS = "pass"
FAIL = "fail"
SKIP = "skip"


@dataclass
class TestResult:
    name: str
    status: str            # PASS, FAIL or SKIP
    details: str = ""      # why it failed / was skipped (may be several lines)


def passed(name):
    return TestResult(name, PASS)


def failed(name, details):
    return TestResult(name, FAIL, details)


def skipped(name, reason):
    return TestResult(name, SKIP, reason)


def format_result(result):
    """One line per test, then indented details for failures:

        ok   ktest/cmdline/parses_key_value
        ok   scenario/serial_stream[apic]/test_one_mebibyte
            transfer 1048576 bytes in 2.1 s     (figures a passing test returned)
        skip ktest/cmdline/empty  # needs apic
        FAIL ktest/cmdline/unknown_option_warns
            # EXPECT_EQ failed at kernel/foo.c:12: x == y (1 vs 2)
    """
    if result.status == PASS:
        # A passing test may report figures: shown indented under it.
        lines = [f"ok   {result.name}"]
        for line in result.details.rstrip("\n").splitlines():
            lines.append("    " + line)
        return "\n".join(lines)
    if result.status == SKIP:
        reason = f"  # {result.details}" if result.details else ""
        return f"skip {result.name}{reason}"
    lines = [f"FAIL {result.name}"]
    for line in result.details.rstrip("\n").splitlines():
        lines.append("    " + line)
    return "\n".join(lines)


def summary(results):
    """The runner's last line: "N passed, N failed[, N skipped]"."""
    count = {PASS: 0, FAIL: 0, SKIP: 0}
    for r in results:
        count[r.status] += 1
    line = f"{count[PASS]} passed, {count[FAIL]} failed"
    if count[SKIP]:
        line += f", {count[SKIP]} skipped"
    return line
