"""Read an Interlude trace dump and turn it into a timeline.

Shared by scripts/trace2perfetto.py and scripts/trace2svg.py, so a dump
is parsed - and its entry/exit pairs matched - in one place only.

    trace = tracedump.read("build/trace.bin")    # or parse(bytes)
    timeline = tracedump.build_timeline(trace)
    timeline.tracks, .slices, .instants, .flows, .problems

The dump's format (version 1, little-endian; the kernel's `trace dump`
writes it to QEMU's isa-debugcon port):

    header   "ILTRACE1", version, record_size (32), nr_records, nr_cpus,
             lost[8] (records lost per CPU slot)
    records  nr_records x 32 bytes, all CPUs merged, oldest first:
             u64 ns, u16 event, u8 cpu, char ctx ('h' hard IRQ, 's'
             softirq, '.' task), u8 flags, u8 preempt, u16 pad,
             i32 tid, u32 arg[3]
    names    "ILNAMES1", then (u8 kind, u32 key, u8 len, text) until
             kind 0: 1 string at address key, 2 function at address key,
             3 name of thread key
    trailer  "ILTREND1"

The timeline has one track per CPU x context: that CPU's hard IRQs, its
softirqs, and each thread that ran on it. Slices come from entry/exit
pairs (a thread's run from the sched_switch to it until the next switch on
that CPU); instants mark raises, schedules, queueing and wakeups; a flow
links each of those to what it caused. A ring that overflowed starts in
the middle of things: an exit whose entry was lost is dropped, an entry
whose exit never came is closed at the end of the trace, and each such
repair is counted in timeline.problems (the tools print them on stderr).

Bad input raises DumpError with a message that says what is wrong and
where; the tools turn it into "error: ..." and exit status 2.
"""

import struct
import sys
from dataclasses import dataclass, field

MAGIC = b"ILTRACE1"
NAMES_MAGIC = b"ILNAMES1"
END_MAGIC = b"ILTREND1"
VERSION = 1
RECORD_SIZE = 32
LOST_SLOTS = 8

HEADER = struct.Struct("<8sIIII8I")     # 56 bytes
RECORD = struct.Struct("<QHBcBBHi3I")   # 32 bytes
NAME_ENTRY = struct.Struct("<BIB")      # kind, key, len; then the text

# enum trace_event_id (kernel/trace/trace.h), named as Linux's tracepoints.
EVENTS = [
    "irq_handler_entry", "irq_handler_exit",
    "softirq_raise", "softirq_entry", "softirq_exit",
    "tasklet_schedule", "tasklet_entry", "tasklet_exit",
    "sched_wakeup", "sched_switch",
    "workqueue_queue_work", "workqueue_execute_start", "workqueue_execute_end",
    "irq_thread_wake", "ksoftirqd_takeover",
    "syscall_entry", "syscall_exit", "exception_entry", "exception_exit",
    "uio_wait", "uio_ack", "workqueue_activate_work",
    "block_rq_issue", "block_rq_complete",
    "napi_poll", "net_dev_xmit", "netif_receive_skb",
]
EVENT_ID = {name: i for i, name in enumerate(EVENTS)}

SOFTIRQ_VECS = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "TASKLET", "SCHED", "HRTIMER"]
TAKEOVER_BUDGETS = ["passes", "time", "resched"]   # ksoftirqd_takeover's arg1
# enum syscall_nr (kernel/proc/abi.h) and the x86 exception vectors.
SYSCALLS = ["exit", "write", "read", "getpid", "sleep_ms", "yield", "irq_attach", "irq_wait",
            "irq_ack", "irq_detach", "ioperm", "irq_info", "mmap_device", "pci_find",
            "port_in", "port_out", "net_send", "softirq_runs"]
EXCEPTIONS = {0: "#DE", 1: "#DB", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 7: "#NM", 8: "#DF",
              10: "#TS", 11: "#NP", 12: "#SS", 13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC",
              18: "#MC", 19: "#XM"}

