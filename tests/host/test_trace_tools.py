"""Host tests of the trace tools (scripts/tracedump.py, trace2perfetto.py,
trace2svg.py): synthetic dumps in, JSON and SVG checked against the rules
of their formats. No QEMU. make test runs them as host/trace_tools/TEST
(tests/harness/pyunit.py); by hand:

    python3 -m unittest tests/host/test_trace_tools.py -v
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(REPO_ROOT, "scripts")
sys.path.insert(0, SCRIPTS)
sys.dont_write_bytecode = True

import trace2perfetto  # noqa: E402
import trace2svg  # noqa: E402
import tracedump  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"

# Addresses the synthetic kernel "has": names in the dump's names section.
TTY_NAME, TASKLET, TASKLET_NAME, TASKLET_FN = 0x1000, 0x2000, 0x2100, 0x2200
WORK, WORK_FN = 0x3000, 0x3100
SHELL, KWORKER1, USER1 = 6, 9, 7
TASKLET_VEC = 5


class DumpWriter:
    """Builds a version 1 dump the way the kernel's `trace dump` writes one
    (the format: scripts/tracedump.py's docstring)."""

    def __init__(self, nr_cpus=2, lost=None):
        self.nr_cpus = nr_cpus
        self.lost = (lost or []) + [0] * (8 - len(lost or []))
        self.records = []
        self.names = []
        self.ns = 1_000_000

    def event(self, name, cpu, ctx, tid, *args, dt=1000, flags=0, preempt=0):
        """Append one record `dt` ns after the previous one."""
        self.ns += dt
        args = (list(args) + [0, 0, 0])[:3]
        self.records.append(struct.pack("<QHBcBBHi3I", self.ns, tracedump.EVENT_ID[name], cpu,
                                        ctx.encode(), flags, preempt, 0, tid, *args))
        return self

    def name(self, kind, key, text):
        raw = text.encode()
        self.names.append(struct.pack("<BIB", kind, key & 0xffffffff, len(raw)) + raw)
        return self

    def bytes(self):
        head = struct.pack("<8sIIII8I", b"ILTRACE1", 1, 32, len(self.records), self.nr_cpus,
                           *self.lost)
        return (head + b"".join(self.records) + b"ILNAMES1" + b"".join(self.names)
                + b"\0" + b"ILTREND1")


def named(w):
    return (w.name(1, TTY_NAME, "ttyS0").name(1, TASKLET_NAME, "ttyS0-rx")
            .name(2, TASKLET_FN, "uart_rx_deliver").name(2, WORK_FN, "demo_work_fn")
            .name(3, SHELL, "shell").name(3, KWORKER1, "kworker/1:0").name(3, USER1, "defer"))


def tasklet_chain(w, cpu=0):
    """A keystroke on CPU 0: the top half schedules the tasklet, irq_exit
    runs TASKLET, the tasklet wakes the shell, the way out switches to it."""
    return (w.event("irq_handler_entry", cpu, "h", 0, 4, TTY_NAME)
            .event("tasklet_schedule", cpu, "h", 0, TASKLET, TASKLET_NAME, TASKLET_FN)
            .event("softirq_raise", cpu, "h", 0, TASKLET_VEC)
            .event("irq_handler_exit", cpu, "h", 0, 4, 1)
            .event("softirq_entry", cpu, "s", 0, TASKLET_VEC)
            .event("tasklet_entry", cpu, "s", 0, TASKLET, TASKLET_NAME, TASKLET_FN)
            .event("sched_wakeup", cpu, "s", 0, SHELL, cpu)
            .event("tasklet_exit", cpu, "s", 0, TASKLET, TASKLET_NAME, TASKLET_FN)
            .event("softirq_exit", cpu, "s", 0, TASKLET_VEC)
            .event("sched_switch", cpu, ".", 0, 0, 1, SHELL))


def workqueue_chain(w, cpu=1):
    """A thread on CPU 1 queues work; its kworker wakes, runs it, sleeps."""
    return (w.event("workqueue_queue_work", cpu, ".", USER1, WORK, WORK_FN, cpu)
            .event("sched_wakeup", cpu, ".", USER1, KWORKER1, cpu)
            .event("sched_switch", cpu, ".", USER1, USER1, 1, KWORKER1)
            .event("workqueue_execute_start", cpu, ".", KWORKER1, WORK, WORK_FN)
            .event("workqueue_execute_end", cpu, ".", KWORKER1, WORK, WORK_FN)
            .event("sched_switch", cpu, ".", KWORKER1, KWORKER1, 2, USER1))


def two_cpus():
    """Both chains, their records interleaved in time as the merge gives them."""
    a, b = named(DumpWriter()), DumpWriter()
    tasklet_chain(a, 0)
    workqueue_chain(b, 1)
    # Merge: alternate, keeping the order within each CPU (both step 1 us).
    merged = []
    for i in range(max(len(a.records), len(b.records))):
        merged += a.records[i:i + 1] + b.records[i:i + 1]
    w = named(DumpWriter())
    for rec in merged:
        ns, event, cpu, ctx, flags, preempt, _pad, tid, *args = struct.unpack("<QHBcBBHi3I", rec)
        w.event(tracedump.EVENTS[event], cpu, ctx.decode(), tid, *args, dt=500)
    return w


class Dumped(unittest.TestCase):
    """Each test gets a scratch directory; run() runs a tool on a dump."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, data, name="trace.bin"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run_tool(self, tool, data, *extra):
        dump = self.write(data)
        out = os.path.join(self.tmp.name, "out")
        proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, tool), dump, "-o", out,
                               *extra], capture_output=True, text=True, timeout=60)
        text = None
        if os.path.exists(out):
            with open(out) as f:
                text = f.read()
        return proc, text

    def perfetto(self, w, cli=False):
        """The JSON's events for the dump w, and what the tool printed.
        In-process (the same functions the tool calls) unless cli."""
        if cli:
            proc, text = self.run_tool("trace2perfetto.py", w.bytes())
            self.assertEqual(proc.returncode, 0, proc.stderr)
            return json.loads(text)["traceEvents"], proc
        timeline = tracedump.build_timeline(tracedump.parse(w.bytes()))
        text = json.dumps(trace2perfetto.convert(timeline))
        return json.loads(text)["traceEvents"], Printed(timeline)

    def svg(self, w, *extra):
        """The SVG's root element for the dump w (the tool run if extra
        arguments are given, else in-process)."""
        if extra:
            proc, text = self.run_tool("trace2svg.py", w.bytes(), *extra)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            return ET.fromstring(text), proc
        timeline = tracedump.build_timeline(tracedump.parse(w.bytes()))
        return ET.fromstring(trace2svg.render(timeline, "trace.bin")), Printed(timeline)


class Printed:
    """stderr as the tools would print it, for an in-process run."""

    def __init__(self, timeline):
        self.stderr = "".join(line + "\n" for line in tracedump.report(timeline))


# -- the Trace Event rules ----------------------------------------------------------

def by_track(events, ph):
    tracks = {}
    for e in events:
        if e["ph"] == ph:
            tracks.setdefault((e["pid"], e["tid"]), []).append(e)
    return tracks


def nesting_problems(events):
    """X slices on one track must nest: a slice that starts inside another
    ends inside it too (no partial overlap)."""
    problems = []
    for track, slices in by_track(events, "X").items():
        slices = sorted(slices, key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in slices:
            end = e["ts"] + e["dur"]
            while stack and stack[-1][1] <= e["ts"]:
                stack.pop()
            if stack and end > stack[-1][1] + 1e-9:
                problems.append(f"{track}: {e['name']} [{e['ts']}, {end}] overlaps "
                                f"{stack[-1][0]} ending {stack[-1][1]}")
            stack.append((e["name"], end))
    return problems


def enclosed(events, ph_event):
    """True if a slice of the event's track contains its ts."""
    track = (ph_event["pid"], ph_event["tid"])
    return any(e["ts"] <= ph_event["ts"] <= e["ts"] + e["dur"]
               for e in by_track(events, "X").get(track, []))


