"""Unit tests for the GDB side: scripts/gdb/interlude_decode.py (the
decoding the commands use, and its tables against the kernel's headers)
and the checks of gdbtests.py on canned output that must fail.
Run by harness/selftest/gdb_unit_tests."""

import os
import re
import sys
import unittest

from . import gdbtests

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts", "gdb"))
import interlude_decode as dec  # noqa: E402


def source(path):
    with open(os.path.join(REPO, path)) as f:
        return f.read()


def c_defines(path, prefix):
    """{NAME: value} of the numeric #defines and enum members starting
    with prefix in a C file."""
    text = source(path)
    found = {}
    for name, value in re.findall(r"#define\s+(%s\w*)\s+\(?(0x[0-9a-fA-F]+|\d+)" % prefix, text):
        found[name] = int(value, 0)
    for name, shift in re.findall(r"\b(%s\w*)\s*=\s*1u?\s*<<\s*(\d+)" % prefix, text):
        found[name] = 1 << int(shift)
    return found


class TablesMatchHeaders(unittest.TestCase):
    """A bit renamed or renumbered in C must fail here, not print wrongly."""

    def same(self, table, path, prefix, skip=()):
        header = {k: v for k, v in c_defines(path, prefix).items()
                  if k not in skip and not k.endswith(("_MASK", "_NONE"))}
        ours = {prefix + name: bit for bit, name in table}
        self.assertEqual(ours, header)

    def test_irq_status(self):
        self.same(dec.IRQS_BITS, "kernel/irq/irqdesc.h", "IRQS_")

    def test_request_flags(self):
        self.same(dec.IRQF_BITS, "kernel/irq/irq.h", "IRQF_")

    def test_thread_flags(self):
        self.same(dec.IRQTF_BITS, "kernel/irq/irqdesc.h", "IRQTF_")

    def test_tasklet_state(self):
        self.same(dec.TASKLET_BITS, "kernel/bh/tasklet.h", "TASKLET_STATE_")

    def test_worker_flags(self):
        self.same(dec.WORKER_BITS, "kernel/bh/workqueue_internal.h", "WORKER_",
                  skip=("WORKER_NOT_RUNNING",))

    def test_vectors_and_shifts(self):
        trap = c_defines("kernel/arch/trap.h", "")
        for name in ("IRQ_VECTOR_BASE", "IOAPIC_VECTOR_BASE", "SYSCALL_VECTOR",
                     "IRQ_OFFLOAD_VECTOR", "SPURIOUS_VECTOR", "NR_EXCEPTIONS"):
            self.assertEqual(getattr(dec, name), trap[name], name)
        self.assertEqual(dec.LAPIC_TIMER_VECTOR,
                         c_defines("drivers/timer/lapic_timer.h", "LAPIC_")["LAPIC_TIMER_VECTOR"])
        self.assertEqual(dec.NR_IRQS, c_defines("kernel/irq/irq.h", "NR_IRQS")["NR_IRQS"])
        shifts = c_defines("kernel/sched/preempt.h", "")
        for name in ("PREEMPT_SHIFT", "SOFTIRQ_SHIFT", "HARDIRQ_SHIFT", "SPINLOCK_SHIFT"):
            self.assertEqual(getattr(dec, name), shifts[name], name)

    def test_trap_frame_layout(self):
        text = source("kernel/arch/trap.h")
        body = re.search(r"struct trap_frame \{(.*?)\};", text, re.S).group(1)
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        fields = re.findall(r"\w+", body.replace("uint32_t", ""))
        self.assertEqual(fields, dec.TRAP_FRAME_FIELDS)


