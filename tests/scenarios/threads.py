"""Kernel threads from the shell: ps, spawn, kill, and mem.

A plain boot (no VARIANTS): the scheduler does not care which interrupt
controller delivers the tick. The shell commands (kernel/shell/cmds_threads.c,
kernel/shell/cmds_mem.c):

    ps                    TID NAME STATE CPU CLASS PRIO TIME(ms) STACK(used/size)
    spawn NAME busy|sleep [CPU]  "spawned NAME (tid N, busy) on CPU N" (CPU: SMP only)
    kill TID              "killed NAME (tid N), exit code 0", or a refusal
    mem                   "pages:   N total, N free, N used (N reserved, N allocated)" ...

Every wait is bounded: CPU time is polled with `ps` until it grows, and the
shell's answers while a thread spins are waited for with a timeout, never
assumed to have arrived after a fixed sleep.
"""

import re
import time
from dataclasses import dataclass

from harness import kstats
from harness.qemu import Timeout
from harness.shell import Shell

APPEND = ""

PROMPT_TIMEOUT = 30    # seconds from power-on to the first prompt
ECHO_TIMEOUT = 2.0     # a NORMAL spinner must not keep the shell waiting longer
CPU_TIMEOUT = 10.0     # for a spinner's TIME(ms) to grow between two `ps`
KILL_TIMEOUT = 10.0    # kthread_stop() returns once the thread has exited

NR_CPUS = 2            # scenarios boot two CPUs (harness SCENARIO_SMP)
BOOT_THREADS = {       # name -> states it may be in when `ps` runs
    "shell": {"running"},            # it is the one running `ps`
    "ksoftirqd/0": {"sleeping", "ready"},  # woken only by a softirq storm
    "ksoftirqd/1": {"sleeping", "ready"},
}

_PS_HEADER = re.compile(r"^\s*TID\s+NAME\s+STATE\s+CPU\s+CLASS\s+PRIO\s+TIME\(ms\)\s+STACK\s*$",
                        re.MULTILINE)
_PS_ROW = re.compile(
    r"^\s*(?P<tid>\d+)\s+(?P<name>\S+)\s+(?P<state>running|ready|sleeping|dead)"
    r"\s+(?P<on>\d+)\s+(?P<cls>NORMAL|FIFO)\s+(?P<prio>\d+)\s+(?P<cpu>\d+)"
    r"\s+(?P<used>\d+)/(?P<size>\d+)[ \t]*$", re.MULTILINE)
_SPAWNED = re.compile(r"^spawned (?P<name>\S+) \(tid (?P<tid>\d+), (?P<kind>busy|sleep)\)"
                      r"(?: on CPU (?P<cpu>\d+))?$", re.MULTILINE)


@dataclass
class PsRow:
    tid: int
    name: str
    state: str
    on_cpu: int
    cls: str
    prio: int
    cpu_ms: int
    stack_used: int
    stack_size: int
    line: str


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _ps(sh, idle=None):
    """Run `ps`; return {tid: PsRow} and the text. The idle threads (tid 0,
    one per CPU, as Linux's swapper/N) go to the list `idle` if given."""
    text = kstats.command(sh, "ps")
    assert _PS_HEADER.search(text), f"'ps' printed no 'TID NAME STATE CPU CLASS ...' header:\n{text}"
    rows = {}
    for r in _PS_ROW.finditer(text):
        row = PsRow(int(r["tid"]), r["name"], r["state"], int(r["on"]), r["cls"],
                    int(r["prio"]), int(r["cpu"]), int(r["used"]), int(r["size"]),
                    r.group(0).strip())
        if row.tid == 0 and row.name == "idle":
            if idle is not None:
                idle.append(row)
            continue
        assert row.tid not in rows, f"'ps' lists tid {row.tid} twice:\n{text}"
        rows[row.tid] = row
    assert rows, f"'ps' printed no thread rows:\n{text}"
    return rows, text


def _by_name(rows, name):
    return [r for r in rows.values() if r.name == name]


