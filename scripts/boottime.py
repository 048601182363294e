#!/usr/bin/env python3
"""Measure wall time from starting QEMU to the first kernel log line.

    python3 scripts/boottime.py [--runs N]

Boots build/interlude.elf with -kernel and build/interlude.iso with -cdrom,
N times each, and prints the median time to the first "[    0.0" line and
to the shell prompt. Wall-clock figures: they vary with the host's load.
"""
import argparse
import os
import select
import statistics
import subprocess
import time

QEMU = ["qemu-system-i386", "-display", "none", "-nodefaults", "-no-reboot",
        "-m", "128M", "-serial", "stdio",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def one_boot(extra):
    start = time.monotonic()
    p = subprocess.Popen(QEMU + extra, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    buf, first, prompt = b"", None, None
    try:
        while prompt is None and time.monotonic() - start < 20:
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                now = time.monotonic() - start
                if first is None and b"] Interlude" in buf:
                    first = now
                if b"interlude> " in buf:
                    prompt = now
    finally:
        p.kill()
        p.wait()
    return first, prompt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for name, extra in (("-kernel", ["-kernel", "build/interlude.elf"]),
                        ("-cdrom (GRUB)", ["-cdrom", "build/interlude.iso"])):
        runs = [one_boot(extra) for _ in range(args.runs)]
        firsts = [f for f, _ in runs if f is not None]
        prompts = [p for _, p in runs if p is not None]
        print("%-14s first kernel line %.3f s, prompt %.3f s (median of %d)"
              % (name, statistics.median(firsts), statistics.median(prompts),
                 len(firsts)))


if __name__ == "__main__":
    main()
