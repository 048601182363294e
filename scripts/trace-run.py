#!/usr/bin/env python3
"""Trace one shell command line on a real boot: `make trace CMD="defer tasklet"`.

Boots the kernel in QEMU (two CPUs unless --smp says otherwise) with an
isa-debugcon device whose output goes to a file, waits for the shell, types

    trace clear; trace on EVENTS; CMD; trace off; trace dump

(one line each), waits for the dump's confirmation, and leaves the binary
dump in OUT (build/trace.bin). If the converters are there
(scripts/trace2perfetto.py, scripts/trace2svg.py) it runs them too and says
where the JSON and the SVG are and how to open the JSON in ui.perfetto.dev.
The dump's format is in docs/tracing.md ("The dump").
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.dont_write_bytecode = True

from harness.qemu import Machine, MachineError  # noqa: E402
from harness.shell import Shell                 # noqa: E402

DUMPED = re.compile(r"trace: dumped (\d+) records \((\d+) bytes\)")


def run(args):
    out = os.path.abspath(args.out)
    if os.path.exists(out):
        os.remove(out)
    qemu = ["-smp", str(args.smp),
            "-chardev", f"file,id=tracedump,path={out}",
            "-device", "isa-debugcon,iobase=0xe9,chardev=tracedump",
            "-device", "edu"]  # as make run's machine: run useredu works
    with Machine.boot_elf(args.elf, append=args.append, extra_args=qemu,
                          name="trace") as m:
        sh = Shell(m)
        sh.wait_prompt(timeout=60)
        sh.run("trace clear")
        answer = sh.run(f"trace on {args.events}")
        if not answer.startswith("trace: on:"):
            sys.exit(f"trace-run: the kernel refused the events: {answer.strip()}")
        shown = sh.run(args.cmd, timeout=args.timeout)
        sh.run("trace off")
        dumped = sh.run("trace dump", timeout=120)
        mo = DUMPED.search(dumped)
        if not mo:
            sys.exit(f"trace-run: no dump confirmation:\n{dumped}")
    size = os.path.getsize(out) if os.path.exists(out) else 0
    if size != int(mo.group(2)):
        sys.exit(f"trace-run: {out} has {size} bytes, the kernel wrote {mo.group(2)}")
    print(f"interlude> {args.cmd}\n{shown.rstrip()}")
    print(f"trace-run: {mo.group(1)} records, {size} bytes in {out}")
    return out


def convert(dump, base):
    for tool, ext in (("trace2perfetto.py", "json"), ("trace2svg.py", "svg")):
        done = subprocess.run([sys.executable, os.path.join(HERE, tool), dump,
                               "-o", f"{base}.{ext}"])
        if done.returncode:   # the converter said why, on stderr
            sys.exit(done.returncode)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--elf", default=os.path.join(ROOT, "build", "interlude.elf"))
    p.add_argument("--cmd", default="defer tasklet", help="the shell command line to trace")
    p.add_argument("--events", default="all", help="trace on's events (all, groups, names)")
    p.add_argument("--append", default="", help="kernel command line")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds for CMD")
    p.add_argument("--out", default=os.path.join(ROOT, "build", "trace.bin"))
    args = p.parse_args()
    try:
        dump = run(args)
    except MachineError as e:
        sys.exit(f"trace-run: {e}")
    convert(dump, os.path.splitext(dump)[0])


if __name__ == "__main__":
    main()
