"""GDB transcripts in the docs: the `(gdb)` sessions shown in docs/*.md and
README.md, re-run in one GDB session per page against a real boot and
compared with what GDB prints. The shell transcripts' sibling
(harness/transcripts.py, whose parser pieces and line matcher this
reuses); the notation is explained for readers in docs/transcripts.md.

    <!-- gdb-transcript: append="threadirqs" before="break shell_main; continue" -->
    ```
    (gdb) break uart_interrupt
    Breakpoint 2 at 0x103b00: file drivers/tty/uart16550.c, line 531.
    (gdb) continue
    Breakpoint 2, uart_interrupt (irq=4, dev_id=0x156120 <uart_ports>) at drivers/tty/uart16550.c:531
    531		struct uart_port *port = dev_id;
    (gdb) preempt
    preempt_count 0x10000: hardirq 1, softirq 0, preempt 0
    ```

  * A fenced block that looks like GDB (a line "(gdb) CMD", a backtrace
    frame "#N  ... (", or a stop "Breakpoint N, ") must be marked on the
    line before its fence: `<!-- gdb-transcript: KEY="VALUE" ... -->`
    (checked) or `<!-- gdb-transcript: unchecked: REASON -->`. An
    unmarked one fails gdbdoc/(markup).
  * Keys: machine ("run", the default, or "minimal": as the shell
    transcripts' MACHINES, booted from the ELF with -S -gdb), append
    (the kernel command line), before (GDB commands run first, not
    shown, separated by ";"), type (a line typed at the shell's prompt
    once the kernel reaches it; the harness waits for the prompt while
    GDB runs), fresh="yes" (a session of its own), timeout (seconds for
    the page's session; default 20).
  * A checked block is a list of "(gdb) CMD" lines, each followed by what
    CMD printed, all of it. "  # words" after a command is a comment for
    the reader and is not typed. Blank lines do not count (GDB prints one
    before each stop).
  * Comparison is line by line, in order, after NORMALISE, which is only
    what changes with every build: addresses (hex numbers of 0x10000 and
    up: the kernel is linked at 1 MiB, so smaller ones are values such as
    flags and states, compared), the offsets in `<symbol+N>` and
    `symbol + N in section`, source line numbers (`file.c:NN`, `line NN.`
    and the source line GDB echoes at a stop, which is "NN<TAB>text"),
    and breakpoint numbers. A number marked "~" stands for any number of
    its kind (as in the shell notation, plus bare hex words of 8 or more
    digits, as `monitor info mem` prints); a line "..." for any number of
    lines. Everything else must match: function names, frame order,
    field names, decoded flags, vectors, chip names.

The blocks of one page with the same machine and command line run in one
GDB session, in page order (a block with fresh="yes" starts a new one):
state carries from one to the next. Each checked block is one result,
gdbdoc/PAGE/LINE (LINE: its opening fence).

Re-capturing (prints what GDB says, in the doc's form):

    python3 tests/harness/gdbdocs.py --capture docs/traps.md[:LINE]
    python3 tests/harness/gdbdocs.py --check docs/traps.md
"""

import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.dont_write_bytecode = True
    from harness import reports, transcripts                       # noqa: E402
    from harness.qemu import Machine, MachineError, tail           # noqa: E402
    from harness.results import FAIL, PASS, TestResult, failed, passed  # noqa: E402
    from harness.shell import Shell                                # noqa: E402
    from harness.suites import free_tcp_port                       # noqa: E402
else:
    from . import reports, transcripts
    from .qemu import Machine, MachineError, tail
    from .results import FAIL, PASS, TestResult, failed, passed
    from .shell import Shell
    from .suites import free_tcp_port