def _spawn(sh, name, kind):
    out = kstats.command(sh, f"spawn {name} {kind}")
    m = _SPAWNED.search(out)
    assert m and m["name"] == name and m["kind"] == kind, \
        f"'spawn {name} {kind}' did not answer 'spawned {name} (tid N, {kind})':\n{out}"
    return int(m["tid"])


def _kill(sh, name, tid):
    out = kstats.command(sh, f"kill {tid}", timeout=KILL_TIMEOUT)
    expected = f"killed {name} (tid {tid}), exit code 0"
    assert out.strip() == expected, f"'kill {tid}' should print {expected!r}, it printed:\n{out}"
    rows, text = _ps(sh)
    assert tid not in rows and not _by_name(rows, name), \
        f"after 'kill {tid}', 'ps' still lists {name}:\n{text}"


def test_ps_lists_boot_threads(m):
    """ps: idle (tid 0) and the three threads started at boot, with the
    states the design promises: the drivers' threads asleep until work,
    the shell running (it runs ps), all NORMAL."""
    idle = []
    rows, text = _ps(_shell(m), idle)
    assert sorted(r.on_cpu for r in idle) == list(range(NR_CPUS)), \
        f"'ps' should list one idle thread (tid 0) per CPU:\n{text}"
    assert all(r.state in ("ready", "running") for r in idle), text
    for name, states in BOOT_THREADS.items():
        found = _by_name(rows, name)
        assert len(found) == 1, f"'ps' should list one thread named {name}:\n{text}"
        row = found[0]
        assert row.state in states, \
            f"{name} should be {' or '.join(sorted(states))}, 'ps' says {row.line!r}"
        assert (row.cls, row.prio) == ("NORMAL", 0), \
            f"{name} should be class NORMAL, priority 0: {row.line!r}"
    for n in range(NR_CPUS):
        k = _by_name(rows, f"ksoftirqd/{n}")[0]
        assert k.on_cpu == n, f"ksoftirqd/{n} should run on CPU {n}: {k.line!r}"
    for row in rows.values():
        assert row.stack_size > 0 and row.stack_used <= row.stack_size, \
            f"impossible stack use in {row.line!r}"
    shell = _by_name(rows, "shell")[0]
    assert shell.stack_used > 0, f"the shell has run, its stack high-water mark is 0: {shell.line!r}"


def test_busy_thread_runs_and_shell_still_answers(m):
    """spawn spinner busy: ps lists it (ready or running, NORMAL), its CPU
    time grows; while it spins the shell answers each echo within
    ECHO_TIMEOUT (the tick preempts it); kill stops it and ps forgets it."""
    sh = _shell(m)
    tid = _spawn(sh, "spinner", "busy")

    rows, text = _ps(sh)
    assert tid in rows and rows[tid].name == "spinner", f"'ps' does not list spinner (tid {tid}):\n{text}"
    first = rows[tid]
    assert first.state in ("ready", "running"), \
        f"a busy thread is always runnable; 'ps' says {first.line!r}"
    assert first.cls == "NORMAL", f"spawned threads are NORMAL: {first.line!r}"

    seen = [first]

    def grown():
        rows, text = _ps(sh)
        assert tid in rows, f"spinner (tid {tid}) vanished from 'ps':\n{text}"
        seen.append(rows[tid])
        return rows[tid] if rows[tid].cpu_ms > first.cpu_ms else None

    kstats.poll(grown, CPU_TIMEOUT, 0.2, lambda: (
        f"spinner's CPU(ms) did not grow within {CPU_TIMEOUT:g} s: first {first.line!r}, "
        f"last {seen[-1].line!r}"))

    for i in range(5):
        start = time.monotonic()
        try:
            out = sh.run(f"echo ping-{i}", timeout=ECHO_TIMEOUT)
        except Timeout:
            raise AssertionError(f"with spinner running, 'echo ping-{i}' got no answer "
                                 f"within {ECHO_TIMEOUT:g} s") from None
        took = time.monotonic() - start
        assert out.strip() == f"ping-{i}", f"'echo ping-{i}' printed {out!r} (after {took:.2f} s)"

    _kill(sh, "spinner", tid)


