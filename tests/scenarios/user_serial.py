"""userserial: a ring-3 driver for COM2 (IRQ 3), driven through COM2's own
chardev. Runs with the IOAPIC and with `noapic`.

The kernel's 16550 driver releases COM2 and COM4 (IRQ 3's sharers) when
userserial attaches the line, and takes them back when it detaches.
"""

import random
import re
import threading
import zlib

from harness import kstats
from harness.shell import Shell

APPEND = ""
SERIAL_PORTS = 2
VARIANTS = [("apic", ""), ("noapic", "noapic")]

PROMPT_TIMEOUT = 30
TOTAL = 64 * 1024
CHUNK = 1024
ECHO_TIMEOUT = 120
SEND_TIMEOUT = 60
KERNEL_IRQ3 = ["ttyS1"]   # COM4 is absent (two serial ports): COM2 alone


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _names(sh, irq):
    """The handler names on a line (empty if `irqs` has no row for it)."""
    row = kstats.irqs(sh).rows.get(irq)
    return row.names if row else []


def _start(sh, args=""):
    sh.type(f"run userserial {args}\r".replace("  ", " "))
    sh.expect(r"userserial: COM2 is mine \(irq 3, handle \d+\)", timeout=20)


def _send(port, data, state):
    try:
        for off in range(0, len(data), CHUNK):
            port.send(data[off:off + CHUNK], timeout=SEND_TIMEOUT)
    except Exception as e:      # reported by the main thread
        state["error"] = e


def test_echo_64k_byte_exact(m):
    """64 KiB of printable bytes into COM2: every byte comes back from the
    user driver, letters uppercased, in order, none lost or added; then it
    exits by itself and reports its counts; COM2 is the kernel's again."""
    sh = _shell(m)
    rng = random.Random(7)
    alphabet = bytes(range(0x20, 0x7f))
    data = bytes(rng.choice(alphabet) for _ in range(TOTAL))
    expected = data.upper()
    _start(sh, f"-n {TOTAL}")
    com2 = m.port(2)
    start = com2.raw_length
    state = {}
    sender = threading.Thread(target=_send, args=(com2, data, state), daemon=True)
    sender.start()
    com2.expect_bytes(expected[-64:], start=start + TOTAL - 64, timeout=ECHO_TIMEOUT)
    sender.join(SEND_TIMEOUT)
    assert "error" not in state, f"sending into COM2 failed: {state['error']}"
    got = bytes(com2.raw[start:start + TOTAL])
    assert len(com2.raw) - start == TOTAL, f"COM2 echoed {len(com2.raw) - start} bytes, sent {TOTAL}"
    if got != expected:
        bad = next(i for i in range(TOTAL) if got[i] != expected[i])
        raise AssertionError(f"echo differs at byte {bad} of {TOTAL}: got {got[bad:bad+16]!r}, "
                             f"want {expected[bad:bad+16]!r}")
    done = sh.expect(r"userserial: (\d+) bytes echoed, (\d+) events, (\d+) wakeups, (\d+) missed",
                     timeout=30)
    assert int(done[1]) == TOTAL, done[0]
    sh.wait_prompt()
    row = kstats.irqs(sh).row(3)
    assert row.names == KERNEL_IRQ3, f"IRQ 3 not back with the kernel driver: {row.line}"
    return f"{TOTAL} bytes echoed; {done[2]} events, {done[3]} wakeups"