NAME_STRING, NAME_SYMBOL, NAME_THREAD = 1, 2, 3

# Track kinds, in the order their lanes appear under each CPU.
HARDIRQ, SOFTIRQ, THREAD = "hardirq", "softirq", "thread"


class DumpError(Exception):
    """The input is not a well-formed version 1 trace dump."""


@dataclass
class Record:
    ns: int
    event: int
    cpu: int
    ctx: str
    flags: int
    preempt: int
    tid: int
    args: tuple

    @property
    def name(self):
        return EVENTS[self.event]


@dataclass
class Trace:
    nr_cpus: int
    lost: list                  # records lost per CPU slot
    records: list               # Record, oldest first
    strings: dict = field(default_factory=dict)   # address -> text
    symbols: dict = field(default_factory=dict)   # address -> function name
    threads: dict = field(default_factory=dict)   # tid -> thread name

    def string(self, addr):
        return self.strings.get(addr, f"0x{addr:08x}")

    def symbol(self, addr):
        return self.symbols.get(addr, f"0x{addr:08x}")

    def thread_name(self, tid):
        """tid 0 is each CPU's idle thread; a thread without a name has exited."""
        if tid == 0:
            return "idle"
        return self.threads.get(tid, "<...>")


# -- reading the dump ---------------------------------------------------------------

def read(path):
    """The Trace in the file `path` (DumpError if it is not one; OSError if
    it cannot be read)."""
    with open(path, "rb") as f:
        return parse(f.read())


def _need(data, offset, size, what):
    if offset + size > len(data):
        raise DumpError(f"truncated dump: {what} at byte {offset} needs {size} bytes, "
                        f"the file has {len(data) - offset} left")


def parse(data):
    """The Trace in the bytes `data`."""
    _need(data, 0, HEADER.size, "the header")
    magic, version, record_size, nr_records, nr_cpus, *lost = HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise DumpError(f"not an Interlude trace dump: magic is {magic!r}, expected {MAGIC!r}")
    if version != VERSION:
        raise DumpError(f"unsupported dump version {version} (this tool reads version {VERSION})")
    if record_size != RECORD_SIZE:
        raise DumpError(f"record size is {record_size}, expected {RECORD_SIZE}")
    offset = HEADER.size
    _need(data, offset, nr_records * RECORD_SIZE, f"{nr_records} records")
    records = []
    for i in range(nr_records):
        records.append(_record(data, offset, i))
        offset += RECORD_SIZE
    trace = Trace(nr_cpus=nr_cpus, lost=lost, records=records)
    offset = _names(data, offset, trace)
    _need(data, offset, len(END_MAGIC), "the trailer")
    if data[offset:offset + len(END_MAGIC)] != END_MAGIC:
        raise DumpError(f"bad trailer at byte {offset}: {data[offset:offset + 8]!r}, "
                        f"expected {END_MAGIC!r}")
    return trace


def _record(data, offset, index):
    ns, event, cpu, ctx, flags, preempt, _pad, tid, a0, a1, a2 = RECORD.unpack_from(data, offset)
    if event >= len(EVENTS):
        raise DumpError(f"record {index} (byte {offset}): unknown event id {event} "
                        f"(known: 0..{len(EVENTS) - 1})")
    ctx = ctx.decode("latin-1")
    if ctx not in "hs.":
        raise DumpError(f"record {index} (byte {offset}): unknown context {ctx!r}")
    return Record(ns, event, cpu, ctx, flags, preempt, tid, (a0, a1, a2))


