"""The ATA disk (docs/block.md): IRQ 14, the irq/14-ata thread, the block
layer's BLOCK_SOFTIRQ completions - checked against the host's copy of the
image (tests/harness/diskimage.py), in both irqchip modes.

The 1,000 random reads are one shell command (`disk random 1000 SEED`): the
kernel picks the sectors with the image module's generator and prints the
CRC-32 of what it read, which the host recomputes from the seed. A thousand
shell round trips would test the serial line, not the disk.
"""

import re

from harness import diskimage, kstats
from harness.shell import Shell
from harness.suites import boot_options

APPEND = ""
QEMU_ARGS = diskimage.test_qemu_args()
VARIANTS = [("apic", ""), ("noapic", "noapic")]

PROMPT_TIMEOUT = 30
CHECK_TIMEOUT = 60       # whole-disk read; about 0.5 s idle, more under load
RANDOM_READS = 1000
RANDOM_SEED = 4242
STRESS_THREADS, STRESS_READS = 4, 50
WRITE_LBA = 77

_HEX_LINE = re.compile(r"^([0-9a-f]{8}):((?: [0-9a-f]{2}){16})  \|", re.MULTILINE)


def _shell(m):
    sh = Shell(m)
    return sh, sh.wait_prompt(timeout=PROMPT_TIMEOUT)


def _dump_bytes(out):
    """The bytes of a `disk read` hex dump, and the first offset."""
    rows = _HEX_LINE.findall(out)
    assert rows, f"no hex dump in:\n{out}"
    data = b"".join(bytes(int(x, 16) for x in row[1].split()) for row in rows)
    return int(rows[0][0], 16), data


def _disk_counts(sh):
    out = kstats.command(sh, "disk")
    found = re.search(r"^requests: (\d+) reads \((\d+) sectors\), (\d+) writes", out, re.MULTILINE)
    errors = re.search(r"^errors: (\d+) \((\d+) timeouts", out, re.MULTILINE)
    irqs = re.search(r"^interrupts: (\d+)", out, re.MULTILINE)
    assert found and errors and irqs, f"unexpected `disk` output:\n{out}"
    return dict(reads=int(found[1]), sectors=int(found[2]), writes=int(found[3]),
                errors=int(errors[1]), interrupts=int(irqs[1]))


def test_disk_reads_writes_and_threads(m):
    """The whole image's CRC and 1,000 random sectors' CRC equal the host's;
    a write reads back; four threads' reads all complete with the right
    sectors while the queue holds several; irq/14-ata sleeps in `ps`; bad
    arguments get an error line and change nothing."""
    sh, boot = _shell(m)
    sectors = diskimage.SECTORS
    assert re.search(rf"ata: QEMU HARDDISK, {sectors} sectors \({sectors // 2} KiB\), PIO, LBA28, irq 14",
                     boot), f"no ATA disk in the boot log:\n{boot[-3000:]}"
    ps = kstats.command(sh, "ps")
    assert re.search(r"^\s*\d+\s+irq/14-ata\s+sleeping\s", ps, re.MULTILINE), \
        f"irq/14-ata is not asleep after boot:\n{ps}"

    out = kstats.command(sh, "disk check", timeout=CHECK_TIMEOUT)
    want = diskimage.crc(diskimage.image())
    assert f"disk check: {sectors} sectors, crc32 {want:08x}," in out, \
        f"whole-disk CRC: host {want:08x}, kernel said:\n{out}"

    lbas = diskimage.lba_sequence(RANDOM_READS, RANDOM_SEED, sectors)
    want = diskimage.crc(b"".join(diskimage.sector(n) for n in lbas))
    out = kstats.command(sh, f"disk random {RANDOM_READS} {RANDOM_SEED}", timeout=CHECK_TIMEOUT)
    assert f"disk random: {RANDOM_READS} sectors, crc32 {want:08x}" in out, \
        f"random reads' CRC: host {want:08x}, kernel said:\n{out}"

    text = "hello from the host"
    out = kstats.command(sh, f"disk write {WRITE_LBA} {text}")
    assert f"disk: wrote {len(text)} bytes to sector {WRITE_LBA} (the rest zero)" in out, out
    offset, data = _dump_bytes(kstats.command(sh, f"disk read {WRITE_LBA} 2"))
    assert offset == WRITE_LBA * 512, f"dump starts at {offset:#x}"
    assert data[:512] == text.encode() + bytes(512 - len(text)), f"sector {WRITE_LBA} reads back {data[:64]!r}"
    assert data[512:] == diskimage.sector(WRITE_LBA + 1), f"sector {WRITE_LBA + 1} changed"

    out = kstats.command(sh, f"disk stress {STRESS_THREADS} {STRESS_READS}", timeout=CHECK_TIMEOUT)
    done = re.search(r"disk stress: (\d+) threads x (\d+) reads: (\d+) completed, (\d+) errors, "
                     r"(\d+) wrong sectors, queue depth up to (\d+)", out)
    assert done, out
    assert int(done[3]) == STRESS_THREADS * STRESS_READS and done[4] == "0" and done[5] == "0", out
    assert int(done[6]) > 1, f"the threads never queued behind each other:\n{out}"

    before = _disk_counts(sh)
    for line, error in [(f"disk read {sectors}", "past the end of the disk"),
                        (f"disk read {sectors - 1} 2", "past the end of the disk"),
                        ("disk read 0 9", "COUNT must be 1-8"),
                        ("disk read 0 0", "COUNT must be 1-8"),
                        ("disk read zero", "LBA 'zero' is not a number"),
                        (f"disk write {sectors} x", "past the end of the disk"),
                        ("disk random 0 1", "COUNT must be 1-"),
                        ("disk stress 9 1", "THREADS must be 1-8")]:
        out = sh.run(line)
        assert error in out, f"{line!r}: expected {error!r} in:\n{out}"
    out = sh.run("disk sideways")
    assert out.lstrip().startswith("usage: disk"), out
    after = _disk_counts(sh)
    assert after == before, f"refused commands changed the counters: {before} -> {after}"
    assert after["errors"] == 0, after
    # one request per 8 sectors of `check`, then the random, write, dump
    # and stress requests: each sector read came with an interrupt
    assert after["interrupts"] >= after["sectors"], after


@boot_options(qemu_args=[])
def test_no_disk_is_a_clear_error(m):
    """Booted without a drive: one boot line says so, every disk command
    answers "disk: no disk", no irq/14-ata thread exists, nothing hangs."""
    sh, boot = _shell(m)
    assert "ata: no disk on the primary IDE channel" in boot, boot[-3000:]
    for line in ("disk", "disk read 0", "disk check", "disk write 1 x"):
        out = kstats.command(sh, line)
        assert out.strip() == "disk: no disk", f"{line!r}:\n{out}"
    ps = kstats.command(sh, "ps")
    assert "irq/14-ata" not in ps, ps
