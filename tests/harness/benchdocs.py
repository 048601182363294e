"""Bench figures in the docs, generated from `make bench` and checked.

A page holds bench figures in two forms only:

  a region, which `make bench` rewrites into a table of the benchmarks it
  names (benchmark, instructions, what it measures - the text of the
  kernel's BENCH line):

      <!-- bench: softirq_raise tasklet_schedule -->
      | benchmark | instructions | what it measures |
      ...
      <!-- /bench -->

  an inline figure, for prose: the value between the markers is rewritten,
  and the rendered page shows only the number. EXPR is a benchmark name or
  a difference/sum of them ("wq_bh_queue_to_run-tasklet_schedule"); a
  difference that is not positive fails, since the prose around it ("N
  more than", "N sooner") would have turned false:

      costs <!--b:irq_entry-->113<!--/b--> instructions

Anything else that looks like a bench figure - a known benchmark name with
a number near it in prose, a "NAME  NUMBER" row in a code block, or
"NUMBER instructions" - is a figure typed by hand, and check() fails it:
figures in the docs cannot go stale.

Pure functions on text (unit-tested in test_benchdocs.py); the pages are
read and written by update_pages()/check_pages().
"""

import glob
import os
import re

REGION = re.compile(r"^<!-- bench: (?P<names>[^>]*?) -->[ \t]*\n(?P<body>.*?)^<!-- /bench -->[ \t]*$",
                    re.MULTILINE | re.DOTALL)
REGION_OPEN = re.compile(r"<!-- bench:")
REGION_CLOSE = "<!-- /bench -->"
INLINE = re.compile(r"<!--b:(?P<expr>[^>]*?)-->(?P<value>[^<]*)<!--/b-->")
TABLE_LINE = re.compile(r"^(?P<name>\S+)\s+(?P<value>\d+)  (?P<what>.*)$")
TERM = re.compile(r"([+-]?)\s*([A-Za-z_][A-Za-z0-9_]*)")
HEADER = "| benchmark | instructions | what it measures |\n|---|---:|---|\n"

# Typed figures: how near (characters) a number must be to a benchmark
# name in prose to count as its figure.
NEAR = 80
NUMBER = re.compile(r"(?<![\w.=#/:+-])\d+(?!\.\d)(?!\w)")
INSTRUCTIONS = re.compile(r"(?<![\w.=#/:+-])\d+\**\s+instructions\b")
BOLD_NUMBER = re.compile(r"\*\*\d+\*\*")
ITEM = re.compile(r"^\s*(?:[-*+] |\d+\. |\|)")  # a list item or table row starts a block
FENCE = re.compile(r"^\s*```")
MASK = "\u2591"     # stands in for generated text while looking for typed figures


class BenchDocError(Exception):
    """An expression or region that names an unknown benchmark."""


def parse_table(text):
    """build/bench.txt (tests/bench.py's table) -> {name: (value, what)},
    in the table's order."""
    results = {}
    in_rows = False
    for line in text.splitlines():
        if line.startswith("benchmark "):
            in_rows = True
            continue
        if not in_rows or not line.strip():
            if in_rows and not line.strip():
                break
            continue
        m = TABLE_LINE.match(line)
        if not m:
            raise ValueError(f"not a bench table row: {line!r}")
        results[m["name"]] = (int(m["value"]), m["what"].strip())
    if not results:
        raise ValueError("no rows in the bench table")
    return results


def evaluate(expr, results):
    """'a-b+c' over the figures; BenchDocError for an unknown name."""
    expr = expr.strip()
    pos, total, seen = 0, 0, False
    for m in TERM.finditer(expr):
        if expr[pos:m.start()].strip() or (seen and not m[1]):
            raise BenchDocError(f"cannot read the expression {expr!r}")
        name = m[2]
        if name not in results:
            raise BenchDocError(f"unknown benchmark {name!r}")
        total += -results[name][0] if m[1] == "-" else results[name][0]
        pos, seen = m.end(), True
    if not seen or expr[pos:].strip():
        raise BenchDocError(f"cannot read the expression {expr!r}")
    return total


def region_names(spec):
    return spec.split()


