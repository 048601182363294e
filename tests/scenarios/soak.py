"""Soak: everything at once, then nothing may be missing.

One boot, bounded (well under a minute under TCG): garbage into the shell,
a tasklet storm, a byte-exact stream into COM3 (shares IRQ 4 with the
console), and rounds of `run spin &` / `kill`, overlapping. Then:

  * the shell still answers;
  * no BUG:/WARNING:/Oops:/panic on the console (the harness checks every
    log for undeclared reports);
  * the stream arrived whole (count and CRC-32), the storm counted exactly;
  * memory is back where it started: free pages, kmalloc allocations,
    kernel stacks and threads.

Every wait is for an event or a counter, bounded.
"""

import random
import re
import threading
import zlib

from harness import kstats
from harness.shell import Shell

APPEND = ""
SERIAL_PORTS = 4
PROMPT_TIMEOUT = 30
STORM = 200000
STREAM_BYTES = 256 * 1024
GARBAGE_BYTES = 16 * 1024
ROUNDS = 20
SETTLE_TIMEOUT = 20     # for workers and stacks to be given back

_THREAD = re.compile(r"^\s*(?P<tid>\d+)\s+\S+\s+(?:running|ready|sleeping)\s", re.MULTILINE)
_BACKGROUND = re.compile(r"^\[spin: pid (?P<pid>\d+), tid (?P<tid>\d+), in the background;",
                         re.MULTILINE)
_STORM_DONE = re.compile(r"storm: tasklet done: (?P<runs>\d+)/(?P<target>\d+) runs")


def _resources(sh):
    mem = kstats.mem(sh)
    ps = kstats.command(sh, "ps")
    return dict(free=mem["free"], allocs=mem["allocs"], stacks=mem["stacks"],
                threads=len(_THREAD.findall(ps.split("PID")[0])))


def _sync(sh, marker):
    """Type an echo and wait for its own output: whatever was printed
    before (a storm report, garbage answers) is behind us."""
    sh.type(f"echo {marker}\r")
    sh.expect(rf"(?m)^{marker}\r?$", timeout=30)
    sh.wait_prompt(timeout=30)


def _spin_rounds(sh):
    for _ in range(ROUNDS):
        out = kstats.command(sh, "run spin &", timeout=30)
        bg = _BACKGROUND.search(out)
        assert bg, f"'run spin &' did not start it:\n{out}"
        out = kstats.command(sh, f"kill {bg['tid']}", timeout=30)
        assert f"is process {bg['pid']}: killed" in out, out


def test_everything_at_once_then_nothing_missing(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    before = _resources(sh)

    # Garbage first: the shell must refuse it all and come back.
    rng = random.Random(7)
    garbage = bytes(rng.choice(b"abc xyz\x01\x7f\x1b[A\t\"\\") for _ in range(GARBAGE_BYTES))
    sh.type(garbage.replace(b"\x03", b""))
    sh.type("\r")
    _sync(sh, "after-garbage")

    # A storm and a stream, with run/kill rounds in the middle of both.
    kstats.sink(sh, "ttyS2")
    data = bytes(random.Random(11).randrange(256) for _ in range(STREAM_BYTES))
    sender = threading.Thread(target=m.port(3).send, args=(data,))
    out = kstats.command(sh, f"storm tasklet {STORM}")
    assert f"storm: {STORM} tasklet runs started" in out, out
    sender.start()
    _spin_rounds(sh)
    sender.join(timeout=60)
    assert not sender.is_alive(), "the host could not send the stream to COM3"
    report = sh.expect(_STORM_DONE, timeout=120)
    assert (int(report["runs"]), int(report["target"])) == (STORM, STORM), report.group(0)
    _sync(sh, "after-storm")

    n, crc = kstats.wait_sum(sh, "ttyS2", len(data), 60)
    assert (n, crc) == (len(data), zlib.crc32(data)), \
        f"COM3 got {n} bytes, crc 0x{crc:08x}: bytes lost, changed or reordered"

    # Everything handed back: poll, workers and stacks go back in time.
    def settled():
        now = _resources(sh)
        return now if now == before else None
    kstats.poll(settled, SETTLE_TIMEOUT,
                describe=lambda: f"resources did not come back: before {before}, now {_resources(sh)}")
    assert sh.run("echo still-answering").strip() == "still-answering"
