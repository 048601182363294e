"""Unit tests for scenario loading (VARIANTS) and the kstats parsers.

    python3 -m unittest tests/harness/test_scenarios.py   (from the repo root)

Run by the harness self-test as harness/selftest/scenario_unit_tests.
"""

import os
import sys
import tempfile
import textwrap
import unittest

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.dont_write_bytecode = True
    from harness import kstats, suites            # noqa: E402
    from harness.results import TestResult, format_result  # noqa: E402
else:
    from . import kstats, suites
    from .results import TestResult, format_result


def _load(source):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "mod.py"), "w") as f:
            f.write(textwrap.dedent(source))
        return suites.load_scenarios(d)


class Variants(unittest.TestCase):
    def test_each_function_once_per_variant(self):
        scs = _load("""
            from harness.suites import boot_options
            APPEND = "a=1"
            VARIANTS = [("apic", ""), ("noapic", "noapic")]
            def test_one(m): pass
            @boot_options(append="b=2")
            def test_two(m): pass
        """)
        got = [(s.name, s.append, s.variant) for s in scs]
        self.assertEqual(got, [
            ("scenario/mod[apic]/test_one", "a=1", "apic"),
            ("scenario/mod[apic]/test_two", "b=2", "apic"),
            ("scenario/mod[noapic]/test_one", "a=1 noapic", "noapic"),
            ("scenario/mod[noapic]/test_two", "b=2 noapic", "noapic"),
        ])
        self.assertEqual(scs[2].cmdline_words, ["a=1", "noapic"])

    def test_no_variants_runs_once(self):
        scs = _load("def test_one(m): pass\n")
        self.assertEqual([(s.name, s.append, s.variant) for s in scs],
                         [("scenario/mod/test_one", "", None)])

    def test_bad_variants_is_an_import_failure(self):
        scs = _load('VARIANTS = [("a b", "")]\ndef test_one(m): pass\n')
        self.assertEqual([s.name for s in scs], ["scenario/mod/(import)"])

    def test_only_pattern_with_brackets(self):
        import run_tests
        name = "scenario/irq_sharing[noapic]/test_com3_while_com1"
        self.assertTrue(run_tests.matches(name, "scenario/irq_sharing[noapic]/*"))
        self.assertTrue(run_tests.matches(name, "scenario/irq_sharing*"))
        self.assertTrue(run_tests.matches(name, "[noapic]"))
        self.assertFalse(run_tests.matches(name, "scenario/irq_sharing[apic]/*"))

    def test_pass_with_figures_is_printed(self):
        self.assertEqual(format_result(TestResult("x", "pass", "a 1\nb 2")),
                         "ok   x\n    a 1\n    b 2")
        self.assertEqual(format_result(TestResult("x", "pass")), "ok   x")


IRQS_APIC = """\
           CPU0
  0:       1234  IO-APIC    2-edge      timer
  1:          7  IO-APIC    1-edge      i8042, hotkey
  3:          0  IO-APIC    3-edge      ttyS1, ttyS3
  4:         99  IO-APIC    4-edge      ttyS0, ttyS2
SPU:          0   Spurious interrupts
UNH:          1   Unhandled interrupts
"""


