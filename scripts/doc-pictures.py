#!/usr/bin/env python3
"""`make pictures`: the timeline pictures at the top of the mechanism pages,
each made from a real trace (never drawn by hand).

For each picture: boot, trace one shell command (scripts/trace-run.py:
`defer MECHANISM`, whose top half is a handler on the software-fired line
irq 22 "defer"; a typed line, for the keystroke; `run useredu`, for the
user-space driver), then cut the window
from the first time the story starts to the first time it ends, and draw
it (scripts/trace2svg.py) into docs/pictures/NAME.svg.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import tracedump  # noqa: E402

OUT_DIR = os.path.join(ROOT, "docs", "pictures")
BUILD = os.path.join(ROOT, "build", "pictures")
MARGIN_US = 15

# name -> (shell command, does a record start the story, does one end it)
PICTURES = {
    "softirq": ("defer softirq", "defer",
                lambda t, r: r.name == "softirq_exit" and r.args[0] == 4),
    "tasklet": ("defer tasklet", "defer", lambda t, r: r.name == "tasklet_exit"),
    "bh-work": ("defer bh", "defer", lambda t, r: r.name == "workqueue_execute_end"),
    "workqueue": ("defer workqueue", "defer", lambda t, r: r.name == "workqueue_execute_end"),
    "threaded": ("defer threaded", "defer", "irq_thread"),
    "keystroke": ("echo a keystroke", "ttyS0",
                  lambda t, r: r.name == "sched_switch" and t.thread_name(r.args[2]) == "shell"),
    # the edu device's interrupt, its uio top half, useredu's wait
    # returning in ring 3 (its system call) and its ack
    "user-driver": ("run useredu", "uio:useredu", lambda t, r: r.name == "uio_ack"),
}
EVENTS = "irq,softirq,tasklet,sched,workqueue,uio,syscall"


def window(trace, handler, ends):
    """[from, to] in microseconds: the first irq_handler_entry of `handler`
    (for the keystroke: the first one followed by its RX tasklet) to the
    first record after it that `ends` the story."""
    recs = trace.records
    for i, r in enumerate(recs):
        if r.name != "irq_handler_entry" or trace.string(r.args[1]) != handler:
            continue
        if handler == "ttyS0" and not any(x.name == "tasklet_schedule" for x in recs[i:i + 4]):
            continue
        if ends == "irq_thread":   # the woken irq/N thread switching away
            wake = next(x for x in recs[i:] if x.name == "irq_thread_wake")
            ends = lambda t, e, tid=wake.args[2]: e.name == "sched_switch" and e.args[0] == tid
        for e in recs[i:]:
            if ends(trace, e):
                return r.ns / 1000 - MARGIN_US, e.ns / 1000 + MARGIN_US
    raise SystemExit(f"doc-pictures: the story for {handler} is not in the trace")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    os.makedirs(BUILD, exist_ok=True)
    for name, (cmd, handler, ends) in PICTURES.items():
        dump = os.path.join(BUILD, f"{name}.bin")
        subprocess.run([sys.executable, os.path.join(HERE, "trace-run.py"), "--cmd", cmd,
                        "--events", EVENTS, "--smp", "1",
                        "--out", dump], check=True, stdout=subprocess.DEVNULL)
        # (check=True: trace-run and trace2svg print their own errors)
        start, end = window(tracedump.read(dump), handler, ends)
        svg = os.path.join(OUT_DIR, f"{name}.svg")
        subprocess.run([sys.executable, os.path.join(HERE, "trace2svg.py"), dump, "-o", svg,
                        "--from", f"{start:.3f}", "--to", f"{end:.3f}", "--width", "1100"],
                       check=True)
    print(f"doc-pictures: {len(PICTURES)} pictures in {os.path.relpath(OUT_DIR, ROOT)}/")


if __name__ == "__main__":
    main()