def render_region(names, results):
    """The table a region holds for these names."""
    rows = []
    for name in names:
        if name not in results:
            raise BenchDocError(f"unknown benchmark {name!r}")
        value, what = results[name]
        rows.append(f"| `{name}` | {value} | {what.replace('|', '/')} |\n")
    return HEADER + "".join(rows)


CODE_SPAN = re.compile(r"`[^`\n]+`")


def _quoted(text):
    """A predicate: does a match start inside an inline code span? (A page
    may show the markers themselves: `<!--b:NAME-->N<!--/b-->`.)"""
    spans = [(m.start(), m.end()) for m in CODE_SPAN.finditer(text)]
    return lambda m: any(a <= m.start() < b for a, b in spans)


def _line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def _update_text(text, results, problems):
    """The page with every region and inline figure regenerated; unknown
    names go to problems (and leave their text as it was)."""
    quoted = _quoted(text)

    def region(m):
        if quoted(m):
            return m.group(0)
        try:
            body = render_region(region_names(m["names"]), results)
        except BenchDocError as e:
            problems.append((_line_of(text, m.start()), str(e)))
            return m.group(0)
        return f"<!-- bench: {m['names']} -->\n{body}<!-- /bench -->"

    def inline(m):
        if quoted(m):
            return m.group(0)
        try:
            value = evaluate(m["expr"], results)
        except BenchDocError as e:
            problems.append((_line_of(text, m.start()), str(e)))
            return m.group(0)
        if value <= 0 and "-" in m["expr"]:
            # "N instructions more/sooner than X": the comparison flipped.
            problems.append((_line_of(text, m.start()),
                             f"{m['expr']} is {value} now: the sentence around it "
                             "compares the other way - reword it"))
        return f"<!--b:{m['expr']}-->{value}<!--/b-->"

    out = REGION.sub(region, text)
    quoted = _quoted(out)
    return INLINE.sub(inline, out)


def _unclosed_regions(text):
    """Region openers that REGION did not match (no closer, or malformed)."""
    matched = {m.start() for m in REGION.finditer(text)}
    quoted = _quoted(text)
    return [_line_of(text, m.start()) for m in REGION_OPEN.finditer(text)
            if m.start() not in matched and not quoted(m)]


def _masked(text):
    """The page with generated text blanked out (same offsets)."""
    def blank(m):
        return re.sub(r"[^\n]", MASK, m.group(0))
    return INLINE.sub(blank, REGION.sub(blank, text))


def _name_pattern(results):
    """A benchmark's name as prose uses it: in backticks always; bare only
    if it cannot be an English word (it has an underscore: "irq_entry",
    but not "wakeup")."""
    names = sorted(results, key=len, reverse=True)
    quoted = "|".join(re.escape(n) for n in names)
    bare = "|".join(re.escape(n) for n in names if "_" in n)
    alts = [rf"`(?:{quoted})`"] + ([rf"(?<![\w`]){'(?:' + bare + ')'}(?![\w`])"] if bare else [])
    return re.compile("|".join(alts))


def typed_figures(text, results):
    """(line, excerpt) for each bench figure typed outside the markers."""
    masked = _masked(text)
    names = _name_pattern(results)
    code_row = re.compile(r"(?<![\w`])(?:" + "|".join(re.escape(n) for n in results)
                          + r")\s+\d+\b")
    found = []
    in_code = False
    offset = 0
    prose_lines = []          # (offset, line) of prose, one paragraph at a time
    for line in masked.splitlines(keepends=True):
        if FENCE.match(line):
            in_code = not in_code
        elif in_code:
            m = code_row.search(line)
            if m:
                found.append((_line_of(masked, offset), line.strip()))
        else:
            prose_lines.append((offset, line))
        offset += len(line)
    for para_start, para in _paragraphs(prose_lines):
        hits = set()
        for m in INSTRUCTIONS.finditer(para):
            hits.add(m.start())
        named = names.search(para)
        if named:               # a bold number in a paragraph about a benchmark
            hits.update(m.start() + 2 for m in BOLD_NUMBER.finditer(para))
        for n in names.finditer(para):
            lo, hi = _sentence(para, n.start(), n.end())
            lo, hi = max(lo, n.start() - NEAR), min(hi, n.end() + NEAR)
            for num in NUMBER.finditer(para, lo, hi):
                hits.add(num.start())
        for h in sorted(hits):
            excerpt = para[max(0, h - 40):h + 40].replace("\n", " ").strip()
            found.append((_line_of(masked, para_start + h), excerpt))
    return found


SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")


def _sentence(para, start, end):
    """The bounds of the sentence around para[start:end]."""
    lo = 0
    for m in SENTENCE_END.finditer(para, 0, start):
        lo = m.end()
    m = SENTENCE_END.search(para, end)
    return lo, m.start() if m else len(para)


def _paragraphs(prose_lines):
    """Join consecutive prose lines into paragraphs: (start offset, text).
    A paragraph ends at a blank line or a gap (a code block); each list
    item and table row is one of its own."""
    start, parts, end = None, [], None
    for off, line in prose_lines:
        if start is not None and (off != end or not line.strip() or ITEM.match(line)):
            yield start, "".join(parts)
            start, parts = None, []
        if line.strip():
            if start is None:
                start = off
            parts.append(line)
        end = off + len(line)
    if start is not None:
        yield start, "".join(parts)


def check_text(text, results, page="page"):
    """Problems with one page against this build's figures ([] = none)."""
    problems = []
    unknown = []
    updated = _update_text(text, results, unknown)
    for line, why in unknown:
        known = f" (known: {' '.join(results)})" if why.startswith("unknown") else ""
        problems.append(f"{page}:{line}: {why}{known}")
    for line in _unclosed_regions(text):
        problems.append(f"{page}:{line}: a '<!-- bench: NAMES -->' region without "
                        f"its '{REGION_CLOSE}' line")
    if updated != text and not unknown:
        for m_old, m_new in zip(REGION.finditer(text), REGION.finditer(updated)):
            if m_old.group(0) != m_new.group(0):
                problems.append(f"{page}:{_line_of(text, m_old.start())}: the bench table "
                                f"({m_old['names']}) differs from this build's figures: "
                                "run `make bench` to regenerate it")
        for m_old, m_new in zip(INLINE.finditer(text), INLINE.finditer(updated)):
            if m_old.group(0) != m_new.group(0):
                problems.append(f"{page}:{_line_of(text, m_old.start())}: inline figure "
                                f"{m_old['expr']} is {m_old['value']!r}, this build's is "
                                f"{m_new['value']}: run `make bench` to regenerate it")
    for line, excerpt in typed_figures(text, results):
        problems.append(f"{page}:{line}: a bench figure typed by hand: \"{excerpt}\" - "
                        "put it in a '<!-- bench: NAMES -->' region or an inline "
                        "'<!--b:NAME-->N<!--/b-->' figure (then `make bench`), or "
                        "say it without the number")
    return problems


def update_text(text, results):
    """(new text, problems): every region and inline figure regenerated."""
    problems = []
    return _update_text(text, results, problems), problems


def doc_pages(root):
    """The pages that may hold figures: README.md and docs/*.md."""
    pages = [os.path.join(root, "README.md")]
    pages += sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    return [p for p in pages if os.path.isfile(p)]


def check_pages(root, results):
    """Every problem on every page, as 'docs/x.md:LINE: ...' strings."""
    problems = []
    for path in doc_pages(root):
        with open(path, encoding="utf-8") as f:
            problems += check_text(f.read(), results, os.path.relpath(path, root))
    return problems


def update_pages(root, results):
    """Regenerate every page; returns (changed pages, problems)."""
    changed, problems = [], []
    for path in doc_pages(root):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new, bad = update_text(text, results)
        problems += [f"{rel}:{line}: {why}" for line, why in bad]
        if new != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            changed.append(rel)
    return changed, problems


def update_pages_and_report(root, results):
    """update_pages, saying which pages changed and what is wrong (for
    `make bench` and scripts/bench-docs.py); 1 if something is wrong."""
    changed, problems = update_pages(root, results)
    for page in changed:
        print(f"bench docs: regenerated {page}")
    if not changed:
        print("bench docs: every page already shows these figures")
    for p in problems:
        print(f"bench docs: {p}")
    return 1 if problems else 0