def flows(events):
    out = {}
    for e in events:
        if e["ph"] in "sf":
            out.setdefault(e["id"], {}).setdefault(e["ph"], []).append(e)
    return out


def slices_named(events, prefix):
    return [e for e in events if e["ph"] == "X" and e["name"].startswith(prefix)]


def check_flows(test, events):
    """Every flow id has one start and one end, each inside a slice of its
    track, the end binding to its enclosing slice and not before the start."""
    fl = flows(events)
    for fid, ends in fl.items():
        test.assertEqual(len(ends.get("s", [])), 1, f"flow {fid}: {ends}")
        test.assertEqual(len(ends.get("f", [])), 1, f"flow {fid}: {ends}")
        s, f = ends["s"][0], ends["f"][0]
        test.assertEqual(f.get("bp"), "e", f"flow {fid} binds to its enclosing slice")
        test.assertLessEqual(s["ts"], f["ts"], f"flow {fid} goes back in time")
        test.assertTrue(enclosed(events, s), f"flow {fid} starts outside any slice")
        test.assertTrue(enclosed(events, f), f"flow {fid} ends outside any slice")


class TraceEventRules(Dumped):
    def test_slices_nest_per_track(self):
        events, _ = self.perfetto(two_cpus())
        self.assertTrue(slices_named(events, "tasklet "), "no tasklet slice")
        self.assertEqual(nesting_problems(events), [])

    def test_every_flow_has_one_start_and_one_end_inside_slices(self):
        events, _ = self.perfetto(two_cpus())
        self.assertEqual(len(flows(events)), 5, "softirq, tasklet, 2 wakeups, queue_work")
        check_flows(self, events)


    def test_timestamps_monotonic_per_cpu(self):
        w = two_cpus()
        events, _ = self.perfetto(w)
        first, last = 1_000_000 / 1000, w.ns / 1000
        for ph in "Xi":
            for track, evs in by_track(events, ph).items():
                ts = [e["ts"] for e in evs]
                self.assertEqual(ts, sorted(ts), f"{ph} events of {track} out of order")
        for e in events:
            if e["ph"] == "M":
                continue
            self.assertGreaterEqual(e.get("dur", 0), 0, e)
            self.assertTrue(first <= e["ts"] <= last, f"{e} outside the trace")

    def test_every_pid_and_tid_has_a_name(self):
        events, _ = self.perfetto(two_cpus())
        procs = {e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
        threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
                   if e["ph"] == "M" and e["name"] == "thread_name"}
        used = {(e["pid"], e["tid"]) for e in events if e["ph"] != "M"}
        self.assertEqual({p for p, _ in used} - procs, set())
        self.assertEqual(used - set(threads), set())
        names = sorted(threads.values())
        for want in ("hardirq", "softirq", "shell (tid 6)", "kworker/1:0 (tid 9)", "idle"):
            self.assertIn(want, names)
        named_twice = sum(1 for e in events if e["ph"] == "M" and e["name"] == "thread_name")
        self.assertEqual(named_twice, len(threads), "a track named twice")
        cpus = {e["pid"]: e["args"]["name"] for e in events
                if e["ph"] == "M" and e["name"] == "process_name"}
        self.assertEqual(cpus, {1: "CPU 0", 2: "CPU 1"}, "pid 0 is Linux's swapper to Perfetto")


