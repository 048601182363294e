"""Interrupt affinity from the shell: `irq N affinity CPU` at -smp 2 (docs/irq.md).

IRQ 4 is COM1 (ttyS0), the console this test types on. Moving it to CPU 1
while typing goes on must keep the shell answering, and:
  - `irqs`: IRQ 4's CPU1 count grows while its CPU0 count stands still
    (the IOAPIC now sends the line to CPU 1's local APIC);
  - `softirqs`: TASKLET runs are counted on CPU 1, not CPU 0 (the UART's
    bottom half, its RX tasklet, runs where its top half scheduled it);
  - the RES row grows on CPU 0: the tasklet on CPU 1 wakes the shell,
    which lives on CPU 0 - a cross-CPU wakeup, sent as a reschedule IPI.
Moving it back to CPU 0 turns all of that around. The refusals (the
timer, an offline CPU, a line without a controller, no such line) and
PIC mode (`noapic`: the 8259 reaches CPU 0 only) are answered in words.
"""

import re

from harness import kstats
from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""
QEMU_ARGS = []          # SCENARIO_SMP: two CPUs
PROMPT_TIMEOUT = 30
TYPED = 5               # commands typed on each CPU


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _res(table):
    """The RES row of `irqs`: reschedule IPIs per CPU."""
    mo = re.search(r"^RES:((?:\s+\d+)+)\s+Rescheduling interrupts", table.text, re.MULTILINE)
    assert mo, f"'irqs' has no 'RES:' row:\n{table.text}"
    return [int(n) for n in mo.group(1).split()]


def _tasklets(sh):
    """TASKLET runs per CPU, from the /proc/softirqs-like top of `softirqs`."""
    out = kstats.command(sh, "softirqs")
    mo = re.search(r"^\s*TASKLET:((?:\s+\d+)+)\s*$", out, re.MULTILINE)
    assert mo, f"'softirqs' has no 'TASKLET:' row with a count per CPU:\n{out}"
    return [int(n) for n in mo.group(1).split()]


def _snapshot(sh):
    table = kstats.irqs(sh)
    return dict(irq4=table.row(4).per_cpu, res=_res(table), tasklet=_tasklets(sh),
                text=table.text)


def _type_some(sh):
    """Typing works: each echo is answered (the RX top half, its tasklet,
    the wakeup of the shell)."""
    for i in range(TYPED):
        token = f"typed-{i}-{sh.port.cursor}"
        out = kstats.command(sh, f"echo {token}")
        assert out.strip() == token, f"'echo {token}' answered:\n{out}"


def _moves_to(sh, cpu, other):
    """Move IRQ 4 to cpu, type, and check that everything follows."""
    out = kstats.command(sh, f"irq 4 affinity {cpu}")
    assert re.search(rf"^irq 4: moved from CPU {other} to CPU {cpu}\b", out, re.MULTILINE), \
        f"'irq 4 affinity {cpu}' did not say it moved the line:\n{out}"
    shown = kstats.command(sh, "irq 4 affinity")
    assert shown.strip() == f"irq 4: affinity CPU {cpu}", shown
    before = _snapshot(sh)
    _type_some(sh)
    after = _snapshot(sh)
    irq4 = (before["irq4"], after["irq4"])
    assert after["irq4"][cpu] > before["irq4"][cpu], \
        f"IRQ 4 on CPU {cpu}: its CPU{cpu} count did not grow {irq4}:\n{after['text']}"
    assert after["irq4"][other] == before["irq4"][other], \
        f"IRQ 4 on CPU {cpu}: its CPU{other} count moved {irq4}:\n{after['text']}"
    tl = (before["tasklet"], after["tasklet"])
    assert after["tasklet"][cpu] > before["tasklet"][cpu], \
        f"IRQ 4 on CPU {cpu}: no TASKLET run counted on CPU {cpu} {tl}"
    assert after["tasklet"][other] == before["tasklet"][other], \
        f"IRQ 4 on CPU {cpu}: TASKLET runs counted on CPU {other} {tl}"
    return before, after


REFUSALS = [
    ("irq 0 affinity 1",
     r"^irq 0: refused: timer must stay on CPU 0 \(its driver asked for no balancing\)$"),
    ("irq 4 affinity 2", r"^irq 4: refused: CPU 2 is not online \(CPUs 0-1 are\)$"),
    ("irq 2 affinity 1", r"^irq 2: not connected to any controller: no CPU to send it to$"),
    ("irq 24 affinity 1", r"^irq: no interrupt line '24' \(0-23\)$"),
    ("irq 4 affinity one", r"^irq 4 affinity: 'one' is not a CPU number$"),
]


def _refusals_are_explained(sh):
    for line, answer in REFUSALS:
        out = kstats.command(sh, line)
        assert re.search(answer, out, re.MULTILINE), f"{line!r} answered:\n{out}"
    assert kstats.command(sh, "irq 0 affinity").strip() == \
        "irq 0: affinity CPU 0 (kept there by its driver)"
    assert kstats.command(sh, "irq 4 affinity").strip() == "irq 4: affinity CPU 0", \
        "a refused move must leave IRQ 4 on CPU 0"


def test_irq4_moves_to_cpu1_and_back(m):
    sh = _shell(m)
    detail = kstats.command(sh, "irq 4")
    assert re.search(r"^  affinity CPU 0$", detail, re.MULTILINE), \
        f"'irq 4' should show the line on CPU 0 after boot:\n{detail}"
    _refusals_are_explained(sh)

    before, after = _moves_to(sh, 1, 0)
    res = (before["res"][0], after["res"][0])
    assert after["res"][0] > before["res"][0], \
        f"IRQ 4 on CPU 1 wakes the shell on CPU 0: CPU 0's RES should grow {res}"
    back_before, back_after = _moves_to(sh, 0, 1)
    return (f"on CPU 1: IRQ 4 {before['irq4']} -> {after['irq4']}, TASKLET "
            f"{before['tasklet']} -> {after['tasklet']}, RES {before['res']} -> {after['res']}; "
            f"back on CPU 0: IRQ 4 {back_before['irq4']} -> {back_after['irq4']}")


@boot_options(append="noapic")
def test_pic_mode_refuses(m):
    sh = _shell(m)
    out = kstats.command(sh, "irq 4 affinity 1")
    assert re.search(r"^irq 4: refused: XT-PIC cannot send interrupts to another CPU "
                     r"\(PIC mode: every interrupt goes to CPU 0\)$", out, re.MULTILINE), out
    out = kstats.command(sh, "irq 4 affinity")
    assert out.strip() == "irq 4: affinity CPU 0 (XT-PIC: every interrupt goes to CPU 0)", out
    table = kstats.irqs(sh)
    assert len(table.row(4).per_cpu) == 1, f"PIC mode runs on one CPU:\n{table.text}"
