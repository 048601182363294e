"""The console's line stays honest, and a task writer sleeps for room.

COM1 (ttyS0, the console) and COM3 (ttyS2) share IRQ 4. Two regressions:

- the unhandled count on the console line (issue 11): an interactive
  session (help and a few commands) used to leave about half of IRQ 4's
  interrupts "unhandled" - edges the 16550 raised while its handler was
  still refilling the TX FIFO, latched by the interrupt controller, then
  delivered to find nothing pending. The handler now mutes its port (IER
  0) while it works and unmutes it at the end. `irq 4` after the session
  must show at most 5% unhandled (docs/drivers.md, "Why some interrupts
  are unhandled").
- defect 9: `serial fill ttyS2 N` writes N pattern bytes (byte i is
  i % 251) from the shell's thread, more than the 4 KiB TX ring holds:
  the shell must sleep for room (tx sleeps > 0) and COM3's socket must
  receive exactly those bytes, in order.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""
SERIAL_PORTS = 4
VARIANTS = [("apic", ""), ("noapic", "noapic")]

PROMPT_TIMEOUT = 30
MAX_UNHANDLED_PCT = 5
SESSION = ["help", "uptime", "echo hello world", "irqs", "ps", "softirqs",
           "help serial", "serial", "dmesg", "uptime"]
FILL_BYTES = 20000          # about five TX rings
FILL_PATTERN = 251
FILL_TIMEOUT = 60


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def test_interactive_console_unhandled_share_at_most_5pct(m):
    sh = _shell(m)
    for line in SESSION:
        sh.run(line, timeout=20)
    d = kstats.irq_detail(sh, 4)
    serial = kstats.command(sh, "serial")
    share = 100.0 * d.unhandled / d.count if d.count else 0.0
    figures = (f"irq 4 after the session: {d.unhandled} unhandled of {d.count} "
               f"interrupts ({share:.1f}%)")
    assert d.count > 0, f"irq 4 counted no interrupts in an interactive session:\n{d.text}"
    assert d.unhandled * 100 <= MAX_UNHANDLED_PCT * d.count, (
        f"{figures}: more than {MAX_UNHANDLED_PCT}% unhandled on the console's line\n"
        f"{d.text}\n{serial}")
    return figures


def test_uart_write_full_ring_sleeps_byte_exact(m):
    sh = _shell(m)
    com3 = m.port(3)
    start = com3.raw_length
    out = kstats.command(sh, f"serial fill ttyS2 {FILL_BYTES}", timeout=FILL_TIMEOUT)
    got = re.search(r"ttyS2: (\d+) bytes queued, (\d+) tx sleeps", out)
    assert got, f"'serial fill ttyS2 {FILL_BYTES}' printed:\n{out}"
    assert int(got.group(1)) == FILL_BYTES, out
    # Whether the writer had to sleep depends on how fast the host takes
    # COM3's bytes (QEMU's transmitter is instant when the socket keeps
    # up); ktest/uart/uart_write_full_ring_sleeps proves the sleep
    # deterministically. Here: whatever happened, every byte arrives.
    want = bytes(i % FILL_PATTERN for i in range(FILL_BYTES))
    end = com3.expect_bytes(want, start, timeout=FILL_TIMEOUT)
    assert end - start == FILL_BYTES and com3.raw_length == end, (
        f"COM3 received {com3.raw_length - start} bytes, expected exactly {FILL_BYTES}")
    row = kstats.serial_table(sh)["ttyS2"]
    assert row["tx"] == FILL_BYTES, f"'serial' shows ttyS2 tx {row['tx']}: {row['line']}"
    return f"{FILL_BYTES} bytes byte-exact on COM3, {got.group(2)} tx sleeps"
