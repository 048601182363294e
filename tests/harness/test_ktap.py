"""Unit tests for the KTAP parser, on canned text.

Run from the repository root:
    python3 -m unittest discover -s tests/harness -t tests
"""

import textwrap
import unittest

from harness import ktap, reports

# The example from the kernel/harness contract, preceded by a boot log.
NESTED = """\
[    0.000000] Interlude 0.1 booting
[    0.012345] ktest: running 2 suites
KTAP version 1
1..2
    KTAP version 1
    # Subtest: cmdline
    1..3
    ok 1 parses_key_value
    # EXPECT_EQ failed at kernel/foo.c:12: x == y (1 vs 2)
    not ok 2 unknown_option_warns
    ok 3 empty # SKIP needs apic
# cmdline: pass:2 fail:1 skip:1 total:3
not ok 1 cmdline
    KTAP version 1
    # Subtest: pic
    1..1
    ok 1 mask_roundtrip
ok 2 pic
"""


def by_name(report):
    return {r.name: r for r in report.results}


class NestedOutput(unittest.TestCase):
    def test_leaf_results_are_named_suite_slash_case(self):
        report = ktap.parse(NESTED)
        self.assertEqual([r.name for r in report.results], [
            "cmdline/parses_key_value", "cmdline/unknown_option_warns",
            "cmdline/empty", "pic/mask_roundtrip"])
        self.assertEqual(report.errors, [])

    def test_statuses(self):
        r = by_name(ktap.parse(NESTED))
        self.assertEqual(r["cmdline/parses_key_value"].status, ktap.PASS)
        self.assertEqual(r["cmdline/unknown_option_warns"].status, ktap.FAIL)
        self.assertEqual(r["cmdline/empty"].status, ktap.SKIP)
        self.assertEqual(r["cmdline/empty"].reason, "needs apic")
        self.assertEqual(r["pic/mask_roundtrip"].status, ktap.PASS)

    def test_counts_and_verdict(self):
        report = ktap.parse(NESTED)
        self.assertEqual((report.count(ktap.PASS), report.count(ktap.FAIL),
                          report.count(ktap.SKIP)), (2, 1, 1))
        self.assertTrue(report.failed)

    def test_diagnostics_go_with_the_failing_case(self):
        r = by_name(ktap.parse(NESTED))
        self.assertEqual(r["cmdline/unknown_option_warns"].diagnostics,
                         ["# EXPECT_EQ failed at kernel/foo.c:12: x == y (1 vs 2)"])
        self.assertEqual(r["cmdline/parses_key_value"].diagnostics, [])

    def test_boot_log_is_kept(self):
        report = ktap.parse(NESTED)
        self.assertEqual(report.log[0], "[    0.000000] Interlude 0.1 booting")

    def test_carriage_returns_are_ignored(self):
        report = ktap.parse(NESTED.replace("\n", "\r\n"))
        self.assertEqual(len(report.results), 4)
        self.assertEqual(report.errors, [])

    def test_printk_lines_inside_a_case_become_its_diagnostics(self):
        text = textwrap.dedent("""\
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: sched
                1..1
            BUG: sleeping function called from invalid context
                not ok 1 sleeps_in_irq
            not ok 1 sched
            """)
        report = ktap.parse(text)
        r = by_name(report)["sched/sleeps_in_irq"]
        self.assertEqual(r.status, ktap.FAIL)
        self.assertIn("BUG: sleeping function called from invalid context", r.diagnostics)
        self.assertEqual(report.errors, [])


class AllPassing(unittest.TestCase):
    def test_not_failed(self):
        text = NESTED.replace("not ok 2 unknown", "ok 2 unknown").replace(
            "not ok 1 cmdline", "ok 1 cmdline")
        report = ktap.parse(text)
        self.assertFalse(report.failed)
        self.assertEqual(report.count(ktap.PASS), 3)

    def test_flat_host_output(self):
        report = ktap.parse("KTAP version 1\n1..2\nok 1 strlen\nok 2 memcpy_overlap\n")
        self.assertEqual([r.name for r in report.results], ["strlen", "memcpy_overlap"])
        self.assertFalse(report.failed)

    def test_subtest_line_before_version_line(self):
        text = ("KTAP version 1\n1..1\n    # Subtest: a\n    KTAP version 1\n"
                "    1..1\n    ok 1 x\nok 1 a\n")
        report = ktap.parse(text)
        self.assertEqual([r.name for r in report.results], ["a/x"])
        self.assertFalse(report.failed)

    def test_hash_inside_description_is_not_a_directive(self):
        report = ktap.parse("KTAP version 1\n1..1\nok 1 case # not a skip\n")
        self.assertEqual(report.results[0].status, ktap.PASS)
        self.assertEqual(report.results[0].name, "case # not a skip")

    def test_whole_suite_skipped(self):
        report = ktap.parse("KTAP version 1\n1..1\nok 1 apic # SKIP no apic\n")
        self.assertEqual(report.results[0].status, ktap.SKIP)
        self.assertFalse(report.failed)


