"""1 MiB into COM3 while the shell on COM1 stays responsive (shared IRQ4).

The kernel counts and CRC-32-checksums what ttyS2 receives (`serial sink`);
a background thread streams 1 MiB of pseudo-random bytes into COM3's
socket while the test keeps running `uptime` on COM1. Runs with the
IOAPIC and with `noapic`. The figures (wall time, bytes/s, IRQ4
interrupts and their rate, stalls) are returned as the result's details,
written to the boot's log and to build/test-logs/serial_stream-figures.txt.
"""

import os
import random
import re
import threading
import time
import zlib

from harness import kstats
from harness.shell import Shell

APPEND = ""
SERIAL_PORTS = 4
VARIANTS = [("apic", ""), ("noapic", "noapic")]

PROMPT_TIMEOUT = 30
TOTAL = 1 << 20          # bytes streamed into COM3
CHUNK = 4096             # bytes per sendall() of the streaming thread
SEND_TIMEOUT = 60        # s one chunk may wait for the guest to take it
TRANSFER_TIMEOUT = 120   # s for the whole MiB to be counted by the kernel
MIN_UPTIMES = 5          # `uptime`s that must answer during the transfer
UPTIME_TIMEOUT = 10      # s for one `uptime` answer under load

FIGURES_FILE = "serial_stream-figures.txt"
_figures_lock = threading.Lock()


def _stream(port, data, state):
    """Background thread: push `data` into the port's socket in chunks."""
    try:
        for off in range(0, len(data), CHUNK):
            port.send(data[off:off + CHUNK], timeout=SEND_TIMEOUT)
            state["sent"] = off + len(data[off:off + CHUNK])
    except Exception as e:             # reported by the main thread
        state["error"] = e
    finally:
        state["sent_at"] = time.monotonic()


def _write_figures(m, text):
    """Keep one section per variant in build/test-logs/serial_stream-figures.txt."""
    log_dir = m.log_dir or os.path.join("build", "test-logs")
    path = os.path.join(log_dir, FIGURES_FILE)
    header = f"[{m.scenario.variant or 'default'}]"
    with _figures_lock:
        os.makedirs(log_dir, exist_ok=True)
        sections = {}
        if os.path.exists(path):
            with open(path) as f:
                current = None
                for line in f.read().splitlines():
                    if re.fullmatch(r"\[[^\]]+\]", line):
                        current = line
                        sections[current] = []
                    elif current and line:
                        sections[current].append(line)
        sections[header] = text.splitlines()
        with open(path, "w") as f:
            for name in sorted(sections):
                f.write(name + "\n" + "\n".join(sections[name]) + "\n\n")


def test_one_mebibyte_into_com3(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    data = random.Random(1048576).randbytes(TOTAL)   # fixed seed: same bytes every run
    want_crc = zlib.crc32(data)

    kstats.sink(sh, "ttyS2")
    irq4_before = kstats.irqs(sh).row(4)
    serial_before = kstats.serial_table(sh)["ttyS2"]

    state = {"sent": 0, "error": None, "sent_at": None}
    sender = threading.Thread(target=_stream, args=(m.port(3), data, state),
                              name="com3-stream", daemon=True)
    t0 = time.monotonic()
    sender.start()

    # While the kernel has not counted the whole MiB: uptime, then the sum.
    uptimes = []                      # (seconds since start, answer time) for each uptime
    sums = []
    received = 0
    deadline = t0 + TRANSFER_TIMEOUT
    while True:
        if state["error"]:
            raise AssertionError(f"streaming into COM3 failed after {state['sent']} bytes: "
                                 f"{state['error']}")
        t = time.monotonic()
        out = sh.run("uptime", timeout=UPTIME_TIMEOUT)
        answered = time.monotonic()
        assert re.search(r"up \d+\.\d+ s", out), \
            f"'uptime' #{len(uptimes) + 1} during the transfer printed {out!r}"
        received, crc = kstats.serial_sum(sh, "ttyS2")
        sums.append(received)
        if received < TOTAL:
            uptimes.append((t - t0, answered - t))
        assert received <= TOTAL, f"ttyS2 counted {received} bytes, more than the {TOTAL} sent"
        if received == TOTAL:
            break
        if time.monotonic() > deadline:
            raise AssertionError(
                f"ttyS2 received {received} of {TOTAL} bytes within {TRANSFER_TIMEOUT} s "
                f"(host sent {state['sent']}; counts seen: {kstats._summarise(sums)})")
    t1 = time.monotonic()
    sender.join(timeout=5)
    irq4_after = kstats.irqs(sh).row(4)
    serial_after = kstats.serial_table(sh)["ttyS2"]

    wall = t1 - t0
    irq4 = irq4_after.count - irq4_before.count
    figures = "\n".join([
        f"variant          {m.scenario.variant} (cmdline {m.scenario.append!r})",
        f"transfer         {TOTAL} bytes in {wall:.3f} s (until `serial sum` showed "
        f"them all; polling granularity one uptime+sum round trip)",
        f"throughput       {TOTAL / wall:,.0f} bytes/s",
        f"IRQ4 interrupts  {irq4} during the transfer "
        f"({irq4 / wall:,.0f}/s, {TOTAL / irq4 if irq4 else float('nan'):.1f} bytes per interrupt; "
        f"includes COM1's own shell traffic)",
        f"ttyS2 serial     {serial_after['line']}",
        f"stalls           {serial_after['stalls'] - serial_before['stalls']} during the transfer "
        f"({serial_after['stalls']} total)",
        f"uptimes          {len(uptimes)} answered during the transfer, slowest "
        f"{max((a for _, a in uptimes), default=0):.3f} s, mean "
        f"{(sum(a for _, a in uptimes) / len(uptimes)) if uptimes else 0:.3f} s",
        f"host sender      finished pushing after "
        f"{(state['sent_at'] or t1) - t0:.3f} s",
    ])
    m.note(figures)
    _write_figures(m, figures)

    assert crc == want_crc, (f"ttyS2 received all {TOTAL} bytes but crc32 is 0x{crc:08x}, "
                             f"expected 0x{want_crc:08x}\n{figures}")
    assert len(uptimes) >= MIN_UPTIMES, (
        f"only {len(uptimes)} `uptime`s ran while the transfer was in progress "
        f"({MIN_UPTIMES} required): the transfer took {wall:.3f} s\n{figures}")
    assert serial_after["overruns"] == 0, \
        f"ttyS2 reports overruns after the transfer: {serial_after['line']}\n{figures}"
    assert serial_after["errors"] == 0, \
        f"ttyS2 reports errors after the transfer: {serial_after['line']}\n{figures}"
    assert serial_after["rx"] - serial_before["rx"] == TOTAL, (
        f"'serial' rx for ttyS2 grew by {serial_after['rx'] - serial_before['rx']}, "
        f"expected {TOTAL}: before {serial_before['line']!r}, after {serial_after['line']!r}")
    return figures
