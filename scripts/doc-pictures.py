#!/usr/bin/env python3
"""`make pictures`: the timeline pictures at the top of the mechanism pages,
each made from a real trace (never drawn by hand).

For each picture: boot, trace one shell command (scripts/trace-run.py:
`defer MECHANISM`, whose top half is a handler on the software-fired line
irq 22 "defer"; a typed line, for the keystroke; `run useredu`, for the
user-space driver), then cut the window
from the first time the story starts to the first time it ends, and draw
it (scripts/trace2svg.py) into docs/pictures/NAME.svg.

Each picture ends with its story as a comment, `<!-- story: A | B | ... -->`:
the names of the slices and marks of the story in time order, each
once: its first interrupt, what happened inside it, what that caused (a
raise -> the softirq, a wakeup -> the thread's run), and so on, up to the
story's end - not what merely ran meanwhile - with kworker numbers left
out. `--check` traces
every command again and compares the story with the committed picture's:
a code path that changed (a step added, a function renamed) fails until
`make pictures` draws it again (make test's pictures/NAME).
"""

import os
import re
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
# Threads whose doings in the window belong to the story though nothing
# traced links them to it: useredu raised the edu interrupt itself and was
# running when it came, so no wakeup leads from the interrupt to it.
ALSO = {"user-driver": ("useredu",)}
EVENTS = "irq,softirq,tasklet,sched,workqueue,uio,syscall"


def schedules_rx(trace, recs, i):
    """Does the handler entered at recs[i] schedule ttyS0's RX tasklet
    before it exits (a received byte, not a transmit interrupt)?"""
    for x in recs[i + 1:]:
        if x.cpu != recs[i].cpu:
            continue
        if x.name == "irq_handler_exit":
            return False
        if x.name == "tasklet_schedule" and trace.string(x.args[1]) == "ttyS0-rx":
            return True
    return False


def window(trace, handler, ends):
    """[from, to] in ns: the first irq_handler_entry of `handler`
    (for the keystroke: the first one followed by its RX tasklet) to the
    first record after it that `ends` the story."""
    recs = trace.records
    for i, r in enumerate(recs):
        if r.name != "irq_handler_entry" or trace.string(r.args[1]) != handler:
            continue
        if handler == "ttyS0" and not schedules_rx(trace, recs, i):
            continue
        if ends == "irq_thread":   # the woken irq/N thread switching away
            wake = next(x for x in recs[i:] if x.name == "irq_thread_wake")
            ends = lambda t, e, tid=wake.args[2]: e.name == "sched_switch" and e.args[0] == tid
        for e in recs[i:]:
            if ends(trace, e):
                return r.ns, e.ns
    raise SystemExit(f"doc-pictures: the story for {handler} is not in the trace")


# What a window may catch besides the story, and names that vary by run.
NOISE = re.compile(r"^(irq 0:|(softirq|raise) (TIMER|SCHED|HRTIMER)|hard IRQ \(|softirq \()")
KWORKER = re.compile(r"kworker/\d+:\d+(H?)")
STORY = re.compile(r"<!-- story: (.*) -->")
CAUSE = re.compile(r"^(raise|schedule|queue_work|wakeup) ")


def trace(name, dump, elf=None):
    """Boot (build/interlude.elf, or elf), trace the picture's command,
    dump to `dump`."""
    cmd = PICTURES[name][0]
    subprocess.run([sys.executable, os.path.join(HERE, "trace-run.py"), "--cmd", cmd,
                    "--events", EVENTS, "--smp", "1", "--out", dump]
                   + (["--elf", elf] if elf else []),
                   check=True, stdout=subprocess.DEVNULL)
    # (check=True: trace-run and trace2svg print their own errors)


