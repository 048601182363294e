"""Host tests of the lab tool (scripts/lab.py): region markers, student
trees, the manifest, the handouts' grader sections, and the rule that a
grader can fail. make test runs them as host/lab_tool/TEST
(tests/harness/pyunit.py); by hand:

    python3 -m unittest tests/host/test_lab_tool.py -v

The last test boots the harness self-test kernel (one short ktest boot)
to show that a grader given a failing kernel reports the failure.
"""

import os
import sys
import tempfile
import unittest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "scripts"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))
sys.dont_write_bytecode = True

import lab  # noqa: E402
from harness.results import failed, passed  # noqa: E402

GOOD = """int a;
/* LAB demo BEGIN */
int solution(void) { return 42; }
/* LAB demo END */
/* LAB demo STUB: the starter tree has this instead */
#if 0
int solution(void) { return 0; }
#endif /* LAB demo STUB END */
int b;
"""


def make_lab(name="demo", files=("f.c",), checks=None):
    return lab.Lab(name=name, title=name, handout=f"docs/labs/{name}.md",
                   files=list(files),
                   checks=checks or [{"name": "c", "ktest": "s/c", "points": 10}])


class Regions(unittest.TestCase):
    def error(self, text):
        with self.assertRaises(lab.LabError) as cm:
            lab.parse_regions(text, "f.c")
        return str(cm.exception)

    def test_region_with_stub_parses(self):
        (r,) = lab.parse_regions(GOOD, "f.c")
        self.assertEqual((r.lab, r.begin, r.end, r.stub_begin, r.stub_end), ("demo", 2, 4, 5, 8))

    def test_begin_without_end_is_an_error(self):
        msg = self.error("/* LAB demo BEGIN */\nint x;\n")
        self.assertIn("f.c:1", msg)
        self.assertIn("without an END", msg)

    def test_end_without_begin_is_an_error(self):
        self.assertIn("END without a BEGIN", self.error("int x;\n/* LAB demo END */\n"))

    def test_nested_regions_are_an_error(self):
        msg = self.error("/* LAB a BEGIN */\n/* LAB b BEGIN */\n/* LAB b END */\n/* LAB a END */\n")
        self.assertIn("f.c:2", msg)
        self.assertIn("do not nest", msg)

    def test_end_of_another_region_is_an_error(self):
        self.assertIn("closes region a", self.error("/* LAB a BEGIN */\n/* LAB b END */\n"))

    def test_stub_away_from_its_end_is_an_error(self):
        text = GOOD.replace("/* LAB demo END */\n", "/* LAB demo END */\nint gap;\n")
        self.assertIn("right after", self.error(text))

    def test_stub_without_if0_is_an_error(self):
        text = GOOD.replace("#if 0\n", "")
        self.assertIn("followed by an '#if 0' line", self.error(text))

    def test_stub_without_stub_end_is_an_error(self):
        text = GOOD.replace("#endif /* LAB demo STUB END */\n", "")
        self.assertIn("without a STUB END", self.error(text))

    def test_malformed_marker_is_an_error(self):
        self.assertIn("malformed", self.error("/* LAB demo BEGIN*/\n"))

    def test_starter_text_holds_the_stub_between_markers(self):
        out = lab.starter_text(GOOD, "demo", "f.c")
        self.assertNotIn("return 42", out)
        self.assertIn("return 0", out)
        self.assertNotIn("#if 0", out)
        self.assertEqual(out.splitlines(),
                         ["int a;", "/* LAB demo BEGIN */", "int solution(void) { return 0; }",
                          "/* LAB demo END */", "int b;"])
        self.assertEqual(lab.starter_text(GOOD, "other", "f.c"), GOOD)

    def test_missing_stub_is_an_error(self):
        text = "/* LAB demo BEGIN */\nint x;\n/* LAB demo END */\n"
        with self.assertRaisesRegex(lab.LabError, "no STUB block"):
            lab.starter_text(text, "demo", "f.c")

    def test_stub_equal_to_the_solution_is_an_error(self):
        text = GOOD.replace("return 0;", "return 42;")
        with self.assertRaisesRegex(lab.LabError, "is the solution"):
            lab.starter_text(text, "demo", "f.c")


