#!/usr/bin/env python3
"""The course labs: student trees with holes, and their graders.

    make lab LAB=NAME [FORCE=1]   python3 scripts/lab.py make NAME [--force]
    make grade [LAB=NAME]         python3 scripts/lab.py grade [NAME]
                                  python3 scripts/lab.py list
                                  python3 scripts/lab.py check   (markers, handouts)
                                  python3 scripts/lab.py docs    (rewrite the handouts'
                                                                  grader sections)

One manifest, docs/labs/labs.json, says for each lab its name, title,
handout, the source files holding its regions, and its checks (with
points); the course page, `make lab` and `make grade` all read it.

A region is marked in the real source, the solution first and the
starter code right after it, never compiled here:

    /* LAB softirq-loop BEGIN */
    ...the solution...
    /* LAB softirq-loop END */
    /* LAB softirq-loop STUB: the starter tree has this instead */
    #if 0
    ...the stub...
    #endif /* LAB softirq-loop STUB END */

A student tree (labs/NAME/) is a copy of the repository in which that
lab's regions hold the stub (between BEGIN and END markers, so that the
student's answer stays marked) and every other lab's solution is intact.
A folder rather than a git branch: it works from a tarball as well as a
clone, `make lab` never touches the teacher's checkout, and the student
can `git init` it and hand it in as it is.

Grading boots the tree's own build/interlude.elf: the in-kernel checks
with ktest=SUITES on the KTEST_BOOTS row they name (tests/run_tests.py),
the scenario checks as tests/run_tests.py runs them (tests/harness).
"""

import argparse
import copy
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(SCRIPTS)
MANIFEST = os.path.join("docs", "labs", "labs.json")
STUDENT_MARK = ".lab"           # in a student tree: which lab it is
SKIP_DIRS = {".git", "__pycache__"}   # anywhere
SKIP_TOP = {"build", "labs"}           # at the top: products, student trees
SOURCE_EXT = (".c", ".h", ".S")

BEGIN = re.compile(r"^\s*/\* LAB ([a-z0-9-]+) BEGIN \*/\s*$")
END = re.compile(r"^\s*/\* LAB ([a-z0-9-]+) END \*/\s*$")
STUB = re.compile(r"^\s*/\* LAB ([a-z0-9-]+) STUB\b.*\*/\s*$")
IF0 = re.compile(r"^\s*#if 0\s*$")
STUB_END = re.compile(r"^\s*#endif /\* LAB ([a-z0-9-]+) STUB END \*/\s*$")
ANY = re.compile(r"\bLAB [a-z0-9-]+ (BEGIN|END|STUB)\b")


class LabError(Exception):
    """A broken marker, manifest or request: the message says where."""


@dataclass
class Region:
    lab: str
    path: str
    begin: int          # line numbers, 1-based, of the markers
    end: int
    stub_begin: int = 0  # 0: no STUB block (a student tree)
    stub_end: int = 0


@dataclass
class Lab:
    name: str
    title: str
    handout: str
    files: list
    checks: list
    topic: str = ""
    minutes: int = 0
    needs: str = ""         # why it cannot be generated yet ("" = ready)
    regions: list = field(default_factory=list)

    @property
    def points(self):
        return sum(c["points"] for c in self.checks)


# ---- regions ------------------------------------------------------------------

