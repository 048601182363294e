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
VARIANTS = [("apic", ""), ("noapic", "noapic"), ("threadirqs", "threadirqs")]

PROMPT_TIMEOUT = 30
TOTAL = 1 << 20          # bytes streamed into COM3
CHUNK = 4096             # bytes per sendall() of the streaming thread
SEND_TIMEOUT = 60        # s one chunk may wait for the guest to take it
TRANSFER_TIMEOUT = 120   # s for the whole MiB to be counted by the kernel
MIN_UPTIMES = 5          # `uptime`s that must answer during the transfer
UPTIME_TIMEOUT = 10      # s for one `uptime` answer under load
POLL_INTERVAL = 0.1      # s between two uptime+sum rounds on COM1

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


def _delta(after, before, key):
    if after.get(key) is None or before.get(key) is None:
        return None
    return after[key] - before[key]


def _rate(count, seconds):
    return f"{count / seconds:,.0f}/s" if count is not None and seconds > 0 else "n/a"


def test_one_mebibyte_into_com3(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    data = random.Random(1048576).randbytes(TOTAL)   # fixed seed: same bytes every run
    want_crc = zlib.crc32(data)

    kstats.sink(sh, "ttyS2")
    irqs_before = kstats.irqs(sh)
    chip = "XT-PIC" if "noapic" in m.scenario.cmdline_words else "IO-APIC"
    row4 = irqs_before.row(4)
    assert (row4.chip, row4.names) == (chip, ["ttyS0", "ttyS2"]), (
        f"IRQ 4 should be on {chip} with ttyS0, ttyS2 in this boot "
        f"(cmdline {m.scenario.append!r}): {row4.line!r}")
    serial_before = kstats.serial_table(sh)

    state = {"sent": 0, "error": None, "sent_at": None}
    sender = threading.Thread(target=_stream, args=(m.port(3), data, state),
                              name="com3-stream", daemon=True)
    t0 = time.monotonic()
    sender.start()

    # Until the kernel has counted the whole MiB: `uptime` (must answer),
    # then `serial sum`, then a short pause so that COM1's own traffic
    # stays small next to COM3's (both interrupt on IRQ4).
    uptimes = []                      # answer time of each uptime during the transfer
    sums = []
    deadline = t0 + TRANSFER_TIMEOUT
    while True:
        if state["error"]:
            raise AssertionError(f"streaming into COM3 failed after {state['sent']} bytes: "
                                 f"{state['error']}")
        t = time.monotonic()
        out = sh.run("uptime", timeout=UPTIME_TIMEOUT)
        answered = time.monotonic() - t
        assert re.search(r"up \d+\.\d+ s", out), \
            f"'uptime' #{len(uptimes) + 1} during the transfer printed {out!r}"
        received, crc = kstats.serial_sum(sh, "ttyS2")
        t_sum = time.monotonic()
        sums.append(received)
        assert received <= TOTAL, f"ttyS2 counted {received} bytes, more than the {TOTAL} sent"
        if received == TOTAL:
            break
        uptimes.append(answered)      # the transfer was still going after it
        if t_sum > deadline:
            raise AssertionError(
                f"ttyS2 received {received} of {TOTAL} bytes within {TRANSFER_TIMEOUT} s "
                f"(host sent {state['sent']}; counts seen: {kstats._summarise(sums)})")
        time.sleep(POLL_INTERVAL)
    wall = t_sum - t0
    sender.join(timeout=5)
    irqs_after = kstats.irqs(sh)
    serial_after = kstats.serial_table(sh)

    irq4 = irqs_after.row(4).count - irqs_before.row(4).count
    s2_before, s2 = serial_before["ttyS2"], serial_after["ttyS2"]
    s2_irqs = _delta(s2, s2_before, "interrupts")
    s0_irqs = _delta(serial_after["ttyS0"], serial_before["ttyS0"], "interrupts")
    unhandled = irqs_after.unhandled - irqs_before.unhandled
    spurious = irqs_after.spurious - irqs_before.spurious
    per_irq = f"{TOTAL / s2_irqs:.2f}" if s2_irqs else "n/a"
    figures = "\n".join([
        f"variant          {m.scenario.variant} (cmdline {m.scenario.append!r})",
        f"transfer         {TOTAL} bytes in {wall:.3f} s (start of streaming until "
        f"`serial sum` showed all of them; polled every ~{POLL_INTERVAL} s)",
        f"throughput       {TOTAL / wall:,.0f} bytes/s",
        f"IRQ4 interrupts  {irq4} during the transfer ({_rate(irq4, wall)}; `irqs` row 4 "
        f"before/after, includes COM1's shell traffic)",
        f"  ttyS2 handler  {s2_irqs if s2_irqs is not None else 'n/a'} interrupts "
        f"({_rate(s2_irqs, wall)}, {per_irq} bytes per interrupt; `serial` per-port count)",
        f"  ttyS0 handler  {s0_irqs if s0_irqs is not None else 'n/a'} interrupts (COM1 shell)",
        f"  unhandled      {unhandled} (UNH), spurious {spurious} (SPU) during the transfer",
        f"ttyS2 serial     {s2['line']}",
        f"stalls           {s2['stalls'] - s2_before['stalls']} during the transfer "
        f"({s2['stalls']} total); edge re-triggers {_delta(s2, s2_before, 'retriggers')}",
        f"uptimes          {len(uptimes)} answered during the transfer, slowest "
        f"{max(uptimes, default=0):.3f} s, mean "
        f"{(sum(uptimes) / len(uptimes)) if uptimes else 0:.3f} s",
        f"host sender      had pushed everything into the socket after "
        f"{(state['sent_at'] or t_sum) - t0:.3f} s",
    ])
    m.note(figures)
    _write_figures(m, figures)

    assert crc == want_crc, (f"ttyS2 received all {TOTAL} bytes but crc32 is 0x{crc:08x}, "
                             f"expected 0x{want_crc:08x}\n{figures}")
    assert len(uptimes) >= MIN_UPTIMES, (
        f"only {len(uptimes)} `uptime`s ran while the transfer was in progress "
        f"({MIN_UPTIMES} required): the transfer took {wall:.3f} s\n{figures}")
    assert s2["overruns"] == 0, \
        f"ttyS2 reports overruns after the transfer: {s2['line']}\n{figures}"
    assert s2["errors"] == 0, \
        f"ttyS2 reports errors after the transfer: {s2['line']}\n{figures}"
    assert s2["rx"] - s2_before["rx"] == TOTAL, (
        f"'serial' rx for ttyS2 grew by {s2['rx'] - s2_before['rx']}, expected {TOTAL}: "
        f"before {s2_before['line']!r}, after {s2['line']!r}")
    return figures
