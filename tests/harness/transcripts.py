"""Doc transcripts: the shell sessions shown in docs/*.md and README.md,
re-run in QEMU and compared with what the kernel prints.

The notation is explained for readers in docs/transcripts.md. In short:

    <!-- transcript: machine="run" append="threadirqs" -->
    ```
    interlude> irq 4
    irq 4: chip IO-APIC, hwirq 4, edge, depth 0, count 51~, unhandled 0
    ...
    ```

  * A fenced block with a line starting "interlude> " must be marked by
    an HTML comment on the line right before its fence: either
    `<!-- transcript: KEY="VALUE" ... -->` (checked) or
    `<!-- transcript: unchecked: REASON -->` (not checked, and says why).
    An unmarked one fails (doc/FILE/LINE): no transcript escapes silently.
  * Keys: machine (see MACHINES; default "run", the `make run` machine),
    append (the kernel command line; default empty), fresh="yes" (boot
    anew for this block), timeout (seconds per command; default 10).
  * Lines before the first prompt are the boot output (the block then
    starts its own boot). After "interlude> CMD" come the lines CMD
    printed, up to the next prompt. "interlude> [  t] text" is a log line
    printed while the prompt waited; the next line is then the command.
  * Comparison is exact, line by line, in order, after NORMALISE (log
    timestamps, `up N s`, `boot took N us`; trailing spaces), except
    that a number written with "~" right after it (`count 51~`) stands
    for any number of its kind, and a line "..." stands for any number of
    left-out lines (zero or more).

Blocks of one page with the same machine and command line share a boot,
in document order (a block with boot output, or fresh="yes", starts a new
one); pages never share a boot. Each checked block is one result,
doc/FILE/LINE (LINE: its opening fence).

Re-capturing a block (prints what the kernel says, in the doc's form):

    python3 tests/harness/transcripts.py --capture docs/irq.md:675
    python3 tests/harness/transcripts.py --check docs/irq.md
"""

import os
import re
import shlex
import sys
from dataclasses import dataclass, field

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.dont_write_bytecode = True
    from harness import diskimage, reports                         # noqa: E402
    from harness.qemu import Machine, MachineError                 # noqa: E402
    from harness.results import FAIL, PASS, TestResult, failed, passed  # noqa: E402
    from harness.shell import PROMPT, Shell                        # noqa: E402
else:
    from . import diskimage, reports
    from .qemu import Machine, MachineError
    from .results import FAIL, PASS, TestResult, failed, passed
    from .shell import PROMPT, Shell

# The machines a transcript may name. "run" is `make run` (Makefile
# QEMU_RUN: four UARTs, QEMU's default VGA in slot 2, the edu PCI device,
# the ATA disk, an e1000 in slot 5, a monitor) with the kernel loaded by QEMU so that `append` works; its
# disk is the harness's image (writes go to a throw-away overlay) and its
# e1000 sits on an empty hub instead of make run's wire: nothing arrives,
# what it sends goes nowhere. "grub" is the same machine booting the ISO
# through GRUB, as `make run` itself does (no append); "minimal" has one
# UART and nothing else (tests/scenarios/shell_basics.py); "smp2" is the
# run machine with two CPUs (`make run SMP=2`); "disk" the run machine's
# devices without the NIC, "net" with the NIC alone in slot 4
# (docs/block.md, docs/net.md).
RUN_NIC = ["-netdev", "hubport,id=n0,hubid=0",
           "-device", "e1000,netdev=n0,mac=52:54:00:12:34:56,addr=5"]


def _run_devices():
    return ["-device", "VGA,addr=2", "-device", "edu,addr=3"] + diskimage.test_qemu_args() + RUN_NIC


