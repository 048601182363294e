"""SMP phase 1 from the shell: `cpus` at -smp 2 (and with nosmp).

The machine has two CPUs (one socket of two cores: the MADT lists both)
under multi-threaded TCG. `cpus` must show CPU 0 as the boot CPU and
CPU 1 parked, each with its own per-CPU segment base, and say that only
CPU 0 runs threads in this phase (docs/smp.md).
"""

import re

from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""
QEMU_ARGS = ["-smp", "2", "-accel", "tcg,thread=multi"]

PROMPT_TIMEOUT = 30
ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(boot CPU|parked|down|no answer|starting)"
                 r"\s+0x([0-9a-f]{8})\s+(\d+|-)\s*$")


def _rows(out):
    """{cpu: (apic_id, state, base, wakeups)} from `cpus` output."""
    rows = {}
    for line in out.splitlines():
        mo = ROW.match(line.rstrip())
        if mo:
            rows[int(mo.group(1))] = (int(mo.group(2)), mo.group(3),
                                      int(mo.group(4), 16), mo.group(5))
    return rows


def _cpus(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh.run("cpus")


def test_cpus_shows_boot_cpu_and_parked_ap(m):
    out = _cpus(m)
    rows = _rows(out)
    assert sorted(rows) == [0, 1], f"`cpus` should list CPUs 0 and 1:\n{out}"
    assert rows[0][1] == "boot CPU" and rows[0][3] == "-", out
    assert rows[1][1] == "parked" and rows[1][3].isdigit(), out
    assert rows[0][0] != rows[1][0], f"two CPUs with one APIC ID:\n{out}"
    # each segment base is a struct cpu of its own, in slot order
    assert rows[1][2] > rows[0][2], f"per-CPU bases not distinct:\n{out}"
    assert "2 of 2 listed CPUs online" in out, out
    assert "only CPU 0 runs threads" in out, out
    log = m.output
    assert re.search(r"smp: CPU 1 \(APIC ID \d+\) up", log), \
        "the AP did not announce itself in the boot log"
    assert "smp: 2 CPUs up" in log, "the boot CPU did not count the CPUs up"


@boot_options(append="nosmp")
def test_cpus_with_nosmp_shows_ap_down(m):
    out = _cpus(m)
    rows = _rows(out)
    assert sorted(rows) == [0, 1], f"`cpus` should list CPUs 0 and 1:\n{out}"
    assert rows[1][1] == "down", f"nosmp: CPU 1 should be down:\n{out}"
    assert "1 of 2 listed CPUs online (nosmp)" in out, out