def _names(data, offset, trace):
    """Read the names section into trace; the offset just after it."""
    _need(data, offset, len(NAMES_MAGIC), "the names section")
    if data[offset:offset + len(NAMES_MAGIC)] != NAMES_MAGIC:
        raise DumpError(f"bad names section at byte {offset}: "
                        f"{data[offset:offset + 8]!r}, expected {NAMES_MAGIC!r}")
    offset += len(NAMES_MAGIC)
    tables = {NAME_STRING: trace.strings, NAME_SYMBOL: trace.symbols,
              NAME_THREAD: trace.threads}
    while True:
        _need(data, offset, 1, "a name entry")
        if data[offset] == 0:
            return offset + 1
        _need(data, offset, NAME_ENTRY.size, "a name entry")
        kind, key, length = NAME_ENTRY.unpack_from(data, offset)
        if kind not in tables:
            raise DumpError(f"name entry at byte {offset}: unknown kind {kind}")
        offset += NAME_ENTRY.size
        _need(data, offset, length, "a name's text")
        if kind == NAME_THREAD:
            key = struct.unpack("<i", struct.pack("<I", key))[0]
        tables[kind][key] = data[offset:offset + length].decode("utf-8", "replace")
        offset += length


# -- the timeline ------------------------------------------------------------------

@dataclass(frozen=True)
class Track:
    cpu: int
    kind: str           # HARDIRQ, SOFTIRQ or THREAD
    tid: int = -1       # THREAD only

    def sort_key(self):
        return (self.cpu, [HARDIRQ, SOFTIRQ, THREAD].index(self.kind), self.tid)


@dataclass
class Slice:
    track: Track
    start: int          # ns
    end: int            # ns
    name: str
    category: str       # irq, softirq, tasklet, workqueue, sched
    args: dict = field(default_factory=dict)
    depth: int = 0      # how many slices of its track enclose it

    @property
    def dur(self):
        return self.end - self.start


@dataclass
class Instant:
    track: Track
    ns: int
    name: str
    category: str
    args: dict = field(default_factory=dict)


@dataclass
class Flow:
    id: int
    name: str           # what caused what: "softirq_raise -> softirq_entry", ...
    src_track: Track
    src_ns: int         # the instant inside an open slice of src_track
    dst: Slice          # the slice it caused (the flow ends at its start)


@dataclass
class Timeline:
    trace: Trace
    tracks: list = field(default_factory=list)      # sorted: per CPU, hardirq, softirq, threads
    slices: list = field(default_factory=list)
    instants: list = field(default_factory=list)
    flows: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)    # what was repaired -> how often
    start: int = 0                                  # ns of the first and last records
    end: int = 0

    def track_name(self, track):
        if track.kind != THREAD:
            return track.kind
        if track.tid == 0:
            return "idle"
        return f"{self.trace.thread_name(track.tid)} (tid {track.tid})"

    def problem_summary(self):
        """One line for stderr, or "" if nothing needed repair."""
        if not self.problems:
            return ""
        parts = [f"{n} {what}" for what, n in sorted(self.problems.items())]
        return "warning: " + "; ".join(parts)


