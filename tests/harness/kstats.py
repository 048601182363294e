"""Read the kernel's interrupt, serial and keyboard statistics from the shell.

The shell commands (see the scenarios irq_sharing, keyboard, serial_stream):

    irqs                /proc/interrupts-like table: IRQ: count per CPU, chip hwirq-trigger names
    irq N               one line's descriptor, then one line per action
    serial              one row per port: name, base, irq, rx, tx, overruns, stalls, errors
    serial sum ttySN    "ttyS2: 1048576 bytes, crc32 0x1a2b3c4d"
    kbd                 i8042 counters and the most recent key names

Every parser raises AssertionError with the whole command output when the
output does not have the documented shape, so a failing test says what the
kernel printed. poll() waits for a condition by asking again (bounded);
sync() re-aligns the test with the shell after output it did not ask for.
"""

import itertools
import re
import statistics
import time
from dataclasses import dataclass, field

def command(sh, line, timeout=10.0):
    """Run a shell command; fail at once, clearly, if the kernel does not
    know it or refuses its arguments (instead of a confusing parse error)."""
    out = sh.run(line, timeout=timeout)
    name = line.split()[0]
    if re.search(rf"^interlude: {re.escape(name)}: command not found", out, re.MULTILINE):
        raise AssertionError(f"the kernel has no '{name}' command (ran {line!r}):\n{out}")
    if re.search(r"^usage:", out, re.MULTILINE):
        raise AssertionError(f"the kernel refused {line!r} with a usage message:\n{out}")
    return out


# --- irqs ----------------------------------------------------------------------

_IRQS_HEADER = re.compile(r"^\s+CPU0(?:\s+CPU\d+)*\s*$", re.MULTILINE)
_IRQS_ROW = re.compile(
    r"^\s*(?P<irq>\d+):(?P<counts>(?:\s+\d+)+)\s+(?P<chip>[A-Za-z]\S*)\s+(?P<hwirq>\d+)-(?P<trigger>\w+)"
    r"(?:[ \t]+(?P<names>\S.*?))?[ \t]*$", re.MULTILINE)
_IRQS_SPU = re.compile(r"^\s*SPU:\s+(\d+)\s+Spurious interrupts\s*$", re.MULTILINE)
_IRQS_UNH = re.compile(r"^\s*UNH:\s+(\d+)\s+Unhandled interrupts\s*$", re.MULTILINE)


@dataclass
class IrqRow:
    irq: int
    count: int             # on all CPUs
    per_cpu: list          # count per CPU, CPU0 first
    chip: str
    hwirq: int
    trigger: str
    names: list            # handler names, in the order printed
    line: str
    threads: dict = field(default_factory=dict)   # name -> "irq/N-name"


@dataclass
class IrqTable:
    rows: dict             # irq number -> IrqRow
    spurious: int
    unhandled: int
    text: str

    def row(self, irq):
        assert irq in self.rows, (f"'irqs' has no row for IRQ {irq} (rows for "
                                  f"{sorted(self.rows)}); it printed:\n{self.text}")
        return self.rows[irq]


def parse_irqs(text):
    assert _IRQS_HEADER.search(text), f"'irqs' printed no '           CPU0' header line:\n{text}"
    rows = {}
    for m in _IRQS_ROW.finditer(text):
        names = [n.strip() for n in (m.group("names") or "").split(",") if n.strip()]
        # a threaded handler is printed "name [irq/N-name]"
        threads = {}
        for i, n in enumerate(names):
            t = re.fullmatch(r"(\S+) \[(\S+)\]", n)
            if t:
                names[i] = t.group(1)
                threads[t.group(1)] = t.group(2)
        per_cpu = [int(c) for c in m.group("counts").split()]
        row = IrqRow(int(m.group("irq")), sum(per_cpu), per_cpu, m.group("chip"),
                     int(m.group("hwirq")), m.group("trigger"), names, m.group(0).strip(),
                     threads)
        assert row.irq not in rows, f"'irqs' has two rows for IRQ {row.irq}:\n{text}"
        rows[row.irq] = row
    spu, unh = _IRQS_SPU.search(text), _IRQS_UNH.search(text)
    assert spu and unh, ("'irqs' lacks the 'SPU:  N   Spurious interrupts' and/or "
                         f"'UNH:  N   Unhandled interrupts' lines:\n{text}")
    return IrqTable(rows, int(spu.group(1)), int(unh.group(1)), text)


