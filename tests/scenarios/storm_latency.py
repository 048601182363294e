"""The shell during a softirq storm: does the rest of the system keep running?

A tasklet that re-schedules itself 10,000,000 times is a storm: the softirq
run loop spends its 10-pass budget at every irq_exit and hands the rest to
ksoftirqd/0, a NORMAL thread the scheduler shares the CPU with. The test
measures the shell's `echo` round trip (host types a line, the answer
comes back) idle and during the storm, in each irqchip mode, and reports
the ratio of the medians; the storm's counts must stay exact.

The figure is wall-clock time, so the scenario runs ALONE (no other
QEMU on the host meanwhile: with two cores shared by three guests the
ratio was 6x, none of it the kernel's). Measured alone: 0.5-1.2x in all
three modes; the bound is the issue's 1.5x.
"""

import re
import statistics
import time

from harness import kstats
from harness.shell import Shell

APPEND = ""
VARIANTS = [("apic", ""), ("noapic", "noapic"), ("threadirqs", "threadirqs")]
ALONE = True           # timed against the host clock: no other QEMU meanwhile
PROMPT_TIMEOUT = 30
STORM = 10_000_000
ROUNDS = 15
RATIO_LIMIT = 1.5
STORM_TIMEOUT = 180

_REPORT = re.compile(r"storm: tasklet done: (?P<runs>\d+)/(?P<target>\d+) runs")


def _round_trip(sh, i):
    start = time.monotonic()
    sh.type(f"echo rt{i}\r")
    sh.expect(rf"(?m)^rt{i}\r?$", timeout=30)
    return time.monotonic() - start


def _median_trip(sh, tag):
    trips = [_round_trip(sh, f"{tag}{i}") for i in range(ROUNDS)]
    sh.wait_prompt(timeout=30)
    return statistics.median(trips)


def test_echo_round_trip_during_storm(m):
    """Idle, then during a 10,000,000-run tasklet storm: the median echo
    round trip grows by at most RATIO_LIMIT, the storm is still running
    when the last echo came back, and its counts are exact."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    idle = _median_trip(sh, "idle")
    out = kstats.command(sh, f"storm tasklet {STORM}")
    assert f"storm: {STORM} tasklet runs started" in out, out
    start = sh.port.cursor
    busy = _median_trip(sh, "busy")
    assert not _REPORT.search(sh.port.output_since(start)), \
        "the storm ended before the echoes did: it measured nothing"
    report = sh.expect(_REPORT, timeout=STORM_TIMEOUT)
    assert (int(report["runs"]), int(report["target"])) == (STORM, STORM), report.group(0)
    ratio = busy / idle
    assert ratio <= RATIO_LIMIT, (f"echo round trip {busy * 1000:.1f} ms during the storm, "
                                  f"{idle * 1000:.1f} ms idle: {ratio:.2f}x")
    return f"echo {idle * 1000:.1f} ms idle, {busy * 1000:.1f} ms in the storm: {ratio:.2f}x"