class Parsers(unittest.TestCase):
    def test_irqs(self):
        t = kstats.parse_irqs(IRQS_APIC)
        self.assertEqual((t.row(0).chip, t.row(0).hwirq, t.row(0).names),
                         ("IO-APIC", 2, ["timer"]))
        self.assertEqual(t.row(4).names, ["ttyS0", "ttyS2"])
        self.assertEqual(t.row(1).names, ["i8042", "hotkey"])
        self.assertEqual((t.row(4).count, t.spurious, t.unhandled), (99, 0, 1))
        with self.assertRaises(AssertionError):
            t.row(9)

    def test_irqs_needs_header_and_totals(self):
        with self.assertRaises(AssertionError):
            kstats.parse_irqs(IRQS_APIC.replace("CPU0", "CPUx"))
        with self.assertRaises(AssertionError):
            kstats.parse_irqs(IRQS_APIC.replace("UNH:", "XXX:"))

    def test_irq_detail(self):
        d = kstats.parse_irq("irq 4: chip XT-PIC, hwirq 4, edge, depth 0, count 12, unhandled 0\n"
                             "  trigger edge, rising\n"
                             "  flow edge (ack first; one that cannot run now is held and replayed)\n"
                             "  state: masked, edge pending, deferred 3 (held by oneshot 1), replayed 2\n"
                             "  ttyS0  dev_id 0xc0105000  flags 0x80  count 5\n"
                             "  ttyS2  dev_id 0xc0105100  flags 0x80  count 7\n", 4)
        self.assertEqual((d.chip, d.hwirq, d.trigger, d.depth, d.count), ("XT-PIC", 4, "edge", 0, 12))
        self.assertEqual((d.flow, d.masked, d.deferred, d.replayed), ("edge", True, 3, 2))
        self.assertEqual(d.order, ["ttyS0", "ttyS2"])
        self.assertEqual(d.actions["ttyS2"], dict(dev_id=0xc0105100, flags=0x80, count=7))

    def test_irq_detail_needs_flow(self):
        """An `irq N` without its flow line is an error, not a silent default."""
        with self.assertRaises(AssertionError):
            kstats.parse_irq("irq 4: chip XT-PIC, hwirq 4, edge, depth 0, count 12, unhandled 0\n"
                             "  ttyS0  dev_id 0xc0105000  flags 0x80  count 5\n", 4)

    def test_serial(self):
        p = kstats.parse_serial("ttyS0  0x3f8  irq 4  rx 10  tx 12  overruns 0  stalls 0  errors 0\n"
                                "ttyS2  0x3e8  irq 4  rx 1048576  tx 12  overruns 0  stalls 3  errors 0\n")
        self.assertEqual((p["ttyS2"]["base"], p["ttyS2"]["rx"], p["ttyS2"]["stalls"]),
                         (0x3e8, 1048576, 3))
        self.assertIsNone(p["ttyS2"]["interrupts"])

    def test_serial_second_line(self):
        p = kstats.parse_serial("ttyS0  0x3f8  irq 4  rx 1  tx 2  overruns 0  stalls 0  errors 0\n"
                                "       interrupt-driven, 126 interrupts, 3 edge re-triggers\n"
                                "ttyS1  0x2f8  irq 3  rx 0  tx 0  overruns 0  stalls 0  errors 0\n")
        self.assertEqual((p["ttyS0"]["interrupts"], p["ttyS0"]["retriggers"]), (126, 3))
        self.assertEqual(sorted(p), ["ttyS0", "ttyS1"])

    def test_irqs_row_names_stay_on_their_line(self):
        t = kstats.parse_irqs(IRQS_APIC.replace("ttyS1, ttyS3", ""))
        self.assertEqual(t.row(3).names, [])
        self.assertEqual(t.row(4).names, ["ttyS0", "ttyS2"])

    def test_kbd(self):
        k = kstats.parse_kbd("i8042: 9 interrupts, 9 scancodes, 4 key events, 0 overruns\n"
                             "recent: h i Shift A Enter\n")
        self.assertEqual((k.interrupts, k.events, k.recent), (9, 4, ["h", "i", "Shift", "A", "Enter"]))

    def test_poll_is_bounded(self):
        with self.assertRaises(AssertionError) as cm:
            kstats.poll(lambda: None, 0.05, 0.01, lambda: "never")
        self.assertEqual(str(cm.exception), "never")
        self.assertEqual(kstats.poll(lambda: 3, 1), 3)