def test_ctrl_c_kills_and_line_free_again(m):
    """Ctrl-C interrupts the foreground driver blocked in irq_wait (it
    prints its counts and exits); the line is
    detached (no uio handler, depth 0) and the kernel driver has it back;
    a second userserial can attach it at once, `irqs` names it, and
    `kill` ends that one too."""
    sh = _shell(m)
    _start(sh)
    m.port(2).send(b"abc")
    m.port(2).expect(r"ABC", timeout=20)
    sh.type("\x03")
    # irq_wait returns -EINTR: the driver prints its counts and exits itself
    sh.expect(r"userserial: 3 bytes echoed, \d+ events, \d+ wakeups, 0 missed", timeout=20)
    sh.expect(r"\[userserial \(pid \d+\): exit after a kill, exit code 0\]", timeout=20)
    sh.wait_prompt()
    detail = kstats.irq_detail(sh, 3)
    assert detail.depth == 0, f"IRQ 3 left disabled after the kill: {detail.text}"
    assert list(detail.actions) == KERNEL_IRQ3, f"IRQ 3 after the kill: {detail.text}"

    out = kstats.command(sh, "run userserial &")
    tid = int(re.search(r"tid (\d+), in the background", out)[1])
    kstats.poll(lambda: _names(sh, 3) == ["uio:userserial"], timeout=10,
                describe="IRQ 3 to show uio:userserial")
    m.port(2).send(b"again")
    m.port(2).expect(r"AGAIN", timeout=20)
    kstats.command(sh, f"kill {tid}")
    kstats.poll(lambda: _names(sh, 3) == KERNEL_IRQ3, timeout=10,
                describe="IRQ 3 back with the kernel's ttyS1")


def test_second_owner_refused(m):
    """While userserial holds IRQ 3, a second attach is refused (-EBUSY)
    with a message naming the owner; the console's IRQ 4 is never given."""
    sh = _shell(m)
    out = kstats.command(sh, "run userserial &")
    tid = int(re.search(r"tid (\d+), in the background", out)[1])
    kstats.poll(lambda: _names(sh, 3) == ["uio:userserial"], timeout=10,
                describe="IRQ 3 to show uio:userserial")
    out = kstats.command(sh, "run userserial")
    assert "uio: userserial: irq 3 is already owned by userserial" in out, out
    assert "irq_attach(3): EBUSY" in out, out
    pos = sh.port.cursor
    kstats.command(sh, f"kill {tid}")
    # The program's last log lines come after the prompt: wait for them,
    # or they land inside the next command's table.
    kstats.poll(lambda: "ended:" in sh.port.output_since(pos) or None, timeout=10,
                describe="userserial to end after the kill")
    kstats.poll(lambda: _names(sh, 3) == KERNEL_IRQ3, timeout=10,
                describe="IRQ 3 back with the kernel's ttyS1")


def _printable(seed, n):
    rng = random.Random(seed)
    return bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def test_no_byte_lost_when_com2_changes_hands(m):
    """Regression for "bytes are lost when COM2 changes hands". Bytes the
    kernel received but nobody read are kept for the kernel's readers
    while userserial owns the port, and bytes still in the FIFO when
    userserial is killed mid-stream go to the kernel: every byte sent is
    either echoed by the user driver or read by the kernel afterwards, in
    order, and none twice."""
    sh = _shell(m)
    com2 = m.port(2)
    early = _printable(1, 300)                  # before the hand-over
    com2.send(early)
    kstats.poll(lambda: True if kstats.serial_table(sh)["ttyS1"]["rx"] >= len(early) else None,
                timeout=20, describe="the kernel to receive the early bytes")
    pos = sh.port.cursor
    _start(sh)
    assert "serial: ttyS1: 300 received bytes kept for the kernel's readers" in \
        sh.port.output_since(pos), sh.port.output_since(pos)
    data = _printable(2, 16 * 1024)
    state = {}
    start = com2.raw_length
    sender = threading.Thread(target=_send, args=(com2, data, state), daemon=True)
    sender.start()
    com2.expect_bytes(data[:4096].upper()[-32:], start=start + 4096 - 32, timeout=ECHO_TIMEOUT)
    sh.type("\x03")                              # mid-stream
    done = sh.expect(r"userserial: (\d+) bytes echoed", timeout=20)
    sh.wait_prompt(timeout=20)
    echoed = int(done[1])
    sender.join(SEND_TIMEOUT)
    assert "error" not in state, f"sending into COM2 failed: {state['error']}"
    got = bytes(com2.raw[start:start + echoed])
    assert got == data[:echoed].upper(), "the user driver's echo is not the stream's start"
    # The kernel has the early bytes, then the rest of the stream.
    kstats.sink(sh, "ttyS1")
    rest = early + data[echoed:]
    n, crc = kstats.wait_sum(sh, "ttyS1", len(rest), 60)
    assert crc == zlib.crc32(rest), (f"ttyS1 got {n} bytes but not the early bytes followed by "
                                     f"the {len(data) - echoed} the user driver left (lost or reordered)")
