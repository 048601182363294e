"""Unit tests for the bench-figures checker (harness/benchdocs.py): pages
that must fail (a stale figure, an unknown name, a figure typed by hand)
and pages that must pass.

Run from the repository root:
    python3 -m unittest discover -s tests/harness -t tests -p 'test_benchdocs.py'
"""

import os
import tempfile
import textwrap
import unittest

from harness import benchdocs

BENCH_TXT = """\
Interlude benchmarks (instructions, QEMU -icount shift=0)

benchmark              instr  what
softirq_raise            227  raise_softirq in a top half -> the action's first line
tasklet_schedule         389  tasklet_schedule in a top half -> the function's first line
irq_entry                113  vector raised -> first line of the top half (stub, dispatch, edge flow)
wakeup                   643  wake_up() -> woken thread running (waker blocks)

repeat run: identical
"""

RESULTS = benchdocs.parse_table(BENCH_TXT)


def page(text):
    return textwrap.dedent(text)


GOOD = page("""\
    # Cost

    <!-- bench: softirq_raise tasklet_schedule -->
    | benchmark | instructions | what it measures |
    |---|---:|---|
    | `softirq_raise` | 227 | raise_softirq in a top half -> the action's first line |
    | `tasklet_schedule` | 389 | tasklet_schedule in a top half -> the function's first line |
    <!-- /bench -->

    The tasklet costs <!--b:tasklet_schedule-softirq_raise-->162<!--/b-->
    instructions more than a bare raise; the way in, `irq_entry`, is
    <!--b:irq_entry-->113<!--/b-->. IRQ 4 is the UART's, 16 bytes its FIFO.
    Each wakeup of ksoftirqd is counted.

    ```
    #2  0x001053f4 in softirq_pass (sc=0x155420) at kernel/bh/softirq.c:134
    interlude> raise NET_RX
    ```
    """)


def problems(text):
    return benchdocs.check_text(text, RESULTS, "p.md")


class ParseTable(unittest.TestCase):
    def test_rows_in_order_with_what(self):
        self.assertEqual(list(RESULTS), ["softirq_raise", "tasklet_schedule", "irq_entry", "wakeup"])
        self.assertEqual(RESULTS["irq_entry"],
                         (113, "vector raised -> first line of the top half (stub, dispatch, edge flow)"))

    def test_empty_table_refused(self):
        with self.assertRaises(ValueError):
            benchdocs.parse_table("benchmark  instr  what\n\nrepeat run: identical\n")


class Evaluate(unittest.TestCase):
    def test_names_and_differences(self):
        self.assertEqual(benchdocs.evaluate("irq_entry", RESULTS), 113)
        self.assertEqual(benchdocs.evaluate("tasklet_schedule - softirq_raise", RESULTS), 162)
        self.assertEqual(benchdocs.evaluate("irq_entry+wakeup", RESULTS), 756)

    def test_unknown_name_and_garbage_refused(self):
        for expr in ("irq_exit", "irq_entry*2", "", "irq_entry wakeup"):
            with self.assertRaises(benchdocs.BenchDocError, msg=expr):
                benchdocs.evaluate(expr, RESULTS)


class CorrectPagePasses(unittest.TestCase):
    def test_generated_page_has_no_problems(self):
        self.assertEqual(problems(GOOD), [])

    def test_update_leaves_a_correct_page_unchanged(self):
        new, bad = benchdocs.update_text(GOOD, RESULTS)
        self.assertEqual((new, bad), (GOOD, []))

    def test_markers_quoted_in_inline_code_are_not_figures(self):
        text = "Write `<!-- bench: NAMES -->` regions and `<!--b:NAME-->N<!--/b-->` figures.\n"
        self.assertEqual(problems(GOOD + text), [])
        self.assertEqual(benchdocs.update_text(text, RESULTS), (text, []))

    def test_page_without_figures_passes(self):
        self.assertEqual(problems("# Boot\n\n`_start` is eight instructions; IRQ 0 ticks at 100 Hz.\n"), [])


