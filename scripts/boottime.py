#!/usr/bin/env python3
"""How long Interlude takes to boot, as a ratio to a floor kernel.

    python3 scripts/boottime.py [--runs N] [--build DIR]

The floor (scripts/floor/floor.S) is the least a Multiboot kernel can do
and still be seen: print one line on COM1. This script builds it (ELF and
a GRUB ISO made with the same grub-mkrescue options as Interlude's), then
boots, alternating so that a change in the host's load hits both alike:

    floor -kernel, Interlude -kernel, floor ISO, Interlude ISO, ...

and measures the wall time from starting QEMU to the floor's line and to
Interlude's shell prompt. It prints the medians and the two ratios the
project aims for (-kernel at most 1.5x the floor, the ISO at most 1.2x).
Wall-clock figures: they vary with the host's load; the ratios much less.
"""
import argparse
import os
import select
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.dont_write_bytecode = True
from harness.qemu import initrd_args  # noqa: E402

QEMU = ["qemu-system-i386", "-display", "none", "-nodefaults", "-no-reboot",
        "-m", "128M", "-serial", "stdio",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
CC = "i686-linux-gnu-gcc"
GRUB_MODULES = "multiboot normal part_msdos iso9660 biosdisk configfile"
FLOOR_CFG = """set timeout=0
set default=0
menuentry "floor" {
\tmultiboot /boot/floor.elf
\tboot
}
"""
BOOT_TIMEOUT = 30


def build_floor(out):
    """build/floor/floor.elf and floor.iso, from scripts/floor/."""
    src = os.path.join(REPO, "scripts", "floor")
    os.makedirs(out, exist_ok=True)
    elf = os.path.join(out, "floor.elf")
    iso = os.path.join(out, "floor.iso")
    subprocess.run([CC, "-m32", "-nostdlib", "-no-pie", "-static",
                    "-Wl,--build-id=none", "-T", os.path.join(src, "floor.ld"),
                    "-o", elf, os.path.join(src, "floor.S")], check=True)
    isodir = os.path.join(out, "isodir")
    shutil.rmtree(isodir, ignore_errors=True)
    os.makedirs(os.path.join(isodir, "boot", "grub"))
    shutil.copy(elf, os.path.join(isodir, "boot", "floor.elf"))
    with open(os.path.join(isodir, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(FLOOR_CFG)
    subprocess.run(["grub-mkrescue", "-o", iso, isodir,
                    "--install-modules=" + GRUB_MODULES, "--fonts=",
                    "--locales=", "--themes=", "--compress=xz"],
                   check=True, capture_output=True)
    return elf, iso


def one_boot(extra, marker):
    """Seconds from starting QEMU until marker appears on COM1."""
    start = time.monotonic()
    p = subprocess.Popen(QEMU + extra, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    buf = b""
    try:
        while time.monotonic() - start < BOOT_TIMEOUT:
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                if marker in buf:
                    return time.monotonic() - start
    finally:
        p.kill()
        p.wait()
    sys.exit(f"boottime: no {marker!r} within {BOOT_TIMEOUT} s of "
             f"{' '.join(extra)}:\n{buf[-2000:].decode('latin-1')}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    args = ap.parse_args()
    elf = os.path.join(args.build, "interlude.elf")
    iso = os.path.join(args.build, "interlude.iso")
    for path in (elf, iso):
        if not os.path.isfile(path):
            sys.exit(f"boottime: {path} not found (run make first)")
    floor_elf, floor_iso = build_floor(os.path.join(args.build, "floor"))

    pairs = [("-kernel", ["-kernel", floor_elf],
              ["-kernel", elf] + initrd_args(elf), 1.5),
             ("GRUB ISO", ["-cdrom", floor_iso], ["-cdrom", iso], 1.2)]
    times = {name: ([], []) for name, _, _, _ in pairs}
    for _ in range(args.runs):
        for name, floor, kernel, _ in pairs:
            times[name][0].append(one_boot(floor, b"floor> "))
            times[name][1].append(one_boot(kernel, b"interlude> "))
    for name, _, _, goal in pairs:
        f, k = (statistics.median(t) for t in times[name])
        ratio = k / f
        print(f"{name:<9} floor {f:.3f} s, Interlude to the prompt {k:.3f} s: "
              f"{ratio:.2f}x (goal <= {goal}x; median of {args.runs}, alternating)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