class TraceContent(Dumped):
    """What the JSON says about the chains, not just that it is well formed."""

    def test_tasklet_chain_on_its_tracks(self):
        events, _ = self.perfetto(named(tasklet_chain(DumpWriter(nr_cpus=1))))
        names = {e["tid"]: e["args"]["name"] for e in events if e.get("name") == "thread_name"}
        where = {e["name"]: names[e["tid"]] for e in events if e["ph"] in "Xi"}
        self.assertEqual(where["irq 4: ttyS0"], "hardirq")
        self.assertEqual(where["schedule ttyS0-rx"], "hardirq")
        self.assertEqual(where["raise TASKLET"], "hardirq")
        self.assertEqual(where["softirq TASKLET"], "softirq")
        self.assertEqual(where["tasklet ttyS0-rx"], "softirq")
        self.assertEqual(where["wakeup shell"], "softirq")
        self.assertEqual(where["shell"], "shell (tid 6)")
        soft, = slices_named(events, "softirq TASKLET")
        tasklet, = slices_named(events, "tasklet ttyS0-rx")
        self.assertEqual((soft["ts"], soft["dur"]), (1005.0, 4.0))
        self.assertEqual((tasklet["ts"], tasklet["dur"]), (1006.0, 2.0))
        irq, = slices_named(events, "irq 4")
        self.assertEqual((irq["ts"], irq["dur"]), (1001.0, 3.0))

    def test_each_flow_links_cause_to_effect(self):
        events, _ = self.perfetto(two_cpus())
        ends = {}
        for e in events:
            if e["ph"] in "sf":
                ends.setdefault(e["id"], {})[e["ph"]] = e
        got = sorted((e["s"]["name"], self.slice_at(events, e["f"])) for e in ends.values())
        self.assertEqual(got, [
            ("queue_work -> execute_start", "demo_work_fn"),
            ("sched_wakeup -> run", "kworker/1:0"),
            ("sched_wakeup -> run", "shell"),
            ("softirq_raise -> softirq_entry", "softirq TASKLET"),
            ("tasklet_schedule -> tasklet_entry", "tasklet ttyS0-rx"),
        ])

    def slice_at(self, events, f):
        """The innermost slice the flow end f binds to (bp e)."""
        inside = [e for e in by_track(events, "X")[(f["pid"], f["tid"])]
                  if e["ts"] <= f["ts"] <= e["ts"] + e["dur"]]
        return min(inside, key=lambda e: e["dur"])["name"]

    def test_threads_run_from_switch_to_switch(self):
        events, _ = self.perfetto(named(workqueue_chain(DumpWriter(nr_cpus=2))))
        runs = [(e["name"], e["ts"], e["dur"]) for e in events
                if e["ph"] == "X" and e["cat"] == "sched"]
        self.assertEqual(sorted(runs), [("defer", 1001.0, 2.0), ("defer", 1006.0, 0.0),
                                        ("kworker/1:0", 1003.0, 3.0)])

    def test_sleeping_work_function_is_split_and_still_nests(self):
        w = named(DumpWriter())
        (w.event("sched_switch", 1, ".", USER1, USER1, 2, KWORKER1)
         .event("workqueue_execute_start", 1, ".", KWORKER1, WORK, WORK_FN)
         .event("sched_switch", 1, ".", KWORKER1, KWORKER1, 2, USER1)
         .event("sched_switch", 1, ".", USER1, USER1, 2, KWORKER1)
         .event("workqueue_execute_end", 1, ".", KWORKER1, WORK, WORK_FN))
        events, proc = self.perfetto(w)
        parts = slices_named(events, "demo_work_fn")
        self.assertEqual([(e["ts"], e["dur"]) for e in parts], [(1002.0, 1.0), (1004.0, 1.0)])
        self.assertEqual(nesting_problems(events), [])
        self.assertNotIn("closed", proc.stderr)

    def test_unpaired_records_at_the_edges_are_repaired_and_counted(self):
        w = named(DumpWriter(nr_cpus=1, lost=[3]))
        (w.event("softirq_exit", 0, "s", 0, TASKLET_VEC)          # its entry was overwritten
         .event("irq_handler_exit", 0, "h", 0, 4, 1)               # so was this one's
         .event("irq_handler_entry", 0, "h", 0, 4, TTY_NAME)
         .event("softirq_entry", 0, "s", 0, 1))                    # still running at the end
        events, proc = self.perfetto(w, cli=True)
        self.assertEqual(len(slices_named(events, "irq 4")), 1)
        timer, = slices_named(events, "softirq TIMER")
        self.assertEqual(timer["ts"] + timer["dur"], w.ns / 1000, "closed at the trace's end")
        self.assertIn("2 exits dropped", proc.stderr)
        self.assertIn("2 slices closed at the end", proc.stderr)
        self.assertIn("lost 3 records", proc.stderr)
        self.assertEqual(nesting_problems(events), [])

    def test_an_exit_lost_inside_a_slice_closes_with_its_parent(self):
        w = named(DumpWriter(nr_cpus=1))
        (w.event("softirq_entry", 0, "s", 0, TASKLET_VEC)
         .event("tasklet_entry", 0, "s", 0, TASKLET, TASKLET_NAME, TASKLET_FN)
         .event("softirq_exit", 0, "s", 0, TASKLET_VEC)            # tasklet_exit was lost
         .event("softirq_entry", 0, "s", 0, 1)
         .event("softirq_exit", 0, "s", 0, 1))
        events, proc = self.perfetto(w)
        soft, = slices_named(events, "softirq TASKLET")
        tasklet, = slices_named(events, "tasklet ")
        self.assertEqual(soft["ts"] + soft["dur"], 1003.0)
        self.assertEqual(tasklet["ts"] + tasklet["dur"], 1003.0)
        self.assertIn("1 slices closed early", proc.stderr)
        self.assertNotIn("closed at the end", proc.stderr)
        self.assertEqual(nesting_problems(events), [])

    def test_top_half_without_a_handler_gets_a_box_for_its_arrows(self):
        # A tasklet scheduled from irq_offload's software interrupt (or an
        # IPI): hard IRQ context, but no line's handler (no irq_handler_entry).
        w = named(DumpWriter(nr_cpus=1))
        (w.event("tasklet_schedule", 0, "h", SHELL, TASKLET, TASKLET_NAME, TASKLET_FN)
         .event("softirq_raise", 0, "h", SHELL, TASKLET_VEC)
         .event("softirq_entry", 0, "s", SHELL, TASKLET_VEC, dt=4000)
         .event("tasklet_entry", 0, "s", SHELL, TASKLET, TASKLET_NAME, TASKLET_FN)
         .event("tasklet_exit", 0, "s", SHELL, TASKLET, TASKLET_NAME, TASKLET_FN)
         .event("softirq_exit", 0, "s", SHELL, TASKLET_VEC)
         .event("irq_thread_wake", 1, "h", 0, 4, TTY_NAME, 11))        # one record alone
        events, proc = self.perfetto(w)
        box, lone = slices_named(events, "hard IRQ (no handler traced)")
        self.assertEqual((box["ts"], box["dur"]), (1001.0, 1.001), "first to last record, + 1 ns")
        self.assertEqual((lone["ts"], lone["dur"]), (1010.0, 0.001), "one record: 1 ns")
        self.assertEqual(len(flows(events)), 2)
        check_flows(self, events)
        self.assertEqual(proc.stderr, "")

    def test_threaded_irq_ksoftirqd_syscall_exception_uio(self):
        w = named(DumpWriter(nr_cpus=1)).name(3, 11, "irq/4-ttyS0").name(3, 3, "ksoftirqd/0")
        (w.event("irq_handler_entry", 0, "h", USER1, 4, TTY_NAME)
         .event("irq_thread_wake", 0, "h", USER1, 4, TTY_NAME, 11)
         .event("irq_handler_exit", 0, "h", USER1, 4, 1)
         .event("ksoftirqd_takeover", 0, "s", USER1, 10, 1, 0x22)
         .event("syscall_entry", 0, ".", USER1, 2, 0, 0x1000)       # read
         .event("exception_entry", 0, ".", USER1, 14, 0, 2)        # a page fault inside it
         .event("exception_exit", 0, ".", USER1, 14)
         .event("uio_wait", 0, ".", USER1, 4, 1)
         .event("syscall_exit", 0, ".", USER1, 2, 0)
         .event("sched_switch", 0, ".", USER1, USER1, 2, 11)
         .event("irq_handler_entry", 0, ".", 11, 4, TTY_NAME)      # forced threading
         .event("irq_handler_exit", 0, ".", 11, 4, 1)
         .event("uio_ack", 0, ".", 11, 4, 1))
        events, proc = self.perfetto(w)
        names = {e["tid"]: e["args"]["name"] for e in events if e.get("name") == "thread_name"}
        where = sorted((e["name"], names[e["tid"]]) for e in events if e["ph"] in "Xi")
        self.assertEqual(where, [
            ("defer", "defer (tid 7)"),
            ("exception 14 #PF", "defer (tid 7)"),
            ("irq 4: ttyS0", "hardirq"),
            ("irq 4: ttyS0", "irq/4-ttyS0 (tid 11)"),
            ("irq/4-ttyS0", "irq/4-ttyS0 (tid 11)"),
            ("ksoftirqd takes over (time budget spent)", "softirq"),
            ("softirq (no entry traced)", "softirq"),     # the box around the takeover
            ("syscall read", "defer (tid 7)"),
            ("uio_ack irq 4", "irq/4-ttyS0 (tid 11)"),
            ("uio_wait irq 4 returns", "defer (tid 7)"),
            ("wake irq thread irq/4-ttyS0", "hardirq"),
        ])
        self.assertEqual(nesting_problems(events), [])
        self.assertNotIn("dropped", proc.stderr)
        root, _ = self.svg(w)
        self.assertEqual(len([g for g in root.iter(SVG + "g") if g.get("class") == "slice"]), 7)

    def test_prints_where_the_file_is_and_how_to_open_it(self):
        _, proc = self.perfetto(two_cpus(), cli=True)
        self.assertIn("ui.perfetto.dev", proc.stdout)
        self.assertIn(os.path.join(self.tmp.name, "out"), proc.stdout)


