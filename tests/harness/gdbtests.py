"""The GDB sessions: scripts/gdbinit and scripts/gdb/interlude.py against a
real boot (jobs gdb/kmain_to_shell and gdb/user_trap in run_tests.py).

Each session boots the ELF paused (-S -gdb), runs `gdb -batch` with a
list of commands, and checks the output section by section: every
section starts with an `echo @@NAME` line, so a check only looks at what
GDB printed at that stop. check_*() are pure (output in, problems out)
and are unit-tested in test_gdbtests.py on canned output that must fail.

  gdb/kmain_to_shell  at kmain: every il-* command answers "not set up"
                      in one line; at shell_main: threads, irqs, softirqs,
                      tasklets, timers, pools, dmesg, context with real
                      content, and the old commands' guards; in the timer's
                      handler (a real interrupt): bt and il-bt cross the
                      trap frame to the interrupted function, il-context
                      says hard IRQ; in a softirq action it says softirq.
  gdb/user_trap       the shell runs a user program; in the system call
                      handler il-bt ends at the user-mode trap frame and
                      plain bt stops there too.
"""

import os
import re
import subprocess
import time

from . import reports
from .qemu import Machine, MachineError, tail
from .results import failed, passed
from .shell import Shell

GDB_TIMEOUT = 30.0       # seconds for a whole GDB session

# What must never appear: a command that broke instead of answering.
BROKEN = re.compile(r"Traceback|Python Exception|Error occurred in Python|"
                    r"internal error|Undefined command")

IL_COMMANDS = ["il-threads", "il-irqs", "il-softirqs", "il-tasklets", "il-timers",
               "il-pools", "il-context", "il-bt", "il-dmesg -n 3"]


def section(name):
    return ["echo @@%s\\n" % name]


