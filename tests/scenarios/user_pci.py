"""useredu: a ring-3 driver for QEMU's edu PCI device - device memory
(mmap_device of its BAR0) and a level-triggered line (INTx routed to an
ISA IRQ). Runs with the IOAPIC and with `noapic`.
"""

import re

from harness import kstats
from harness.shell import Shell

APPEND = ""
QEMU_ARGS = ["-device", "edu"]
VARIANTS = [("apic", ""), ("noapic", "noapic")]

PROMPT_TIMEOUT = 30
RUN_TIMEOUT = 30


def test_edu_interrupts_and_factorial(m):
    """The kernel lists the edu device at boot with its BAR and IRQ; useredu
    attaches that line, maps the BAR, takes 20 raised interrupts (each
    acked at the device before irq_ack) and a factorial-done interrupt,
    and exits 0; the line then has no handler and depth 0."""
    sh = Shell(m)
    boot = sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    found = re.search(r"pci: 00:\w\w\.\d 1234:11e8 class \w+, irq (\d+) \(pin 1\), bar0 0x(\w+)\+0x100000",
                      boot)
    assert found, f"the edu device is not in the boot log:\n{boot[-3000:]}"
    irq = int(found[1])
    out = kstats.command(sh, "run useredu 20", timeout=RUN_TIMEOUT)
    assert "useredu: edu id 0x010000ed, liveness ok" in out, out
    assert re.search(r"useredu: 20/20 raised interrupts seen; factorial\(10\) = 3628800", out), out
    assert re.search(r"\[useredu \(pid \d+\): exit, exit code 0\]", out), out
    row = kstats.irqs(sh).rows.get(irq)
    assert row is None or not row.names, f"irq {irq} still has handlers: {row.line}"
    detail = kstats.irq_detail(sh, irq)
    assert detail.depth == 0 and not detail.actions, detail.text
    assert re.search(r"events on a level line", out), \
        f"useredu should see a level-triggered line in this mode:\n{out}"
    assert detail.trigger == "level", \
        f"irq {irq} (PCI INTx) should be level-triggered: {detail.text}"


def test_nomask_on_level_line_refused(m):
    """Regression for "level lines registered as edge in PIC mode": a ring-3
    driver asking IRQ_ATTACH_NOMASK (count only, never mask) on the edu
    device's level line is refused in both modes, and the shell still
    answers afterwards (under noapic the kernel used to accept and then
    wedge at the next interrupt)."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    out = kstats.command(sh, "run levelnomask", timeout=RUN_TIMEOUT)
    assert re.search(r"levelnomask: irq_attach\(\d+, NOMASK\) refused: ", out), out
    assert re.search(r"\[levelnomask \(pid \d+\): exit, exit code 0\]", out), out
    assert "level-triggered: it must stay masked until the ack" in out, out
    echo = kstats.command(sh, "echo still-here", timeout=10)
    assert "still-here" in echo, f"the shell stopped answering: {echo!r}"


def test_device_memory_unmapped_at_detach(m):
    """Regression for "device memory stays mapped after irq_detach": once
    a process gives the edu device's line back (another process may take
    it and drive the device), its mmap_device mapping is gone too: the
    next read page-faults and the process is killed."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    out = kstats.command(sh, "run edudetach", timeout=RUN_TIMEOUT)
    assert "edudetach: id 0x010000ed through 0xec000000" in out, out
    assert re.search(r"mmap_device: edudetach \(pid \d+\): 0xec000000\+0x1000 unmapped with irq \d+", out), out
    assert re.search(r"edudetach\[\d+\]: killed: #14 page fault: read at 0xec000000", out), out
    assert "still mapped" not in out, out
    echo = kstats.command(sh, "echo still-here", timeout=10)
    assert "still-here" in echo, f"the shell stopped answering: {echo!r}"