class Trees(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "course")
        os.makedirs(os.path.join(self.root, "build"))
        with open(os.path.join(self.root, "f.c"), "w") as f:
            f.write(GOOD)
        with open(os.path.join(self.root, "build", "junk.o"), "w") as f:
            f.write("x")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        with open(os.path.join(self.root, rel), "w") as f:
            f.write(text)

    def test_scan_finds_the_region(self):
        (demo,) = lab.scan(self.root, [make_lab()])
        self.assertEqual([r.path for r in demo.regions], ["f.c"])

    def test_marker_of_unknown_lab_is_an_error(self):
        self.write("g.c", GOOD.replace("demo", "nosuch"))
        with self.assertRaisesRegex(lab.LabError, "unknown lab 'nosuch'"):
            lab.scan(self.root, [make_lab()])

    def test_region_in_an_unlisted_file_is_an_error(self):
        self.write("g.c", GOOD)
        with self.assertRaisesRegex(lab.LabError, "does not list"):
            lab.scan(self.root, [make_lab()])

    def test_listed_file_without_region_is_an_error(self):
        self.write("g.c", "int c;\n")
        with self.assertRaisesRegex(lab.LabError, "no LAB demo region in g.c"):
            lab.scan(self.root, [make_lab(files=("f.c", "g.c"))])

    def test_unknown_lab_name_lists_the_labs(self):
        with self.assertRaisesRegex(lab.LabError, "unknown lab 'nope'; the labs are: demo, two"):
            lab.find_lab([make_lab(), make_lab("two")], "nope")

    def test_student_tree_written_and_not_overwritten(self):
        (demo,) = lab.scan(self.root, [make_lab()])
        dest = os.path.join(self.tmp.name, "student")
        lab.write_tree(self.root, dest, demo)
        with open(os.path.join(dest, "f.c")) as f:
            self.assertIn("return 0", f.read())
        self.assertEqual(lab.student_lab(dest), "demo")
        self.assertFalse(os.path.exists(os.path.join(dest, "build")))
        with open(os.path.join(dest, "f.c"), "w") as f:
            f.write("the student's work")
        with self.assertRaisesRegex(lab.LabError, "not overwritten; FORCE=1"):
            lab.write_tree(self.root, dest, demo)
        with open(os.path.join(dest, "f.c")) as f:
            self.assertEqual(f.read(), "the student's work")
        lab.write_tree(self.root, dest, demo, force=True)
        with open(os.path.join(dest, "f.c")) as f:
            self.assertIn("return 0", f.read())

    def test_lab_not_ready_is_refused(self):
        napi = make_lab("napi", files=())
        napi.needs = "needs a driver"
        with self.assertRaisesRegex(lab.LabError, "cannot be generated yet: needs a driver"):
            lab.write_tree(self.root, os.path.join(self.tmp.name, "n"), napi)


class Grading(unittest.TestCase):
    CHECK = {"name": "c", "ktest": "suite/case", "points": 10}

    def test_passing_result_scores(self):
        self.assertTrue(lab.judge(self.CHECK, [passed("lab/x/ktest/suite/case")]).ok)

    def test_failing_result_does_not_score(self):
        s = lab.judge(self.CHECK, [failed("lab/x/ktest/suite/case", "EXPECT failed")])
        self.assertFalse(s.ok)
        self.assertIn("EXPECT failed", s.details)

    def test_missing_result_does_not_score(self):
        s = lab.judge(self.CHECK, [passed("lab/x/ktest/suite/other")])
        self.assertFalse(s.ok)
        self.assertIn("no such result", s.details)

    def test_case_becomes_a_ktest_word(self):
        self.assertEqual(lab.ktest_word("softirq/pass_limit"), "softirq.pass_limit")
        self.assertEqual(lab.ktest_word("softirq/*"), "softirq")
        self.assertEqual(lab.ktest_append("ktest=a,b noapic", ["s.c"]), "ktest=s.c noapic")

    def test_starter_that_passes_its_grader_fails_the_ci_check(self):
        """The rule behind lab/NAME/starter_fails: a stub that still holds
        the solution (every check passes) is reported."""
        ok_scores = [lab.Score(self.CHECK, True)]
        good, why = lab.starter_verdict("demo", ok_scores, booted=True)
        self.assertFalse(good)
        self.assertIn("cannot fail", why)
        good, _ = lab.starter_verdict("demo", [lab.Score(self.CHECK, False)], booted=True)
        self.assertTrue(good)

    def test_starter_that_does_not_boot_fails_the_ci_check(self):
        good, why = lab.starter_verdict("demo", [lab.Score(self.CHECK, False)], booted=False)
        self.assertFalse(good)
        self.assertIn("did not boot", why)

    def test_grader_given_a_failing_kernel_reports_the_failure(self):
        """A real boot: the harness self-test kernel's must_fail case fails,
        its must_pass case passes, and the scores say so."""
        elf = os.path.join(REPO_ROOT, "build", "selftest", "interlude.elf")
        if not os.path.isfile(elf):
            self.skipTest(f"{elf} not built")
        demo = make_lab(checks=[
            {"name": "passes", "ktest": "selftest_fail/must_pass", "points": 1},
            {"name": "fails", "ktest": "selftest_fail/must_fail", "points": 1}])
        with tempfile.TemporaryDirectory() as logs:
            scores, boot_problems = lab.run_checks(demo, elf, logs, name_prefix="lab-selftest")
        self.assertEqual([s.ok for s in scores], [True, False], [s.details for s in scores])
        self.assertEqual(boot_problems, [])