def story(dump, name):
    """The picture's story from a dump: see the module's doc."""
    _, handler, ends = PICTURES[name]
    t0, t1 = window(tracedump.read(dump), handler, ends)
    timeline = tracedump.load(dump)
    first = min((s for s in timeline.slices if t0 <= s.start <= t1), key=lambda s: s.start)
    also = [s for s in timeline.slices if s.start <= t1 and s.end >= t0 and s.category == "sched"
            and timeline.trace.thread_name(s.args["tid"]) in ALSO.get(name, ())]
    names = [n for _, n in sorted(chain(timeline, [first] + also, t0, t1))]
    unique = []
    for n in names:
        n = KWORKER.sub(r"kworker/N:M\1", n)
        if n not in unique:
            unique.append(n)
    return unique, (t0 / 1000 - MARGIN_US, t1 / 1000 + MARGIN_US)


def chain(timeline, roots, t0, t1):
    """(time, name) of the story's slices and marks: the roots (the first
    slice, and any ALSO thread's runs); what
    happened inside a slice of the story; and what a cause inside one
    caused (the flows), if it began by t1 - so a thread that merely ran
    meanwhile (the idle thread, ksoftirqd on a loaded host) is not in it."""
    def inside(track, ns, within):
        return any(s.track == track and s.start <= ns <= s.end for s in within)

    story = {id(s): s for s in roots}
    grown = True
    while grown:
        grown = False
        held = list(story.values())
        for s in timeline.slices:
            if id(s) not in story and t0 <= s.start <= t1 and inside(s.track, s.start, held):
                story[id(s)] = s
                grown = True
        for f in timeline.flows:
            if (id(f.dst) not in story and t0 <= f.dst.start <= t1
                    and inside(f.src_track, f.src_ns, held)):
                story[id(f.dst)] = f.dst
                grown = True
    held = list(story.values())
    caused = {(f.src_track, f.src_ns) for f in timeline.flows if id(f.dst) in story}
    items = [(s.start, s.name) for s in held]
    items += [(i.ns, i.name) for i in timeline.instants
              if t0 <= i.ns <= t1 and inside(i.track, i.ns, held)
              and (not CAUSE.match(i.name) or (i.track, i.ns) in caused)]
    return [(ns, n) for ns, n in items if not NOISE.match(n)]


def draw(name):
    dump = os.path.join(BUILD, f"{name}.bin")
    trace(name, dump)
    names, (start, end) = story(dump, name)
    svg = os.path.join(OUT_DIR, f"{name}.svg")
    subprocess.run([sys.executable, os.path.join(HERE, "trace2svg.py"), dump, "-o", svg,
                    "--from", f"{start:.3f}", "--to", f"{end:.3f}", "--width", "1100"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(svg) as f:
        text = f.read()
    with open(svg, "w") as f:
        f.write(text.replace("</svg>", f"<!-- story: {' | '.join(names)} -->\n</svg>", 1))


def check(name, elf=None):
    """None if the committed picture tells today's story, else why not."""
    svg = os.path.join(OUT_DIR, f"{name}.svg")
    try:
        with open(svg) as f:
            found = STORY.search(f.read())
    except OSError as e:
        return f"{os.path.relpath(svg, ROOT)}: {e.strerror}: run `make pictures`"
    if not found:
        return f"{os.path.relpath(svg, ROOT)} has no story comment: run `make pictures`"
    dump = os.path.join(BUILD, "check", f"{name}.bin")
    os.makedirs(os.path.dirname(dump), exist_ok=True)
    trace(name, dump, elf)
    now = " | ".join(story(dump, name)[0])
    if now != found.group(1):
        return (f"{os.path.relpath(svg, ROOT)} is out of date: run `make pictures`\n"
                f"  picture: {found.group(1)}\n  today:   {now}")
    return None


def main():
    if sys.argv[1:] == ["--check"]:
        problems = [(n, check(n)) for n in PICTURES]
        for n, p in problems:
            print(f"ok   picture/{n}" if p is None else f"FAIL picture/{n}\n    {p}")
        return 1 if any(p for _, p in problems) else 0
    os.makedirs(OUT_DIR, exist_ok=True)
    os.makedirs(BUILD, exist_ok=True)
    for name in PICTURES:
        draw(name)
    print(f"doc-pictures: {len(PICTURES)} pictures in {os.path.relpath(OUT_DIR, ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
