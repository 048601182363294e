"""Python unittest modules as results: each test one result PREFIX/NAME.

    pyunit.run_file("tests/host/test_trace_tools.py", "host/trace_tools")
    -> [ok host/trace_tools/slices_nest_per_track, ...]

NAME is the test method without its "test_" (ClassName.method if two
classes share a method name). A module that fails to import, or has no
tests, is one failed result PREFIX/(import) or PREFIX/(none): a broken test
file never passes by saying nothing.
"""

import importlib.util
import os
import traceback
import unittest

from .results import failed, passed, skipped


class _Collect(unittest.TestResult):
    """Keeps every test's outcome, in the order they ran."""

    def __init__(self):
        super().__init__()
        self.outcomes = []          # (test, "pass"|"fail"|"skip", details)

    def addSuccess(self, test):
        self.outcomes.append((test, "pass", ""))

    def addFailure(self, test, err):
        self.outcomes.append((test, "fail", self._exc_info_to_string(err, test)))

    def addError(self, test, err):
        self.outcomes.append((test, "fail", self._exc_info_to_string(err, test)))

    def addSkip(self, test, reason):
        self.outcomes.append((test, "skip", reason))

    def addExpectedFailure(self, test, err):
        self.outcomes.append((test, "pass", ""))

    def addUnexpectedSuccess(self, test):
        self.outcomes.append((test, "fail", "expected to fail, but passed"))


def _load(path):
    name = "pyunit_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names(tests):
    """test -> its result name: the method without "test_", or
    Class.method where two classes have the same method."""
    methods = [t._testMethodName for t in tests]
    out = {}
    for t in tests:
        m = t._testMethodName
        short = m[len("test_"):] if m.startswith("test_") else m
        out[t.id()] = short if methods.count(m) == 1 else f"{type(t).__name__}.{short}"
    return out


def _flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _flatten(t)
        else:
            yield t


def run_file(path, prefix):
    """Run the unittest module at `path`; one TestResult per test."""
    try:
        module = _load(path)
    except Exception:
        return [failed(f"{prefix}/(import)", traceback.format_exc())]
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    tests = list(_flatten(suite))
    if not tests:
        return [failed(f"{prefix}/(none)", f"{path} has no tests")]
    names = _names(tests)
    collect = _Collect()
    suite.run(collect)
    results = []
    for test, status, details in collect.outcomes:
        name = f"{prefix}/{names.get(test.id(), test.id())}"
        if status == "pass":
            results.append(passed(name))
        elif status == "skip":
            results.append(skipped(name, details))
        else:
            results.append(failed(name, details))
    return results
