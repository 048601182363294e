"""A parser for KTAP, the test output format of Linux's KUnit.

The kernel (and the host unit tests) print results like this; subtests are
indented by four spaces under the suite that contains them:

    KTAP version 1
    1..1
        KTAP version 1
        # Subtest: cmdline
        1..2
        ok 1 parses_key_value
        # EXPECT_EQ failed at kernel/foo.c:12: x == y (1 vs 2)
        not ok 2 unknown_option_warns
    not ok 1 cmdline

parse() turns such text into a Report:

  * results: one Result per *leaf* test case, named by its path
    ("cmdline/parses_key_value"), with status "pass", "fail" or "skip" and
    the diagnostic lines printed just before its result line;
  * errors: one Problem per way the output is malformed or incomplete
    (no "KTAP version" line, no plan, fewer results than planned, ...).
    A kernel that crashes half-way leaves exactly this kind of trace, so
    the test runner reports every Problem as a failed test.

Lines that are not KTAP (the boot log, printk messages from the code under
test) are ignored for the results but kept: in Report.log, and in the
diagnostics of the test that was running when they were printed.

The parser is pure: text in, Report out. It never raises on bad input.
"""

import re
from dataclasses import dataclass, field

PASS = "pass"
FAIL = "fail"
SKIP = "skip"

# One regular expression per kind of KTAP line. Group "indent" is the
# leading whitespace: four spaces per nesting level.
_VERSION = re.compile(r"^(?P<indent> *)(?:KTAP version \d+|TAP version \d+)\s*$")
_PLAN = re.compile(r"^(?P<indent> *)1\.\.(?P<count>\d+)\s*$")
_RESULT = re.compile(
    r"^(?P<indent> *)(?P<ok>ok|not ok) (?P<number>\d+)"
    r"(?: -)?(?: (?P<rest>.*))?$"
)
_SUBTEST = re.compile(r"^(?P<indent> *)# Subtest: (?P<name>.*?)\s*$")
_DIAGNOSTIC = re.compile(r"^(?P<indent> *)#(?P<text>.*)$")
# The directive after the description: "ok 3 empty # SKIP needs apic".
_DIRECTIVE = re.compile(r"^(?P<desc>.*?)\s*(?:#\s*(?P<kind>SKIP|TODO)\b\s*(?P<reason>.*))?$",
                        re.IGNORECASE)


@dataclass
class Result:
    """The outcome of one leaf test case."""
    name: str                    # path, e.g. "cmdline/parses_key_value"
    status: str                  # PASS, FAIL or SKIP
    reason: str = ""             # the text after "# SKIP" / "# TODO"
    diagnostics: list = field(default_factory=list)


@dataclass
class Problem:
    """Something wrong with the output itself (missing or malformed)."""
    name: str                    # where: e.g. "cmdline/(missing #3)"
    message: str


@dataclass
class Report:
    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    log: list = field(default_factory=list)      # all non-KTAP lines

    def count(self, status):
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self):
        """True if any case failed or the output was malformed."""
        return bool(self.errors) or self.count(FAIL) > 0


class _Block:
    """One "KTAP version 1 / 1..N / results" block at one indentation.

    The root block is the whole document; each suite is a block nested
    four spaces deeper, closed by its result line in the parent block.
    """

    def __init__(self, indent, name=None):
        self.indent = indent
        self.name = name          # from "# Subtest: NAME", if printed
        self.plan = None          # N from "1..N"
        self.numbers = []         # test numbers seen, in order
        self.pending = []         # diagnostics since the last result line
        self.results = []         # leaf Results, names relative to this block
        self.errors = []          # Problems, names relative to this block
        self.closed_child = None  # a finished sub-block awaiting its result line

    def check_plan(self):
        """Compare the results seen with the plan; record what is wrong."""
        if self.plan is None:
            self.errors.append(Problem("(no plan)",
                                       "no '1..N' plan line: output malformed or cut short"))
            return
        seen = set(self.numbers)
        for n in range(1, self.plan + 1):
            if n not in seen:
                self.errors.append(Problem(
                    f"(missing #{n})",
                    f"plan says 1..{self.plan} but test {n} has no result line "
                    "(did the kernel stop or crash?)"))
        extra = [n for n in self.numbers if n > self.plan]
        if extra:
            self.errors.append(Problem(
                "(beyond plan)", f"results {extra} are beyond the plan 1..{self.plan}"))
        if len(self.numbers) != len(seen):
            self.errors.append(Problem("(duplicate)", "a test number appears twice"))


def _prefixed(prefix, name):
    return f"{prefix}/{name}" if prefix else name


def _split_directive(rest):
    """'empty # SKIP needs apic' -> ('empty', 'SKIP', 'needs apic')."""
    m = _DIRECTIVE.match(rest or "")
    kind = m.group("kind").upper() if m.group("kind") else None
    return m.group("desc").strip(), kind, (m.group("reason") or "").strip()