def irqs(sh):
    """Run `irqs` and parse it."""
    return parse_irqs(command(sh, "irqs"))


# --- irq N ---------------------------------------------------------------------

_IRQ_DESC = re.compile(
    r"^irq (?P<irq>\d+): chip (?P<chip>\S+), hwirq (?P<hwirq>\d+), (?P<trigger>\w+), "
    r"depth (?P<depth>\d+), count (?P<count>\d+), unhandled (?P<unhandled>\d+)[ \t]*$",
    re.MULTILINE)
_IRQ_FLOW = re.compile(r"^  flow (?P<flow>\w+) \(", re.MULTILINE)
_IRQ_STATE = re.compile(
    r"^  state: (?P<state>[^,\n]+)(?P<rest>.*), deferred (?P<deferred>\d+) "
    r"\(held by oneshot (?P<held>\d+)\), replayed (?P<replayed>\d+)[ \t]*$", re.MULTILINE)
_IRQ_ACTION = re.compile(
    r"^\s+(?P<name>\S+)\s+dev_id (?P<dev_id>0x[0-9a-fA-F]+)\s+flags (?P<flags>0x[0-9a-fA-F]+)"
    r"\s+count (?P<count>\d+)[ \t]*$", re.MULTILINE)


@dataclass
class IrqDetail:
    irq: int
    chip: str
    hwirq: int
    trigger: str
    depth: int
    count: int
    unhandled: int
    flow: str = ""                                # "edge", "level", "fasteoi"
    masked: bool = False
    deferred: int = 0
    replayed: int = 0
    actions: dict = field(default_factory=dict)   # name -> {"dev_id", "flags", "count"}
    order: list = field(default_factory=list)     # action names as printed
    text: str = ""


def parse_irq(text, irq):
    m = _IRQ_DESC.search(text)
    assert m, (f"'irq {irq}' printed no line like 'irq {irq}: chip IO-APIC, hwirq {irq}, "
               f"edge, depth 0, count N, unhandled N':\n{text}")
    assert int(m.group("irq")) == irq, f"asked for 'irq {irq}', it printed:\n{text}"
    d = IrqDetail(irq, m.group("chip"), int(m.group("hwirq")), m.group("trigger"),
                  int(m.group("depth")), int(m.group("count")), int(m.group("unhandled")),
                  text=text)
    f = _IRQ_FLOW.search(text, m.end())
    assert f, f"'irq {irq}' printed no 'flow NAME (...)' line:\n{text}"
    d.flow = f.group("flow")
    st = _IRQ_STATE.search(text, m.end())
    assert st, f"'irq {irq}' printed no 'state: ...' line:\n{text}"
    d.masked = st.group("state") == "masked"
    d.deferred, d.replayed = int(st.group("deferred")), int(st.group("replayed"))
    for a in _IRQ_ACTION.finditer(text, m.end()):
        d.actions[a.group("name")] = dict(dev_id=int(a.group("dev_id"), 16),
                                          flags=int(a.group("flags"), 16),
                                          count=int(a.group("count")))
        d.order.append(a.group("name"))
    return d


def irq_detail(sh, irq):
    """Run `irq N` and parse it."""
    return parse_irq(command(sh, f"irq {irq}"), irq)


# --- serial --------------------------------------------------------------------

_SERIAL_ROW = re.compile(
    r"^\s*(?P<name>ttyS\d+)\s+(?P<base>0x[0-9a-fA-F]+)\s+irq\s+(?P<irq>\d+)\s+rx\s+(?P<rx>\d+)"
    r"\s+tx\s+(?P<tx>\d+)\s+overruns\s+(?P<overruns>\d+)\s+stalls\s+(?P<stalls>\d+)"
    r"\s+errors\s+(?P<errors>\d+)[ \t]*$", re.MULTILINE)
