"""User programs (ring 3) from the shell: run, faults, bad pointers, the
fuzzer, irqstat on the RTC, ps and the process table.

The programs are built from user/*.c and passed as Multiboot modules
(-initrd for -kernel boots). What each test proves is in its docstring;
every wait is for the shell's prompt or a line, bounded.
"""

import re

from harness import kstats
from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""
PROMPT_TIMEOUT = 30
RUN_TIMEOUT = 30

_ENDED = re.compile(r"^\[(?P<name>\S+) \(pid (?P<pid>\d+)\): (?P<why>[^,]+), exit code (?P<code>-?\d+)\]$",
                    re.MULTILINE)


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def _run(sh, line, timeout=RUN_TIMEOUT):
    """Run a program in the foreground; return (output, why, exit code)."""
    out = kstats.command(sh, "run " + line, timeout=timeout)
    end = _ENDED.search(out)
    assert end, f"'run {line}' printed no '[NAME (pid N): WHY, exit code N]' line:\n{out}"
    return out, end["why"], int(end["code"])


def _names(sh, irq):
    """The handler names on a line (empty if `irqs` has no row for it)."""
    row = kstats.irqs(sh).rows.get(irq)
    return row.names if row else []


def _alive(sh):
    out = kstats.command(sh, "uptime")
    assert re.search(r"^up \d+\.\d+ s", out, re.MULTILINE), f"uptime did not answer:\n{out}"


def test_hello_args_and_exit_code(m):
    """A program prints its pid and argv through write(), and its return
    value from main becomes the exit code the shell reports."""
    sh = _shell(m)
    progs = kstats.command(sh, "programs")
    for name in ("hello", "userserial", "irqstat", "fuzz", "badport"):
        assert re.search(rf"^{name}\s+\d+ bytes", progs, re.MULTILINE), \
            f"'programs' does not list {name}:\n{progs}"
    out, why, code = _run(sh, "hello one two")
    assert re.search(r"^hello from ring 3: pid \d+, 3 args: hello one two$", out, re.MULTILINE), out
    assert (why, code) == ("exit", 7), out


def test_malformed_elf_refused(m):
    """A module that is a truncated ELF is refused by the loader with a
    message naming the broken rule; nothing runs, the shell goes on."""
    sh = _shell(m)
    out = kstats.command(sh, "run badelf")
    assert "elf: badelf: segment bytes outside the file; refused" in out, out
    assert "run: cannot start badelf: ENOEXEC" in out, out
    _alive(sh)


def test_faulting_programs_killed_with_one_line(m):
    """An un-granted port (#GP on out), a read of kernel memory (#PF,
    supervisor page) and a privileged instruction (cli, #GP) each kill
    only the program, with one line naming it, the fault and the address."""
    sh = _shell(m)
    cases = [
        ("badport", r"badport\[\d+\]: killed: #13 general protection fault: I/O port 0x3f8 not granted, at eip 0xe[0-9a-f]{7}"),
        ("readkern", r"readkern\[\d+\]: killed: #14 page fault: read at 0x00100000 \(kernel memory, protection violation\), at eip 0xe[0-9a-f]{7}"),
        ("privileged", r"privileged\[\d+\]: killed: #13 general protection fault: privileged instruction or bad selector, at eip 0xe[0-9a-f]{7}"),
    ]
    for prog, report in cases:
        out, why, code = _run(sh, prog)
        assert re.search(report, out), f"no one-line fault report for {prog}:\n{out}"
        assert code == -14 and "fault" in why, out
        assert "BUG" not in out, out
        assert "Oops" not in out and "TRAP:" not in out, f"kernel-style report for a user fault:\n{out}"
    out = kstats.command(sh, "run badport")
    assert "badport: ioperm(0x3f8, 8) -> EPERM" in out, out
    _alive(sh)


def test_bad_pointers_refused_with_efault(m):
    """NULL, kernel addresses, a buffer spanning the user/kernel boundary,
    one wrapping around 4 GiB, an unmapped page and a read-only page are
    all -EFAULT; an unknown call number is -ENOSYS; the process goes on."""
    sh = _shell(m)
    out, why, code = _run(sh, "badptr")
    assert "badptr: write(spanning the user/kernel boundary 0xeffffff8) -> EFAULT" in out, out
    assert "badptr: all refused" in out and (why, code) == ("exit", 0), out


