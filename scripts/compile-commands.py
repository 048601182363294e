#!/usr/bin/env python3
"""Write compile_commands.json (the JSON compilation database clangd and
other editors read) for the kernel's and the user programs' C sources.

    scripts/compile-commands.py --out FILE --cc CC --flags "FLAGS" \
        [--user-flags "FLAGS" USER_SOURCES... --] SOURCES...

Called by the Makefile with its own compiler and flags, so the database
always says what the build does.
"""
import argparse
import json
import os
import shlex


def entries(directory, cc, flags, sources, objdir):
    for src in sources:
        obj = os.path.join(objdir, os.path.splitext(src)[0] + ".o")
        yield {"directory": directory, "file": src,
               "arguments": [cc] + shlex.split(flags) + ["-c", src, "-o", obj]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--flags", required=True)
    ap.add_argument("--user-flags", default="")
    ap.add_argument("--build", default="build")
    ap.add_argument("--user", nargs="*", default=[], help="user-program sources")
    ap.add_argument("sources", nargs="*")
    args = ap.parse_args()
    here = os.getcwd()
    db = list(entries(here, args.cc, args.flags, args.sources,
                      os.path.join(args.build, "obj")))
    db += entries(here, args.cc, args.user_flags, args.user,
                  os.path.join(args.build, "uobj"))
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(db, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