MACHINES = {
    "run": dict(boot="elf", serial_ports=4, monitor=True, qemu_args=_run_devices()),
    "grub": dict(boot="iso", serial_ports=4, monitor=True, qemu_args=_run_devices()),
    "minimal": dict(boot="elf", serial_ports=1, monitor=False, qemu_args=[]),
    "net": dict(boot="elf", serial_ports=4, monitor=True,
                qemu_args=["-device", "edu", "-netdev", "hubport,id=n0,hubid=0",
                           "-device", "e1000,netdev=n0,mac=52:54:00:12:34:56,addr=4"]),
    "smp2": dict(boot="elf", serial_ports=4, monitor=True,
                 qemu_args=_run_devices() + ["-smp", "2"]),
    "disk": dict(boot="elf", serial_ports=4, monitor=True,
                 qemu_args=["-device", "edu"] + diskimage.test_qemu_args()),
}
KEYS = {"machine", "append", "fresh", "timeout"}
DEFAULT_TIMEOUT = 10.0      # seconds per command
PROMPT_TIMEOUT = 60.0       # power-on to the first prompt (GRUB included)

MARKER = re.compile(r"^\s*<!--\s*transcript(?::(.*?))?\s*-->\s*$")
UNCHECKED = re.compile(r"^\s*unchecked:\s*(.*?)\s*$", re.DOTALL)
FENCE = re.compile(r"^(\s*)(```|~~~)")
PROMPT_LINE = re.compile(r"^\s*interlude>(?: |$)")
ELLIPSIS = "..."
ASYNC_LOG = re.compile(r"^\[\s*\d+\.\d+\] ")      # a log line at the prompt

# What varies from run to run and is normalised everywhere, doc and
# kernel alike (docs/transcripts.md lists the same). Nothing else is.
NORMALISE = [
    (re.compile(r"\[\s*\d+\.\d+\]"), "[TIME]"),         # log timestamps
    (re.compile(r"\bup \d+\.\d+ s\b"), "up TIME s"),    # uptime
    (re.compile(r"\bboot took \d+ us\b"), "boot took TIME us"),
]
# A number the writer marked as varying: "51~", "0x00154120~", "0.39~".
MARK = re.compile(r"( *)(0x[0-9a-fA-F]+|-?\d+\.\d+|-?\d+)~( *)")


def _kind(number):
    """The regex for any number of the same kind as `number`."""
    if number.startswith("0x"):
        return r"0x[0-9a-fA-F]+"
    if "." in number:
        return r"-?\d+\.\d+"
    return r"-?\d+"


def normalise(line):
    """A line with trailing spaces and the NORMALISE items replaced."""
    line = line.rstrip()
    for regex, replacement in NORMALISE:
        line = regex.sub(replacement, line)
    return line


def line_regex(doc_line):
    """The regex a kernel line (normalised) must match in full for the
    doc line: literal text, with each marked number standing for any
    number of its kind (and the spaces beside it for any run of spaces:
    a column of varying numbers changes its padding)."""
    doc_line = normalise(doc_line)
    parts, pos = [], 0
    for m in MARK.finditer(doc_line):
        parts.append(re.escape(doc_line[pos:m.start()]))
        parts.append(" +" if m.group(1) else "")
        parts.append(_kind(m.group(2)))
        parts.append(" +" if m.group(3) else "")
        pos = m.end()
    parts.append(re.escape(doc_line[pos:]))
    return re.compile("".join(parts))


def line_matches(doc_line, kernel_line):
    return line_regex(doc_line).fullmatch(normalise(kernel_line)) is not None


def _is_ellipsis(doc_line):
    return doc_line.strip() == ELLIPSIS


