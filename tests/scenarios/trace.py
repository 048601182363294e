"""The tracer from the shell: `trace on`, one keystroke's story, `trace show`.

A typed line reaches the shell through IRQ 4 (COM1's top half), the
UART's RX tasklet (TASKLET_SOFTIRQ) and a wakeup of the shell thread.
With tracing on, `trace show` prints those events in ftrace's trace_pipe
format (TASK-PID [CPU] FLAGS SECONDS.USEC: event: args), in this order
on CPU 0: irq_handler_entry irq=4 name=ttyS0 -> tasklet_schedule
name=ttyS0-rx -> irq_handler_exit -> softirq_entry vec=5 -> tasklet_entry
-> sched_wakeup comm=shell -> tasklet_exit -> softirq_exit (docs/tracing.md).
Bad input gets a clear message; `trace stats` counts per CPU.
"""

import os
import re
import struct

from harness import kstats
from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""
PROMPT_TIMEOUT = 30

LINE = re.compile(r"^\s*(?P<task>\S+)-(?P<pid>\d+)\s+\[(?P<cpu>\d{3})\] (?P<flags>[d.][N.][hs.][0-9a-f])"
                  r"\s+(?P<secs>\d+\.\d{6}): (?P<event>\w+): (?P<args>.*)$", re.MULTILINE)
STORY = [("irq_handler_entry", r"irq=4 name=ttyS0"),
         ("tasklet_schedule", r"name=ttyS0-rx function=uart_rx_deliver"),
         ("irq_handler_exit", r"irq=4 ret=handled"),
         ("softirq_entry", r"vec=5 \[action=TASKLET\]"),
         ("tasklet_entry", r"name=ttyS0-rx"),
         ("sched_wakeup", r"comm=shell "),
         ("tasklet_exit", r"name=ttyS0-rx"),
         ("softirq_exit", r"vec=5 \[action=TASKLET\]")]


def _shell(m):
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    return sh


def test_a_keystroke_traced_from_irq_to_the_shell(m):
    sh = _shell(m)
    out = kstats.command(sh, "trace on")
    assert out.startswith("trace: on: irq_handler_entry"), out
    kstats.command(sh, "echo traced")
    kstats.command(sh, "trace off")
    text = kstats.command(sh, "trace show", timeout=30)
    assert re.search(r"^# tracer: \d+ records held on \d CPU\(s\), 0 lost$", text, re.M), text
    lines = [mo for mo in LINE.finditer(text) if mo["cpu"] == "000"]
    assert lines, f"no trace_pipe lines for CPU 0:\n{text}"
    stamps = [float(mo["secs"]) for mo in LINE.finditer(text)]
    assert stamps == sorted(stamps), "trace show is not in time order"
    k = _chain_in_order(lines, STORY)
    assert k == len(STORY), (f"the keystroke's story stops after {STORY[k - 1][0] if k else 'nothing'}"
                             f" (expected {STORY[k][0]} next):\n{text[-3000:]}")
    ctx = {mo["event"]: mo["flags"][2] for mo in lines}
    assert ctx["irq_handler_entry"] == "h" and ctx["tasklet_entry"] == "s", ctx


def test_refusals_and_stats(m):
    sh = _shell(m)
    out = sh.run("trace on nonsense")
    assert "trace: no event or group 'nonsense'" in out, out
    out = sh.run("trace show 0")
    assert "trace: show N: N is a count of records, 1 or more" in out, out
    out = sh.run("trace mode sideways")
    assert "trace: mode is overwrite or stop" in out, out
    out = sh.run("trace frobnicate")
    assert out.startswith("usage: trace "), out
    out = kstats.command(sh, "trace on sched,softirq_raise")
    assert out.strip() == "trace: on: softirq_raise sched_wakeup sched_switch", out
    kstats.command(sh, "sleep 20")
    kstats.command(sh, "trace off")
    stats = kstats.command(sh, "trace stats")
    rows = re.findall(r"^CPU(\d): (\d+) written, (\d+) held \(ring of 2048\), (\d+) lost$", stats, re.M)
    assert [r[0] for r in rows] == ["0", "1"], stats
    assert int(rows[0][1]) > 0 and rows[0][3] == "0", stats
    assert "tracing off, mode overwrite; events: (none)" in stats, stats
    kstats.command(sh, "trace clear")
    stats = kstats.command(sh, "trace stats")
    assert "CPU0: 0 written, 0 held" in stats, stats


DUMP = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "build", "test-logs", "scenario-trace-dump.bin")
os.makedirs(os.path.dirname(DUMP), exist_ok=True)


def _parse_dump(data):
    """The dump, read by the format in docs/tracing.md ("The dump")."""
    assert data[:8] == b"ILTRACE1", f"no ILTRACE1 magic: {data[:16]!r}"
    version, size, nrec, ncpus = struct.unpack_from("<4I", data, 8)
    lost = struct.unpack_from("<8I", data, 24)
    assert (version, size) == (1, 32), (version, size)
    pos = 56
    records = [struct.unpack_from("<QHBcBBHi3I", data, pos + 32 * i) for i in range(nrec)]
    pos += 32 * nrec
    assert data[pos:pos + 8] == b"ILNAMES1", f"no ILNAMES1 after {nrec} records"
    pos += 8
    names = {}
    while data[pos] != 0:
        kind, key, length = struct.unpack_from("<BIB", data, pos)
        names[(kind, key)] = data[pos + 6:pos + 6 + length].decode()
        pos += 6 + length
    assert data[pos + 1:pos + 9] == b"ILTREND1", "no ILTREND1 trailer"
    return ncpus, lost, records, names