class MalformedOutput(unittest.TestCase):
    def test_no_ktap_at_all(self):
        report = ktap.parse("[    0.0] booting\nKernel panic - not syncing\n")
        self.assertTrue(report.failed)
        self.assertEqual([p.name for p in report.errors], ["(no KTAP)"])
        self.assertEqual(len(report.log), 2)

    def test_empty_output(self):
        self.assertTrue(ktap.parse("").failed)

    def test_missing_plan(self):
        report = ktap.parse("KTAP version 1\nok 1 a\n")
        self.assertTrue(report.failed)
        self.assertEqual([p.name for p in report.errors], ["(no plan)"])

    def test_fewer_results_than_plan(self):
        report = ktap.parse("KTAP version 1\n1..3\nok 1 a\nok 2 b\n")
        self.assertTrue(report.failed)
        self.assertEqual([p.name for p in report.errors], ["(missing #3)"])

    def test_missing_case_in_the_middle(self):
        report = ktap.parse("KTAP version 1\n1..3\nok 1 a\nok 3 c\n")
        self.assertEqual([p.name for p in report.errors], ["(missing #2)"])

    def test_output_cut_inside_a_suite(self):
        # The kernel died during the second case of "pic".
        text = ("KTAP version 1\n1..2\n    KTAP version 1\n    # Subtest: pic\n"
                "    1..2\n    ok 1 mask_roundtrip\n")
        report = ktap.parse(text)
        self.assertTrue(report.failed)
        self.assertEqual([r.name for r in report.results], ["pic/mask_roundtrip"])
        self.assertEqual(sorted(p.name for p in report.errors), [
            "(missing #1)", "(missing #2)", "pic/(missing #2)", "pic/(no result)"])

    def test_suite_not_ok_without_failing_case(self):
        text = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n"
                "    1..1\n    ok 1 a\n# s: suite exit failed\nnot ok 1 s\n")
        report = ktap.parse(text)
        self.assertTrue(report.failed)
        failed = [r for r in report.results if r.status == ktap.FAIL]
        self.assertEqual([r.name for r in failed], ["s"])
        self.assertIn("# s: suite exit failed", failed[0].diagnostics)

    def test_more_results_than_plan(self):
        report = ktap.parse("KTAP version 1\n1..1\nok 1 a\nok 2 b\n")
        self.assertTrue(report.failed)

    def test_errors_inside_suite_are_prefixed(self):
        text = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n"
                "    1..2\n    ok 1 a\nnot ok 1 s\n")
        report = ktap.parse(text)
        self.assertEqual([p.name for p in report.errors], ["s/(missing #2)"])


SCENARIO_LOG = """\
[    0.100000] Interlude booting
[    1.000000] WARNING: local_bh_enable with IRQs off
    # a diagnostic quoting 'WARNING: x' is not a report
[    2.000000] Oops: #0 divide error in thread 'spin' (tid 9): thread killed
"""


class Reports(unittest.TestCase):
    """The report checker (harness/reports.py) on canned serial logs."""

    def test_undeclared_warning_fails(self):
        problems = reports.check(SCENARIO_LOG, [(r"Oops: ", 1)])
        self.assertEqual(len(problems), 1)
        self.assertIn("undeclared report", problems[0])
        self.assertIn("WARNING: local_bh_enable", problems[0])

    def test_declared_reports_pass(self):
        self.assertEqual(reports.check(SCENARIO_LOG, [
            (r"WARNING: local_bh_enable with IRQs off", 1),
            (r"Oops: .* in thread 'spin'", reports.SOME)]), [])

    def test_declared_but_missing_fails(self):
        problems = reports.check(SCENARIO_LOG, [
            (r"WARNING: local_bh_enable", 1), (r"Oops:", 1),
            (r"BUG: spinlock recursion", reports.SOME)])
        self.assertEqual(len(problems), 1)
        self.assertIn("'BUG: spinlock recursion', 0 printed", problems[0])

    def test_count_must_match(self):
        problems = reports.check(SCENARIO_LOG, [(r"WARNING:|Oops:", 1)])
        self.assertEqual(problems, ["declared 1 report(s) matching "
                                    "'WARNING:|Oops:', 2 printed"])

    def test_clean_log_passes_and_panic_is_a_report(self):
        self.assertEqual(reports.check("[    0.1] Interlude booting\n"), [])
        self.assertEqual(len(reports.check("[    0.2] Kernel panic - not syncing: x\n")), 1)
        self.assertEqual(len(reports.check("panic: out of memory\n")), 1)
        self.assertEqual(reports.check("[    0.3] panic=exit accepted\n"), [])

    def test_bad_count_is_an_error(self):
        with self.assertRaises(TypeError):
            reports.check("", [(r"x", "many")])

    def test_ktest_reports_inside_cases_are_the_kernels(self):
        text = textwrap.dedent("""\
            [    0.1] WARNING: at boot
            KTAP version 1
            1..1
            [    0.2] BUG: in suite init
                KTAP version 1
                # Subtest: s
                1..2
            [    0.3] WARNING: in case a
                ok 1 a
            [    0.4] Oops: in case b
                # b: failed at x.c:1: undeclared report: 'Oops: in case b'
                not ok 2 b
            [    0.5] WARNING: in suite exit
            # s: pass:1 fail:1 skip:0 total:2
            not ok 1 s
            [    0.6] BUG: after the last suite
            """)
        outside = [line.split("] ")[1] for line in reports.outside_ktest_cases(text)]
        self.assertEqual(outside, ["WARNING: at boot", "BUG: in suite init",
                                   "WARNING: in suite exit", "BUG: after the last suite"])


if __name__ == "__main__":
    unittest.main()
