#!/usr/bin/env python3
"""make bench: run the in-kernel benchmarks under QEMU's -icount.

    python3 tests/bench.py --elf build/interlude.elf [--select NAME,NAME]

With -icount shift=0,align=off,sleep=off the guest TSC advances by one per
instruction, so every figure is an instruction count and repeats exactly.
The kernel is booted twice; the two runs must agree, and neither may print
a report line (BUG:, WARNING:, ...: tests/harness/reports.py). The table
is printed and written to build/bench.txt.

With --update-docs (what `make bench` passes) the bench regions and inline
figures of README.md and docs/*.md are regenerated from this run, and the
pages that changed are named (tests/harness/benchdocs.py; `make test`
fails a page whose figures differ from its build's).
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True     # keep tests/ free of __pycache__
from harness import benchdocs, reports  # noqa: E402
from harness.qemu import initrd_args  # noqa: E402

# Two CPUs, for the SMP rows (tests/kernel/smp_bench.c). QEMU's TCG runs
# them in turn on one host thread (no -accel thread=multi), which keeps
# -icount deterministic; the other rows run on CPU 0 while CPU 1 idles
# in hlt, and count what they counted at -smp 1.
QEMU = ["qemu-system-i386", "-icount", "shift=0,align=off,sleep=off",
        "-smp", "2",
        "-display", "none", "-nodefaults", "-no-reboot", "-m", "128M",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-serial", "stdio", "-rtc", "clock=vm"]
LINE = re.compile(r"^BENCH (\S+) (\d+) (.*)$")
TIMEOUT = 300
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(elf, select):
    cmd = QEMU + ["-kernel", elf, "-append", f"bench={select}"] + initrd_args(elf)
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=TIMEOUT)
    out = proc.stdout.decode("ascii", "replace").replace("\r", "")
    if proc.returncode != 1:      # qemu_exit(0) -> status 1
        sys.exit(f"bench: QEMU exited with status {proc.returncode}:\n{out[-3000:]}")
    problems = reports.check(out)
    if problems:
        sys.exit("bench: " + "\n".join(problems) + f"\n{out[-3000:]}")
    rows = [LINE.match(l).groups() for l in out.splitlines() if LINE.match(l)]
    if not rows:
        sys.exit(f"bench: no BENCH lines in the output:\n{out[-3000:]}")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default="build/interlude.elf")
    ap.add_argument("--select", default="all")
    ap.add_argument("--out", default="build/bench.txt")
    ap.add_argument("--update-docs", action="store_true",
                    help="regenerate the bench figures in README.md and docs/*.md")
    args = ap.parse_args()

    first = run_once(args.elf, args.select)
    second = run_once(args.elf, args.select)
    same = first == second
    width = max(len(name) for name, _, _ in first)
    lines = ["Interlude benchmarks (instructions, QEMU -icount shift=0)", ""]
    lines.append(f"{'benchmark':<{width}}  {'instr':>8}  what")
    for name, value, what in first:
        lines.append(f"{name:<{width}}  {int(value):>8}  {what}")
    lines.append("")
    lines.append("repeat run: " + ("identical" if same else "DIFFERENT"))
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text + "\n")
    if not same:
        return 1
    if args.update_docs:
        return update_docs(text)
    return 0


def update_docs(table):
    """Rewrite the pages' bench figures from this run's table."""
    if "--select" in sys.argv:
        sys.exit("bench: --update-docs needs every benchmark (no --select)")
    print()
    return benchdocs.update_pages_and_report(REPO_ROOT, benchdocs.parse_table(table))


if __name__ == "__main__":
    sys.exit(main())
