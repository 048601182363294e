#!/usr/bin/env python3
"""An Interlude trace dump -> an SVG timeline picture, readable on its own.

    scripts/trace2svg.py build/trace.bin [-o build/trace.svg]
                         [--from US --to US] [--width PX]

One lane per CPU x context, labelled on the left: each CPU's "hardirq"
lane (top halves), "softirq" lane (softirq vectors, the tasklets inside
them drawn one row lower) and a lane per thread that ran there (its runs,
with the work functions inside them one row lower). Slices are boxes with
their name and duration where they fit (hover for the exact figures);
small triangles are raises, tasklet schedules, queue_work calls and
wakeups; arrows go from each to what it caused. The axis counts from the
window's start; the title says where that is since boot.

--from/--to pick a window, in microseconds since boot (the times that
trace2perfetto.py's JSON and `trace show` use); slices are cut at its
edges, an arrow is drawn if both its ends are inside. Standard library only.
Exit status 0, or 2 if the dump is not a well-formed trace dump.
"""

import argparse
import os
import sys
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracedump  # noqa: E402

COLOURS = {             # fill of each kind of slice, and the legend's words
    "irq": ("#e06666", "hard IRQ handler"),
    "softirq": ("#f6b26b", "softirq vector"),
    "tasklet": ("#6fa8dc", "tasklet"),
    "workqueue": ("#93c47d", "work function"),
    "sched": ("#b4a7d6", "thread running"),
    "syscall": ("#ffd966", "system call"),
    "exception": ("#c27ba0", "exception"),
    "idle": ("#e3e3e3", "idle thread"),
}
FLOW_COLOURS = {
    "softirq_raise -> softirq_entry": "#b45f06",
    "tasklet_schedule -> tasklet_entry": "#0b5394",
    "queue_work -> execute_start": "#38761d",
    "sched_wakeup -> run": "#674ea7",
}

LABEL_W = 190           # the lane labels' column
MARGIN = 16
ROW_H = 18              # one depth of slices
LANE_PAD = 4
CPU_HEAD_H = 20
CHAR_W = 6.1            # monospace 10 px, roughly
FAMILY = 'font-family="DejaVu Sans Mono,monospace"'
FONT = FAMILY + ' font-size="10"'


def fmt_ns(ns):
    """A duration with its unit: 840 ns, 12.3 us, 4.56 ms, 1.2 s."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            v = ns / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{ns} ns"


def tick_step(span):
    """A round axis step (1, 2 or 5 x 10^k ns) giving 5 to 12 ticks."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if span / (step * m) <= 12:
                return step * m
        step *= 10