class Decoding(unittest.TestCase):
    def test_bit_names(self):
        self.assertEqual(dec.bit_names(0, dec.TASKLET_BITS), "none")
        self.assertEqual(dec.bit_names(3, dec.TASKLET_BITS), "SCHED|RUN")
        self.assertEqual(dec.bit_names(0x41, dec.TASKLET_BITS), "SCHED|+0x40")

    def test_preempt_fields(self):
        f = dec.preempt_fields(0x1010301)
        self.assertEqual((f["spinlocks"], f["hardirq"], f["softirq"], f["preempt"]),
                         (1, 1, 3, 1))
        self.assertTrue(f["serving_softirq"])
        self.assertEqual(f["bh_disabled"], 1)
        self.assertFalse(f["in_task"])
        self.assertEqual(dec.context_name(0x10000), "hard IRQ (nesting 1)")
        self.assertEqual(dec.context_name(0x100), "softirq")
        self.assertEqual(dec.context_name(0x200), "task, bottom halves disabled")
        self.assertEqual(dec.context_name(0x1), "task, atomic (preemption off)")
        self.assertEqual(dec.context_name(0), "task")

    def test_vectors(self):
        self.assertEqual(dec.vector_kind(48), "interrupt 48 (irq 0)")
        self.assertEqual(dec.vector_kind(0x24), "interrupt 36 (irq 4)")
        self.assertEqual(dec.vector_kind(64), "interrupt 64 (irq 16)")
        self.assertEqual(dec.vector_kind(0x48), "interrupt 72")
        self.assertEqual(dec.vector_kind(14, "page fault"), "exception 14 (page fault)")
        self.assertEqual(dec.vector_kind(0x80), "interrupt 128 (system call)")
        self.assertEqual(dec.vector_kind(0xef), "interrupt 239 (local APIC timer)")

    def frame(self, cs, vector=48):
        words = list(range(100, 100 + dec.TRAP_FRAME_WORDS))
        f = dec.decode_trap_frame(words)
        f["cs"], f["vector"] = cs, vector
        return f

    def test_interrupted_registers_kernel(self):
        f = self.frame(0x8)
        regs = dec.interrupted_registers(f, 0x1000)
        self.assertEqual(regs["esp"], 0x1000 + 17 * 4)   # just past eflags
        self.assertEqual(regs["eip"], f["eip"])
        self.assertEqual(regs["ebp"], f["ebp"])
        self.assertNotIn("ss", regs)
        self.assertTrue(dec.looks_like_trap_frame(f))

    def test_interrupted_registers_user(self):
        f = self.frame(0x1b, 0x80)
        regs = dec.interrupted_registers(f, 0x1000)
        self.assertTrue(dec.from_user(f))
        self.assertEqual((regs["esp"], regs["ss"]), (f["useresp"], f["ss"]))

    def test_not_a_frame(self):
        self.assertFalse(dec.looks_like_trap_frame(self.frame(0x10)))
        self.assertFalse(dec.looks_like_trap_frame(self.frame(0x8, 300)))

    def test_last_lines(self):
        self.assertEqual(dec.last_lines("a\nb\nc\n", 2), "b\nc\n")
        self.assertEqual(dec.last_lines("a\nb\n", 0), "a\nb\n")
        self.assertEqual(dec.last_lines("a\nb\n", 5), "a\nb\n")


CROSSING = """\
#7  0x00105f3f in trap_dispatch (f=<optimized out>) at kernel/arch/trap.c:166
#8  0x00105ae3 in trap_common () at kernel/arch/entry.S:65
#9  0x00115110 in safe_halt () at ./kernel/arch/cpu.h:61
#7  0x00105f3f in trap_dispatch at kernel/arch/trap.c:166
#8  0x00105ae3 in trap_common at kernel/arch/entry.S:65
--- interrupt 48 (irq 0: timer) from eip 0x00115110 in safe_halt (in sched_start_idle) ---
#9  0x00115110 in safe_halt [inlined] at ./kernel/arch/cpu.h:61
"""


class Checks(unittest.TestCase):
    """The session checks must see what is wrong."""

    def test_crossing_passes(self):
        self.assertEqual(gdbtests.crosses(CROSSING, "x", "irq 0: timer"), [])

    def test_bt_stuck_at_the_stub_fails(self):
        # what GDB prints for a pc with no code behind it: no source line
        text = CROSSING.replace("#9  0x00115110 in safe_halt () at ./kernel/arch/cpu.h:61",
                                "#9  0xd005feb8 in ?? ()")
        self.assertIn("plain bt", "".join(gdbtests.crosses(text, "x", "irq 0: timer")))

    def test_trap_at_a_functions_first_instruction_passes(self):
        """Regression (gdb/kmain_to_shell failed once): a tick on
        shell_main's first instruction; GDB looks up pc - 1 for a caller
        frame and says ?? but still gives the source line."""
        text = CROSSING.replace("#9  0x00115110 in safe_halt () at ./kernel/arch/cpu.h:61",
                                "#9  0x00115110 in ?? () at kernel/shell/shell.c:133")
        self.assertEqual(gdbtests.crosses(text, "x", "irq 0: timer"), [])

    def test_marker_missing_or_wrong_fails(self):
        no_marker = "\n".join(l for l in CROSSING.splitlines() if not l.startswith("---"))
        self.assertTrue(gdbtests.crosses(no_marker, "x", "irq 0: timer"))
        wrong_eip = CROSSING.replace("from eip 0x00115110", "from eip 0x00115114")
        self.assertIn("marker says", "".join(gdbtests.crosses(wrong_eip, "x", "irq 0: timer")))

    def test_empty_sessions_fail(self):
        problems = gdbtests.check_boot("")
        for stop in ("kmain", "shell", "guards", "timer", "softirq"):
            self.assertIn(f"GDB never reached the '{stop}' stop", problems)
        self.assertIn("GDB never stopped in syscall_trap", gdbtests.check_user(""))

    def test_a_traceback_fails(self):
        out = "@@syscall\nPython Exception <class 'KeyError'>: 'x'\n"
        self.assertTrue(any("a command broke" in p for p in gdbtests.check_user(out)))

    def test_sections(self):
        self.assertEqual(gdbtests.sections("x\n@@a\n1\n@@b\n2\n3\n"), {"a": "1\n", "b": "2\n3\n"})


if __name__ == "__main__":
    unittest.main()