def test_sleeping_thread_spawn_and_kill(m):
    """spawn napper sleep: listed as a NORMAL thread that sleeps (msleep
    100 in a loop); kill wakes it, it sees kthread_should_stop, exits 0."""
    sh = _shell(m)
    tid = _spawn(sh, "napper", "sleep")
    rows, text = _ps(sh)
    assert tid in rows and rows[tid].name == "napper", f"'ps' does not list napper (tid {tid}):\n{text}"
    row = rows[tid]
    assert row.cls == "NORMAL" and row.state in ("sleeping", "ready", "running"), \
        f"napper should be a NORMAL thread: {row.line!r}"
    _kill(sh, "napper", tid)
    # The shell is fine afterwards.
    assert sh.run("echo after-kill").strip() == "after-kill"


def test_kill_refuses_boot_threads_and_unknown_tids(m):
    """kill 1 (a driver's thread, not spawned) is refused; kill 999: no such
    thread; both leave every boot thread in place."""
    sh = _shell(m)
    rows, text = _ps(sh)
    assert 1 in rows, f"'ps' lists no tid 1:\n{text}"
    name = rows[1].name
    out = sh.run("kill 1")
    expected = f"kill: {name} (tid 1) does not stop on request; only spawned threads can be killed"
    assert out.strip() == expected, f"'kill 1' should print {expected!r}, it printed:\n{out}"
    out = sh.run("kill 999")
    assert out.strip() == "kill: no thread 999", f"'kill 999' printed:\n{out}"
    after, text = _ps(sh)
    assert set(after) == set(rows), f"refused kills changed the thread list:\n{text}"


def test_mem_reports_page_counts(m):
    """mem: pages total = free + used, used = reserved + allocated; the other
    lines (largest, paging, kmalloc, stacks) are present."""
    out = kstats.command(_shell(m), "mem")
    p = kstats.parse_mem(out)
    total, free, used = p["total"], p["free"], p["used"]
    assert total > 0 and free > 0, f"'mem' reports no memory:\n{out}"
    assert total == free + used, f"'mem': total != free + used:\n{out}"
    assert used == p["reserved"] + p["allocated"], \
        f"'mem': used != reserved + allocated:\n{out}"
    for prefix in ["largest:", "paging:", "kmalloc:", "stacks:"]:
        assert re.search(rf"^{prefix}\s+\d+", out, re.MULTILINE), f"'mem' has no '{prefix}' line:\n{out}"


def test_kill_0_is_refused(m):
    """Regression for "kill 0 hangs the shell forever": tid 0 is the idle
    thread, and an empty slot of the spawned-thread table once matched it.
    Now it is refused like any thread not spawned, and the shell answers."""
    sh = _shell(m)
    out = sh.run("kill 0", timeout=KILL_TIMEOUT)
    expected = "kill: idle (tid 0) does not stop on request; only spawned threads can be killed"
    assert out.strip() == expected, f"'kill 0' should print {expected!r}, it printed:\n{out}"
    assert sh.run("echo after-kill-0").strip() == "after-kill-0"


def test_ninth_spawn_refused_before_start(m):
    """Regression for "spawn's ninth thread runs though spawn says it could
    not start it": with 8 demo threads running, a 9th spawn is refused and
    no thread is made; killing the 8 gives every thread and stack back."""
    sh = _shell(m)
    before, _ = _ps(sh)
    stacks = kstats.mem(sh)["stacks"]
    tids = [_spawn(sh, f"nap{i}", "sleep") for i in range(8)]
    out = sh.run("spawn nap8 sleep")
    assert out.strip() == "spawn: 8 demo threads already run; kill one first", \
        f"the 9th spawn should be refused, it printed:\n{out}"
    rows, text = _ps(sh)
    assert not any(r.name == "nap8" for r in rows.values()), \
        f"the refused 9th thread runs anyway:\n{text}"
    for i, tid in enumerate(tids):
        _kill(sh, f"nap{i}", tid)
    after, text = _ps(sh)
    assert set(after) == set(before), f"threads left after killing all 8:\n{text}"
    assert kstats.mem(sh)["stacks"] == stacks, "kernel stacks were not all given back"