# Optional second line under each row (not part of the contract):
#   "       interrupt-driven, 126 interrupts, 0 edge re-triggers"
_SERIAL_MORE = re.compile(r"\n\s+(?P<mode>[\w-]+), (?P<interrupts>\d+) interrupts, "
                          r"(?P<retriggers>\d+) edge re-triggers")
_SUM = re.compile(r"(?P<name>ttyS\d+):\s+(?P<bytes>\d+) bytes, crc32 0x(?P<crc>[0-9a-f]{8})\b")


def parse_serial(text):
    """`serial` -> {name: {"base", "irq", "rx", "tx", "overruns", "stalls", "errors", "line"}}

    If the kernel prints a second line per port, "interrupts" and
    "retriggers" are added (None otherwise)."""
    ports = {}
    for m in _SERIAL_ROW.finditer(text):
        row = {k: int(v, 0) for k, v in m.groupdict().items() if k != "name"}
        row["line"] = m.group(0).strip()
        more = _SERIAL_MORE.match(text, m.end())
        row["interrupts"] = int(more.group("interrupts")) if more else None
        row["retriggers"] = int(more.group("retriggers")) if more else None
        ports[m.group("name")] = row
    assert ports, ("'serial' printed no row like 'ttyS2  0x3e8  irq 4  rx N  tx N  "
                   f"overruns N  stalls N  errors N':\n{text}")
    return ports


def serial_table(sh):
    return parse_serial(command(sh, "serial"))


def sink(sh, tty):
    """`serial sink ttySN`: count, checksum and drop what ttySN receives."""
    out = command(sh, f"serial sink {tty}")
    assert re.search(rf"^{tty}: sink on\s*$", out, re.MULTILINE), \
        f"'serial sink {tty}' should print '{tty}: sink on', it printed:\n{out}"


def serial_sum(sh, tty):
    """`serial sum ttySN` -> (bytes, crc32 as an int)."""
    out = command(sh, f"serial sum {tty}")
    m = _SUM.search(out)
    assert m and m.group("name") == tty, (
        f"'serial sum {tty}' should print '{tty}: N bytes, crc32 0x%08x', it printed:\n{out}")
    return int(m.group("bytes")), int(m.group("crc"), 16)


def wait_sum(sh, tty, expected_bytes, timeout, interval=0.2):
    """Poll `serial sum` until ttySN has received expected_bytes (bounded).

    Returns (bytes, crc). Fails if the count goes past the expectation,
    or stops short of it when the time is up (saying how far it got).
    """
    history = []

    def check():
        n, crc = serial_sum(sh, tty)
        history.append(n)
        assert n <= expected_bytes, (f"{tty} counted {n} bytes but only {expected_bytes} "
                                     "were sent (bytes from somewhere else, or counted twice)")
        return (n, crc) if n == expected_bytes else None

    def describe():
        # The ports' state (stalls, overruns, IER) and the line's, for a
        # stall that happens once in many runs.
        try:
            state = sh.run("serial") + sh.run(f"irq {_tty_irq(tty)}")
        except Exception as e:          # the shell itself is gone
            state = f"(no shell to ask: {e})"
        return (f"{tty} received {history[-1] if history else '?'} of "
                f"{expected_bytes} bytes within {timeout:g} s (counts seen while "
                f"polling: {_summarise(history)})\n  serial and irq then:\n"
                + "".join(f"    | {line}\n" for line in state.splitlines()))

    return poll(check, timeout, interval, describe)


def _tty_irq(tty):
    """The ISA line of ttyS0..3 (COM1/COM3 on 4, COM2/COM4 on 3)."""
    return 4 if tty in ("ttyS0", "ttyS2") else 3


def _summarise(values, keep=8):
    if len(values) <= keep:
        return ", ".join(map(str, values))
    return ", ".join(map(str, values[:3])) + ", ..., " + ", ".join(map(str, values[-4:]))


# --- mem -----------------------------------------------------------------------

