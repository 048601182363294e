"""Unit tests for the doc transcript checker (harness/transcripts.py), on
small fixture docs: a wrong transcript must fail, a right one pass.

    python3 -m unittest discover -s tests/harness -t tests -p test_transcripts.py

Run by the harness self-test as harness/selftest/transcript_unit_tests;
harness/selftest/transcript_detects_stale boots QEMU against a wrong one.
"""

import os
import sys
import textwrap
import unittest

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.dont_write_bytecode = True
    from harness import transcripts as t          # noqa: E402
else:
    from . import transcripts as t

KERNEL = ["irq 0: chip IO-APIC, hwirq 2, edge, depth 0, count 278, unhandled 0",
          "  timer      dev_id 0x00169a68  flags 0x00010001  count 278"]


def doc(text):
    return textwrap.dedent(text).lstrip("\n")


def matches(doc_lines, kernel_lines):
    return t.match_lines(doc_lines, kernel_lines) is None


class Comparison(unittest.TestCase):
    def test_exact_copy_passes(self):
        self.assertTrue(matches(KERNEL, KERNEL))

    def test_one_changed_word_fails(self):
        wrong = [KERNEL[0].replace("IO-APIC", "XT-PIC"), KERNEL[1]]
        self.assertFalse(matches(wrong, KERNEL))

    def test_missing_line_fails(self):
        self.assertFalse(matches(KERNEL[:1], KERNEL))

    def test_extra_line_fails(self):
        self.assertFalse(matches(KERNEL + ["  trigger edge, rising"], KERNEL))

    def test_unmarked_varying_number_fails(self):
        self.assertFalse(matches([KERNEL[0].replace("278", "51"), KERNEL[1]], KERNEL))

    def test_marked_number_matches_any_number(self):
        marked = ["irq 0: chip IO-APIC, hwirq 2, edge, depth 0, count 51~, unhandled 0",
                  "  timer      dev_id 0x00154120~  flags 0x00010001  count 7~"]
        self.assertTrue(matches(marked, KERNEL))

    def test_marked_number_needs_a_number(self):
        marked = ["count 51~, unhandled 0"]
        self.assertFalse(matches(marked, ["count many, unhandled 0"]))
        self.assertFalse(matches(marked, ["count , unhandled 0"]))
        self.assertFalse(matches(["dev_id 0x00154120~"], ["dev_id 154120"]))
        self.assertFalse(matches(["load 0.39~"], ["load 39"]))

    def test_marked_number_leaves_the_rest_exact(self):
        self.assertFalse(matches(["count 51~, unhandled 0"], ["count 51, unhandled 1"]))

    def test_marked_column_may_change_its_padding(self):
        self.assertTrue(matches(["  0:        127~  IO-APIC"], ["  0:     123456  IO-APIC"]))
        self.assertFalse(matches(["  0:        127~  IO-APIC"], ["  0:     123456  XT-PIC"]))

    def test_times_are_normalised_without_marks(self):
        self.assertTrue(matches(["[    0.001385] Interlude", "up 0.5 s, boot took 1 us"],
                                ["[   12.345678] Interlude", "up 57.385955 s, boot took 34051 us"]))
        self.assertFalse(matches(["[    0.001385] Interlude"], ["[    0.001385] Interlude!"]))

    def test_trailing_spaces_do_not_count(self):
        self.assertTrue(matches(["           CPU0"], ["           CPU0 "]))

    def test_ellipsis_leaves_out_lines_explicitly(self):
        kernel = ["a", "b", "c", "d"]
        self.assertTrue(matches(["a", "...", "d"], kernel))
        self.assertTrue(matches(["...", "d"], kernel))
        self.assertTrue(matches(["a", "b", "...", "c", "d"], kernel))   # zero lines
        self.assertFalse(matches(["a", "...", "x"], kernel))
        self.assertFalse(matches(["a", "...", "c"], kernel))            # d unaccounted

    def test_report_names_the_doc_line_and_both_texts(self):
        block = t.parse("page.md", doc("""
            <!-- transcript -->
            ```
            interlude> irq 0
            irq 0: chip XT-PIC, hwirq 2, edge, depth 0, count 278, unhandled 0
            ```
        """))[0]
        step = block.steps[0]
        report = t._compare(block, (step.line, "'irq 0'"), step.expected, KERNEL)
        self.assertIn("page.md:4:", report)
        self.assertIn("doc    | irq 0: chip XT-PIC", report)
        self.assertIn("kernel | irq 0: chip IO-APIC", report)