class Picture:
    def __init__(self, timeline, width, t0, t1):
        self.tl, self.width = timeline, width
        self.t0, self.t1 = t0, max(t1, t0 + 1)
        self.plot_w = width - LABEL_W - 2 * MARGIN
        self.out = []
        self.lane_y = {}            # Track -> y of the lane's top
        self.drawn = {"slices": 0, "arrows": 0}

    def x(self, ns):
        return MARGIN + LABEL_W + (ns - self.t0) * self.plot_w / (self.t1 - self.t0)

    def emit(self, s):
        self.out.append(s)

    def visible(self, start, end):
        return end >= self.t0 and start <= self.t1

    # -- the parts of the picture, top to bottom --

    def title(self, y, source):
        trace = self.tl.trace
        lost = sum(trace.lost)
        self.emit(f'<text x="{MARGIN}" y="{y}" {FAMILY} font-size="13" font-weight="bold">'
                  f'{escape(source)}: {trace.nr_cpus} CPU(s), {len(trace.records)} records, '
                  f'{lost} lost</text>')
        quiet = sorted(set(range(trace.nr_cpus)) - {t.cpu for t in self.tl.tracks})
        silent = f"; no records from CPU {', '.join(map(str, quiet))}" if quiet else ""
        self.emit(f'<text x="{MARGIN}" y="{y + 16}" {FONT}>time 0 on the axis is '
                  f'{self.t0 / 1e6:.6f} ms after boot; the window is {fmt_ns(self.t1 - self.t0)}'
                  f'{silent}</text>')
        return y + 28

    def axis(self, y, bottom):
        step = tick_step(self.t1 - self.t0)
        self.emit(f'<g class="axis"><line x1="{self.x(self.t0):.1f}" y1="{y + 14}" '
                  f'x2="{self.x(self.t1):.1f}" y2="{y + 14}" stroke="black"/>')
        t = 0
        while self.t0 + t <= self.t1:
            x = self.x(self.t0 + t)
            self.emit(f'<line x1="{x:.1f}" y1="{y + 10}" x2="{x:.1f}" y2="{bottom}" '
                      f'stroke="#cccccc" stroke-width="0.5"/>')
            label = "0" if t == 0 else fmt_ns(t)
            self.emit(f'<text x="{x:.1f}" y="{y + 8}" {FONT} text-anchor="middle">{label}</text>')
            t += step
        self.emit("</g>")
        return y + 18

    def lanes(self, y):
        """Each CPU's header and its lanes; the y below them."""
        depth = {}
        for s in self.tl.slices:
            depth[s.track] = max(depth.get(s.track, 0), s.depth)
        # A thread with nothing in the window gets no lane (a picture of
        # one story would otherwise list every thread of the trace).
        busy = {s.track for s in self.tl.slices if self.visible(s.start, s.end)}
        cpu = None
        for track in self.tl.tracks:
            if track.kind == tracedump.THREAD and track not in busy:
                continue
            if track.cpu != cpu:
                cpu = track.cpu
                self.emit(f'<text class="cpu" x="{MARGIN}" y="{y + 14}" {FAMILY} font-size="12" '
                          f'font-weight="bold">CPU {cpu}</text>')
                y += CPU_HEAD_H
            h = (depth.get(track, 0) + 1) * ROW_H + 2 * LANE_PAD
            self.lane_y[track] = y
            name = self.tl.track_name(track)
            self.emit(f'<g class="lane" data-cpu="{track.cpu}" data-kind="{track.kind}" '
                      f'data-name={quoteattr(name)}>')
            self.emit(f'<rect x="{MARGIN}" y="{y}" width="{self.width - 2 * MARGIN}" '
                      f'height="{h}" fill="#f8f8f8" stroke="#dddddd"/>')
            self.emit(f'<text x="{MARGIN + 14}" y="{y + LANE_PAD + 12}" {FONT}>'
                      f'{escape(name)}</text></g>')
            y += h
        return y

    def slices(self):
        for s in self.tl.slices:
            if not self.visible(s.start, s.end):
                continue
            x0, x1 = self.x(max(s.start, self.t0)), self.x(min(s.end, self.t1))
            w = max(x1 - x0, 1.0)
            y = self.lane_y[s.track] + LANE_PAD + s.depth * ROW_H
            kind = "idle" if s.category == "sched" and s.args.get("tid") == 0 else s.category
            tip = f"{s.name}: {fmt_ns(s.dur)} from {s.start / 1000:.3f} us"
            # A context with no traced entry (tracedump's span): dashed, paler.
            style = ' fill-opacity="0.45" stroke-dasharray="2,1"' if "note" in s.args else ""
            self.emit(f'<g class="slice" data-name={quoteattr(s.name)}>'
                      f'<title>{escape(tip)}</title>'
                      f'<rect x="{x0:.2f}" y="{y + 1}" width="{w:.2f}" height="{ROW_H - 2}" '
                      f'fill="{COLOURS[kind][0]}" stroke="#555555" stroke-width="0.4"{style}/>')
            self.drawn["slices"] += 1
            text = self.fitting_label(s, w)
            if text:
                self.emit(f'<text x="{x0 + 2:.2f}" y="{y + 13}" {FONT}>{escape(text)}</text>')
            self.emit("</g>")

    def fitting_label(self, s, w):
        for text in (f"{s.name} {fmt_ns(s.dur)}", s.name):
            if len(text) * CHAR_W + 4 <= w:
                return text
        return ""

    def instants(self):
        for i in self.tl.instants:
            if not self.visible(i.ns, i.ns):
                continue
            x, y = self.x(i.ns), self.lane_y[i.track] + 1
            self.emit(f'<path class="instant" d="M{x - 3:.2f},{y} h6 l-3,5 z" fill="black">'
                      f'<title>{escape(i.name)} at {i.ns / 1000:.3f} us</title></path>')

    def flows(self):
        for f in self.tl.flows:
            if not (self.visible(f.src_ns, f.src_ns) and self.visible(f.dst.start, f.dst.start)):
                continue
            x0, y0 = self.x(f.src_ns), self.lane_y[f.src_track] + 6
            x1 = self.x(f.dst.start)
            y1 = self.lane_y[f.dst.track] + LANE_PAD + f.dst.depth * ROW_H + ROW_H / 2
            self.drawn["arrows"] += 1
            colour = FLOW_COLOURS[f.name]
            bend = max(abs(x1 - x0) / 2, 12)
            self.emit(f'<path class="flow" data-flow={quoteattr(f.name)} '
                      f'd="M{x0:.2f},{y0:.1f} C{x0 + bend:.2f},{y0:.1f} {x1 - bend:.2f},{y1:.1f} '
                      f'{x1:.2f},{y1:.1f}" fill="none" stroke="{colour}" stroke-width="1.2" '
                      f'marker-end="url(#arrow-{self.arrow_ids[f.name]})">'
                      f'<title>{escape(f.name)}</title></path>')

    def defs(self):
        self.arrow_ids = {name: i for i, name in enumerate(FLOW_COLOURS)}
        self.emit("<defs>")
        for name, i in self.arrow_ids.items():
            self.emit(f'<marker id="arrow-{i}" viewBox="0 0 10 10" refX="9" refY="5" '
                      f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                      f'<path d="M0,0 L10,5 L0,10 z" fill="{FLOW_COLOURS[name]}"/></marker>')
        self.emit("</defs>")

    def legend(self, y):
        self.emit(f'<g class="legend"><text x="{MARGIN}" y="{y + 12}" {FONT} '
                  f'font-weight="bold">legend</text>')
        x = MARGIN + 60
        for fill, words in COLOURS.values():
            self.emit(f'<rect x="{x}" y="{y + 2}" width="14" height="12" fill="{fill}" '
                      f'stroke="#555555" stroke-width="0.4"/>'
                      f'<text x="{x + 18}" y="{y + 12}" {FONT}>{words}</text>')
            x += 26 + len(words) * CHAR_W
        self.emit(f'<rect x="{x}" y="{y + 2}" width="14" height="12" fill="#e06666" '
                  f'fill-opacity="0.45" stroke="#555555" stroke-dasharray="2,1"/>'
                  f'<text x="{x + 18}" y="{y + 12}" {FONT}>no entry traced</text>')
        x += 26 + 15 * CHAR_W
        y += 20
        x = MARGIN + 60
        self.emit(f'<path d="M{x + 4},{y + 3} h6 l-3,5 z" fill="black"/>'
                  f'<text x="{x + 16}" y="{y + 12}" {FONT}>raise / schedule / queue / wakeup'
                  f'</text>')
        x += 36 + 33 * CHAR_W
        for name, i in self.arrow_ids.items():
            self.emit(f'<line x1="{x}" y1="{y + 8}" x2="{x + 24}" y2="{y + 8}" '
                      f'stroke="{FLOW_COLOURS[name]}" stroke-width="1.2" '
                      f'marker-end="url(#arrow-{i})"/>'
                      f'<text x="{x + 30}" y="{y + 12}" {FONT}>{escape(name)}</text>')
            x += 44 + len(name) * CHAR_W
        self.emit("</g>")
        return y + 24

    def render(self, source):
        self.defs()
        y = self.title(MARGIN + 10, source)
        lanes_top = y + 18
        bottom = self.lanes(lanes_top)
        self.axis(y, bottom)
        self.slices()
        self.instants()
        self.flows()
        height = self.legend(bottom + 10) + MARGIN
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
                f'height="{height}" viewBox="0 0 {self.width} {height}">'
                f'<rect width="100%" height="100%" fill="white"/>')
        return "\n".join([head] + self.out + ["</svg>"]) + "\n"