def test_fuzzer_finishes_kernel_alive(m):
    """3000 random system calls with hostile arguments: the fuzzer ends by
    itself, refusals are logged at most a few times, the kernel answers."""
    sh = _shell(m)
    out, why, code = _run(sh, "fuzz 3000 4242", timeout=120)
    assert re.search(r"^fuzz: done: 3000 calls, \d+ refused with an error$", out, re.MULTILINE), out
    assert (why, code) == ("exit", 0), out
    assert "Oops" not in out and "TRAP:" not in out, out
    _alive(sh)
    procs = kstats.command(sh, "ps")
    assert "fuzz" not in procs, f"the fuzzer is still in the process table:\n{procs}"


def test_spinning_program_killed_by_ctrl_c(m):
    """A program that never makes a system call ends on Ctrl-C: the kill
    is noticed on the way back to ring 3 from the timer interrupt."""
    sh = _shell(m)
    sh.type("run spin\r")
    sh.expect(r"spin: spinning in user mode", timeout=RUN_TIMEOUT)
    sh.type("\x03")
    sh.expect(r"\[spin \(pid \d+\): killed by Ctrl-C, exit code -4\]", timeout=RUN_TIMEOUT)
    sh.wait_prompt()
    _alive(sh)


def test_irqstat_counts_and_missed_events(m):
    """irqstat on the RTC (IRQ 8): masked until each ack, every wait sees
    one more event; with -slow (count-only mode) the count runs on while
    it sleeps and the jumps are reported as missed. `irqs` names the
    user owner while it runs; afterwards the line has no handler."""
    sh = _shell(m)
    out, why, code = _run(sh, "irqstat -n 5")
    assert "irqstat: 5 events seen, 0 missed while masked until each ack" in out, out
    out, why, code = _run(sh, "irqstat -n 5 -slow 30")
    got = re.search(r"irqstat: (\d+) events seen, (\d+) missed while sleeping", out)
    assert got and int(got[2]) > 0, f"no missed events counted with -slow:\n{out}"
    sh.type("run irqstat -q -n 1000000 &\r")
    sh.expect(r"\[irqstat: pid \d+, tid (\d+), in the background")
    tid = int(sh.port.text[sh.port.cursor - 200:].split("tid ")[-1].split(",")[0])
    sh.wait_prompt()
    row = kstats.irqs(sh).row(8)
    assert row.names == ["uio:irqstat"], f"irqs does not show the user owner: {row.line}"
    procs = kstats.command(sh, "ps")
    assert re.search(r"^\s+\d+\s+\d+ irqstat\s+running\s+\d+ \S+\s+8$", procs, re.MULTILINE), procs
    kstats.command(sh, f"kill {tid}")
    kstats.poll(lambda: 8 not in kstats.irqs(sh).rows, timeout=10,
                describe="IRQ 8 to lose its uio handler after the kill")
    detail = kstats.irq_detail(sh, 8)
    assert detail.depth == 0 and not detail.actions, f"irq 8 after detach: {detail.text}"


@boot_options(monitor=True)
def test_userkbd_second_device(m):
    """The keyboard driven from ring 3: userkbd attaches IRQ 1 (i8042 and
    the hotkey step aside), prints the keys pressed through the QEMU
    monitor, ends on Esc, and the kernel's handlers come back in order."""
    sh = _shell(m)
    before = kstats.irqs(sh).row(1).names
    out = kstats.command(sh, "run userkbd &")
    assert "in the background" in out, out
    kstats.poll(lambda: _names(sh, 1) == ["uio:userkbd"], timeout=10,
                describe="IRQ 1 to show uio:userkbd")
    for key in ("a", "b", "1", "esc"):
        assert m.monitor(f"sendkey {key}").strip() == ""
    sh.expect(r"userkbd: key 0x1e 'a'", timeout=RUN_TIMEOUT)
    sh.expect(r"userkbd: key 0x30 'b'", timeout=RUN_TIMEOUT)
    sh.expect(r"userkbd: key 0x02 '1'", timeout=RUN_TIMEOUT)
    sh.expect(r"userkbd: (\d+) events, (\d+) bytes, 4 key presses", timeout=RUN_TIMEOUT)
    kstats.poll(lambda: _names(sh, 1) == before, timeout=10,
                describe=f"IRQ 1 back to {before}")