class CaseSelection(unittest.TestCase):
    """ktest=SUITE.CASE (kernel/test/ktest.c), which the graders boot."""

    def boot(self, append):
        from harness import suites
        elf = os.path.join(REPO_ROOT, "build", "selftest", "interlude.elf")
        if not os.path.isfile(elf):
            self.skipTest(f"{elf} not built")
        with tempfile.TemporaryDirectory() as logs:
            return {r.name: r for r in suites.ktest_boot("sel", elf, append, log_dir=logs)}

    def test_one_case_runs_the_others_are_skipped(self):
        got = self.boot("ktest=selftest_fail.must_pass")
        self.assertEqual(got["sel/selftest_fail/must_pass"].status, "pass")
        self.assertEqual(got["sel/selftest_fail/must_fail"].status, "skip")
        self.assertEqual(got["sel/(boot)"].status, "pass", got["sel/(boot)"].details)

    def test_unknown_case_is_a_failure(self):
        got = self.boot("ktest=selftest_fail.must_pass,selftest_fail.no_such_case")
        self.assertEqual(got["sel/selftest_fail/must_pass"].status, "pass")
        self.assertEqual(got["sel/(boot)"].status, "fail")
        self.assertIn("suite selftest_fail has no case 'no_such_case'", got["sel/(boot)"].details)


class Manifest(unittest.TestCase):
    def test_course_manifest_markers_and_handouts_agree(self):
        labs = lab.scan(REPO_ROOT, lab.load_manifest(REPO_ROOT))
        self.assertEqual(lab.handout_problems(REPO_ROOT, labs), [])
        for each in labs:
            if not each.needs:
                self.assertTrue(each.regions, each.name)

    def test_broken_doc_link_is_reported(self):
        demo = make_lab()
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "docs", "labs"))
            with open(os.path.join(root, "docs", "irq.md"), "w") as f:
                f.write("# IRQs\n## The top half's duties\n")
            with open(os.path.join(root, demo.handout), "w") as f:
                f.write("[ok](../irq.md#the-top-halfs-duties) [bad](../irq.md#gone) "
                        "[none](../nope.md)\n" + lab.grader_section(demo) + "\n")
            self.assertEqual(lab.handout_problems(root, [demo]), [
                "docs/labs/demo.md: link to ../irq.md#gone: no such section",
                "docs/labs/demo.md: link to ../nope.md: no such page"])

    def test_stale_grader_section_is_reported(self):
        demo = make_lab()
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "docs", "labs"))
            path = os.path.join(root, demo.handout)
            with open(path, "w") as f:
                f.write("# demo\n" + lab.grader_section(demo) + "\n")
            self.assertEqual(lab.handout_problems(root, [demo]), [])
            demo.checks[0]["points"] = 20
            (problem,) = lab.handout_problems(root, [demo])
            self.assertIn("differs", problem)
            lab.handout_problems(root, [demo], write=True)
            self.assertEqual(lab.handout_problems(root, [demo]), [])


if __name__ == "__main__":
    unittest.main()