def picture(timeline, width=1400, start_us=None, end_us=None):
    """The Picture of `timeline` for the window [start_us, end_us]
    (microseconds since boot; None: the whole trace)."""
    t0 = timeline.start if start_us is None else int(start_us * 1000)
    t1 = timeline.end if end_us is None else int(end_us * 1000)
    return Picture(timeline, width, t0, t1)


def render(timeline, source="trace", width=1400, start_us=None, end_us=None):
    """The SVG text of `timeline` (see picture())."""
    return picture(timeline, width, start_us, end_us).render(source)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", help="the binary dump (e.g. build/trace.bin)")
    parser.add_argument("-o", "--output", help="the SVG file (default: DUMP with .svg)")
    parser.add_argument("--from", dest="start", type=float, metavar="US",
                        help="window start, microseconds since boot")
    parser.add_argument("--to", dest="end", type=float, metavar="US",
                        help="window end, microseconds since boot")
    parser.add_argument("--width", type=int, default=1400, help="picture width in pixels")
    args = parser.parse_args()
    if args.start is not None and args.end is not None and args.end <= args.start:
        parser.error(f"--to {args.end:g} is not after --from {args.start:g}")
    out = args.output or os.path.splitext(args.dump)[0] + ".svg"
    timeline = tracedump.load(args.dump)
    pic = picture(timeline, args.width, args.start, args.end)
    with open(out, "w") as f:
        f.write(pic.render(os.path.basename(args.dump)))
    if timeline.trace.records and (pic.t1 < timeline.start or pic.t0 > timeline.end):
        print(f"trace2svg.py: warning: the window holds none of the trace, which spans "
              f"{timeline.start / 1000:.3f} to {timeline.end / 1000:.3f} us", file=sys.stderr)
    print(f"wrote {out}: {len(timeline.tracks)} lanes, {pic.drawn['slices']} slices, "
          f"{pic.drawn['arrows']} arrows; open it in a web browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
