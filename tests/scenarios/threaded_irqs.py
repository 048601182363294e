"""Threaded IRQs on real devices: the keyboard and COM3 at the same time.

`kbd read` reads key presses (QEMU monitor `sendkey`) through the i8042
driver's reader queue while a background thread streams bytes into COM3
(ttyS2, counted and CRC-checked by `serial sink`), so IRQ1 and IRQ4 fire
together. Both must arrive whole and in order. The `threadirqs` variants
force every ordinary handler into an irq/N-name thread (ONESHOT, FIFO 50):
`irqs`, `irq N` and `ps` must show those threads. Each wait is bounded and
waits for an answer, never a fixed time.
"""

import random
import re
import threading
import time
import zlib

from harness import kstats
from harness.shell import Shell

APPEND = ""
SERIAL_PORTS = 4
MONITOR = True
VARIANTS = [("apic", ""), ("threadirqs", "threadirqs"),
            ("threadirqs-noapic", "threadirqs noapic")]

PROMPT_TIMEOUT = 30
STREAM = 256 * 1024      # bytes into COM3 while typing
CHUNK = 4096
SEND_TIMEOUT = 60
STREAM_TIMEOUT = 90      # s for the kernel to count every streamed byte
READ_SECONDS = 60        # kbd read's own timeout (the keys end it sooner)
TEXT = "hello threaded world"

BANNER = r"kbd read: type on the keyboard"
KEYS = {" ": "spc"}


def _threaded(m):
    return "threadirqs" in m.scenario.cmdline_words


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _sendkey(m, key):
    out = m.monitor(f"sendkey {key}")
    assert out.strip() == "", f"QEMU monitor 'sendkey {key}' answered {out!r}"


def _type_keys(m, text):
    for ch in text:
        _sendkey(m, KEYS.get(ch, ch))


def _stream(port, data, state):
    try:
        for off in range(0, len(data), CHUNK):
            port.send(data[off:off + CHUNK], timeout=SEND_TIMEOUT)
            state["sent"] = off + len(data[off:off + CHUNK])
    except Exception as e:             # reported by the main thread
        state["error"] = e


def _start_kbd_read(sh):
    sh.type(f"kbd read {READ_SECONDS}\r")
    sh.expect(BANNER, timeout=10)


def test_kbd_read_while_com3_streams(m):
    """`kbd read` gets every key typed while 256 KiB flow into COM3; the
    stream's CRC is right; IRQ1 and IRQ4 both counted interrupts."""
    sh = _shell(m)
    kstats.sink(sh, "ttyS2")
    before = kstats.irqs(sh)
    kbd_before = kstats.kbd(sh)
    data = random.Random(STREAM).randbytes(STREAM)
    state = {"sent": 0, "error": None}
    sender = threading.Thread(target=_stream, args=(m.port(3), data, state),
                              name="com3-stream", daemon=True)

    _start_kbd_read(sh)
    sender.start()
    _type_keys(m, TEXT)
    _sendkey(m, "ret")
    sent_while_typing = state["sent"]
    got = sh.expect(r'kbd read: "(.*)" \((\w[\w -]*)\)', timeout=30)
    sh.wait_prompt()
    if (got.group(1), got.group(2)) != (TEXT, "Enter"):
        # Every key is a press and a release: 2 scancodes. Fewer reaching
        # the kernel means QEMU's 16-byte PS/2 queue overflowed while the
        # guest did not read port 0x60; as many means the kernel lost them.
        kbd_after = kstats.kbd(sh)
        raise AssertionError(
            f"kbd read printed {got.group(0)!r}, expected {TEXT!r} (Enter); "
            f"the kernel took {kbd_after.scancodes - kbd_before.scancodes} scancodes "
            f"for {len(TEXT) + 1} keys ({2 * (len(TEXT) + 1)} expected); "
            f"COM3 had {sent_while_typing} bytes sent\n"
            + "\n".join(kstats.command(sh, c) for c in ("kbd", "irq 1", "irq 4", "ps")))
    m.note(f"COM3 had been sent {sent_while_typing} of {STREAM} bytes when Enter was "
           f"pressed ({len(TEXT) + 1} keys typed meanwhile)")

    deadline = time.monotonic() + STREAM_TIMEOUT
    while True:
        assert not state["error"], f"streaming into COM3 failed: {state['error']}"
        received, crc = kstats.serial_sum(sh, "ttyS2")
        if received >= STREAM or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    sender.join(timeout=5)
    assert received == STREAM, f"ttyS2 counted {received} of {STREAM} bytes"
    assert crc == zlib.crc32(data), f"ttyS2 crc32 0x{crc:08x} is wrong"
    after = kstats.irqs(sh)
    assert after.row(1).count > before.row(1).count, "IRQ 1 did not count the keys"
    assert after.row(4).count > before.row(4).count, "IRQ 4 did not count COM3"
    assert after.unhandled == before.unhandled or not _threaded(m), \
        f"unhandled interrupts grew under threadirqs: {before.unhandled} -> {after.unhandled}"


def test_kbd_read_ctrl_c_and_backspace(m):
    """Backspace takes a character back; Ctrl-C ends the read early."""
    sh = _shell(m)
    _start_kbd_read(sh)
    _type_keys(m, "abx")
    _sendkey(m, "backspace")
    _type_keys(m, "c")
    _sendkey(m, "ctrl-c")
    sh.expect(r'kbd read: "abc" \(Ctrl-C\)', timeout=30)
    sh.wait_prompt()
    out = sh.run("echo after-read")
    assert out.strip() == "after-read", f"'echo after-read' printed {out!r}"


def test_threads_visible(m):
    """threadirqs: irqs shows 'i8042 [irq/1-i8042]' and the UARTs' threads,
    the timer stays unthreaded; `irq 4` and `ps` show FIFO 50 threads."""
    sh = _shell(m)
    table = kstats.irqs(sh)
    if not _threaded(m):
        assert not table.row(4).threads, f"no threads expected: {table.row(4).line!r}"
        return
    assert table.row(1).threads.get("i8042") == "irq/1-i8042", table.row(1).line
    assert table.row(4).threads == {"ttyS0": "irq/4-ttyS0", "ttyS2": "irq/4-ttyS2"}, \
        table.row(4).line
    assert not table.row(0).threads, f"the timer must not be threaded: {table.row(0).line!r}"
    detail = kstats.command(sh, "irq 4")
    assert re.search(r"thread irq/4-ttyS0 \(tid \d+, FIFO 50, \w+, CPU 0\), oneshot, forced, "
                     r"woken \d+, ran \d+", detail), detail
    ps = kstats.command(sh, "ps")
    for name in ("irq/1-i8042", "irq/4-ttyS0", "irq/3-ttyS1"):
        assert re.search(rf"^\s*\d+ {re.escape(name)}\s+\w+\s+\d+\s+FIFO\s+50\b", ps, re.M), \
            f"ps should list {name} as FIFO 50:\n{ps}"