def parse_regions(text, path):
    """Every region in one file's text. Raises LabError for a BEGIN without
    END, an END without BEGIN, nested regions, names that differ, or a
    STUB block that does not follow its END."""
    regions, open_region, open_stub = [], None, None
    lines = text.split("\n")
    for no, line in enumerate(lines, 1):
        where = f"{path}:{no}"
        m = BEGIN.match(line)
        if m:
            if open_region or open_stub:
                inner = open_region or open_stub
                raise LabError(f"{where}: LAB {m[1]} BEGIN inside region {inner.lab} "
                               f"(opened at line {inner.begin}): regions do not nest")
            open_region = Region(m[1], path, no, 0)
            continue
        m = END.match(line)
        if m:
            if not open_region:
                raise LabError(f"{where}: LAB {m[1]} END without a BEGIN")
            if m[1] != open_region.lab:
                raise LabError(f"{where}: LAB {m[1]} END closes region {open_region.lab} "
                               f"(opened at line {open_region.begin})")
            open_region.end = no
            regions.append(open_region)
            open_region = None
            continue
        m = STUB.match(line)
        if m:
            if open_region or open_stub:
                raise LabError(f"{where}: LAB {m[1]} STUB inside another region")
            prev = regions[-1] if regions else None
            if not prev or prev.lab != m[1] or prev.end != no - 1 or prev.stub_begin:
                raise LabError(f"{where}: LAB {m[1]} STUB must come right after "
                               f"its region's LAB {m[1]} END line")
            if no >= len(lines) or not IF0.match(lines[no]):
                raise LabError(f"{where}: LAB {m[1]} STUB must be followed by an "
                               "'#if 0' line (the stub is never compiled here)")
            prev.stub_begin = no
            open_stub = prev
            continue
        m = STUB_END.match(line)
        if m:
            if not open_stub or open_stub.lab != m[1]:
                raise LabError(f"{where}: LAB {m[1]} STUB END without its STUB")
            open_stub.stub_end = no
            open_stub = None
            continue
        if ANY.search(line):
            raise LabError(f"{where}: malformed LAB marker: {line.strip()!r} "
                           "(see scripts/lab.py for the forms)")
    if open_region:
        raise LabError(f"{path}:{open_region.begin}: LAB {open_region.lab} BEGIN "
                       "without an END")
    if open_stub:
        raise LabError(f"{path}:{open_stub.stub_begin}: LAB {open_stub.lab} STUB "
                       "without a STUB END")
    return regions


def starter_text(text, lab, path="?"):
    """text with lab's regions replaced by their stubs (markers kept around
    the stub so that the student's answer stays marked)."""
    regions = [r for r in parse_regions(text, path) if r.lab == lab]
    lines = text.split("\n")
    for r in reversed(regions):
        if not r.stub_begin:
            raise LabError(f"{path}:{r.begin}: region {lab} has no STUB block "
                           "(a '/* LAB ... STUB */' line and an '#if 0' block right after its END)")
        stub = lines[r.stub_begin + 1:r.stub_end - 1]    # inside #if 0 ... #endif
        if stub == lines[r.begin:r.end - 1]:
            raise LabError(f"{path}:{r.stub_begin}: the STUB of {lab} is the solution")
        lines[r.begin - 1:r.stub_end] = [lines[r.begin - 1]] + stub + [lines[r.end - 1]]
    return "\n".join(lines)


def source_files(root):
    """Every C/assembly source under root, as paths relative to it."""
    for dirpath, dirnames, filenames in os.walk(root):
        top = os.path.abspath(dirpath) == os.path.abspath(root)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS
                             and not (top and d in SKIP_TOP))
        for name in sorted(filenames):
            if name.endswith(SOURCE_EXT):
                yield os.path.relpath(os.path.join(dirpath, name), root)


def scan(root, labs, need_stubs=True):
    """Attach each lab's regions; LabError if a marker names no lab of
    the manifest, a lab's regions are not in the files it lists, or (in
    the course tree) a region has no stub."""
    by_name = {lab.name: lab for lab in labs}
    for lab in labs:
        lab.regions = []
    for rel in source_files(root):
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for r in parse_regions(f.read(), rel):
                if r.lab not in by_name:
                    raise LabError(f"{rel}:{r.begin}: region of unknown lab {r.lab!r} "
                                   f"(labs: {', '.join(by_name)})")
                if rel not in by_name[r.lab].files:
                    raise LabError(f"{rel}:{r.begin}: region of {r.lab} in a file its "
                                   f"manifest entry does not list ({MANIFEST})")
                if need_stubs and not r.stub_begin:
                    raise LabError(f"{rel}:{r.begin}: region {r.lab} has no STUB block")
                by_name[r.lab].regions.append(r)
    for lab in labs:
        have = {r.path for r in lab.regions}
        missing = [f for f in lab.files if f not in have]
        if missing:
            raise LabError(f"lab {lab.name}: no LAB {lab.name} region in "
                           f"{', '.join(missing)} ({MANIFEST} lists it)")
    return labs


# ---- the manifest -------------------------------------------------------------

