"""Softirqs, tasklets, timers and the storm, from the shell.

Commands (kernel/shell/cmds_bh.c):

    softirqs              8 rows HI..HRTIMER (runs per CPU), then details
    tasklets              NAME STATE PRIO DISABLED SCHEDULES RUNS CPU
    raise NAME            "raised NAME from a top half: ran N time(s) at irq_exit"
    raise NAME exception  "raised NAME from an exception handler (int3): ran 1
                          time(s) on the exception's return, before ..."
    raise NET_TX syscall  runs user/netsend: "netsend: NET_TX ran 1 time(s) on
                          the syscall's return, before ring 3 resumed"
    softirqs where        each slot's runs by the place that ran them
    timers                pending kernel timers and hrtimers
    storm tasklet|softirq N
                          "storm: N ... runs started", later a report line
                          "storm: KIND done: R/N runs in T ms; loop: ..."
    sleep MS              sleeps on a kernel timer

Every wait is for an event (a prompt, a report line), bounded.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""
PROMPT_TIMEOUT = 30
STORM_TIMEOUT = 120    # 100,000 tasklet runs under TCG on a loaded host

SLOTS = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "TASKLET", "SCHED", "HRTIMER"]
# "NAME: CPU0 CPU1 ..." (one column per CPU, as /proc/softirqs)
_ROW = re.compile(r"^\s*(?P<name>[A-Z_]+):(?P<runs>(?:\s+\d+)+)\s*$", re.MULTILINE)
_REPORT = re.compile(
    r"storm: (?P<kind>tasklet|softirq) done: (?P<runs>\d+)/(?P<target>\d+) runs in \d+ ms; "
    r"loop: (?P<passes>\d+) passes, (?P<restarts>\d+) restarts, budget hit "
    r"(?P<by_passes>\d+) \(passes\) (?P<by_time>\d+) \(time\) \d+ \(resched\), "
    r"ksoftirqd: (?P<wakeups>\d+) wakeups, (?P<kpasses>\d+) passes")
_UPTIME = re.compile(r"up \d+\.\d+ s")


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _vector(sh):
    """`softirqs` -> [(name, runs on CPU 0)] in printed order: the shell,
    and so everything it raises, runs on CPU 0."""
    out = kstats.command(sh, "softirqs")
    rows = [(r["name"], int(r["runs"].split()[0])) for r in _ROW.finditer(out)]
    return rows, out


def test_softirqs_rows_in_vector_order_timer_grows(m):
    """Eight rows, HI..HRTIMER; a `sleep` (a kernel timer) runs TIMER."""
    sh = _shell(m)
    rows, out = _vector(sh)
    assert [n for n, _ in rows] == SLOTS, f"softirq rows not in vector order:\n{out}"
    before = dict(rows)
    kstats.command(sh, "sleep 50")
    rows, out = _vector(sh)
    after = dict(rows)
    assert after["TIMER"] > before["TIMER"], \
        f"TIMER did not run across 'sleep 50' ({before['TIMER']} -> {after['TIMER']}):\n{out}"
    assert after["SCHED"] > before["SCHED"], f"SCHED (tick accounting) did not grow:\n{out}"


def test_raise_runs_the_named_softirq_once(m):
    sh = _shell(m)
    for name in ("NET_TX", "NET_RX", "BLOCK", "HI"):
        out = kstats.command(sh, f"raise {name}")
        assert re.search(rf"raised {name} from a top half: ran 1 time\(s\) "
                         r"(at irq_exit|in ksoftirqd)", out), out
    out = sh.run("raise FOO")
    assert "raise: no softirq 'FOO'" in out, f"bad name not refused clearly:\n{out}"


_WHERE_HEADER = ("irq_exit", "exception", "syscall", "bh_enable", "do_softirq",
                 "ksoftirqd")


def _where(sh):
    """`softirqs where` -> {slot: {place: runs}}, CPU 0's table (the
    shell's CPU; one table per CPU follows)."""
    out = kstats.command(sh, "softirqs where")
    header = re.search(r"^CPU0 SLOT\s+(.*)$", out, re.MULTILINE)
    assert header, f"no 'CPU0 SLOT' header in 'softirqs where':\n{out}"
    places = header[1].split()
    assert tuple(places) == _WHERE_HEADER, f"places {places}:\n{out}"
    cpu0 = out[header.end():]
    cpu0 = cpu0[:cpu0.find("\nCPU1 ")] if "\nCPU1 " in cpu0 else cpu0
    table = {}
    for row in re.finditer(r"^\s+([A-Z_]+)((?:\s+\d+){6})\s*$", cpu0, re.MULTILINE):
        table[row[1]] = dict(zip(places, map(int, row[2].split())))
    assert list(table) == SLOTS, f"rows {list(table)}:\n{out}"
    return table