class _Builder:
    """One pass over the records in time order, matching pairs per track."""

    FLOW_NAMES = {
        "softirq": "softirq_raise -> softirq_entry",
        "tasklet": "tasklet_schedule -> tasklet_entry",
        "work": "queue_work -> execute_start",
        "wakeup": "sched_wakeup -> run",
    }

    def __init__(self, trace):
        self.trace = trace
        self.tl = Timeline(trace)
        self.open = {}          # Track -> stack of open Slices
        self.running = {}       # cpu -> the Slice of the thread running there
        self.pending = {}       # (flow kind, key) -> (src Track, ns)
        self.tracks = set()
        self.next_flow = 1

    def count(self, what, n=1):
        self.tl.problems[what] = self.tl.problems.get(what, 0) + n

    # Where a record's instant goes: the track of the context it ran in.
    def context_track(self, rec):
        if rec.ctx == "h":
            return Track(rec.cpu, HARDIRQ)
        if rec.ctx == "s":
            return Track(rec.cpu, SOFTIRQ)
        return Track(rec.cpu, THREAD, rec.tid)

    def begin(self, track, ns, name, category, args):
        self.tracks.add(track)
        stack = self.open.setdefault(track, [])
        s = Slice(track, ns, ns, name, category, args, depth=len(stack))
        stack.append(s)
        self.tl.slices.append(s)
        return s

    def end(self, track, ns, match):
        """Close the innermost open slice of `track` for which match(slice)
        holds; slices opened inside it and still open are closed too (their
        exits were lost). An exit with no open entry is dropped."""
        stack = self.open.get(track, [])
        for i in range(len(stack) - 1, -1, -1):
            if match(stack[i]):
                if i != len(stack) - 1:
                    self.count("slices closed early (their exit record was lost)",
                               len(stack) - 1 - i)
                closed = stack[i]
                for s in stack[i:]:
                    s.end = ns
                del stack[i:]
                return closed
        self.count("exits dropped (their entry was before the trace or lost)")
        return None

    def instant(self, rec, name, category, args):
        track = self.context_track(rec)
        self.tracks.add(track)
        self.tl.instants.append(Instant(track, rec.ns, name, category, args))
        return track

    def flow_source(self, kind, key, track, ns):
        """Remember a cause; the first one waits (a softirq raised twice
        before it runs runs once: the flow comes from the first raise)."""
        if (kind, key) in self.pending:
            return
        tail = self.irq_tail.get(track.cpu)
        if not self.open.get(track) and not (tail and tail.track == track):
            # Nothing encloses the instant: Perfetto could not attach the arrow.
            self.count("flows left out (their start is outside any slice)")
            return
        self.pending[(kind, key)] = (track, ns)

    def flow_end(self, kind, key, dst):
        src = self.pending.pop((kind, key), None)
        if src is None:
            return
        self.tl.flows.append(Flow(self.next_flow, self.FLOW_NAMES[kind], src[0], src[1], dst))
        self.next_flow += 1

    # A thread's run: from the switch to it until the next switch on its CPU.
    def run_thread(self, cpu, tid, ns):
        track = Track(cpu, THREAD, tid)
        s = self.begin(track, ns, self.trace.thread_name(tid), "sched", {"tid": tid})
        self.running[cpu] = s
        return s

    def stop_thread(self, cpu, ns):
        """End the run of the thread on `cpu`. Whatever is still open inside
        it (a work function that sleeps) is split: this part ends here, the
        rest resumes when the thread runs again."""
        run = self.running.pop(cpu, None)
        if run is None:
            return
        stack = self.open.get(run.track, [])
        inner = stack[stack.index(run) + 1:]
        self.suspended[(cpu, run.args["tid"])] = [(s.name, s.category, s.args) for s in inner]
        for s in stack[stack.index(run):]:
            s.end = ns
        del stack[stack.index(run):]

    def switch(self, rec):
        prev, _state, nxt = rec.args
        if rec.cpu not in self.running:
            self.first_run(rec.cpu, prev)
        self.stop_thread(rec.cpu, rec.ns)
        run = self.run_thread(rec.cpu, nxt, rec.ns)
        for name, category, args in self.suspended.pop((rec.cpu, nxt), []):
            self.begin(run.track, rec.ns, name, category, dict(args, resumed=True))
        self.flow_end("wakeup", nxt, run)

    def first_run(self, cpu, tid):
        """The first record of a CPU: its current thread has run since
        before the trace began; its run starts at that record."""
        self.run_thread(cpu, tid, self.cpu_start[cpu])

    # Records in hard IRQ or softirq context outside any traced entry (a
    # softirq raised by the local timer's tick, a tasklet scheduled from an
    # IPI or irq_offload: top halves that are not a line's handler, so no
    # irq_handler_entry): a box from the first such record to the last, so the
    # instants sit inside a slice and their arrows have somewhere to start.
    SPAN_NAMES = {"h": ("hard IRQ (no handler traced)", "irq"),
                  "s": ("softirq (no entry traced)", "softirq")}
    # ... opened by any record but the context's own entry, or an exit (an
    # exit with no entry is dropped, not given a box).
    NO_SPAN = {"irq_handler_entry", "softirq_entry", "irq_handler_exit", "softirq_exit",
               "tasklet_exit", "workqueue_execute_end", "syscall_exit", "exception_exit"}

    def context_span(self, rec):
        if self.irq_tail_takes(rec):
            return
        span = self.spans.get(rec.cpu)
        if span is not None and span.args["ctx"] != rec.ctx:
            self.close_span(rec.cpu)
            span = None
        if span is not None:
            span.end = rec.ns + 1
            return
        if rec.ctx not in self.SPAN_NAMES or rec.name in self.NO_SPAN:
            return
        track = self.context_track(rec)
        if self.open.get(track):
            return
        name, category = self.SPAN_NAMES[rec.ctx]
        span = self.begin(track, rec.ns, name, category,
                          {"ctx": rec.ctx, "note": "the context's first record to its last: "
                                                   "it began earlier and ended later"})
        span.end = rec.ns + 1
        self.spans[rec.cpu] = span

    # What a line's flow does after its handler returned, still in hard IRQ
    # context (waking the irq thread a handler asked for, as Linux's
    # handle_irq_event does): part of the same interrupt, so the handler's
    # slice is stretched over it rather than a "no handler traced" box.
    def irq_tail_takes(self, rec):
        tail = self.irq_tail.pop(rec.cpu, None)
        if tail is None or rec.ctx != "h" or rec.name in self.NO_SPAN:
            return False
        tail.end = rec.ns + 1
        self.irq_tail[rec.cpu] = tail
        return True

    def close_span(self, cpu):
        span = self.spans.pop(cpu)
        stack = self.open[span.track]
        i = stack.index(span)
        if len(stack) > i + 1:
            self.count("slices closed early (their exit record was lost)", len(stack) - i - 1)
        for s in stack[i + 1:]:
            s.end = span.end
        del stack[i:]

    def record(self, rec):
        t, name, a = self.trace, rec.name, rec.args
        self.cpu_start.setdefault(rec.cpu, rec.ns)
        if rec.cpu not in self.running and name != "sched_switch":
            self.first_run(rec.cpu, rec.tid)
        self.context_span(rec)
        # Entries go on the track of the context they ran in: a handler in
        # hard IRQ context on the CPU's hardirq track; under forced
        # threading, in its irq/N thread, inside that thread's run.
        here = self.context_track(rec)
        if name == "irq_handler_entry":
            self.begin(here, rec.ns, f"irq {a[0]}: {t.string(a[1])}", "irq",
                       {"irq": a[0], "handler": t.string(a[1])})
        elif name == "irq_handler_exit":
            closed = self.end(here, rec.ns,
                              lambda s: s.category == "irq" and s.args.get("irq") == a[0])
            if closed is not None and rec.ctx == "h" and not self.open.get(here):
                self.irq_tail[rec.cpu] = closed
        elif name == "softirq_raise":
            track = self.instant(rec, f"raise {vec_name(a[0])}", "softirq", {"vec": a[0]})
            self.flow_source("softirq", (rec.cpu, a[0]), track, rec.ns)
        elif name == "softirq_entry":
            s = self.begin(here, rec.ns, f"softirq {vec_name(a[0])}", "softirq", {"vec": a[0]})
            self.flow_end("softirq", (rec.cpu, a[0]), s)
        elif name == "softirq_exit":
            self.end(here, rec.ns, lambda s: s.category == "softirq" and s.args.get("vec") == a[0])
        elif name == "tasklet_schedule":
            track = self.instant(rec, f"schedule {t.string(a[1])}", "tasklet",
                                 self.tasklet_args(a))
            self.flow_source("tasklet", a[0], track, rec.ns)
        elif name == "tasklet_entry":
            s = self.begin(self.context_track(rec), rec.ns, f"tasklet {t.string(a[1])}",
                           "tasklet", self.tasklet_args(a))
            self.flow_end("tasklet", a[0], s)
        elif name == "tasklet_exit":
            self.end(self.context_track(rec), rec.ns,
                     lambda s: s.category == "tasklet" and s.args["tasklet"] == a[0])
        elif name == "sched_wakeup":
            track = self.instant(rec, f"wakeup {t.thread_name(a[0])}", "sched",
                                 {"tid": a[0], "cpu": a[1]})
            self.flow_source("wakeup", a[0], track, rec.ns)
        elif name == "sched_switch":
            self.switch(rec)
        elif name == "workqueue_queue_work":
            track = self.instant(rec, f"queue_work {t.symbol(a[1])}", "workqueue",
                                 {"work": a[0], "function": t.symbol(a[1]), "cpu": a[2]})
            self.flow_source("work", a[0], track, rec.ns)
        elif name == "workqueue_execute_start":
            s = self.begin(self.context_track(rec), rec.ns, t.symbol(a[1]), "workqueue",
                           {"work": a[0], "function": t.symbol(a[1])})
            self.flow_end("work", a[0], s)
        elif name == "workqueue_execute_end":
            self.end(self.context_track(rec), rec.ns,
                     lambda s: s.category == "workqueue" and s.args["work"] == a[0])
        else:
            self.record_more(rec, name, a)

    def record_more(self, rec, name, a):
        """The threaded IRQ, ksoftirqd, system call, exception, uio and
        activate_work events."""
        t = self.trace
        if name == "irq_thread_wake":
            self.instant(rec, f"wake irq thread {t.thread_name(a[2])}", "irq",
                         {"irq": a[0], "handler": t.string(a[1]), "tid": a[2]})
        elif name == "ksoftirqd_takeover":
            budget = TAKEOVER_BUDGETS[a[1]] if a[1] < len(TAKEOVER_BUDGETS) else str(a[1])
            self.instant(rec, f"ksoftirqd takes over ({budget} budget spent)", "softirq",
                         {"passes": a[0], "budget": budget, "pending": f"0x{a[2]:02x}"})
        elif name == "syscall_entry":
            self.begin(self.context_track(rec), rec.ns, f"syscall {syscall_name(a[0])}",
                       "syscall", {"nr": a[0], "args": [f"0x{a[1]:x}", f"0x{a[2]:x}"]})
        elif name == "syscall_exit":
            self.end(self.context_track(rec), rec.ns,
                     lambda s: s.category == "syscall" and s.args["nr"] == a[0])
        elif name == "exception_entry":
            self.begin(self.context_track(rec), rec.ns, f"exception {exception_name(a[0])}",
                       "exception", {"vector": a[0], "ip": t.symbol(a[1]), "error_code": a[2]})
        elif name == "exception_exit":
            self.end(self.context_track(rec), rec.ns,
                     lambda s: s.category == "exception" and s.args["vector"] == a[0])
        elif name == "uio_wait":
            self.instant(rec, f"uio_wait irq {a[0]} returns", "uio", {"irq": a[0], "events": a[1]})
        elif name == "uio_ack":
            self.instant(rec, f"uio_ack irq {a[0]}", "uio", {"irq": a[0], "unmasked": a[1]})
        elif name == "workqueue_activate_work":
            self.instant(rec, f"activate {t.symbol(a[1])}", "workqueue",
                         {"work": a[0], "function": t.symbol(a[1])})
        else:
            self.record_device(rec, name, a)

    def record_device(self, rec, name, a):
        """The drivers' events: disk requests and NIC packets (instants)."""
        t = self.trace
        if name == "block_rq_issue":
            rw = "W" if a[2] else "R"
            self.instant(rec, f"block issue {rw} {a[0]}+{a[1]}", "block",
                         {"sector": a[0], "nr_sector": a[1], "rwbs": rw})
        elif name == "block_rq_complete":
            self.instant(rec, f"block complete {a[0]}+{a[1]}", "block",
                         {"sector": a[0], "nr_sector": a[1], "error": signed32(a[2])})
        elif name == "napi_poll":
            self.instant(rec, f"napi_poll {t.string(a[0])} {a[1]}/{a[2]}", "net",
                         {"dev": t.string(a[0]), "work": a[1], "budget": a[2]})
        elif name == "net_dev_xmit":
            self.instant(rec, f"xmit {a[1]} bytes", "net",
                         {"dev": t.string(a[0]), "len": a[1], "rc": signed32(a[2])})
        elif name == "netif_receive_skb":
            self.instant(rec, f"receive {a[1]} bytes", "net",
                         {"dev": t.string(a[0]), "len": a[1]})

    def tasklet_args(self, a):
        return {"tasklet": a[0], "name": self.trace.string(a[1]),
                "function": self.trace.symbol(a[2])}

    def build(self):
        self.cpu_start, self.suspended, self.spans, self.irq_tail = {}, {}, {}, {}
        records = self.trace.records
        if records:
            self.tl.start, self.tl.end = records[0].ns, records[-1].ns
        for rec in records:
            self.record(rec)
        self.finish()
        self.tl.tracks = sorted(self.tracks, key=Track.sort_key)
        self.tl.slices.sort(key=lambda s: (s.track.sort_key(), s.start, s.depth))
        return self.tl

    def finish(self):
        """Close what is still open at the end of the trace (a thread's run
        is open by nature; anything else lacked its exit)."""
        for cpu in list(self.spans):
            self.close_span(cpu)
        for stack in self.open.values():
            unfinished = [s for s in stack if s.category != "sched"]
            if unfinished:
                self.count("slices closed at the end of the trace (no exit yet)",
                           len(unfinished))
            for s in stack:
                s.end = self.tl.end
            stack.clear()
        self.running.clear()
        if self.pending:
            self.count("flows left out (what they caused is after the trace)",
                       len(self.pending))