class _Parser:
    def __init__(self):
        self.report = Report()
        self.stack = []           # open blocks, root first

    # -- helpers -----------------------------------------------------------

    def _top(self):
        return self.stack[-1]

    def _open(self, indent, name=None):
        self.stack.append(_Block(indent, name))

    def _close_to(self, indent):
        """Close every block nested deeper than `indent`.

        The innermost closed block is remembered in its parent: the next
        result line at `indent` is that suite's own result line.
        """
        while len(self.stack) > 1 and self._top().indent > indent:
            child = self.stack.pop()
            child.check_plan()
            parent = self._top()
            if parent.closed_child is not None:
                # The previous sub-block never got its result line.
                self._adopt_orphan(parent, parent.closed_child)
            parent.closed_child = child
            parent.pending.extend(child.pending)

    def _adopt_orphan(self, parent, child):
        """Keep the leaves of a suite that has no result line, and say so."""
        suite = child.name or "(unnamed suite)"
        for r in child.results:
            r.name = _prefixed(suite, r.name)
            parent.results.append(r)
        for p in child.errors:
            p.name = _prefixed(suite, p.name)
            parent.errors.append(p)
        tail = "".join("\n  " + line for line in child.pending[-10:])
        parent.errors.append(Problem(
            _prefixed(suite, "(no result)"),
            "output ended inside this suite, before its result line" + tail))
        parent.closed_child = None

    def _open_block(self, indent, name=None):
        """Start a sub-block at `indent`, closing any block at that depth."""
        self._close_to(indent - 1)
        if self._top().indent < indent:
            self._open(indent, name)

    # -- one line at a time -------------------------------------------------

    def feed(self, line):
        line = line.rstrip("\r\n")
        if not self.stack:
            # Before the first "KTAP version" line everything is boot log.
            if _VERSION.match(line) and not line.startswith(" "):
                self._open(0)
            else:
                self.report.log.append(line)
            return

        m = _VERSION.match(line) or _SUBTEST.match(line)
        if m:
            indent = len(m.group("indent"))
            name = m.groupdict().get("name")
            if indent == 0:
                if name is None:
                    # A second document at top level: the first was cut short.
                    self.finish()
                    self._open(0)
                return
            top = self._top()
            if not (top.indent == indent and self._is_fresh(top)):
                # "KTAP version" and "# Subtest:" may come in either order;
                # whichever comes first opens the block.
                self._open_block(indent)
            if name is not None:
                self._top().name = name
            return

        m = _PLAN.match(line)
        if m:
            indent = len(m.group("indent"))
            if indent > self._top().indent:
                self._open_block(indent)    # a suite without a version line
            self._close_to(indent)
            self._top().plan = int(m.group("count"))
            return

        m = _RESULT.match(line)
        if m:
            indent = len(m.group("indent"))
            if indent > self._top().indent:
                self._open_block(indent)    # a suite without a version line
            self._result(indent, m)
            return

        m = _DIAGNOSTIC.match(line)
        if m:
            indent = len(m.group("indent"))
            self._close_to(indent)
            self._top().pending.append("# " + m.group("text").strip())
            return

        # Anything else is log output (printk from the code under test).
        self._top().pending.append(line)
        self.report.log.append(line)

    @staticmethod
    def _is_fresh(block):
        return block.plan is None and not block.numbers and not block.results

    def _result(self, indent, m):
        self._close_to(indent)
        block = self._top()
        if block.indent != indent:
            # A result line less indented than any open block: stray text.
            block.pending.append(m.group(0))
            return
        number = int(m.group("number"))
        desc, directive, reason = _split_directive(m.group("rest"))
        name = desc or f"#{number}"
        block.numbers.append(number)
        diagnostics, block.pending = block.pending, []
        child, block.closed_child = block.closed_child, None

        if directive == "SKIP" or directive == "TODO":
            status = SKIP
        elif m.group("ok") == "ok":
            status = PASS
        else:
            status = FAIL

        if child is None:
            # A leaf test case.
            block.results.append(Result(name, status, reason, diagnostics))
            return

        # A suite: its leaves and problems become ours, under its name.
        suite = desc or child.name or f"#{number}"
        for r in child.results:
            r.name = _prefixed(suite, r.name)
            block.results.append(r)
        for p in child.errors:
            p.name = _prefixed(suite, p.name)
            block.errors.append(p)
        child_failed = any(r.status == FAIL for r in child.results) or child.errors
        if status == FAIL and not child_failed:
            # The suite says "not ok" but none of its cases failed (e.g. its
            # init or exit function failed): that is a failure in itself.
            block.results.append(Result(suite, FAIL, reason, diagnostics + [
                "# suite reported 'not ok' although no case in it failed"]))
        elif status == SKIP and not child.results:
            block.results.append(Result(suite, SKIP, reason, diagnostics))

    def finish(self):
        """End of input: close whatever is still open and check plans."""
        if not self.stack:
            self.report.errors.append(Problem(
                "(no KTAP)", "no 'KTAP version 1' line in the output"))
            return self.report
        # Blocks still open were cut short: keep their leaves, flag the suite.
        self._close_to(0)
        root = self.stack[0]
        if root.closed_child is not None:
            self._adopt_orphan(root, root.closed_child)
        root.check_plan()
        self.report.results.extend(root.results)
        self.report.errors.extend(root.errors)
        self.stack = []
        return self.report


def parse(text):
    """Parse KTAP output (possibly preceded by a boot log) into a Report."""
    parser = _Parser()
    for line in text.splitlines():
        parser.feed(line)
    return parser.finish()
