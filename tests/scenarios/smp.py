"""SMP from the shell: `cpus`, `ps` and `irqs` at -smp 2 (and with nosmp).

The machine has two CPUs (one socket of two cores: the MADT lists both)
under multi-threaded TCG. `cpus` must show CPU 0 as the boot CPU and CPU
1 online, each with its own per-CPU segment base, both ticking; `ps`
shows each thread's CPU and a ksoftirqd and kworkers per CPU; `irqs` has
one count column per CPU and the local rows (LOC, RES, CAL, IWI) as
/proc/interrupts does (docs/smp.md).
"""

import re

from harness import kstats
from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""
QEMU_ARGS = ["-smp", "2", "-accel", "tcg,thread=multi"]
PROMPT_TIMEOUT = 30
TICK_TIMEOUT = 10.0

ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(boot CPU|online|parked|down|no answer|starting)"
                 r"\s+0x([0-9a-f]{8})\s+(\d+)\s+(\d+)%\s+0x([0-9a-f]{2})"
                 r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s*$")


def _rows(out):
    """{cpu: dict(apic, state, base, ticks, idle, current)} from `cpus`."""
    rows = {}
    for line in out.splitlines():
        mo = ROW.match(line.rstrip())
        if mo:
            rows[int(mo.group(1))] = dict(
                apic=int(mo.group(2)), state=mo.group(3), base=int(mo.group(4), 16),
                ticks=int(mo.group(5)), idle=int(mo.group(6)), res=int(mo.group(8)),
                current=mo.group(11))
    return rows


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def test_cpus_shows_boot_cpu_and_online_ap(m):
    sh = _shell(m)
    out = sh.run("cpus")
    rows = _rows(out)
    assert sorted(rows) == [0, 1], f"`cpus` should list CPUs 0 and 1:\n{out}"
    assert rows[0]["state"] == "boot CPU" and rows[1]["state"] == "online", out
    assert rows[0]["current"] == "shell", f"CPU 0 runs the shell (it runs `cpus`):\n{out}"
    assert rows[0]["apic"] != rows[1]["apic"], f"two CPUs with one APIC ID:\n{out}"
    # each segment base is a struct cpu of its own, in slot order
    assert rows[1]["base"] > rows[0]["base"], f"per-CPU bases not distinct:\n{out}"
    assert "2 of 2 listed CPUs online" in out, out
    # CPU 1 ticks on its own LAPIC timer: its count grows
    first = rows[1]["ticks"]
    def grown():
        ticks = _rows(sh.run("cpus"))[1]["ticks"]
        return ticks if ticks > first + 2 else None

    later = kstats.poll(grown, TICK_TIMEOUT,
                        describe=lambda: f"CPU 1's TICKS did not grow past {first}")
    log = m.output
    assert re.search(r"smp: CPU 1 \(APIC ID \d+\) up", log), \
        "the AP did not announce itself in the boot log"
    assert "smp: 2 of 2 listed CPUs online" in log, "the boot CPU did not count the CPUs"
    return f"CPU 1 ticked {first} -> {later}"


def test_ps_and_irqs_show_both_cpus(m):
    sh = _shell(m)
    ps = sh.run("ps")
    for n in (0, 1):
        assert re.search(rf"^\s*\d+ ksoftirqd/{n}\s+\S+\s+{n} ", ps, re.MULTILINE), \
            f"ps: ksoftirqd/{n} should run on CPU {n}:\n{ps}"
        assert re.search(rf"^\s*\d+ kworker/{n}:0\s+\S+\s+{n} ", ps, re.MULTILINE), \
            f"ps: kworker/{n}:0 should run on CPU {n}:\n{ps}"
    irqs = sh.run("irqs")
    assert re.search(r"^\s+CPU0\s+CPU1\s*$", irqs, re.MULTILINE), \
        f"irqs: one count column per CPU:\n{irqs}"
    loc = re.search(r"^LOC:\s+(\d+)\s+(\d+)\s+Local timer", irqs, re.MULTILINE)
    assert loc and int(loc.group(2)) > 0 and int(loc.group(1)) == 0, \
        f"irqs: CPU 1 takes local timer interrupts, CPU 0 ticks on the PIT:\n{irqs}"
    for tag in ("RES", "CAL", "IWI"):
        assert re.search(rf"^{tag}:\s+\d+\s+\d+\s+\S", irqs, re.MULTILINE), \
            f"irqs: no per-CPU {tag} row:\n{irqs}"


def test_spinner_on_cpu1_leaves_the_shell_alone(m):
    """spawn spinner busy 1: the spinner runs on CPU 1 (ps, cpus: CPU 1's
    current thread, its idle share falls), the shell on CPU 0 answers at
    once; a bad CPU is refused; kill stops it from CPU 0 (kthread_stop
    across CPUs)."""
    sh = _shell(m)
    out = kstats.command(sh, "spawn spinner busy 1")
    mo = re.search(r"^spawned spinner \(tid (\d+), busy\) on CPU 1$", out, re.MULTILINE)
    assert mo, f"spawn on CPU 1 not confirmed:\n{out}"
    tid = mo.group(1)
    ps = sh.run("ps")
    assert re.search(rf"^\s*{tid} spinner\s+(running|ready)\s+1 ", ps, re.MULTILINE), \
        f"ps: the spinner should run on CPU 1:\n{ps}"

    def spinner_current():
        rows = _rows(sh.run("cpus"))
        return rows if rows[1]["current"] == "spinner" else None

    rows = kstats.poll(spinner_current, TICK_TIMEOUT,
                       describe=lambda: "cpus never showed the spinner as CPU 1's current thread")
    assert rows[0]["current"] == "shell", rows
    for i in range(20):     # CPU 0 is free: every echo comes straight back
        assert sh.run(f"echo still-{i}", timeout=2.0).strip() == f"still-{i}"
    refused = sh.run("spawn other busy 7")
    assert "spawn: no CPU '7' online (CPUs 0-1)" in refused, refused
    out = kstats.command(sh, f"kill {tid}", timeout=10.0)
    assert out.strip() == f"killed spinner (tid {tid}), exit code 0", out


@boot_options(append="nosmp")
def test_cpus_with_nosmp_shows_ap_down(m):
    out = _shell(m).run("cpus")
    rows = _rows(out)
    assert sorted(rows) == [0, 1], f"`cpus` should list CPUs 0 and 1:\n{out}"
    assert rows[1]["state"] == "down", f"nosmp: CPU 1 should be down:\n{out}"
    assert rows[1]["current"] == "-", out
    assert "1 of 2 listed CPUs online (nosmp)" in out, out