PREFIX = "gdbdoc"
MACHINES = {k: v for k, v in transcripts.MACHINES.items() if v["boot"] == "elf"}
KEYS = {"machine", "append", "before", "type", "fresh", "timeout"}
DEFAULT_TIMEOUT = 20.0          # seconds for a page's whole session
PROMPT_TIMEOUT = 15.0           # for the shell prompt a `type` waits for
SHOWN_LINES = 80                # of GDB's output in a mismatch report

MARKER = re.compile(r"^\s*<!--\s*gdb-transcript(?::(.*?))?\s*-->\s*$")
GDB_PROMPT = "(gdb) "
PROMPT_LINE = re.compile(r"^\(gdb\)(?: |$)")
COMMENT = re.compile(r"\s{2,}#\s.*$")          # "(gdb) cmd    # a note"
# What makes a fenced block a GDB transcript (that must be marked).
LOOKS_LIKE_GDB = re.compile(r"^(?:\(gdb\)(?: |$)|#\d+\s+(?:0x[0-9a-fA-F]+ in )?\S+ \(|"
                            r"Breakpoint \d+(?:\.\d+)?, )")
# An error GDB printed for a hidden `before` command.
GDB_ERROR = re.compile(r"^(?:No symbol |Function \".*\" not defined|No source file |"
                       r"Cannot access memory|Undefined command|A syntax error|"
                       r"Python Exception|Error occurred in Python|Traceback)")

ADDRESS_MIN = 0x10000
HEX = re.compile(r"0x([0-9a-fA-F]+)(?![0-9a-fA-F~])")


def _address(m):
    return "0xADDR" if int(m.group(1), 16) >= ADDRESS_MIN else m.group(0)


# What changes with every build and is normalised, doc and GDB alike
# (docs/transcripts.md lists the same). Nothing else is.
NORMALISE = [
    (re.compile(r"^\d+\t.*$"), "<source line>"),                 # the echo at a stop
    (re.compile(r"(\.[A-Za-z]+):\d+\b"), r"\1:N"),                # file.c:NN
    (re.compile(r"\bline \d+\."), "line N."),                     # break's answer
    (re.compile(r"\b([Bb]reakpoint|[Ww]atchpoint) \d+(?:\.\d+)?"), r"\1 N"),  # Breakpoint 2.1
    (re.compile(r"<([\w.$@]+)\+\d+>"), r"<\1+N>"),                # <irq_desc+464>
    (re.compile(r"\b([\w.$]+) \+ \d+ in section"), r"\1 + N in section"),
    (HEX, _address),
]
# A number the writer marked as varying (shell notation plus bare hex).
# A "-" right after a hex digit is a range's dash, not a sign
# (`0000000000100000-0000000000156000~` marks the second number).
MARK = re.compile(r"( *)(0x[0-9a-fA-F]+|[0-9a-fA-F]{8,}|"
                  r"(?<![0-9A-Za-z])-?\d+\.\d+|(?<![0-9A-Za-z])-?\d+)~( *)")


def normalise(line):
    line = line.rstrip()
    for regex, replacement in NORMALISE:
        line = regex.sub(replacement, line)
    return line


def _kind(number):
    if not number.startswith("0x") and re.fullmatch(r"[0-9a-fA-F]{8,}", number):
        return r"[0-9a-fA-F]+"
    return transcripts._kind(number)


def line_regex(doc_line):
    """The regex a normalised GDB line must match in full for the doc line."""
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


def line_matches(doc_line, gdb_line):
    return line_regex(doc_line).fullmatch(normalise(gdb_line)) is not None


def match_lines(doc_lines, gdb_lines):
    return transcripts.match_lines(doc_lines, gdb_lines, line_matches)


# -- parsing the docs -------------------------------------------------------------

DocError = transcripts.DocError


@dataclass
class Step:
    line: int                 # doc line of "(gdb) CMD"
    command: str              # as typed (the reader's comment removed)
    expected: list            # [(doc line, text)]


