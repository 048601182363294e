"""The serial shell's foundations: commands, line editing, robustness.

Every test_* function gets a freshly booted kernel, waits for the prompt
and talks to the shell on COM1. Options a scenario module may set (see
harness/suites.py, class Scenario), and @boot_options for one function:

    BOOT = "elf"  APPEND = ""  QEMU_ARGS = []  SERIAL_PORTS = 1  MONITOR = False
"""

import random
import re

from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""            # boot with an empty kernel command line
QEMU_ARGS = []

PROMPT_TIMEOUT = 30    # seconds from power-on to the first prompt


def _shell(m):
    """A Shell on COM1, once the first prompt has appeared."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _lines(text):
    return [line.rstrip() for line in text.splitlines()]


def test_help_lists_commands(m):
    out = _shell(m).run("help")
    for command in ["help", "echo", "uptime", "dmesg", "cmdline", "ktest",
                    "poweroff", "reboot"]:
        assert re.search(rf"\b{command}\b", out), f"'help' does not list {command}:\n{out}"


def test_help_for_one_command(m):
    out = _shell(m).run("help echo")
    usage = [l for l in _lines(out) if "usage" in l.lower() and "echo" in l]
    assert usage, f"'help echo' printed no usage line for echo:\n{out}"


def test_too_many_arguments_prints_usage(m):
    out = _shell(m).run("help a b c")
    assert re.search(r"usage:", out, re.IGNORECASE), f"'help a b c' printed:\n{out}"


def test_echo_joins_arguments_and_honours_quotes(m):
    out = _shell(m).run('echo hello "a b"')
    assert _lines(out) == ["hello a b"], f"echo printed {out!r}"


def test_uptime(m):
    out = _shell(m).run("uptime")
    assert re.search(r"up \d+\.\d+ s", out), f"uptime printed {out!r}"


def test_dmesg_shows_boot_banner(m):
    out = _shell(m).run("dmesg")
    assert "Interlude" in out, f"dmesg has no 'Interlude' banner:\n{out}"


@boot_options(append="answer=42")
def test_cmdline_shows_kernel_command_line(m):
    out = _shell(m).run("cmdline")
    assert "answer=42" in out, f"booted with 'answer=42', cmdline printed {out!r}"


def test_unknown_command(m):
    out = _shell(m).run("frobnicate")
    assert "interlude: frobnicate: command not found" in _lines(out), \
        f"unknown command printed {out!r}"


def test_overlong_line_is_refused(m):
    sh = _shell(m)
    out = sh.run("x" * 300)
    assert re.search(r"line too long", out), f"a 300-character line printed {out!r}"
    # ...and the shell still works afterwards.
    assert _lines(sh.run("echo ok")) == ["ok"]


def test_survives_random_bytes(m):
    """256 random bytes (every value possible: control characters, escape
    sequences, bytes >= 0x80, Enter, Ctrl-C), then Ctrl-U to clear the
    line: the shell must still run a command."""
    sh = _shell(m)
    rng = random.Random(20251123)            # fixed seed: the same bytes every run
    noise = bytes(rng.randrange(256) for _ in range(256))
    sh.type(noise + b"\x15")
    sh.type("echo alive\r")
    sh.expect(r"\nalive\n", timeout=15)
    sh.wait_prompt()


def test_backspace_edits_the_line(m):
    out = _shell(m).run("echoo\x7f x")
    assert _lines(out) == ["x"], f"'echoo<DEL> x' printed {out!r}"


def test_ctrl_c_abandons_the_line(m):
    sh = _shell(m)
    sh.type("echo no\x03")
    text = sh.wait_prompt()
    assert "^C" in text, f"Ctrl-C was not echoed as ^C: {text!r}"
    assert "no" not in _lines(text), f"the abandoned line ran: {text!r}"
    # The next line starts empty.
    assert _lines(sh.run("echo yes")) == ["yes"]


def test_history_up_arrow_repeats_last_line(m):
    sh = _shell(m)
    assert _lines(sh.run("echo first")) == ["first"]
    out = sh.run("\x1b[A")            # Up arrow, then Enter
    assert "first" in _lines(out), f"Up+Enter printed {out!r}"


def test_tab_completes_command(m):
    out = _shell(m).run("upt\t")
    assert re.search(r"up \d+\.\d+ s", out), f"'upt<Tab>' printed {out!r}"


def test_poweroff_exits_qemu(m):
    sh = _shell(m)
    sh.type("poweroff\r")
    m.wait_exit(timeout=15)           # any status: isa-debug-exit is present


def test_ctrl_c_ends_sleep(m):
    """Regression for "Ctrl-C on the console does not interrupt sleep N":
    `sleep 60000` ends at Ctrl-C with a word saying so, long before its
    minute is up."""
    sh = _shell(m)
    sh.type("sleep 60000\r")
    sh.expect(r"sleep 60000\r?\n", timeout=5)
    sh.type("\x03")
    out = sh.wait_prompt(timeout=5)
    assert "sleep: interrupted (Ctrl-C)" in out, f"'sleep' did not end at Ctrl-C:\n{out}"


def test_ctrl_c_ends_kbd_read(m):
    """Regression for "Ctrl-C does not interrupt kbd read N": a `kbd read
    600` waiting for the PS/2 keyboard ends at a Ctrl-C typed on the
    console, and says which Ctrl-C it was."""
    sh = _shell(m)
    sh.type("kbd read 600\r")
    sh.expect(r"kbd read: type on the keyboard", timeout=5)
    sh.type("\x03")
    out = sh.wait_prompt(timeout=5)
    assert 'kbd read: "" (Ctrl-C on the console)' in out, out


def test_typed_ahead_during_sleep_is_kept(m):
    """What is typed while a command waits (other than Ctrl-C) is not lost:
    it reaches the next prompt, in order."""
    sh = _shell(m)
    sh.type("sleep 1500\r")
    sh.expect(r"sleep 1500\r?\n", timeout=5)
    sh.type("echo typed-ahead\r")
    sh.wait_prompt(timeout=10)           # the sleep's prompt
    out = sh.wait_prompt(timeout=10)     # the typed-ahead command's
    assert "typed-ahead" in out, f"the typed-ahead line was lost:\n{out}"
