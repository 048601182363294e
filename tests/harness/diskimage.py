"""The test disk: a raw image whose every sector says which one it is.

Sector N holds b"sector %08d\\n" % N (16 bytes), then 496 bytes from a
pseudo-random stream seeded by SEED and N - so a sector read from the
wrong place, or a byte out of place, shows. The same bytes every time:
the host recomputes any sector, any CRC, from the seed alone.

  python3 tests/harness/diskimage.py OUT.img [SECTORS]

The kernel's `disk random N SEED` picks its sectors with lba_sequence()'s
generator (a 32-bit LCG, Numerical Recipes' constants), so the host can
recompute the CRC of what it read.
"""

import hashlib
import os
import sys
import zlib

SECTOR = 512
SECTORS = 4096          # 2 MiB: `disk check` reads it in well under a second
SEED = 16
HEADER = 16


def sector(n, seed=SEED):
    """The 512 bytes of sector n."""
    head = b"sector %08d\n" % n
    fill = b""
    block = 0
    while len(fill) < SECTOR - HEADER:
        fill += hashlib.sha256(b"%d:%d:%d" % (seed, n, block)).digest()
        block += 1
    return head + fill[:SECTOR - HEADER]


def image(sectors=SECTORS, seed=SEED):
    return b"".join(sector(n, seed) for n in range(sectors))


def write(path, sectors=SECTORS, seed=SEED):
    """Write the image to path unless an identical one is there already."""
    data = image(sectors, seed)
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return path
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path


def crc(data):
    return zlib.crc32(data) & 0xffffffff


def lba_sequence(count, seed, sectors):
    """The sectors `disk random COUNT SEED` reads, in order."""
    x = seed & 0xffffffff
    out = []
    for _ in range(count):
        x = (x * 1664525 + 1013904223) & 0xffffffff
        out.append((x >> 8) % sectors)
    return out


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST_IMAGE = os.path.join(REPO_ROOT, "build", "test-disk", "disk.img")


def test_qemu_args():
    """The harness's disk (written once, then reused), as QEMU arguments."""
    return qemu_args(write(TEST_IMAGE))


def qemu_args(path, snapshot=True):
    """The primary master on the PIIX IDE; snapshot: writes go to a
    temporary overlay, the image stays as generated."""
    drive = f"file={path},format=raw,if=ide,index=0"
    if snapshot:
        drive += ",snapshot=on"
    return ["-drive", drive]


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    write(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else SECTORS)