def test_raise_from_an_exception_runs_on_its_return(m):
    """`raise NAME exception` raises from an int3 handler; the accounting
    (not the command's assumption) says it ran on the exception's return,
    and `softirqs where` counts it there."""
    sh = _shell(m)
    before = _where(sh)
    for name in ("NET_RX", "BLOCK"):
        out = kstats.command(sh, f"raise {name} exception")
        assert (f"raised {name} from an exception handler (int3): ran 1 time(s) "
                "on the exception's return, before the interrupted code resumed") in out, out
    after = _where(sh)
    for name in ("NET_RX", "BLOCK"):
        assert after[name]["exception"] == before[name]["exception"] + 1, \
            f"{name}: 'softirqs where' did not count the exception return: {before[name]} -> {after[name]}"
    out = sh.run("raise NET_RX sideways")
    assert "raise: 'sideways'? irq, exception or syscall" in out, out


def test_raise_from_a_syscall_runs_on_its_return(m):
    """`raise NET_TX syscall` runs user/netsend, whose net_send system call
    queues a packet and raises NET_TX in the kernel: NET_TX and the NET_RX
    it raises both ran on that call's way back to ring 3 - as the kernel's
    accounting reports it to the program. Other slots are refused."""
    sh = _shell(m)
    before = _where(sh)
    out = kstats.command(sh, "raise NET_TX syscall", timeout=30)
    for name in ("NET_TX", "NET_RX"):
        assert (f"netsend: {name} ran 1 time(s) on the syscall's return, "
                "before ring 3 resumed") in out, out
    assert re.search(r"^\[netsend \(pid \d+\): exit, exit code 0\]$", out, re.MULTILINE), out
    after = _where(sh)
    assert after["NET_TX"]["syscall"] == before["NET_TX"]["syscall"] + 1, \
        f"'softirqs where' did not count the syscall return: {before['NET_TX']} -> {after['NET_TX']}"
    out = sh.run("raise BLOCK syscall")
    assert "raise: from a system call only NET_TX" in out, out


def _storm(sh, kind, n):
    """Start a storm, type `uptime` at once, and return (report match,
    text between the start and the report)."""
    start = len(sh.port.output_since(0))
    out = kstats.command(sh, f"storm {kind} {n}")
    assert f"storm: {n} {kind} runs started" in out, out
    sh.type("uptime\r")
    report = sh.expect(_REPORT, timeout=STORM_TIMEOUT)
    text = sh.port.output_since(start)
    # The report may have been printed before or after uptime's prompt:
    # resynchronise on a marker so the next command reads its own output.
    sh.type("echo storm-synced\r")
    sh.expect(r"(?m)^storm-synced\r?$")
    sh.wait_prompt()
    return report, text


def _budget_spent(report):
    """The 10 passes, or (a host hiccup stretching a pass) the 2 ms."""
    return int(report["by_passes"]) + int(report["by_time"]) >= 1


def test_tasklet_storm_exact_counts_shell_answers(m):
    """100,000 self-rescheduling tasklet runs: exactly 100,000, the pass
    budget is spent, ksoftirqd takes over, and `uptime` typed during the
    storm is answered before the storm ends."""
    sh = _shell(m)
    report, text = _storm(sh, "tasklet", 100000)
    assert int(report["runs"]) == 100000 and int(report["target"]) == 100000, report.group(0)
    assert _budget_spent(report), f"the loop's budget was never spent: {report.group(0)}"
    assert int(report["wakeups"]) >= 1, f"ksoftirqd was never woken: {report.group(0)}"
    assert int(report["kpasses"]) > 0, f"ksoftirqd ran no passes: {report.group(0)}"
    up = _UPTIME.search(text)
    assert up and up.start() < text.index("storm: tasklet done"), \
        f"`uptime` typed during the storm was not answered before it ended:\n{text[-1500:]}"
    out = kstats.command(sh, "tasklets")
    row = re.search(r"^storm_tasklet\s+idle\s+(\d+)\s+(\d+)\s+(\d+)", out, re.MULTILINE)
    assert row and row.groups() == ("0", "100000", "100000"), \
        f"storm_tasklet should show 100000 schedules and runs:\n{out}"


def test_softirq_storm_exact_counts(m):
    """5,000 loopback packets, one per NET_RX run: NET_RX runs >= 5,000."""
    sh = _shell(m)
    before = dict(_vector(sh)[0])
    report, _ = _storm(sh, "softirq", 5000)
    assert int(report["runs"]) == 5000, report.group(0)
    assert _budget_spent(report), report.group(0)
    after = dict(_vector(sh)[0])
    assert after["NET_RX"] - before["NET_RX"] >= 5000, (before, after)


def test_storm_refuses_bad_arguments(m):
    sh = _shell(m)
    assert "usage: storm" in sh.run("storm bogus 5")
    assert "storm: N must be 1..100000000" in sh.run("storm tasklet 0")
    assert "usage: storm" in sh.run("storm tasklet many")
    assert "storm: none running" in sh.run("storm")


def test_timers_lists_a_pending_sleep_timer(m):
    """A `spawn NAME sleep` thread sleeps on a kernel timer: `timers`
    shows it; the hrtimer clock event is named."""
    sh = _shell(m)
    kstats.command(sh, "spawn napper sleep")
    out = kstats.command(sh, "timers")
    assert re.search(r"^timers: jiffies \d+, HZ \d+, [1-9]\d* pending", out, re.MULTILINE), out
    assert "hrtimers: clock event lapic-oneshot" in out, out