class SvgPicture(Dumped):
    def test_parses_with_a_lane_per_cpu_and_context(self):
        root, _ = self.svg(two_cpus())
        lanes = sorted((g.get("data-cpu"), g.get("data-name"))
                       for g in root.iter(SVG + "g") if g.get("class") == "lane")
        self.assertEqual(lanes, [("0", "hardirq"), ("0", "idle"), ("0", "shell (tid 6)"),
                                 ("0", "softirq"), ("1", "defer (tid 7)"),
                                 ("1", "kworker/1:0 (tid 9)")])
        labels = [t.text for t in root.iter(SVG + "text")]
        for cpu in ("CPU 0", "CPU 1"):
            self.assertIn(cpu, labels)

    def test_a_rect_per_slice_and_an_arrow_per_flow(self):
        w = two_cpus()
        root, _ = self.svg(w)
        timeline = tracedump.build_timeline(tracedump.parse(w.bytes()))
        groups = [g for g in root.iter(SVG + "g") if g.get("class") == "slice"]
        self.assertEqual(len(groups), len(timeline.slices))
        self.assertTrue(all(g.find(SVG + "rect") is not None for g in groups))
        self.assertEqual(sorted(g.get("data-name") for g in groups),
                         sorted(s.name for s in timeline.slices))
        arrows = [p for p in root.iter(SVG + "path") if p.get("class") == "flow"]
        self.assertEqual(len(arrows), len(timeline.flows))
        self.assertEqual(len(arrows), 5)

    def test_time_axis_with_units_and_a_legend(self):
        root, _ = self.svg(two_cpus())
        axis = [t.text for g in root.iter(SVG + "g") if g.get("class") == "axis"
                for t in g.iter(SVG + "text")]
        self.assertEqual(axis[0], "0")
        self.assertTrue(any(t.endswith(" us") for t in axis), axis)
        legend = [t.text for g in root.iter(SVG + "g") if g.get("class") == "legend"
                  for t in g.iter(SVG + "text")]
        self.assertIn("tasklet", legend)
        self.assertIn("sched_wakeup -> run", legend)

    def test_names_are_escaped(self):
        # A thread that has exited is "<...>": markup characters in a name.
        w = named(DumpWriter(nr_cpus=1))
        w.event("sched_switch", 0, ".", 0, 0, 1, 42).event("sched_switch", 0, ".", 42, 42, 3, 0)
        root, _ = self.svg(w)
        lanes = {g.get("data-name") for g in root.iter(SVG + "g") if g.get("class") == "lane"}
        self.assertIn("<...> (tid 42)", lanes)
        self.assertIn("<...> (tid 42)", [t.text for t in root.iter(SVG + "text")])

    def test_window_keeps_only_what_it_shows(self):
        # The tasklet chain on CPU 0 is 1001-1010 us; the window 1005.5-1006.5 us
        # shows the softirq pass and the tasklet, not the top half.
        root, proc = self.svg(named(tasklet_chain(DumpWriter(nr_cpus=1))),
                           "--from", "1005.5", "--to", "1006.5")
        names = {g.get("data-name") for g in root.iter(SVG + "g") if g.get("class") == "slice"}
        self.assertIn("softirq TASKLET", names)
        self.assertIn("tasklet ttyS0-rx", names)
        self.assertNotIn("irq 4: ttyS0", names)
        self.assertIn("3 slices, 0 arrows", proc.stdout, "it counts what the window shows")
        _, proc = self.svg(named(tasklet_chain(DumpWriter(nr_cpus=1))), "--from", "5", "--to", "9")
        self.assertIn("warning: the window holds none of the trace", proc.stderr)


