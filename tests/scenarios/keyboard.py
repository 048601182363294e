"""The PS/2 keyboard on IRQ1 (i8042) and its Ctrl+Alt+I hotkey.

Keys are pressed through the QEMU monitor (`sendkey`); the shell on COM1
reports what the kernel saw (`kbd`, `irqs`). Every test runs with the
IOAPIC (default) and with `noapic` (8259). Each wait polls the kernel's
counters or waits for a line, with a bound; none is a fixed sleep.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""
SERIAL_PORTS = 4
MONITOR = True
VARIANTS = [("apic", ""), ("noapic", "noapic"), ("threadirqs", "threadirqs")]

PROMPT_TIMEOUT = 30
KEY_TIMEOUT = 10        # seconds for pressed keys to show up in `kbd`
HOTKEY_TIMEOUT = 10     # seconds for the hotkey's printk
MODIFIERS = {"Shift", "Ctrl", "Alt"}     # may or may not be listed as presses

HOTKEY_LINE = r"hotkey: irq statistics:"


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _chip(m):
    return "XT-PIC" if "noapic" in m.scenario.cmdline_words else "IO-APIC"


def _sendkey(m, keys):
    out = m.monitor(f"sendkey {keys}")
    assert out.strip() == "", f"QEMU monitor 'sendkey {keys}' answered {out!r}"


def _wait_recent(sh, expected, timeout=KEY_TIMEOUT):
    """Poll `kbd` until the key presses (modifiers ignored) end with `expected`."""
    seen = []

    def check():
        state = kstats.kbd(sh)
        seen.append(state)
        keys = [k for k in state.recent if k not in MODIFIERS]
        return state if keys[-len(expected):] == expected else None

    return kstats.poll(check, timeout, 0.1, lambda: (
        f"'kbd' did not show the key presses {' '.join(expected)} at the end of "
        f"'recent:' within {timeout:g} s; last answer:\n{seen[-1].text if seen else '(none)'}"))


def test_keys_show_in_kbd_and_irqs(m):
    """h, i, Shift+a, Enter -> `recent: ... h i A Enter`; IRQ1 counted them."""
    sh = _shell(m)
    before = kstats.irqs(sh).row(1)
    kbd_before = kstats.kbd(sh)
    for keys in ["h", "i", "shift-a", "ret"]:
        _sendkey(m, keys)
    # The keys may also reach the shell's line (and Enter run it): re-align
    # with the shell before reading the answer of the next command.
    state = _wait_recent(sh, ["h", "i", "A", "Enter"])
    kstats.sync(sh)
    after = kstats.irqs(sh).row(1)
    assert after.names[:1] == ["i8042"], \
        f"IRQ 1 row should list i8042 first (then hotkey), it is {after.line!r}"
    assert (after.chip, after.hwirq, after.trigger) == (_chip(m), 1, "edge"), \
        f"IRQ 1 row should say '{_chip(m)} 1-edge': {after.line!r}"
    # 4 keys: at least 8 scancodes (press + release), one interrupt or more each.
    grew = after.count - before.count
    assert grew >= 4, (f"IRQ 1 count grew by {grew} over 4 key presses (>= 4 expected): "
                       f"before {before.line!r}, after {after.line!r}")
    events = state.events - kbd_before.events
    scancodes = state.scancodes - kbd_before.scancodes
    assert events >= 4, f"kbd counted {events} new key events for 4 presses:\n{state.text}"
    assert scancodes >= 8, f"kbd counted {scancodes} new scancodes for 4 keys:\n{state.text}"
    assert state.overruns == 0, f"kbd reports overruns:\n{state.text}"


def test_hotkey_prints_irq_statistics(m):
    """Ctrl+Alt+I prints 'hotkey: irq statistics:' on COM1; the shell goes on."""
    sh = _shell(m)
    _sendkey(m, "ctrl-alt-i")
    sh.expect(HOTKEY_LINE, timeout=HOTKEY_TIMEOUT)
    kstats.sync(sh)
    out = sh.run("echo after-hotkey")
    assert out.strip() == "after-hotkey", f"'echo after-hotkey' printed {out!r}"
    row = kstats.irqs(sh).row(1)
    assert "hotkey" in row.names, f"IRQ 1 row should list the hotkey handler: {row.line!r}"


def test_typing_on_com1_around_hotkey(m):
    """Half a line typed on COM1, the hotkey, the rest of the line: the line
    editor keeps its state and the command runs; typing works after."""
    sh = _shell(m)
    sh.type("echo dur")
    sh.expect(r"echo dur", timeout=5)           # the shell echoed the first half
    _sendkey(m, "ctrl-alt-i")
    sh.expect(HOTKEY_LINE, timeout=HOTKEY_TIMEOUT)
    sh.type("ing-hotkey\r")
    sh.expect(r"(?m)^during-hotkey$", timeout=10)
    sh.wait_prompt()
    for i in range(3):                          # a second hotkey between commands
        out = sh.run(f"echo after-{i}")
        assert out.strip() == f"after-{i}", f"'echo after-{i}' printed {out!r}"
    _sendkey(m, "ctrl-alt-i")
    sh.expect(HOTKEY_LINE, timeout=HOTKEY_TIMEOUT)
    kstats.sync(sh)
    assert re.search(r"up \d+\.\d+ s", sh.run("uptime")), "uptime did not answer after the hotkey"