@dataclass
class Block:
    path: str
    line: int                 # the opening fence
    options: dict
    unchecked: str = None
    steps: list = field(default_factory=list)

    @property
    def name(self):
        return f"{PREFIX}/{os.path.basename(self.path)}/{self.line}"

    @property
    def machine(self):
        return self.options.get("machine", "run")

    @property
    def append(self):
        return self.options.get("append", "")

    @property
    def before(self):
        return [c.strip() for c in self.options.get("before", "").split(";") if c.strip()]

    @property
    def type(self):
        return self.options.get("type")


def parse_options(text, where):
    return transcripts.marker_options(text, where, "gdb-transcript", KEYS, MACHINES)


def parse_steps(block, body):
    for number, text in body:
        if not text.strip():
            continue
        if PROMPT_LINE.match(text):
            command = COMMENT.sub("", text[len("(gdb)"):]).strip()
            if not command:
                raise DocError(f"{block.path}:{number}: '(gdb)' with no command")
            block.steps.append(Step(number, command, []))
        elif not block.steps:
            raise DocError(f"{block.path}:{number}: a checked GDB transcript starts with "
                           "'(gdb) CMD'; this line comes before any command")
        else:
            block.steps[-1].expected.append((number, text))


def parse(path, text):
    """The GDB blocks of one page. Raises DocError for an unmarked GDB
    block, a marker without a block, or a bad marker."""
    return [_block(path, number, pending, body) for number, pending, body in
            transcripts.marked_blocks(path, text, MARKER, LOOKS_LIKE_GDB,
                                      "gdb-transcript", "GDB transcript")]


def _block(path, number, pending, body):
    where = f"{path}:{pending[0]}"
    unchecked = transcripts.UNCHECKED.match(pending[1])
    if unchecked:
        if not unchecked.group(1):
            raise DocError(f"{where}: 'unchecked:' needs a reason")
        return Block(path, number, {}, unchecked=unchecked.group(1))
    block = Block(path, number, parse_options(pending[1], where))
    parse_steps(block, body)
    if not block.steps:
        raise DocError(f"{where}: a checked GDB transcript with no '(gdb) CMD' line")
    return block


# -- sessions -----------------------------------------------------------------------

@dataclass
class Session:
    path: str
    machine: str
    append: str
    blocks: list

    @property
    def name(self):
        return f"{PREFIX}/{os.path.basename(self.path)}"

    @property
    def timeout(self):
        return max(float(b.options.get("timeout", DEFAULT_TIMEOUT)) for b in self.blocks)


def plan_sessions(blocks):
    """Checked blocks grouped into GDB sessions, page order kept."""
    sessions, open_session = [], {}
    for block in blocks:
        if block.unchecked is not None:
            continue
        key = (block.machine, block.append)
        if block.options.get("fresh") == "yes" or key not in open_session:
            open_session[key] = Session(block.path, block.machine, block.append, [])
            sessions.append(open_session[key])
        open_session[key].blocks.append(block)
    return sessions


def _echo(tag):
    return "echo @@%s\\n" % tag


def session_commands(session):
    """The GDB commands of a session: per block, a type marker, the hidden
    `before` commands, then each shown command after its own marker."""
    cmds = []
    for b, block in enumerate(session.blocks):
        if block.type is not None:
            cmds.append(_echo(f"type-{b}"))
        cmds.append(_echo(f"before-{b}"))
        cmds += block.before
        for s, step in enumerate(block.steps):
            cmds += [_echo(f"step-{b}-{s}"), step.command]
    return cmds + [_echo("end")]


def split_output(out):
    """{tag: [lines]} for the @@TAG markers; blank lines dropped."""
    parts, tag = {}, None
    for line in out.split("\n"):
        m = re.fullmatch(r"@@(\S+)", line)
        if m:
            tag = m.group(1)
            parts[tag] = []
        elif tag is not None and line.strip():
            parts[tag].append(line.rstrip("\r"))
    return parts