def match_lines(doc_lines, kernel_lines, line_matches=line_matches):
    """None if the kernel's lines match the doc's (with "..." lines
    standing for zero or more lines), else (doc index, kernel index) of
    the furthest point the best attempt reached: where they part.
    `line_matches(doc_line, kernel_line)` compares one line (the GDB
    transcripts, harness/gdbdocs.py, bring their own)."""
    n, k = len(doc_lines), len(kernel_lines)
    memo = {}
    furthest = [(0, 0)]

    def ok(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if (j, i) > (furthest[0][1], furthest[0][0]):
            furthest[0] = (i, j)
        if i == n:
            result = j == k
        elif _is_ellipsis(doc_lines[i]):
            result = any(ok(i + 1, jj) for jj in range(j, k + 1))
        else:
            result = j < k and line_matches(doc_lines[i], kernel_lines[j]) and ok(i + 1, j + 1)
        memo[(i, j)] = result
        return result

    return None if ok(0, 0) else furthest[0]


# -- parsing the docs -------------------------------------------------------------

class DocError(Exception):
    """A doc's markup is wrong (an unmarked transcript, a bad marker)."""


@dataclass
class Step:
    """One command typed at the prompt, and what the doc says it prints."""
    line: int                 # doc line number of "interlude> CMD"
    command: str
    expected: list            # [(doc line number, text)]
    waits_for: list = field(default_factory=list)   # log lines at the prompt first


@dataclass
class Block:
    path: str                 # as given (docs/irq.md)
    line: int                 # line number of the opening fence
    options: dict
    unchecked: str = None     # the reason, for an unchecked block
    boot_output: list = field(default_factory=list)  # [(line, text)] before the prompt
    steps: list = field(default_factory=list)

    @property
    def name(self):
        return f"doc/{os.path.basename(self.path)}/{self.line}"

    @property
    def machine(self):
        return self.options.get("machine", "run")

    @property
    def append(self):
        return self.options.get("append", "")

    @property
    def timeout(self):
        return float(self.options.get("timeout", DEFAULT_TIMEOUT))

    @property
    def starts_boot(self):
        return bool(self.boot_output) or self.options.get("fresh") == "yes"


def marker_options(text, where, kind, keys, machines):
    """KEY="VALUE" pairs of a `kind` marker ("transcript", "gdb-transcript"),
    checked against keys and machines. Shared with gdbdocs.py."""
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise DocError(f"{where}: cannot read the {kind} marker: {e}") from None
    options = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq or key not in keys:
            raise DocError(f"{where}: {kind} marker: {word!r} is not KEY=VALUE "
                           f"with KEY one of {sorted(keys)} (or 'unchecked: REASON')")
        options[key] = value
    machine = options.get("machine", "run")
    if machine not in machines:
        raise DocError(f"{where}: no machine {machine!r}; the machines are {sorted(machines)}")
    if "timeout" in options:
        try:
            float(options["timeout"])
        except ValueError:
            raise DocError(f"{where}: timeout={options['timeout']!r} is not a number") from None
    return options


def parse_options(text, where):
    """A shell transcript marker's options (KEYS, MACHINES)."""
    options = marker_options(text, where, "transcript", KEYS, MACHINES)
    machine = options.get("machine", "run")
    if MACHINES[machine]["boot"] == "iso" and options.get("append"):
        raise DocError(f"{where}: machine {machine!r} boots through GRUB: no append")
    return options


def parse_steps(block, body):
    """Fill block.boot_output and block.steps from the block's lines."""
    current = None
    pending_logs = []
    for number, text in body:
        if PROMPT_LINE.match(text):
            after = text.split(">", 1)[1][1:]
            if ASYNC_LOG.match(after):
                pending_logs.append((number, after))
                continue
            current = Step(number, after.strip(), [], pending_logs)
            pending_logs = []
            block.steps.append(current)
        elif pending_logs:
            # The line typed after a log line that interrupted the prompt.
            current = Step(number, text.strip(), [], pending_logs)
            pending_logs = []
            block.steps.append(current)
        elif current is None:
            block.boot_output.append((number, text))
        else:
            current.expected.append((number, text))
    if pending_logs:
        raise DocError(f"{block.path}:{pending_logs[-1][0]}: a log line at the prompt "
                       "must be followed by the command typed after it")


def marked_blocks(path, text, marker, looks_like, kind, noun):
    """The fenced blocks of a page that a `marker` comment (regex, group 1
    the marker's text) stands before: (fence line, (marker line, marker
    text), body as [(line, text)]). Raises DocError for a fenced block
    with a line matching looks_like but no marker (a `noun`, e.g. "shell
    transcript"), a marker without its block, or a fence never closed.
    Shared with gdbdocs.py."""
    lines = text.split("\n")
    found = []
    i = 0
    pending = None            # (line number, marker text) waiting for its fence
    orphan = f"{kind} marker not followed by a fenced block"
    while i < len(lines):
        number = i + 1
        m = marker.match(lines[i])
        fence = FENCE.match(lines[i])
        if m:
            if pending:
                raise DocError(f"{path}:{pending[0]}: {orphan}")
            pending = (number, (m.group(1) or "").strip())
        elif fence:
            indent, ticks = fence.groups()
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(ticks):
                j += 1
            if j == len(lines):
                raise DocError(f"{path}:{number}: fenced block never closed")
            body = [(n + 1, lines[n][len(indent):] if lines[n].startswith(indent) else lines[n])
                    for n in range(i + 1, j)]
            if pending is None and any(looks_like.match(t) for _, t in body):
                raise DocError(f"{path}:{number}: a {noun} without a marker: add "
                               f"<!-- {kind}: ... --> (checked) or "
                               f"<!-- {kind}: unchecked: REASON --> on the line before")
            if pending is not None:
                found.append((number, pending, body))
            pending = None
            i = j
        elif pending and lines[i].strip():
            raise DocError(f"{path}:{pending[0]}: {orphan}")
        i += 1
    if pending:
        raise DocError(f"{path}:{pending[0]}: {orphan}")
    return found


def parse(path, text):
    """The transcript blocks of one Markdown page, checked and unchecked.
    Raises DocError for an unmarked transcript or a marker without one."""
    return [_block(path, number, pending, body) for number, pending, body in
            marked_blocks(path, text, MARKER, PROMPT_LINE, "transcript",
                          "shell transcript")]


def _block(path, number, pending, body):
    where = f"{path}:{pending[0]}"
    unchecked = UNCHECKED.match(pending[1])
    if unchecked:
        if not unchecked.group(1):
            raise DocError(f"{where}: 'unchecked:' needs a reason")
        return Block(path, number, {}, unchecked=unchecked.group(1))
    block = Block(path, number, parse_options(pending[1], where))
    parse_steps(block, body)
    if not block.steps and not block.boot_output:
        raise DocError(f"{where}: a checked transcript with nothing to check")
    return block


# -- grouping into boots -------------------------------------------------------------

@dataclass
class Boot:
    path: str
    machine: str
    append: str
    blocks: list

    @property
    def name(self):
        return f"doc/{os.path.basename(self.path)}"


def plan_boots(blocks):
    """Checked blocks of one page grouped into boots, document order kept:
    a block joins the open boot of its (machine, append) unless it starts
    its own (boot output shown, or fresh="yes")."""
    boots, open_boot = [], {}
    for block in blocks:
        if block.unchecked is not None:
            continue
        key = (block.machine, block.append)
        if block.starts_boot or key not in open_boot:
            open_boot[key] = Boot(block.path, block.machine, block.append, [])
            boots.append(open_boot[key])
        open_boot[key].blocks.append(block)
    return boots


# -- running --------------------------------------------------------------------------

def _start(boot, elf, iso, log_dir):
    spec = MACHINES[boot.machine]
    common = dict(serial_ports=spec["serial_ports"], monitor=spec["monitor"],
                  name=f"{boot.name}-{boot.blocks[0].line}", log_dir=log_dir)
    if spec["boot"] == "iso":
        return Machine.boot_iso(iso, extra_args=spec["qemu_args"], **common)
    return Machine.boot_elf(elf, append=boot.append, extra_args=spec["qemu_args"], **common)


def _lines(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _describe_mismatch(block, what, expected, kernel_lines, where):
    """A readable report: the doc line and the kernel line where they part,
    then the kernel's whole output for that part (to re-capture from)."""
    i, j = where
    doc_at = expected[i] if i < len(expected) else None
    kernel_at = kernel_lines[j] if j < len(kernel_lines) else None
    line = doc_at[0] if doc_at else (expected[-1][0] + 1 if expected else what[0])
    out = [f"{block.path}:{line}: {what[1]}: the doc and the kernel differ"]
    out.append(f"  doc    | {doc_at[1] if doc_at else '(doc ends here)'}")
    out.append(f"  kernel | {kernel_at if kernel_at is not None else '(kernel printed no more)'}")
    out.append("  the kernel printed:")
    out.extend(f"    | {k}" for k in kernel_lines)
    return "\n".join(out)


def _compare(block, what, expected, kernel_lines):
    """None, or the report of a mismatch."""
    where = match_lines([t for _, t in expected], kernel_lines)
    if where is None:
        return None
    return _describe_mismatch(block, what, expected, kernel_lines, where)


def run_step(sh, block, step, capture=None):
    """Type one command; return a mismatch report or None."""
    problem = None
    for number, log in step.waits_for:
        got = sh.port.expect(r"[^\n]*\n", block.timeout).group(0).rstrip("\n")
        if capture is not None:
            capture.append(PROMPT + got)
        if problem is None and not line_matches(log, got):
            problem = (f"{block.path}:{number}: a log line at the prompt differs\n"
                       f"  doc    | {log}\n  kernel | {got}")
    sh.type(step.command + "\r")
    printed = _lines(sh.wait_prompt(timeout=block.timeout))
    # The shell echoes the command first; anything before the echo came
    # from elsewhere (a log line, a background program) and must be shown
    # in the doc as a log line at the prompt.
    echo = printed.index(step.command) if step.command in printed else 0
    before, kernel_lines = printed[:echo], printed[echo + 1:]
    if capture is not None:
        capture.extend(PROMPT + b if i == 0 and not step.waits_for else b
                       for i, b in enumerate(before))
        capture.append(("" if step.waits_for or before else PROMPT) + step.command)
        capture.extend(kernel_lines)
    if before and problem is None:
        problem = (f"{block.path}:{step.line}: the kernel printed before the echo of "
                   f"'{step.command}':\n" + "\n".join(f"  kernel | {b}" for b in before))
    return problem or _compare(block, (step.line, f"'{step.command}'"), step.expected,
                               kernel_lines)


def run_block(sh, block, boot_text, capture=None):
    """Check one block on a running shell; a list of mismatch reports."""
    problems = []
    if block.boot_output:
        kernel_lines = _lines(boot_text)
        if capture is not None:
            capture.extend(kernel_lines)
        report = _compare(block, (block.line, "the boot output"), block.boot_output,
                          kernel_lines)
        if report:
            problems.append(report)
    for step in block.steps:
        report = run_step(sh, block, step, capture)
        if report:
            problems.append(report)
            if capture is None:
                break          # later commands would only repeat the news
    return problems


def run_boot(boot, elf, iso, log_dir=None, capture=None):
    """Boot once and check every block of `boot`; one result per block.
    `capture`: a dict filled with block line -> the kernel's transcript."""
    image = iso if MACHINES[boot.machine]["boot"] == "iso" else elf
    if not os.path.isfile(image):
        return [failed(b.name, f"{image} not found: build it first") for b in boot.blocks]
    machine = _start(boot, elf, iso, log_dir)
    results = []
    try:
        with machine:
            sh = Shell(machine)
            boot_text = sh.wait_prompt(timeout=PROMPT_TIMEOUT)
            for block in boot.blocks:
                lines = [] if capture is not None else None
                problems = run_block(sh, block, boot_text, lines)
                if capture is not None:
                    capture[block.line] = lines
                results.append(failed(block.name, "\n".join(problems)) if problems
                               else passed(block.name))
            machine.check_no_failure_output()
            report_problems = reports.check(machine.output)
            if report_problems:
                raise MachineError(machine.report("\n".join(report_problems)))
    except MachineError as e:
        # The block that was running takes the error; the rest did not run.
        rest = boot.blocks[len(results):] or boot.blocks[-1:]
        results = results[:len(boot.blocks) - len(rest)]
        results.append(failed(rest[0].name, str(e)))
        results += [failed(b.name, f"not run: {rest[0].name} failed the boot")
                    for b in rest[1:]]
    return results


# -- the runner's view -------------------------------------------------------------------

def doc_pages(repo_root):
    """README.md and docs/*.md, as paths relative to the repository."""
    docs = os.path.join(repo_root, "docs")
    pages = ["README.md"] + sorted(os.path.join("docs", n) for n in os.listdir(docs)
                                   if n.endswith(".md"))
    return [p for p in pages if os.path.isfile(os.path.join(repo_root, p))]


def load(repo_root, pages=None):
    """(blocks by page, problems): problems are failed results for pages
    whose markup is wrong."""
    by_page, problems = {}, []
    for page in pages or doc_pages(repo_root):
        with open(os.path.join(repo_root, page)) as f:
            text = f.read()
        try:
            by_page[page] = parse(page, text)
        except DocError as e:
            m = re.match(r"[^:]+:(\d+):", str(e))
            line = m.group(1) if m else "(markup)"
            problems.append(failed(f"doc/{os.path.basename(page)}/{line}", str(e)))
    return by_page, problems


def markup_result(by_page, problems):
    """doc/(markup): passes when every transcript is marked, and lists the
    unchecked blocks with their reasons."""
    if problems:
        return failed("doc/(markup)", "\n".join(p.details for p in problems))
    checked = sum(1 for bs in by_page.values() for b in bs if b.unchecked is None)
    unchecked = [(b.path, b.line, b.unchecked) for bs in by_page.values()
                 for b in bs if b.unchecked is not None]
    details = [f"{checked} transcripts checked, {len(unchecked)} unchecked:"]
    details += [f"  {p}:{n}: {why}" for p, n, why in unchecked]
    return TestResult("doc/(markup)", PASS, "\n".join(details))


# -- command line: check or re-capture ---------------------------------------------------

def _select(target):
    path, _, line = target.partition(":")
    return path, int(line) if line else None


def main(argv=None):
    import argparse
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description="check or re-capture doc transcripts")
    parser.add_argument("--elf", default=os.path.join(repo, "build/interlude.elf"))
    parser.add_argument("--iso", default=os.path.join(repo, "build/interlude.iso"))
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", metavar="PAGE[:LINE]")
    mode.add_argument("--capture", metavar="PAGE[:LINE]",
                      help="print what the kernel says for the page's blocks")
    args = parser.parse_args(argv)
    path, line = _select(args.check or args.capture)
    with open(os.path.join(repo, path)) as f:
        blocks = parse(path, f.read())
    status = 0
    for boot in plan_boots(blocks):
        if line is not None and line not in [b.line for b in boot.blocks]:
            continue
        capture = {} if args.capture else None
        for r in run_boot(boot, args.elf, args.iso, capture=capture):
            if capture is not None:
                number = int(r.name.rsplit("/", 1)[1])
                if line is None or number == line:
                    print(f"----- {path}:{number} ({r.status})")
                    print("\n".join(capture.get(number, [])))
            else:
                print(("ok   " if r.status == PASS else "FAIL ") + r.name)
                if r.details:
                    print("    " + r.details.replace("\n", "\n    "))
            status |= r.status == FAIL
    return status


if __name__ == "__main__":
    sys.exit(main())