if __name__ == "__main__":
    unittest.main()


    def test_wait_sum_stall_shows_the_ports_state(self):
        """A stream that stops short fails, and the failure carries what
        `serial` and the port's line said then (regression aid for a soak
        run whose ttyS2 stopped at 219264 of 262144 bytes)."""
        class StalledShell:
            def run(self, cmd, timeout=None):
                if cmd.startswith("serial sum"):
                    return "ttyS2: 10 bytes, crc32 0x00000001\n"
                return f"state after {cmd}\n"
        with self.assertRaises(AssertionError) as cm:
            kstats.wait_sum(StalledShell(), "ttyS2", 20, 0.2, interval=0.05)
        msg = str(cm.exception)
        self.assertIn("received 10 of 20 bytes", msg)
        self.assertIn("| state after serial", msg)
        self.assertIn("| state after irq 4", msg)


class MemTest(unittest.TestCase):
    def test_parse_mem(self):
        text = ("pages:   32480 total, 31000 free, 1480 used (1200 reserved, 280 allocated)\n"
                "largest: 30000 contiguous free pages (120000 KiB)\n"
                "kmalloc: 12 allocations, 3456 bytes in use (2 slab pages, 0 large pages)\n"
                "stacks:  9 kernel stacks with guard pages\n")
        m = kstats.parse_mem(text)
        self.assertEqual((m["total"], m["free"], m["used"], m["allocs"], m["stacks"]),
                         (32480, 31000, 1480, 12, 9))
        with self.assertRaises(AssertionError):
            kstats.parse_mem(text.replace("stacks:", "stack:"))


class GateTest(unittest.TestCase):
    """harness/gate.py: an `alone` job never overlaps another job, and the
    others still run side by side."""

    def test_alone_job_runs_by_itself(self):
        import threading
        from harness.gate import Gate
        gate, lock = Gate(), threading.Lock()
        state = {"normal": 0, "alone": False, "overlaps": []}
        pair = threading.Barrier(2, timeout=5)   # two ordinary jobs inside at once
        inside = [threading.Event(), threading.Event()]
        go = threading.Event()

        def normal(i=None):
            gate.enter(False)
            with lock:
                state["normal"] += 1
                if state["alone"]:
                    state["overlaps"].append("normal inside with alone")
            if i is not None:
                inside[i].set()
                pair.wait()                      # broken if not side by side
                go.wait(5)
            with lock:
                state["normal"] -= 1
            gate.leave(False)

        def alone():
            gate.enter(True)
            with lock:
                state["alone"] = True
                if state["normal"]:
                    state["overlaps"].append("alone entered with normal inside")
                state["alone"] = False
            gate.leave(True)

        first = [threading.Thread(target=normal, args=(i,)) for i in range(2)]
        for t in first:
            t.start()
        for e in inside:
            self.assertTrue(e.wait(5), "two ordinary jobs could not both enter")
        later = [threading.Thread(target=alone)] + [threading.Thread(target=normal) for _ in range(3)]
        for t in later:
            t.start()
        go.set()
        for t in first + later:
            t.join(10)
        self.assertFalse(any(t.is_alive() for t in first + later), "a job never got through the gate")
        self.assertFalse(pair.broken, "ordinary jobs no longer run side by side")
        self.assertEqual(state["overlaps"], [])


class TermKeysTest(unittest.TestCase):
    """scripts/term kbd: typed characters become QEMU sendkey names."""

    def test_key_names(self):
        import importlib.machinery
        import importlib.util
        path = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "term")
        loader = importlib.machinery.SourceFileLoader("term", path)
        spec = importlib.util.spec_from_loader("term", loader)
        term = importlib.util.module_from_spec(spec)
        loader.exec_module(term)
        cases = {"a": "a", "Z": "shift-z", "7": "7", " ": "spc", "\r": "ret",
                 "\x7f": "backspace", "\x1b": "esc", "!": "shift-1", "-": "minus",
                 "\x03": "ctrl-c", "\x14": "ctrl-alt-i", "é": None}
        for ch, name in cases.items():
            self.assertEqual(term.key_name(ch), name, repr(ch))