def _describe(block, step, where, gdb_lines):
    i, j = where
    doc_at = step.expected[i] if i < len(step.expected) else None
    gdb_at = gdb_lines[j] if j < len(gdb_lines) else None
    line = doc_at[0] if doc_at else (step.expected[-1][0] + 1 if step.expected else step.line)
    out = [f"{block.path}:{line}: '{step.command}': the doc and GDB differ",
           f"  doc | {doc_at[1] if doc_at else '(doc ends here)'}",
           f"  gdb | {gdb_at if gdb_at is not None else '(GDB printed no more)'}",
           "  GDB printed:"]
    out.extend(f"    | {g}" for g in gdb_lines[:SHOWN_LINES])
    if len(gdb_lines) > SHOWN_LINES:
        out.append(f"    ({len(gdb_lines) - SHOWN_LINES} more lines: --capture shows all)")
    return "\n".join(out)


def check_block(block, b, parts):
    """Mismatch reports for one block against the split GDB output."""
    problems = [f"{block.path}:{block.line}: a hidden 'before' command failed: {line}"
                for line in parts.get(f"before-{b}", []) if GDB_ERROR.match(line)]
    for s, step in enumerate(block.steps):
        tag = f"step-{b}-{s}"
        if tag not in parts:
            problems.append(f"{block.path}:{step.line}: GDB never ran '{step.command}' "
                            "(the session ended or timed out before it)")
            break
        where = match_lines([t for _, t in step.expected], parts[tag])
        if where is not None:
            problems.append(_describe(block, step, where, parts[tag]))
    return problems


def capture_block(block, b, parts):
    """The block as GDB shows it now, in the doc's form."""
    lines = []
    for s, step in enumerate(block.steps):
        lines.append(GDB_PROMPT + step.command)
        lines.extend(parts.get(f"step-{b}-{s}", ["(not reached)"]))
    return lines


def _read_lines(stream, sink):
    for raw in iter(stream.readline, b""):
        sink.put(raw.decode("latin-1").rstrip("\n"))
    sink.put(None)


def run_gdb(session, machine, port, repo_root, elf):
    """Run the session's GDB against the paused machine, typing at the
    shell where a block asks to. Returns (output, problem or None)."""
    gdbinit = os.path.join(repo_root, "scripts", "gdbinit")
    cmd = ["gdb", "-batch", "-nx", "-x", gdbinit, "-ex", f"target remote 127.0.0.1:{port}"]
    for c in session_commands(session):
        cmd += ["-ex", c]
    cmd.append(os.path.abspath(elf))
    deadline = time.monotonic() + session.timeout
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd=repo_root)
    lines, sink = [], queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, sink), daemon=True).start()
    shell = Shell(machine)
    problem = None
    try:
        while True:
            try:
                line = sink.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                problem = f"GDB still running after {session.timeout:g} s"
                break
            if line is None:
                break
            lines.append(line)
            m = re.fullmatch(r"@@type-(\d+)", line)
            if m:
                block = session.blocks[int(m.group(1))]
                shell.wait_prompt(timeout=min(PROMPT_TIMEOUT, deadline - time.monotonic()))
                shell.type(block.type + "\r")
    except MachineError as e:
        problem = f"while waiting to type at the shell: {e}"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return "\n".join(lines), problem


def serial_reports(session, output):
    """Undeclared BUG:/WARNING:/Oops: lines on COM1. With ktest= on the
    command line, a case's reports are ktest's to judge (harness/reports.py)
    and the session ends the boot in the middle of some case: lines after
    the last KTAP line belong to that unfinished case and are not judged."""
    if "ktest=" not in session.append:
        return reports.check(output)
    lines = output.splitlines()
    last = max((i for i, line in enumerate(lines) if reports._KTAP_LINE.match(line)),
               default=-1)
    judged = "\n".join(lines[:last + 1]) if last >= 0 else output
    return [f"undeclared report outside a ktest case: {line!r}"
            for line in reports.outside_ktest_cases(judged)]


