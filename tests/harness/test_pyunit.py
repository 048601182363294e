"""Unit tests for harness/pyunit.py: a Python test that fails must come
back as a failed result, one that errs too, and a module that cannot be
imported or has no tests is a failure, never silence.

    python3 -m unittest discover -s tests/harness -t tests -p 'test_pyunit.py'
"""

import os
import tempfile
import textwrap
import unittest

from harness import pyunit
from harness.results import FAIL, PASS, SKIP

CANNED = '''
import unittest

class One(unittest.TestCase):
    def test_passes(self):
        pass

    def test_fails(self):
        self.assertEqual(1, 2)

    def test_errs(self):
        raise RuntimeError("boom")

    @unittest.skip("not here")
    def test_skipped(self):
        pass
'''


class RunFile(unittest.TestCase):
    def run_source(self, source):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "test_canned.py")
            with open(path, "w") as f:
                f.write(textwrap.dedent(source))
            return {r.name: r for r in pyunit.run_file(path, "host/canned")}

    def test_each_outcome_is_its_own_result(self):
        got = self.run_source(CANNED)
        self.assertEqual({n: r.status for n, r in got.items()}, {
            "host/canned/passes": PASS, "host/canned/fails": FAIL,
            "host/canned/errs": FAIL, "host/canned/skipped": SKIP})
        self.assertIn("1 != 2", got["host/canned/fails"].details)
        self.assertIn("boom", got["host/canned/errs"].details)

    def test_a_module_that_does_not_import_fails(self):
        got = self.run_source("import no_such_module_here\n")
        self.assertEqual(list(got), ["host/canned/(import)"])
        self.assertEqual(got["host/canned/(import)"].status, FAIL)

    def test_a_module_without_tests_fails(self):
        got = self.run_source("X = 1\n")
        self.assertEqual([(n, r.status) for n, r in got.items()], [("host/canned/(none)", FAIL)])


if __name__ == "__main__":
    unittest.main()
