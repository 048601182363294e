"""The shell during a softirq storm: does the rest of the system keep running?

A tasklet that re-schedules itself 2,000,000 times is a storm: the softirq
run loop spends its 10-pass budget at every irq_exit and hands the rest to
ksoftirqd/0, a NORMAL thread the scheduler shares the CPU with. The test
measures the shell's `echo` round trip (host types a line, the answer
comes back) idle and during the storm, in each irqchip mode, and reports
the ratio of the medians; the storm's counts must stay exact.

What is asserted is the mechanism, not a time: every echo of the storm
round came back while the storm was still running (a kernel that ran
the storm to its end in irq_exit would answer only afterwards), and the
storm report says ksoftirqd ran most of its passes (the handover). The
ratio is a wall-clock figure and is only reported (ok ... line): on this
shared VM it was 0.5-2.0x on an idle host and up to 5x when other QEMUs
ran, none of that the kernel's. (It was asserted at 1.5x once, and then
failed a fresh-clone CI run at 1.98x: a timed test, not a promise.) The
scenario still runs ALONE so that the figure means something.

The storm runs on the shell's own CPU 0 (`storm tasklet N` with no
cpu=); scenario storm_smp runs one on CPU 1 and checks that the shell on
CPU 0 is left alone.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""
VARIANTS = [("apic", ""), ("noapic", "noapic"), ("threadirqs", "threadirqs")]
ALONE = True           # timed against the host clock: no other QEMU meanwhile
PROMPT_TIMEOUT = 30
STORM = 2_000_000     # about 2.5 s of storm: a hundred times the echo rounds
ROUNDS = 15
STORM_TIMEOUT = 180

_REPORT = re.compile(r"storm: tasklet done: (?P<runs>\d+)/(?P<target>\d+) runs.*"
                     r"ksoftirqd: (?P<wakeups>\d+) wakeups, (?P<passes>\d+) passes")


def test_echo_round_trip_during_storm(m):
    """Idle, then during a 2,000,000-run tasklet storm: the storm is
    still running when the last echo came back, ksoftirqd ran most of
    its passes, and its counts are exact; the round trips' ratio is
    reported."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    idle = kstats.median_echo_round_trip(sh, "rtidle", ROUNDS)
    out = kstats.command(sh, f"storm tasklet {STORM}")
    assert f"storm: {STORM} tasklet runs started" in out, out
    start = sh.port.cursor
    busy = kstats.median_echo_round_trip(sh, "rtbusy", ROUNDS)
    assert not _REPORT.search(sh.port.output_since(start)), \
        "the storm ended before the echoes did: it measured nothing"
    report = sh.expect(_REPORT, timeout=STORM_TIMEOUT)
    assert (int(report["runs"]), int(report["target"])) == (STORM, STORM), report.group(0)
    assert int(report["passes"]) >= STORM // 2, \
        f"ksoftirqd ran only {report['passes']} of the storm's passes: no handover?\n{report.group(0)}"
    ratio = busy / idle
    return f"echo {idle * 1000:.1f} ms idle, {busy * 1000:.1f} ms in the storm: {ratio:.2f}x"
