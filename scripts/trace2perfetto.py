#!/usr/bin/env python3
"""An Interlude trace dump -> Chrome/Perfetto Trace Event JSON.

    scripts/trace2perfetto.py build/trace.bin [-o build/trace.json]

Open the JSON at https://ui.perfetto.dev ("Open trace file"), or in
Chrome's chrome://tracing. Each CPU is a process ("CPU 0", pid 1); its threads
are the tracks: "hardirq" (top halves), "softirq" (softirq vectors, the
tasklets inside them) and one per kernel thread that ran there ("shell
(tid 6)", "kworker/0:0 (tid 4)", "idle"). Slices are the handlers,
softirq passes, tasklets, work functions and each run of a thread; the
small marks are raises, tasklet schedules, queue_work calls and wakeups,
and an arrow goes from each to what it caused.

Perfetto's own ftrace-text importer ignores irq_* and softirq_* events,
which is why this tool writes JSON. Timestamps are microseconds (floats,
to the nanosecond) since boot; displayTimeUnit "ns" shows them finely.

Exit status 0, or 2 if the dump is not a well-formed trace dump.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracedump  # noqa: E402
from tracedump import HARDIRQ, SOFTIRQ  # noqa: E402

# Per CPU, track numbers (the JSON's tid) are CPU * TRACKS_PER_CPU + n:
# n = 1 hardirq, 2 softirq, 3... the threads in the order of their tids.
# They are unique over the whole trace, as some viewers key threads by tid.
TRACKS_PER_CPU = 1000


def pid(cpu):
    """CPU n is process n + 1: Perfetto takes pid 0 for Linux's swapper
    and treats it specially (its maintainers advise synthetic traces to
    start at 1)."""
    return cpu + 1


def us(ns):
    """The Trace Event format's time unit: microseconds, here to the ns."""
    return round(ns / 1000.0, 3)


def track_numbers(timeline):
    """Track -> the tid it has in the JSON."""
    numbers, next_on_cpu = {}, {}
    for track in timeline.tracks:          # sorted: hardirq, softirq, threads
        n = next_on_cpu.get(track.cpu, 3)
        if track.kind == HARDIRQ:
            number = 1
        elif track.kind == SOFTIRQ:
            number = 2
        else:
            number, next_on_cpu[track.cpu] = n, n + 1
        numbers[track] = track.cpu * TRACKS_PER_CPU + number
    return numbers


def metadata(timeline, numbers):
    """"M" records: each CPU a process, each track a named thread, in order."""
    events = []
    for cpu in sorted({t.cpu for t in timeline.tracks}):
        events.append({"ph": "M", "name": "process_name", "pid": pid(cpu), "tid": 0,
                       "args": {"name": f"CPU {cpu}"}})
        events.append({"ph": "M", "name": "process_sort_index", "pid": pid(cpu), "tid": 0,
                       "args": {"sort_index": cpu}})
    for track in timeline.tracks:
        tid = numbers[track]
        events.append({"ph": "M", "name": "thread_name", "pid": pid(track.cpu), "tid": tid,
                       "args": {"name": timeline.track_name(track)}})
        events.append({"ph": "M", "name": "thread_sort_index", "pid": pid(track.cpu), "tid": tid,
                       "args": {"sort_index": tid}})
    return events


def flow_end_ns(dst):
    """Inside the slice it binds to (bp "e": the enclosing slice), one ns
    after its start if it lasts that long, so that no viewer can sort the
    arrow's end before the slice's beginning."""
    return dst.start + 1 if dst.dur >= 2 else dst.start


def convert(timeline):
    """The Trace Event JSON object for `timeline`."""
    numbers = track_numbers(timeline)
    events = metadata(timeline, numbers)
    for s in timeline.slices:
        events.append({"ph": "X", "name": s.name, "cat": s.category, "ts": us(s.start),
                       "dur": us(s.dur), "pid": pid(s.track.cpu), "tid": numbers[s.track],
                       "args": s.args})
    for i in timeline.instants:
        events.append({"ph": "i", "s": "t", "name": i.name, "cat": i.category,
                       "ts": us(i.ns), "pid": pid(i.track.cpu), "tid": numbers[i.track],
                       "args": i.args})
    for f in timeline.flows:
        common = {"name": f.name, "cat": "flow", "id": f.id}
        events.append(dict(common, ph="s", ts=us(f.src_ns), pid=pid(f.src_track.cpu),
                           tid=numbers[f.src_track]))
        events.append(dict(common, ph="f", bp="e", ts=us(flow_end_ns(f.dst)),
                           pid=pid(f.dst.track.cpu), tid=numbers[f.dst.track]))
    trace = timeline.trace
    return {"traceEvents": events, "displayTimeUnit": "ns",
            "otherData": {"source": "Interlude trace dump", "cpus": trace.nr_cpus,
                          "records": len(trace.records), "lost": sum(trace.lost)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", help="the binary dump (e.g. build/trace.bin)")
    parser.add_argument("-o", "--output", help="the JSON file (default: DUMP with .json)")
    args = parser.parse_args()
    out = args.output or os.path.splitext(args.dump)[0] + ".json"
    timeline = tracedump.load(args.dump)
    with open(out, "w") as f:
        json.dump(convert(timeline), f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: {len(timeline.slices)} slices, {len(timeline.instants)} instants, "
          f"{len(timeline.flows)} flows on {len(timeline.tracks)} tracks")
    print(f"open it: https://ui.perfetto.dev -> Open trace file -> {os.path.abspath(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