def signed32(v):
    """A u32 argument that holds an int32_t (an error code, a result)."""
    return v - (1 << 32) if v & 0x80000000 else v


def vec_name(vec):
    return SOFTIRQ_VECS[vec] if vec < len(SOFTIRQ_VECS) else f"vec{vec}"


def syscall_name(nr):
    return SYSCALLS[nr] if nr < len(SYSCALLS) else f"NR {nr}"


def exception_name(vector):
    return f"{vector} {EXCEPTIONS[vector]}" if vector in EXCEPTIONS else str(vector)


def build_timeline(trace):
    """The Timeline of `trace`: tracks, slices, instants, flows."""
    return _Builder(trace).build()


def load(path):
    """Read `path` and build its timeline; on bad input print "PROG: error:
    ..." and exit with status 2 (no traceback), and print the repairs made
    (unpaired entries/exits at the ring's edges) as one warning line."""
    prog = sys.argv[0].rsplit("/", 1)[-1]
    try:
        timeline = build_timeline(read(path))
    except (DumpError, OSError) as e:
        print(f"{prog}: error: {path}: {e}", file=sys.stderr)
        sys.exit(2)
    for line in report(timeline):
        print(f"{prog}: {line}", file=sys.stderr)
    return timeline


def report(timeline):
    """What the reader should know about the trace's gaps: the records the
    kernel lost, and the repairs made at the ring's edges (one line each)."""
    lines = []
    lost = sum(timeline.trace.lost)
    if lost:
        per_cpu = ", ".join(f"CPU{i} {n}" for i, n in enumerate(timeline.trace.lost) if n)
        lines.append(f"note: the kernel lost {lost} records ({per_cpu}): the trace has gaps")
    summary = timeline.problem_summary()
    if summary:
        lines.append(summary)
    return lines