def load_manifest(root=ROOT):
    path = os.path.join(root, MANIFEST)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    labs, seen = [], set()
    for entry in data["labs"]:
        lab = Lab(name=entry["name"], title=entry["title"], handout=entry["handout"],
                  files=entry.get("files", []), checks=entry.get("checks", []),
                  topic=entry.get("topic", ""), minutes=entry.get("minutes", 0),
                  needs=entry.get("needs", ""))
        if lab.name in seen:
            raise LabError(f"{MANIFEST}: lab {lab.name} listed twice")
        seen.add(lab.name)
        for c in lab.checks:
            if not isinstance(c.get("points"), int) or c["points"] <= 0:
                raise LabError(f"{MANIFEST}: lab {lab.name}: check {c.get('name')!r} "
                               "needs positive integer points")
            if ("ktest" in c) == ("scenario" in c):
                raise LabError(f"{MANIFEST}: lab {lab.name}: check {c.get('name')!r} "
                               "needs exactly one of 'ktest' and 'scenario'")
        if not lab.needs and not (lab.files and lab.checks):
            raise LabError(f"{MANIFEST}: lab {lab.name} has no files or no checks "
                           "(say in 'needs' why it is not ready)")
        labs.append(lab)
    return labs


def find_lab(labs, name):
    for lab in labs:
        if lab.name == name:
            return lab
    raise LabError(f"unknown lab {name!r}; the labs are: "
                   + ", ".join(lab.name for lab in labs))


def student_lab(root):
    """The lab a student tree was made for, or None in the course tree."""
    mark = os.path.join(root, STUDENT_MARK)
    if not os.path.isfile(mark):
        return None
    with open(mark, encoding="utf-8") as f:
        return json.load(f)["lab"]


# ---- making a student tree ----------------------------------------------------

def _ignorer(root):
    def ignore(directory, names):
        top = os.path.abspath(directory) == os.path.abspath(root)
        return [n for n in names if n in SKIP_DIRS or (top and n in SKIP_TOP)]
    return ignore


def write_tree(root, dest, lab, force=False, build_from=None):
    """Copy root to dest with lab's regions replaced by their stubs.
    Refuses to overwrite an existing dest unless force. With build_from,
    copies that build directory's products (times preserved) so that
    make recompiles only the files the stubs changed."""
    if lab.needs:
        raise LabError(f"lab {lab.name} cannot be generated yet: {lab.needs}")
    if os.path.exists(dest):
        if not force:
            raise LabError(f"{dest} exists (a student's work?): not overwritten; "
                           "FORCE=1 (--force) replaces it")
        shutil.rmtree(dest)
    shutil.copytree(root, dest, ignore=_ignorer(root), symlinks=True)
    for r_path in sorted({r.path for r in lab.regions}):
        src = os.path.join(root, r_path)
        with open(src, encoding="utf-8") as f:
            text = starter_text(f.read(), lab.name, r_path)
        with open(os.path.join(dest, r_path), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(dest, STUDENT_MARK), "w", encoding="utf-8") as f:
        json.dump({"lab": lab.name, "handout": lab.handout}, f)
        f.write("\n")
    if build_from:
        os.makedirs(os.path.join(dest, "build"), exist_ok=True)
        for part in ("obj", "uobj", "user"):
            src = os.path.join(build_from, part)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(dest, "build", part))
        for name in os.listdir(build_from):
            if name.startswith("interlude.elf"):
                shutil.copy2(os.path.join(build_from, name),
                             os.path.join(dest, "build", name))
    return dest


def build_targets(lab):
    """What `make` must produce in a tree to grade lab: the kernel, and the
    user programs whose source holds a region."""
    targets = ["build/interlude.elf"]
    for path in lab.files:
        if path.startswith("user/") and path.endswith(".c"):
            targets.append("build/user/" + os.path.basename(path)[:-2] + ".elf")
    return targets


def build_tree(tree, lab, timeout=300):
    """make the lab's targets in tree; (ok, output)."""
    proc = subprocess.run(["make", "-s", "-C", tree] + build_targets(lab),
                          capture_output=True, text=True, timeout=timeout)
    return proc.returncode == 0, proc.stdout + proc.stderr


# ---- grading ------------------------------------------------------------------

@dataclass
class Score:
    check: dict
    ok: bool
    details: str = ""


