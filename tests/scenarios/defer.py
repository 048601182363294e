"""`defer`: one job through every bottom half, from the shell.

    defer [MECH]   MECHANISM CONTEXT PREEMPT THREAD MAY-SLEEP TRIGGER->START

The contexts are the point of the command, so they are checked exactly:
softirq, tasklet and BH work run in softirq context (preempt count 0x100,
on whatever thread was interrupted - here the shell), may not sleep; the
work queue runs on a kworker and the threaded handler on irq/N-defer, both
in task context, allowed to sleep.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""
VARIANTS = [("apic", ""), ("noapic", "noapic")]

_ROW = re.compile(r"^(?P<mech>softirq|tasklet|bh|workqueue|threaded)\s+(?P<ctx>\S+)\s+"
                  r"0x(?P<pc>[0-9a-f]+)\s+(?P<thread>\S+)\s+(?P<sleep>yes|no)\s+(?P<tsc>\d+)\s*$",
                  re.MULTILINE)

EXPECTED = {   # mechanism -> (context, preempt count, thread pattern, may sleep)
    "softirq": ("softirq", 0x100, r"shell", "no"),
    "tasklet": ("softirq", 0x100, r"shell", "no"),
    "bh": ("softirq", 0x100, r"shell", "no"),
    "workqueue": ("task", 0, r"kworker/0:\d+", "yes"),
    "threaded": ("task", 0, r"irq/\d+-defer", "yes"),
}


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=30)
    return sh


def test_defer_prints_each_mechanism_in_its_context(m):
    out = kstats.command(_shell(m), "defer", timeout=30)
    rows = {r["mech"]: r for r in _ROW.finditer(out)}
    assert list(rows) == list(EXPECTED), f"expected a row per mechanism, in order:\n{out}"
    for mech, (ctx, pc, thread, sleep) in EXPECTED.items():
        r = rows[mech]
        assert r["ctx"] == ctx and int(r["pc"], 16) == pc and r["sleep"] == sleep, \
            f"{mech}: expected {ctx}/0x{pc:x}/may sleep {sleep}:\n{r.group(0)}"
        assert re.fullmatch(thread, r["thread"]), f"{mech}: ran on {r['thread']}:\n{out}"
        assert int(r["tsc"]) > 0, r.group(0)


def test_defer_one_mechanism_and_bad_name(m):
    sh = _shell(m)
    out = kstats.command(sh, "defer workqueue")
    assert [r["mech"] for r in _ROW.finditer(out)] == ["workqueue"], out
    out = sh.run("defer teleport")
    assert "defer: no mechanism 'teleport'" in out, out