class Parsing(unittest.TestCase):
    def test_unmarked_transcript_fails(self):
        with self.assertRaisesRegex(t.DocError, r"page.md:2: a shell transcript without a marker"):
            t.parse("page.md", doc("""
                Text.
                ```
                interlude> uptime
                up 1.0 s
                ```
            """))

    def test_block_without_prompt_needs_no_marker(self):
        self.assertEqual(t.parse("page.md", "```\n(gdb) bt\n#0 kmain\n```\n"), [])

    def test_unchecked_needs_a_reason(self):
        with self.assertRaisesRegex(t.DocError, "needs a reason"):
            t.parse("p.md", "<!-- transcript: unchecked: -->\n```\ninterlude> kbd\n```\n")
        blocks = t.parse("p.md", "<!-- transcript: unchecked: needs a key -->\n"
                                 "```\ninterlude> kbd\n```\n")
        self.assertEqual(blocks[0].unchecked, "needs a key")

    def test_bad_markers_fail(self):
        for marker in ['<!-- transcript: machine="pdp11" -->',
                       '<!-- transcript: colour="red" -->',
                       '<!-- transcript: machine="grub" append="noapic" -->',
                       '<!-- transcript: timeout="soon" -->']:
            with self.assertRaises(t.DocError, msg=marker):
                t.parse("p.md", marker + "\n```\ninterlude> uptime\n```\n")

    def test_marker_without_block_fails(self):
        with self.assertRaisesRegex(t.DocError, "not followed by a fenced block"):
            t.parse("p.md", "<!-- transcript -->\nSome text.\n```\ninterlude> x\n```\n")

    def test_steps_boot_output_and_log_lines_at_the_prompt(self):
        block = t.parse("p.md", doc("""
            <!-- transcript: append="threadirqs" -->
            ```
            ...
            Type 'help' for the list of commands.
            interlude> storm tasklet 10
            storm: started
            interlude> [    1.1] storm: done
            echo synced
            synced
            interlude> sleep 1
            ```
        """))[0]
        self.assertEqual(block.append, "threadirqs")
        self.assertEqual([x for _, x in block.boot_output],
                         ["...", "Type 'help' for the list of commands."])
        self.assertEqual([(s.command, [x for _, x in s.expected], [x for _, x in s.waits_for])
                          for s in block.steps],
                         [("storm tasklet 10", ["storm: started"], []),
                          ("echo synced", ["synced"], ["[    1.1] storm: done"]),
                          ("sleep 1", [], [])])

    def test_boots_group_by_page_machine_and_command_line(self):
        blocks = t.parse("p.md", doc("""
            <!-- transcript -->
            ```
            interlude> a
            ```
            <!-- transcript: append="noapic" -->
            ```
            interlude> b
            ```
            <!-- transcript -->
            ```
            interlude> c
            ```
            <!-- transcript: fresh="yes" -->
            ```
            interlude> d
            ```
            <!-- transcript: unchecked: why not -->
            ```
            interlude> e
            ```
        """))
        boots = t.plan_boots(blocks)
        self.assertEqual([(b.append, [x.steps[0].command for x in b.blocks]) for b in boots],
                         [("", ["a", "c"]), ("noapic", ["b"]), ("", ["d"])])

    def test_every_doc_of_the_repository_is_marked(self):
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        by_page, problems = t.load(repo)
        self.assertEqual([p.details for p in problems], [])
        self.assertIn("docs/irq.md", by_page)


if __name__ == "__main__":
    unittest.main()