def run_session(session, elf, repo_root, log_dir=None, capture=None):
    """Boot paused, run the session's GDB, one result per block.
    `capture`: a dict filled with block line -> GDB's transcript now."""
    if not os.path.isfile(elf):
        return [failed(b.name, f"{elf} not found: build it first") for b in session.blocks]
    spec = MACHINES[session.machine]
    port = free_tcp_port()
    machine = Machine.boot_elf(
        elf, append=session.append,
        extra_args=spec["qemu_args"] + ["-S", "-gdb", f"tcp:127.0.0.1:{port}"],
        serial_ports=spec["serial_ports"], monitor=spec["monitor"],
        name=f"{session.name}-{session.blocks[0].line}", log_dir=log_dir)
    try:
        with machine:
            out, problem = run_gdb(session, machine, port, repo_root, elf)
            serial_problems = serial_reports(session, machine.output)
    except MachineError as e:
        return [failed(b.name, str(e)) for b in session.blocks]
    if log_dir:
        with open(os.path.join(log_dir, f"{session.name}-{session.blocks[0].line}"
                               .replace("/", "_") + ".gdb.log"), "w") as f:
            f.write(out)
    parts = split_output(out)
    results = []
    for b, block in enumerate(session.blocks):
        if capture is not None:
            capture[block.line] = capture_block(block, b, parts)
        problems = check_block(block, b, parts)
        if problem and f"step-{b}-{len(block.steps) - 1}" not in parts:
            problems.insert(0, problem + "\n  GDB output:\n" + tail(out, 30))
        if serial_problems and b == len(session.blocks) - 1:
            problems += serial_problems
        results.append(failed(block.name, "\n".join(problems)) if problems
                       else passed(block.name))
    return results


# -- the runner's view ------------------------------------------------------------------

def load(repo_root, pages=None):
    """(blocks by page, problems) as transcripts.load, for GDB blocks."""
    by_page, problems = {}, []
    for page in pages or transcripts.doc_pages(repo_root):
        with open(os.path.join(repo_root, page)) as f:
            text = f.read()
        try:
            by_page[page] = parse(page, text)
        except DocError as e:
            m = re.match(r"[^:]+:(\d+):", str(e))
            problems.append(failed(f"{PREFIX}/{os.path.basename(page)}/"
                                   f"{m.group(1) if m else '(markup)'}", str(e)))
    return by_page, problems


def markup_result(by_page, problems):
    """gdbdoc/(markup): every GDB block marked; lists the unchecked ones."""
    name = f"{PREFIX}/(markup)"
    if problems:
        return failed(name, "\n".join(p.details for p in problems))
    checked = sum(1 for bs in by_page.values() for b in bs if b.unchecked is None)
    unchecked = [(b.path, b.line, b.unchecked) for bs in by_page.values()
                 for b in bs if b.unchecked is not None]
    details = [f"{checked} GDB transcripts checked, {len(unchecked)} unchecked:"]
    details += [f"  {p}:{n}: {why}" for p, n, why in unchecked]
    return TestResult(name, PASS, "\n".join(details))


def main(argv=None):
    import argparse
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description="check or re-capture GDB doc transcripts")
    parser.add_argument("--elf", default=os.path.join(repo, "build/interlude.elf"))
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", metavar="PAGE[:LINE]")
    mode.add_argument("--capture", metavar="PAGE[:LINE]")
    args = parser.parse_args(argv)
    path, _, line = (args.check or args.capture).partition(":")
    line = int(line) if line else None
    with open(os.path.join(repo, path)) as f:
        blocks = parse(path, f.read())
    status = 0
    for session in plan_sessions(blocks):
        if line is not None and line not in [b.line for b in session.blocks]:
            continue
        capture = {} if args.capture else None
        for r in run_session(session, args.elf, repo, capture=capture):
            number = int(r.name.rsplit("/", 1)[1])
            if capture is not None:
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