def sections(out):
    """{name: text} for the `echo @@NAME` markers in a session's output."""
    parts = re.split(r"^@@(\S+)\n", out, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def boot_commands():
    """The gdb/kmain_to_shell session."""
    cmds = ["break kmain", "continue"] + section("kmain") + ["bt"] + IL_COMMANDS
    cmds += ["break shell_main", "continue"] + section("shell") + ["dmesg"] + IL_COMMANDS
    cmds += section("guards") + ["irqdesc 4", "irqdesc 2", "irqdesc 24", "wqpool 2",
                                 "wqpool 0", "trapframe 0", "preempt", "procs",
                                 "il-softirqs 5", "il-irqs x", "il-dmesg -n"]
    # The timer's handler for a tick that woke the idle CPU (the byte
    # before the interrupted EIP is hlt, 0xf4; vector 48 is IRQ 0 on the
    # IOAPIC): a tick landing anywhere else may stop in code GDB's own
    # unwinder cannot climb out of (seen: console_write), and plain bt
    # would stop at trap_common for a reason that is not the one tested.
    cmds += ["delete",
             "break trap_dispatch if f->vector == 48 && *(unsigned char *)(f->eip - 1) == 0xf4",
             "continue", "delete", "break pit_interrupt", "continue"] + section("timer") + \
        ["bt", "il-bt", "il-context", "up 8", "il-trapframe $ebp+8"]
    # A softirq run by irq_exit, not by ksoftirqd: the stop's callers
    # include the entry stub (GDB finds it through the unwinder).
    cmds += ["delete", 'break sched_softirq_action if $_any_caller_matches("^trap_common$", 30)',
             "continue"] + section("softirq") + \
        ["bt", "il-bt", "il-context"]
    return cmds


def user_commands():
    """The gdb/user_trap session (the harness types `run hello`)."""
    return ["break syscall_trap", "continue"] + section("syscall") + \
        ["bt", "il-bt", "il-context", "il-procs"]


def need(problems, text, pattern, what):
    if not re.search(pattern, text, re.MULTILINE):
        problems.append(f"{what}: no output like /{pattern}/")


def crosses(text, what, irq_name):
    """Problems unless bt and il-bt go past trap_common to the function the
    trap interrupted."""
    problems = []
    # GDB names a caller frame by pc - 1 (the call instruction). A trap
    # that interrupted a function at its very first instruction (seen:
    # shell_main's, after shell_thread's call) is named "??" by that
    # rule, but still has its source line: accepted (il-bt names it).
    m = re.search(r"^#\d+\s+0x[0-9a-f]+ in trap_common .*\n#\d+\s+(?:0x[0-9a-f]+ in )?"
                  r"(\S+) \(.*\)( at \S+:\d+)?", text, re.MULTILINE)
    if not m or (m.group(1) == "??" and not m.group(2)):
        problems.append(f"{what}: plain bt does not continue past trap_common to a "
                        "named function (or a source line)")
    marker = re.search(r"^--- interrupt \d+ \(%s\) from eip 0x([0-9a-f]+) in (.+?) ---\n"
                       r"#\d+\s+0x([0-9a-f]+) in (\S+)" % irq_name, text, re.MULTILINE)
    if not marker:
        problems.append(f"{what}: il-bt has no '--- interrupt N ({irq_name}) from eip "
                        "... ---' line followed by the interrupted frame")
    elif marker.group(1) != marker.group(3):
        problems.append(f"{what}: il-bt's marker says eip 0x{marker.group(1)}, the next "
                        f"frame is at 0x{marker.group(3)}")
    return problems


def check_boot(out):
    """Problems in a gdb/kmain_to_shell session's output (pure)."""
    problems = [f"a command broke: {line!r}" for line in out.splitlines()
                if BROKEN.search(line)]
    s = sections(out)
    for name in ("kmain", "shell", "guards", "timer", "softirq"):
        if name not in s:
            problems.append(f"GDB never reached the '{name}' stop")
    k = s.get("kmain", "")
    need(problems, k, r"^#0\s+(?:0x[0-9a-f]+ in )?kmain\b", "bt at kmain")
    need(problems, k, r"^il-threads: no threads yet", "il-threads at kmain")
    need(problems, k, r"^il-irqs: no line has a chip", "il-irqs at kmain")
    need(problems, k, r"^il-tasklets: tasklets are not set up yet", "il-tasklets at kmain")
    need(problems, k, r"^il-pools: the work pools are not set up yet", "il-pools at kmain")
    need(problems, k, r"current thread: none yet", "il-context at kmain")
    need(problems, k, r"ksoftirqd: not started yet", "il-softirqs at kmain")
    sh = s.get("shell", "")
    need(problems, sh, r"Interlude", "dmesg at shell_main (the banner)")
    need(problems, sh, r"^\s+\d+ shell\s+running\s+NORMAL", "il-threads: the shell thread")
    need(problems, sh, r"^\s+\d+ ksoftirqd/0\s+sleeping .*ksoftirqd_thread",
         "il-threads: ksoftirqd, asleep in ksoftirqd_thread")
    need(problems, sh, r"^irq 0: chip \S+ .*\n  flow: handle_edge_irq\n"
         r"  handler timer: pit_interrupt .*flags 0x10001 \(TRIGGER_RISING\|NO_THREAD\)",
         "il-irqs: the timer line and its handler")
    need(problems, sh, r"^  handler ttyS0: uart_interrupt .*\(SHARED\)", "il-irqs: ttyS0")
    need(problems, sh, r"\n".join(r"^\s+%d %-8s .* (?:\w+)\s+\d+\s+\d+$" % (i, n) for i, n in
                                  enumerate(["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK",
                                             "TASKLET", "SCHED", "HRTIMER"])),
         "il-softirqs: the 8 slots with their actions and counts")
    need(problems, sh, r"ksoftirqd: ksoftirqd/0 \(tid \d+, sleeping\)", "il-softirqs: ksoftirqd")
    need(problems, sh, r"^CPU 0 HI \(HI_SOFTIRQ\) list: ", "il-tasklets: the HI list")
    need(problems, sh, r"^all tasklets: \d+ known, 0 disabled\n(?:.*\n)*"
         r"  ttyS0-rx\s+state 0x0 \(none\) count 0 func uart_rx_deliver",
         "il-tasklets: ttyS0's tasklet")
    need(problems, sh, r"^timers: jiffies \d+, HZ \d+, \d+ pending", "il-timers")
    need(problems, sh, r"^pool 0 \(NORMAL\): 2 workers.*\n  kworker/0:0 +flags 0x1 \(IDLE\)",
         "il-pools: the normal pool and its workers")
    need(problems, sh, r"^pool 0H BH \(tasklet wq_bh/0H, HI_SOFTIRQ\)", "il-pools: a BH pool")
    need(problems, sh, r"^CPU 0: task\n", "il-context at shell_main")
    need(problems, sh, r"current thread: shell \(tid \d+, running\)", "il-context: current")
    need(problems, sh, r"^  not inside a trap", "il-context: no trap at shell_main")
    need(problems, sh, r"^#0\s+0x[0-9a-f]+ in shell_main", "il-bt at shell_main")
    g = s.get("guards", "")
    for pattern, what in [(r"irq 4: chip \S+ .*\n  flow: handle_edge_irq", "irqdesc 4"),
                          (r"irq 2: chip \(none: not connected\)", "irqdesc 2 (no chip)"),
                          (r"irqdesc: no line 24", "irqdesc 24 (out of range)"),
                          (r"wqpool: pool 2\?", "wqpool 2 (no such pool)"),
                          (r"^pool 0 \(NORMAL\): ", "wqpool 0"),
                          (r"trapframe: \(nil\) is no trap frame", "trapframe 0 (NULL)"),
                          (r"^preempt_count 0x0: hardirq 0, softirq 0, preempt 0", "preempt"),
                          (r"^procs: no processes", "procs"),
                          (r"^il-softirqs: no CPU 5", "il-softirqs 5 (no such CPU)"),
                          (r"^il-irqs: 'x' is no line number", "il-irqs x"),
                          (r"^il-dmesg: usage: il-dmesg \[-n LINES\]", "il-dmesg -n")]:
        need(problems, g, pattern, what)
    t = s.get("timer", "")
    problems += crosses(t, "in the timer's handler", r"irq 0: timer")
    need(problems, t, r"^CPU 0: hard IRQ \(nesting 1\)", "il-context in the timer's handler")
    need(problems, t, r"^  IRQs off", "il-context: IRQs off in the handler")
    need(problems, t, r"^  inside interrupt \d+ \(irq 0: timer\) \(frame #\d+",
         "il-context: the trap's vector")
    need(problems, t, r"^interrupt \d+ \(irq 0: timer\), from \S+", "il-trapframe $ebp+8")
    sq = s.get("softirq", "")
    problems += crosses(sq, "in a softirq action", r"irq 0: timer")
    need(problems, sq, r"^CPU 0: softirq\n", "il-context in a softirq action")
    need(problems, sq, r"in_serving_softirq 1", "il-context: serving a softirq")
    return problems


def check_user(out):
    """Problems in a gdb/user_trap session's output (pure)."""
    problems = [f"a command broke: {line!r}" for line in out.splitlines()
                if BROKEN.search(line)]
    sc = sections(out).get("syscall")
    if sc is None:
        return problems + ["GDB never stopped in syscall_trap"]
    need(problems, sc, r"^--- interrupt 128 \(system call\) from eip 0x[0-9a-f]+ in user mode"
         r" ---\n--- user mode: esp 0x[0-9a-f]+; the kernel stack ends here ---",
         "il-bt: the walk ends at the user-mode trap frame")
    m = re.search(r"^#(\d+)\s+0x[0-9a-f]+ in trap_common .*\n#(\d+)\s+0x([0-9a-f]+) in \?\? "
                  r"\(\)\n(?!#)", sc, re.MULTILINE)
    if not m:
        problems.append("plain bt: no single user-mode frame after trap_common")
    need(problems, sc, r"inside interrupt 128 \(system call\) .*from eip 0x[0-9a-f]+ in user mode",
         "il-context in the system call")
    need(problems, sc, r"^pid \d+ tid \d+ hello: running, in syscall -?\d+", "il-procs")
    return problems


def gdb_session(name, elf, repo_root, commands, check, during=None,
                timeout=GDB_TIMEOUT, log_dir=None):
    """Boot paused, run GDB with commands; during(machine) runs while GDB
    does (to type at the shell). Returns a list of one result."""
    gdbinit = os.path.join(repo_root, "scripts", "gdbinit")
    for path in (elf, gdbinit):
        if not os.path.isfile(path):
            return [failed(name, f"{path} not found")]
    from .suites import free_tcp_port
    port = free_tcp_port()
    machine = Machine.boot_elf(elf, extra_args=["-S", "-gdb", f"tcp:127.0.0.1:{port}"],
                               name=name, log_dir=log_dir)
    cmd = ["gdb", "-batch", "-nx", "-x", gdbinit, "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        cmd += ["-ex", c]
    cmd.append(os.path.abspath(elf))
    started = time.monotonic()
    try:
        with machine:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    cwd=repo_root)
            try:
                if during:
                    during(machine)
                out = proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - started)))[0]
            except subprocess.TimeoutExpired:
                proc.kill()
                out = proc.communicate()[0]
                return [failed(name, f"GDB still running after {timeout:g} s\n"
                               f"{tail(out.decode('latin-1'))}")]
            except MachineError as e:
                proc.kill()
                out = proc.communicate()[0]
                return [failed(name, f"{e}\n  GDB output:\n{tail(out.decode('latin-1'))}")]
            serial = machine.output
    except MachineError as e:
        return [failed(name, str(e))]
    out = out.decode("latin-1")
    if log_dir:
        with open(os.path.join(log_dir, name.replace("/", "_") + ".gdb.log"), "w") as f:
            f.write(out)
    problems = reports.check(serial) + check(out)
    if problems:
        return [failed(name, "\n".join(problems) + f"\n  GDB output:\n{tail(out, 60)}")]
    return [passed(name)]


def gdb_boot(name, elf, repo_root, log_dir=None):
    return gdb_session(name, elf, repo_root, boot_commands(), check_boot, log_dir=log_dir)


def type_run_hello(machine):
    """At the prompt, run the user program hello (its first system call
    stops GDB in syscall_trap)."""
    sh = Shell(machine)
    sh.wait_prompt(timeout=20)
    sh.type("run hello\r")


def gdb_user_trap(name, elf, repo_root, log_dir=None):
    return gdb_session(name, elf, repo_root, user_commands(), check_user,
                       during=type_run_hello, log_dir=log_dir)