_BACKGROUND = re.compile(r"^\[(?P<name>\S+): pid (?P<pid>\d+), tid (?P<tid>\d+), in the background;",
                         re.MULTILINE)


def _free_pages(sh):
    return kstats.mem(sh)["free"]


# What the mm suite's cases provoke and declare (ktest judges them there).
_MM_SUITE_REPORTS = [(r"WARNING: at kernel/mm/page\.c:", 3),
                     (r"WARNING: at kernel/mm/kmalloc\.c:", 4),
                     (r"BUG: stack overflow: guard page hit", 2)]


@boot_options(expect_reports=_MM_SUITE_REPORTS)
def test_ktest_mm_leaves_user_processes_alone(m):
    """Regression for "ktest mm in the shell corrupts every running user
    process": its scratch mapping sat at the user-space base, in a page
    table every address space shares, and replaced the processes' own.
    With `spin` running in the background, `ktest mm` passes, spin keeps
    running (no page fault), and killing it gives every page back."""
    sh = _shell(m)
    free = _free_pages(sh)
    out = kstats.command(sh, "run spin &")
    bg = _BACKGROUND.search(out)
    assert bg, f"'run spin &' did not start it in the background:\n{out}"
    res = kstats.command(sh, "ktest mm", timeout=120)
    assert re.search(r"^# ktest: \d+ passed, 0 failed", res, re.MULTILINE), res
    assert "[spin (pid" not in res, \
        f"the user process was hurt by 'ktest mm':\n{res}"
    ps = kstats.command(sh, "ps")
    assert re.search(rf"^\s*{bg['pid']}\s+{bg['tid']}\s+spin\b", ps, re.MULTILINE), \
        f"spin is gone after 'ktest mm':\n{ps}"
    kstats.command(sh, f"kill {bg['tid']}", timeout=RUN_TIMEOUT)
    kstats.poll(lambda: None if re.search(r"\bspin\b", kstats.command(sh, "ps")) else True,
                timeout=10, describe="spin to end after kill")
    kstats.poll(lambda: True if _free_pages(sh) == free else None, timeout=10,
                describe=f"free pages back at {free}")


def test_user_keyboard_driver_cannot_reset_the_machine(m):
    """Regression for "a ring-3 driver granted the keyboard's line can reset
    the machine or switch A20 off": port 0x64 is the i8042's command port,
    which also pulses the CPU reset line (0xfe) and drives A20 (0xd1, 0xdd).
    kbdreset holds IRQ 1; ioperm(0x64) is refused, port_out refuses the
    three commands and passes a harmless one, a raw outb faults and kills
    the program - and the machine is still up (QEMU did not reset)."""
    sh = _shell(m)
    out, why, code = _run(sh, "kbdreset")
    assert "kbdreset: ioperm(0x64): EPERM" in out, out
    for cmd in ("0xfe", "0xd1", "0xdd"):
        assert re.search(rf"kbdreset: port_out\(0x64, {cmd}\) \([^)]*\): EPERM", out), out
        assert re.search(rf"uio: kbdreset: {cmd} to port 0x64 \(i8042 status/command\) refused: ", out), out
    assert not re.search(r"kbdreset: port_out\(0x64, 0x20\) \(read config\): EPERM", out), out
    assert re.search(r"kbdreset\[\d+\]: killed: #13 general protection fault: I/O port 0x64 not granted", out), out
    assert "still alive after a raw reset" not in out, out
    assert code == -14 and "fault" in why, out
    _alive(sh)
    assert "Type 'help'" not in sh.run("echo no-reboot"), "the machine rebooted"


def test_absent_device_is_enodev(m):
    """A user driver asking for a device the machine does not have gets a
    clear -ENODEV, not a silent success: this boot has COM1 only, so
    userserial's ioperm for COM2's ports is refused and it says why, and
    IRQ 3 is free again afterwards."""
    sh = _shell(m)
    out, why, code = _run(sh, "userserial")
    assert "userserial: ioperm(0x2f8, 8): ENODEV (no COM2 on this machine)" in out, out
    assert re.search(r"ioperm: userserial \(pid \d+\): COM2 \(ttyS1\) is not present on this machine; refused", out), out
    assert "COM2 is mine" not in out, out
    assert (why, code) == ("exit", 1), out
    detail = kstats.irq_detail(sh, 3)
    assert detail.depth == 0 and not detail.actions, f"irq 3 after the refusal: {detail.text}"