class BadInput(Dumped):
    """Wrong input: a clear message, exit status 2, never a traceback."""

    def check_refused(self, data, words):
        for tool in ("trace2perfetto.py", "trace2svg.py"):
            proc, _ = self.run_tool(tool, data)
            self.assertEqual(proc.returncode, 2, f"{tool}: {proc.stderr}")
            self.assertIn("error:", proc.stderr)
            self.assertIn(words, proc.stderr)
            self.assertNotIn("Traceback", proc.stderr)

    def test_wrong_magic(self):
        self.check_refused(b"NOTATRACE" + bytes(100), "not an Interlude trace dump")

    def test_truncated_records(self):
        self.check_refused(two_cpus().bytes()[:tracedump.HEADER.size + 32 * 3 + 5], "truncated dump")

    def test_truncated_names(self):
        data = two_cpus().bytes()
        self.check_refused(data[:-12], "truncated dump")

    def test_unknown_event_id(self):
        w = two_cpus()
        w.records[2] = w.records[2][:8] + struct.pack("<H", 99) + w.records[2][10:]
        self.check_refused(w.bytes(), "unknown event id 99")

    def test_missing_file(self):
        proc = subprocess.run([sys.executable, os.path.join(SCRIPTS, "trace2svg.py"),
                               os.path.join(self.tmp.name, "none.bin")],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("No such file", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)


if __name__ == "__main__":
    unittest.main()