def _harness():
    tests = os.path.join(ROOT, "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    sys.dont_write_bytecode = True
    import run_tests                     # noqa: E402  (KTEST_BOOTS)
    from harness import suites           # noqa: E402
    return run_tests, suites


def ktest_word(test):
    """A check's SUITE/CASE as a ktest= word: SUITE.CASE (the kernel runs
    that case alone, kernel/test/ktest.c), or SUITE for a glob."""
    suite, _, case = test.partition("/")
    return suite if not case or any(ch in case for ch in "*?[") else f"{suite}.{case}"


def ktest_append(row_append, words):
    """The row's command line with its ktest= replaced by our words."""
    rest = [w for w in row_append.split() if not w.startswith("ktest=")]
    return " ".join([f"ktest={','.join(words)}"] + rest)


def judge(check, results):
    """Score one check from the results of its boot: every result it names
    (a SUITE/CASE, or a glob) must exist and have passed."""
    want = check["ktest"] if "ktest" in check else check["scenario"]
    mine = [r for r in results if r.name == want or r.name.endswith("/" + want)]
    if not mine and any(ch in want for ch in "*?"):
        mine = [r for r in results if fnmatch.fnmatchcase(r.name, "*/" + want)]
    if not mine:
        boot = [r for r in results if r.status == "fail"]
        why = "\n".join(f"{r.name}: {r.details}" for r in boot)[-1500:]
        return Score(check, False, f"{want}: no such result (the boot failed?)\n{why}")
    bad = [r for r in mine if r.status != "pass"]
    if bad:
        return Score(check, False, "\n".join(f"{r.name}: {r.status} {r.details}"
                                             for r in bad)[:1500])
    return Score(check, True)


def run_checks(lab, elf, log_dir, name_prefix="lab"):
    """Boot elf for each of lab's checks (one boot per ktest row) and
    score them; returns [Score] in manifest order."""
    run_tests, suites = _harness()
    rows = {row[0]: row for row in run_tests.KTEST_BOOTS}
    results_by_check = {}
    by_row = {}
    for i, c in enumerate(lab.checks):
        if "ktest" in c:
            row = c.get("boot", "ktest")
            if row not in rows:
                raise LabError(f"lab {lab.name}: check {c['name']!r}: no boot row "
                               f"{row!r} in tests/run_tests.py KTEST_BOOTS")
            by_row.setdefault(row, []).append(i)
    for row, idx in by_row.items():
        wanted = sorted({ktest_word(lab.checks[i]["ktest"]) for i in idx})
        _, append, qemu_args = rows[row]
        results = suites.ktest_boot(f"{name_prefix}/{lab.name}/{row}", elf,
                                    ktest_append(append, wanted), qemu_args,
                                    log_dir=log_dir)
        for i in idx:
            results_by_check[i] = results
    scenarios = None
    for i, c in enumerate(lab.checks):
        if "scenario" in c:
            if scenarios is None:
                scenarios = {s.name: s for s in suites.load_scenarios(
                    os.path.join(ROOT, "tests", "scenarios"))}
            sc = scenarios.get(c["scenario"])
            if sc is None:
                raise LabError(f"lab {lab.name}: no scenario test {c['scenario']!r}")
            mine = copy.copy(sc)     # its own name: its own log and results
            mine.name = f"{name_prefix}/{lab.name}/{sc.name}"
            results_by_check[i] = suites.machine_test(mine, elf, None, log_dir)
    boot_problems = sorted({f"{r.name}: {r.details.splitlines()[0] if r.details else ''}"
                            for results in results_by_check.values() for r in results
                            if r.name.endswith("/(boot)") and r.status == "fail"})
    return [judge(c, results_by_check[i]) for i, c in enumerate(lab.checks)], boot_problems


def print_scores(lab, scores, out=sys.stdout):
    got = sum(s.check["points"] for s in scores if s.ok)
    print(f"== lab {lab.name}: {lab.title} ==", file=out)
    for s in scores:
        pts = s.check["points"]
        verdict = "OK  " if s.ok else "FAIL"
        print(f"  {verdict} {s.check['name']} ({pts if s.ok else 0}/{pts})", file=out)
        if not s.ok:
            for line in s.details.strip().splitlines()[:12]:
                print(f"         {line}", file=out)
    print(f"  Score: {got}/{lab.points}", file=out, flush=True)
    return got


# ---- CI: every grader can fail ------------------------------------------------

TIMES = {}     # lab -> (build s, build+boot s) of the last ci_results


def starter_verdict(name, scores, booted):
    """lab/NAME/starter_fails: the starter kernel booted (its checks ran)
    and at least one check failed. A grader that passes the starter -
    a stub that still holds the solution, a check that tests nothing -
    fails this."""
    if not booted:
        return False, "the starter kernel did not boot through its checks"
    if all(s.ok for s in scores):
        return False, ("every check passed on the starter tree: the grader cannot "
                       "fail (does the stub still hold the solution?)")
    return True, ""


def ci_results(lab, elf, log_dir, build_dir):
    """Results lab/NAME/starter_fails and lab/NAME/solution_passes, as
    tests/run_tests.py prints them (import from tests/harness)."""
    _harness()                                    # tests/ on sys.path
    from harness.results import failed, passed   # noqa: E402
    import time
    base = f"lab/{lab.name}"
    out = []
    t0 = time.monotonic()
    tree = os.path.join(build_dir, "labs", lab.name)
    try:
        lab = find_lab(scan(ROOT, load_manifest(ROOT)), lab.name)
        write_tree(ROOT, tree, lab, force=True, build_from=build_dir)
        ok, log = build_tree(tree, lab)
        t_build = time.monotonic() - t0
        if not ok:
            out.append(failed(f"{base}/starter_fails", "the starter tree does not build:\n"
                              + log[-3000:]))
        else:
            scores, boot_problems = run_checks(
                lab, os.path.join(tree, "build", "interlude.elf"), log_dir,
                name_prefix="lab-starter")
            booted = not boot_problems and all(
                "no such result" not in s.details for s in scores)
            good, why = starter_verdict(lab.name, scores, booted)
            why += "".join("\n  " + p for p in boot_problems)
            t_all = time.monotonic() - t0
            note = (f"build {t_build:.1f} s, build+boot {t_all:.1f} s; "
                    + ", ".join(f"{s.check['ktest' if 'ktest' in s.check else 'scenario']}: "
                                f"{'pass' if s.ok else 'fail'}" for s in scores))
            TIMES[lab.name] = (t_build, t_all)
            out.append(passed(f"{base}/starter_fails") if good
                       else failed(f"{base}/starter_fails", why + "\n" + note))
    except LabError as e:
        out.append(failed(f"{base}/starter_fails", str(e)))
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    scores, _ = run_checks(lab, elf, log_dir, name_prefix="lab-solution")
    bad = [s for s in scores if not s.ok]
    out.append(passed(f"{base}/solution_passes") if not bad else failed(
        f"{base}/solution_passes", "\n".join(f"{s.check['name']}: {s.details}" for s in bad)))
    return out


# ---- handouts: the grader section ---------------------------------------------

GRADER_BEGIN = "<!-- grader: generated from docs/labs/labs.json by scripts/lab.py docs -->"
GRADER_END = "<!-- grader: end -->"


def grader_section(lab):
    lines = [GRADER_BEGIN, "",
             f"`make grade LAB={lab.name}` runs these checks ({lab.points} points):", "",
             "| check | test | boot | points |", "|---|---|---|---|"]
    for c in lab.checks:
        test = c.get("ktest") or c.get("scenario")
        boot = c.get("boot", "ktest") if "ktest" in c else "scenario"
        lines.append(f"| {c['name']} | `{test}` | {boot} | {c['points']} |")
    lines += ["", GRADER_END]
    return "\n".join(lines)


LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#([^)\s]+))?\)")


def heading_slug(title):
    """GitHub's anchor for a Markdown heading."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower().replace("`", ""))
    return slug.replace(" ", "-")


def link_problems(root, page):
    """Links from a handout to doc pages that do not exist, or to a
    section heading the page does not have."""
    problems = []
    here = os.path.dirname(os.path.join(root, page))
    with open(os.path.join(root, page), encoding="utf-8") as f:
        text = f.read()
    for target, anchor in LINK.findall(text):
        path = os.path.normpath(os.path.join(here, target))
        if not os.path.isfile(path):
            problems.append(f"{page}: link to {target}: no such page")
            continue
        if anchor:
            with open(path, encoding="utf-8") as f:
                slugs = {heading_slug(m) for m in re.findall(r"^#+ (.*)$", f.read(), re.M)}
            if anchor not in slugs:
                problems.append(f"{page}: link to {target}#{anchor}: no such section")
    return problems


def handout_problems(root, labs, write=False):
    problems = []
    pages = [lab.handout for lab in labs] + [os.path.join("docs", "labs", "README.md")]
    for page in pages:
        if os.path.isfile(os.path.join(root, page)):
            problems += link_problems(root, page)
    for lab in labs:
        path = os.path.join(root, lab.handout)
        if not os.path.isfile(path):
            problems.append(f"{lab.handout}: missing (lab {lab.name})")
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not lab.checks:
            continue
        a, b = text.find(GRADER_BEGIN), text.find(GRADER_END)
        if a < 0 or b < a:
            problems.append(f"{lab.handout}: no grader section ({GRADER_BEGIN})")
            continue
        new = text[:a] + grader_section(lab) + text[b + len(GRADER_END):]
        if new != text:
            if write:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
            else:
                problems.append(f"{lab.handout}: grader section differs from "
                                f"{MANIFEST}; run python3 scripts/lab.py docs")
    return problems


# ---- the command line ---------------------------------------------------------

def cmd_make(args, labs):
    if student_lab(ROOT):
        raise LabError(f"this is a student tree (lab {student_lab(ROOT)}): "
                       "make lab works in the course repository")
    lab = find_lab(labs, args.name)
    scan(ROOT, labs)
    dest = args.dest or os.path.join(ROOT, "labs", lab.name)
    write_tree(ROOT, dest, lab, force=args.force)
    print(f"lab {lab.name}: student tree in {os.path.relpath(dest)}\n"
          f"  read {lab.handout}, then: cd {os.path.relpath(dest)} && "
          f"make grade LAB={lab.name}")
    return 0


def cmd_grade(args, labs):
    mine = student_lab(ROOT)
    if args.name:
        chosen = [find_lab(labs, args.name)]
    elif mine:
        chosen = [find_lab(labs, mine)]
    else:
        chosen = labs       # the ones not ready say so
    elf = os.path.join(ROOT, "build", "interlude.elf")
    log_dir = os.path.join(ROOT, "build", "grade-logs")
    total = got = 0
    for lab in chosen:
        if lab.needs:
            print(f"== lab {lab.name}: not gradable yet: {lab.needs} ==")
            continue
        got += print_scores(lab, run_checks(lab, elf, log_dir)[0])
        total += lab.points
    if len(chosen) > 1:
        print(f"Total: {got}/{total}")
    return 0 if got == total else 1


def cmd_check(args, labs):
    scan(ROOT, labs, need_stubs=not student_lab(ROOT))
    problems = handout_problems(ROOT, labs)
    for p in problems:
        print(p)
    if not problems:
        print(f"lab check: {len(labs)} labs, "
              f"{sum(len(lab.regions) for lab in labs)} regions, handouts match")
    return 1 if problems else 0


def cmd_docs(args, labs):
    for p in handout_problems(ROOT, labs, write=True):
        print(p)
    return 0


def cmd_list(args, labs):
    for lab in labs:
        state = f"  (not ready: {lab.needs})" if lab.needs else ""
        print(f"{lab.name:16} {lab.title} - {lab.points} points{state}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("make", help="write a student tree")
    p.add_argument("name")
    p.add_argument("--force", action="store_true")
    p.add_argument("--dest")
    p = sub.add_parser("grade", help="grade one lab, this tree's lab, or all")
    p.add_argument("name", nargs="?")
    sub.add_parser("check", help="markers and handouts agree with the manifest")
    sub.add_parser("docs", help="rewrite the handouts' grader sections")
    sub.add_parser("list", help="the labs")
    args = parser.parse_args(argv)
    try:
        labs = load_manifest()
        return {"make": cmd_make, "grade": cmd_grade, "check": cmd_check,
                "docs": cmd_docs, "list": cmd_list}[args.cmd](args, labs)
    except LabError as e:
        print(f"lab: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
