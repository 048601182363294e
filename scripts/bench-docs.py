#!/usr/bin/env python3
"""Bench figures in README.md and docs/*.md, from an existing bench table.

    scripts/bench-docs.py [--bench build/bench.txt]          regenerate
    scripts/bench-docs.py [--bench build/bench.txt] --check  only check

`make bench` runs the benchmarks and regenerates the pages itself; this
is the same step without booting QEMU (after editing a page, say), and
the check that `make test` runs (bench/docs_match). The convention - a
`<!-- bench: NAMES -->` region, an inline `<!--b:NAME-->N<!--/b-->`
figure, no figure typed by hand - is in tests/harness/benchdocs.py.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.dont_write_bytecode = True
from harness import benchdocs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "bench.txt"),
                    help="the table `make bench` wrote")
    ap.add_argument("--check", action="store_true", help="change nothing; list problems")
    args = ap.parse_args()
    try:
        with open(args.bench) as f:
            results = benchdocs.parse_table(f.read())
    except (OSError, ValueError) as e:
        sys.exit(f"bench-docs: {args.bench}: {e} (run `make bench`)")
    if args.check:
        problems = benchdocs.check_pages(ROOT, results)
        for p in problems:
            print(p)
        return 1 if problems else 0
    return benchdocs.update_pages_and_report(ROOT, results)

if __name__ == "__main__":
    sys.exit(main())