@boot_options(qemu_args=["-chardev", f"file,id=tracedump,path={DUMP}",
                         "-device", "isa-debugcon,iobase=0xe9,chardev=tracedump"])
def test_dump_goes_to_the_debug_console_in_its_format(m):
    """trace dump writes the binary dump to port 0xe9 (QEMU's debugcon,
    here a file): as many records as the kernel says, in time order, each
    event id known, every name it refers to in the names section; the
    shell's serial line carries only the one-line confirmation."""
    sh = _shell(m)
    kstats.command(sh, "trace on")
    kstats.command(sh, "echo dumped")
    kstats.command(sh, "trace off")
    start = sh.port.cursor
    out = kstats.command(sh, "trace dump", timeout=60)
    mo = re.search(r"^trace: dumped (\d+) records \((\d+) bytes\) to the debug console, port 0xe9$",
                   out, re.M)
    assert mo, out
    assert len(sh.port.output_since(start)) < 300, "the dump went to the shell's port"
    kstats.sync(sh)
    with open(DUMP, "rb") as f:
        data = f.read()
    assert len(data) == int(mo.group(2)), (len(data), mo.group(0))
    ncpus, lost, records, names = _parse_dump(data)
    assert len(records) == int(mo.group(1)) > 0 and ncpus == 2, (len(records), ncpus)
    assert lost == (0,) * 8, lost
    stamps = [r[0] for r in records]
    assert stamps == sorted(stamps), "the dump's records are not in time order"
    assert all(r[1] < 22 for r in records), "an unknown event id"
    for r in records:
        arg = r[8:11]
        if r[1] == 0:           # irq_handler_entry: its handler's name
            assert (1, arg[1]) in names, f"no name for string 0x{arg[1]:x}"
        if r[1] in (5, 6, 7):   # tasklets: name and function
            assert (1, arg[1]) in names and (2, arg[2]) in names, r
    assert names.get((3, 0)) == "idle" and "shell" in names.values(), names


def test_a_user_program_s_system_calls_in_pairs(m):
    """trace on syscall,exception: `run hello` leaves syscall_entry/exit
    pairs (but the last, exit, which never returns), all in one thread - hello's, which has ended by the time of
    `trace show`, so its name shows as ftrace's "<...>"."""
    sh = _shell(m)
    kstats.command(sh, "trace on syscall,exception")
    kstats.command(sh, "run hello", timeout=30)
    kstats.command(sh, "trace off")
    text = kstats.command(sh, "trace show", timeout=30)
    events = [(mo["task"], mo["event"], mo["args"]) for mo in LINE.finditer(text)]
    entries = [e for e in events if e[1] == "syscall_entry"]
    exits = [e for e in events if e[1] == "syscall_exit"]
    # every call returns but the last: exit (NR 0) does not come back
    assert entries and entries[-1][2].startswith("NR 0 ") and len(entries) == len(exits) + 1, \
        f"system calls not in pairs, or no exit last:\n{text}"
    tasks = {(mo["task"], mo["pid"]) for mo in LINE.finditer(text) if mo["event"] == "syscall_entry"}
    assert len(tasks) == 1 and next(iter(tasks))[0] in ("hello", "<...>"), tasks
    assert all(re.match(r"NR \d+ = -?\d+$", args) for _, _, args in exits), exits


def _chain_in_order(lines, chain):
    """How many of chain's (event, args regex) come, in order, in lines."""
    k = 0
    for mo in lines:
        if k < len(chain) and mo["event"] == chain[k][0] and re.search(chain[k][1], mo["args"]):
            k += 1
    return k


def test_defer_tasklet_and_workqueue_chains(m):
    """The issue's chains, from `defer`: its top half is a handler on a
    software-fired line (irq 22, "defer"). `defer tasklet`:
    irq_handler_entry -> tasklet_schedule -> irq_handler_exit ->
    softirq_entry vec=TASKLET -> tasklet_entry -> tasklet_exit ->
    softirq_exit, on one CPU; `defer workqueue`: workqueue_queue_work ->
    sched_wakeup of a kworker -> sched_switch to it ->
    workqueue_execute_start."""
    sh = _shell(m)
    tasklet = [("irq_handler_entry", r"name=defer"), ("tasklet_schedule", r"name=defer "),
               ("irq_handler_exit", r"ret=handled"), ("softirq_entry", r"vec=5 "),
               ("tasklet_entry", r"name=defer "), ("tasklet_exit", r"name=defer "),
               ("softirq_exit", r"vec=5 ")]
    work = [("irq_handler_entry", r"name=defer"), ("workqueue_queue_work", r"function=work_job"),
            ("sched_wakeup", r"comm=kworker/0:"), ("sched_switch", r"next_comm=kworker/0:"),
            ("workqueue_execute_start", r"function work_job")]
    for mech, chain in (("tasklet", tasklet), ("workqueue", work)):
        kstats.command(sh, "trace clear")
        kstats.command(sh, "trace on irq,tasklet,softirq,sched,workqueue")
        kstats.command(sh, f"defer {mech}", timeout=30)
        kstats.command(sh, "trace off")
        text = kstats.command(sh, "trace show", timeout=30)
        cpu0 = [mo for mo in LINE.finditer(text) if mo["cpu"] == "000"]
        k = _chain_in_order(cpu0, chain)
        assert k == len(chain), (f"defer {mech}: the chain stops after "
                                 f"{chain[k - 1][0] if k else 'nothing'} (expected {chain[k][0]}):\n"
                                 f"{text[-4000:]}")