_MEM_PAGES = re.compile(
    r"^pages:\s+(?P<total>\d+) total, (?P<free>\d+) free, (?P<used>\d+) used "
    r"\((?P<reserved>\d+) reserved, (?P<allocated>\d+) allocated\)[ \t]*$", re.MULTILINE)
_MEM_KMALLOC = re.compile(r"^kmalloc: (?P<allocs>\d+) allocations, (?P<bytes>\d+) bytes",
                          re.MULTILINE)
_MEM_STACKS = re.compile(r"^stacks:\s+(?P<stacks>\d+)", re.MULTILINE)


def parse_mem(text):
    """`mem` -> {total, free, used, reserved, allocated, allocs, bytes, stacks}."""
    found = [r.search(text) for r in (_MEM_PAGES, _MEM_KMALLOC, _MEM_STACKS)]
    assert all(found), ("'mem' should print 'pages: N total, N free, N used (N reserved, "
                        f"N allocated)', 'kmalloc: N allocations, N bytes ...' and "
                        f"'stacks: N ...', it printed:\n{text}")
    return {k: int(v) for m in found for k, v in m.groupdict().items()}


def mem(sh):
    return parse_mem(command(sh, "mem"))


# --- kbd -----------------------------------------------------------------------

_KBD_COUNTS = re.compile(r"i8042:\s+(?P<interrupts>\d+) interrupts,\s+(?P<scancodes>\d+) "
                         r"scancodes,\s+(?P<events>\d+) key events,\s+(?P<overruns>\d+) overruns")
_KBD_RECENT = re.compile(r"^\s*recent:(?P<keys>.*)$", re.MULTILINE)


@dataclass
class KbdState:
    interrupts: int
    scancodes: int
    events: int
    overruns: int
    recent: list           # key names, oldest first
    text: str


def parse_kbd(text):
    c, r = _KBD_COUNTS.search(text), _KBD_RECENT.search(text)
    assert c and r, ("'kbd' should print 'i8042: N interrupts, N scancodes, N key events, "
                     f"N overruns' and 'recent: KEY KEY ...', it printed:\n{text}")
    return KbdState(int(c.group("interrupts")), int(c.group("scancodes")),
                    int(c.group("events")), int(c.group("overruns")),
                    r.group("keys").split(), text)


def kbd(sh):
    return parse_kbd(command(sh, "kbd"))


# --- waiting -------------------------------------------------------------------

def poll(check, timeout, interval=0.2, describe=None):
    """Call check() until it returns something other than None; return that.

    Bounded: after `timeout` s raise AssertionError with describe() (or a
    generic message). `interval` is the pause between two questions to the
    guest, so the test does not flood the shell; the answer is never
    assumed to have arrived after any fixed time.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(describe() if describe else
                                 f"condition not reached within {timeout:g} s")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def median_echo_round_trip(sh, tag, rounds):
    """Type `echo TAG0` .. `echo TAG{rounds-1}` one after another, each as
    soon as the last one's answer came back, and return the median time
    (s) from typing to the answer; then wait for the prompt. A figure to
    report (a storm's slowdown), not to assert on: the host's load moves it."""
    trips = []
    for i in range(rounds):
        start = time.monotonic()
        sh.type(f"echo {tag}{i}\r")
        sh.expect(rf"(?m)^{tag}{i}\r?$", timeout=30)
        trips.append(time.monotonic() - start)
    sh.wait_prompt(timeout=30)
    return statistics.median(trips)


_sync_numbers = itertools.count(1)


def sync(sh, timeout=10.0):
    """Re-align with the shell: run `echo sync-N` and consume everything up
    to the prompt after its answer. Use it after the guest may have printed
    things the test did not ask for (a printk, keys typed on the PS/2
    keyboard), so that the next sh.run() returns that command's output."""
    token = f"sync-{next(_sync_numbers)}-{int(time.monotonic() * 1000) % 100000}"
    sh.type(f"\x15echo {token}\r")        # Ctrl-U first: start from an empty line
    sh.expect(rf"(?m)^{token}$", timeout)
    sh.wait_prompt(timeout)