class StaleFiguresFail(unittest.TestCase):
    def test_wrong_figure_in_a_region(self):
        bad = GOOD.replace("| 227 |", "| 220 |")
        found = problems(bad)
        self.assertEqual(len(found), 1, found)
        self.assertIn("p.md:3: the bench table (softirq_raise tasklet_schedule) differs", found[0])
        self.assertIn("run `make bench`", found[0])

    def test_wrong_inline_figure(self):
        bad = GOOD.replace("<!--b:irq_entry-->113", "<!--b:irq_entry-->112")
        found = problems(bad)
        self.assertEqual(len(found), 1, found)
        self.assertIn("inline figure irq_entry is '112', this build's is 113", found[0])
        self.assertIn("run `make bench`", found[0])

    def test_wrong_computed_figure(self):
        bad = GOOD.replace("-->162<", "-->235<")
        self.assertIn("this build's is 162", "\n".join(problems(bad)))

    def test_difference_that_turned_negative(self):
        flipped = dict(RESULTS, softirq_raise=(400, RESULTS["softirq_raise"][1]))
        bad = GOOD.replace("| 227 |", "| 400 |").replace("-->162<", "-->-11<")
        found = "\n".join(benchdocs.check_text(bad, flipped, "p.md"))
        self.assertIn("tasklet_schedule-softirq_raise is -11 now", found)
        self.assertIn("reword it", found)

    def test_hand_edited_what_text(self):
        bad = GOOD.replace("the action's first line |", "the action |")
        self.assertIn("differs from this build's figures", "\n".join(problems(bad)))

    def test_update_repairs_what_check_fails(self):
        bad = GOOD.replace("| 227 |", "| 220 |").replace("-->113<", "-->1<")
        new, found = benchdocs.update_text(bad, RESULTS)
        self.assertEqual((new, found), (GOOD, []))


class UnknownNamesFail(unittest.TestCase):
    def test_region_naming_an_unknown_benchmark(self):
        bad = GOOD.replace("<!-- bench: softirq_raise tasklet_schedule -->",
                           "<!-- bench: softirq_raise tasklet_sched -->")
        found = "\n".join(problems(bad))
        self.assertIn("p.md:3: unknown benchmark 'tasklet_sched'", found)

    def test_inline_naming_an_unknown_benchmark(self):
        bad = GOOD.replace("<!--b:irq_entry-->", "<!--b:irq_exit-->")
        self.assertIn("unknown benchmark 'irq_exit'", "\n".join(problems(bad)))

    def test_unknown_name_is_reported_by_update_too(self):
        bad = GOOD.replace("<!--b:irq_entry-->", "<!--b:irq_exit-->")
        new, found = benchdocs.update_text(bad, RESULTS)
        self.assertTrue(found and "irq_exit" in found[0][1], found)
        self.assertIn("<!--b:irq_exit-->113<!--/b-->", new)    # left as it was

    def test_unclosed_region(self):
        bad = GOOD.replace("<!-- /bench -->\n", "")
        self.assertIn("region without its '<!-- /bench -->' line", "\n".join(problems(bad)))


class TypedFiguresFail(unittest.TestCase):
    def assertTyped(self, text, excerpt):
        found = "\n".join(problems(GOOD + "\n" + page(text)))
        self.assertIn("a bench figure typed by hand", found)
        self.assertIn(excerpt, found)

    def test_number_next_to_a_backticked_name(self):
        self.assertTyped("A raise costs 227 (`softirq_raise`).\n", "227")

    def test_number_next_to_a_bare_name(self):
        self.assertTyped("and irq_entry is 113 here.\n", "113")

    def test_number_followed_by_instructions(self):
        self.assertTyped("The pool adds about 235 instructions.\n", "235")

    def test_bold_number_in_a_paragraph_about_a_benchmark(self):
        self.assertTyped("`irq_entry` counts the stub, the dispatch, the flow, the\n"
                         "lock, the ack and the chain walk, all of it together: **113**.\n", "113")

    def test_bench_output_pasted_in_a_code_block(self):
        self.assertTyped("```\nbenchmark  instr  what\nsoftirq_raise   227  raise\n```\n",
                         "softirq_raise   227")

    def test_bench_line_in_a_code_block(self):
        self.assertTyped("```\nBENCH irq_entry 113 vector raised\n```\n", "irq_entry 113")

    def test_figure_outside_a_region_of_the_same_page(self):
        self.assertTyped("Later: `tasklet_schedule` is 389.\n", "389")

    def test_english_word_that_is_a_name_needs_backticks(self):
        # "wakeup" is a benchmark and a word: only `wakeup` is the benchmark.
        self.assertEqual(problems(GOOD + "\nEach wakeup took 2 passes.\n"), [])
        self.assertTyped("A `wakeup` costs 643.\n", "643")


class Pages(unittest.TestCase):
    def test_update_pages_rewrites_and_names_changed_pages(self):
        with tempfile.TemporaryDirectory() as root:
            os.mkdir(os.path.join(root, "docs"))
            stale = GOOD.replace("| 227 |", "| 1 |")
            for name, text in (("docs/a.md", stale), ("docs/b.md", GOOD), ("README.md", "# x\n")):
                with open(os.path.join(root, name), "w") as f:
                    f.write(text)
            self.assertTrue(benchdocs.check_pages(root, RESULTS))
            changed, found = benchdocs.update_pages(root, RESULTS)
            self.assertEqual((changed, found), (["docs/a.md"], []))
            self.assertEqual(benchdocs.check_pages(root, RESULTS), [])
            with open(os.path.join(root, "docs/a.md")) as f:
                self.assertEqual(f.read(), GOOD)


if __name__ == "__main__":
    unittest.main()
