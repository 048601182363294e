#!/usr/bin/env python3
"""Interlude's test runner (what `make test` calls).

    python3 tests/run_tests.py --elf build/interlude.elf --iso build/interlude.iso \\
        --host-dir build/host [--selftest-elf build/selftest/interlude.elf] \\
        [--only PATTERN]

Runs, in this order:
  1. host unit tests      build/host/test_*           host/BINARY/CASE
     the trace tools        tests/host/test_trace_tools.py  host/trace_tools/TEST
     the host net peer      tests/host/test_netpeer.py      host/netpeer/TEST
     the lab tool           tests/host/test_lab_tool.py     host/lab_tool/TEST
  2. in-kernel tests      one boot per KTEST_BOOTS row  ktest/SUITE/CASE
  3. the GRUB ISO boot    shell prompt, uptime          iso/grub_shell_uptime
  4. shell scenarios      tests/scenarios/*.py          scenario/MODULE/FUNCTION
     the bench, the docs' timeline pictures              bench/..., picture/NAME
  5. the GDB sessions     kmain, shell, IRQ, softirq    gdb/kmain_to_shell
                          a system call from ring 3     gdb/user_trap
  6. the harness self-test                              harness/selftest/...
     the course labs: each   scripts/lab.py, docs/labs/   lab/NAME/starter_fails
     starter tree builds and boots and fails its grader,   lab/NAME/solution_passes
     the full tree passes it
  7. doc transcripts      docs/*.md, README.md          doc/PAGE/LINE, doc/(markup)
     (harness/transcripts.py; notation in docs/transcripts.md)
  8. doc GDB transcripts  one GDB session per page      gdbdoc/PAGE/LINE, gdbdoc/(markup)
     (harness/gdbdocs.py)

It prints one line per test ("ok   NAME", "FAIL NAME" plus indented details,
"skip NAME") and ends with the line "N passed, N failed[, N skipped]".
Exit status 0 iff nothing failed. QEMU boots run two at a time; results are
printed in the order above. Serial logs go to build/test-logs/NAME.log.

A scenario module declares how to boot with module-level BOOT ("elf" or
"iso"), APPEND, QEMU_ARGS, SERIAL_PORTS and MONITOR, and one test function
can override them with @boot_options(...) (see harness/suites.py). With
VARIANTS = [("apic", ""), ("noapic", "noapic")] every function runs once
per entry, as scenario/MODULE[apic]/FUNCTION and scenario/MODULE[noapic]/...,
the second with "noapic" added to the kernel command line.

--only PATTERN runs the jobs whose name contains PATTERN (or matches it as
a glob, e.g. 'scenario/shell_basics/*'); "--only ktest/cmdline" runs the
ktest boot and shows only the cmdline suite's results. Square brackets
also match themselves: 'scenario/irq_sharing[noapic]/*' works as written.
"""

import argparse
import fnmatch
import os
import re
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TESTS_DIR)
sys.path.insert(0, TESTS_DIR)
sys.dont_write_bytecode = True     # keep tests/ free of __pycache__

from harness import diskimage, gdbdocs, gdbtests, pyunit, selftest, suites, transcripts  # noqa: E402
from harness.gate import Gate                             # noqa: E402
from harness.results import failed, format_result, passed, summary  # noqa: E402

# In-kernel test boots: adding a boot configuration is one line.
#   (name prefix of its results, kernel command line, extra QEMU arguments)
# COM2 exists (on a null chardev) for the uart suite's loopback tests.
COM2_NULL = ["-serial", "null"]


def SMP_ARGS(n):
    """N CPUs (one socket of N cores: the MADT lists them), multi-threaded TCG."""
    return ["-smp", str(n), "-accel", "tcg,thread=multi"]


KTEST_BOOTS = [
    ("ktest", "ktest=all", COM2_NULL),
    ("ktest-noapic", "ktest=all noapic", COM2_NULL),
    ("ktest-q35", "ktest=all", ["-machine", "q35"] + COM2_NULL),
    # Forced threading: every ordinary handler in an irq/N-name thread
    # (irq_core switches forcing off for its fake-line cases).
    ("ktest-threadirqs", "ktest=all threadirqs", COM2_NULL),
    # An exact clock (virtual time counts instructions, 16 ns each): timing
    # checks need no allowance for a loaded host (the pit suite judges
    # strictly under ktest_exact_clock).
    ("ktest-icount", "ktest=pit,tasklet,softirq ktest_exact_clock",
     ["-icount", "shift=4,align=off,sleep=off"] + COM2_NULL),
    # SMP (docs/smp.md): every CPU runs threads and bottom halves, one
    # vCPU per host thread so that races can surface. The suites whose
    # promises are per CPU (the rest behave as at -smp 1, where
    # ktest=all runs them).
    ("ktest-smp2",
     "ktest=smp,spinlock,traps,irq_offload,irq_work,apic,sched,affinity,irq_smp,tasklet_smp,softirq_smp,workqueue_smp,trace,static_key,napi",
     SMP_ARGS(2) + COM2_NULL),
    ("ktest-smp4", "ktest=smp,spinlock,traps,irq_work,apic,affinity,irq_smp,tasklet_smp,softirq_smp,workqueue_smp,static_key",
     SMP_ARGS(4) + COM2_NULL),
    # Two CPUs under -icount: single-threaded TCG runs them in turn, so
    # the interleaving - and every count - repeats exactly.
    ("ktest-smp2-icount", "ktest=smp,irq_work ktest_exact_clock",
     ["-smp", "2", "-icount", "shift=4,align=off,sleep=off"] + COM2_NULL),
    ("ktest-nosmp", "ktest=smp nosmp", SMP_ARGS(2) + COM2_NULL),
    # The ATA disk on the primary IDE channel (the harness's image, with
    # writes to a throw-away overlay): the block suite's ata_* cases, on
    # two CPUs so that the IRQ thread and a submitter really race.
    ("ktest-disk", "ktest=block", diskimage.test_qemu_args() + SMP_ARGS(2) + COM2_NULL),
    # The e1000 without a wire (its frames go nowhere), and the edu device
    # in slot 5, on the same PCI line as the card's slot 2 (IRQ 10).
    ("ktest-net", "ktest=e1000,napi",
     ["-netdev", "hubport,id=n0,hubid=0", "-device", "e1000,netdev=n0,mac=52:54:00:12:34:56",
      "-device", "edu,addr=5"] + COM2_NULL),
]

PARALLEL = 2        # QEMU boots at once (the machines have two cores)


@dataclass
class Job:
    name: str
    run: Callable[[], list]
    alone: bool = False     # no other job runs meanwhile (timing tests)


GATE = Gate()   # harness/gate.py


def bench_repeatable(elf):
    """`make bench` works: every benchmark reports, twice the same figures
    (bench/repeatable). No figure is judged - speed is read from the table,
    not asserted - but the docs must show this build's figures
    (bench/docs_match: harness/benchdocs.py)."""
    import subprocess
    from harness import benchdocs
    name, docs = "bench/repeatable", "bench/docs_match"
    out = os.path.join(REPO_ROOT, "build", "bench.txt")
    proc = subprocess.run([sys.executable, os.path.join(TESTS_DIR, "bench.py"),
                           "--elf", elf, "--out", out],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or "repeat run: identical" not in proc.stdout:
        return [failed(name, (proc.stdout + proc.stderr)[-2000:]),
                failed(docs, "no figures to check the docs against: bench/repeatable failed")]
    problems = benchdocs.check_pages(REPO_ROOT, benchdocs.parse_table(proc.stdout))
    if problems:
        return [passed(name), failed(docs, "\n".join(problems))]
    return [passed(name), passed(docs)]


def pictures_current(elf):
    """The timeline pictures at the top of the mechanism pages tell the
    story today's kernel tells (scripts/doc-pictures.py --check: each
    command traced again, its story compared with the committed
    picture's): picture/NAME."""
    import importlib.util
    path = os.path.join(REPO_ROOT, "scripts", "doc-pictures.py")
    spec = importlib.util.spec_from_file_location("doc_pictures", path)
    pictures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pictures)
    results = []
    for name in pictures.PICTURES:
        try:
            problem = pictures.check(name, os.path.abspath(elf))
        except Exception as e:  # a boot or a converter that failed
            problem = f"{type(e).__name__}: {e}"
        results.append(passed(f"picture/{name}") if problem is None
                       else failed(f"picture/{name}", problem))
    return results


def load_lab_tool():
    """scripts/lab.py as a module."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "lab", os.path.join(REPO_ROOT, "scripts", "lab.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_jobs(args):
    """Every job in run order, each a name and a function returning results."""
    jobs = []
    log_dir = args.log_dir

    binaries = suites.find_host_binaries(args.host_dir)
    if not binaries:
        jobs.append(Job("host", lambda: [failed(
            "host/(none)", f"no executable test_* programs in {args.host_dir}")]))
    for path in binaries:
        jobs.append(Job(f"host/{os.path.basename(path)}",
                        lambda path=path: suites.host_binary(path)))
    # scripts/trace2perfetto.py and trace2svg.py on synthetic dumps (no QEMU).
    jobs.append(Job("host/trace_tools", lambda: pyunit.run_file(
        os.path.join(TESTS_DIR, "host", "test_trace_tools.py"), "host/trace_tools")))
    # tests/harness/netpeer.py, the host's stack for the network tests.
    jobs.append(Job("host/netpeer", lambda: pyunit.run_file(
        os.path.join(TESTS_DIR, "host", "test_netpeer.py"), "host/netpeer")))
    # scripts/lab.py: markers, student trees, grading (one short boot).
    jobs.append(Job("host/lab_tool", lambda: pyunit.run_file(
        os.path.join(TESTS_DIR, "host", "test_lab_tool.py"), "host/lab_tool")))

    for prefix, append, qemu_args in KTEST_BOOTS:
        jobs.append(Job(prefix, lambda p=prefix, a=append, q=qemu_args:
                        suites.ktest_boot(p, args.elf, a, q, log_dir=log_dir)))

    iso = suites.Scenario("iso/grub_shell_uptime", suites.iso_uptime, boot="iso")
    jobs.append(Job(iso.name, lambda: suites.machine_test(iso, args.elf, args.iso, log_dir)))

    for sc in suites.load_scenarios(os.path.join(TESTS_DIR, "scenarios")):
        jobs.append(Job(sc.name, lambda sc=sc:
                        suites.machine_test(sc, args.elf, args.iso, log_dir),
                        alone=sc.alone))

    jobs.append(Job("bench/repeatable", lambda: bench_repeatable(args.elf)))
    jobs.append(Job("picture", lambda: pictures_current(args.elf)))

    jobs.append(Job("gdb/kmain_to_shell", lambda: gdbtests.gdb_boot(
        "gdb/kmain_to_shell", args.elf, REPO_ROOT, log_dir=log_dir)))
    jobs.append(Job("gdb/user_trap", lambda: gdbtests.gdb_user_trap(
        "gdb/user_trap", args.elf, REPO_ROOT, log_dir=log_dir)))

    jobs.append(Job("harness/selftest", lambda: selftest.run(
        args.elf, args.selftest_elf, log_dir, iso=args.iso)))

    # The course labs (docs/labs/README.md): every grader can fail. The
    # starter tree reuses this build's objects, so only the files the
    # stubs changed are compiled (scripts/lab.py ci_results).
    # (Not in a student tree: its own lab is meant to fail.)
    lab_tool = load_lab_tool()
    for lab in lab_tool.load_manifest():
        if not lab.needs and not lab_tool.student_lab(REPO_ROOT):
            jobs.append(Job(f"lab/{lab.name}", lambda lab=lab: lab_tool.ci_results(
                lab, args.elf, log_dir, os.path.dirname(os.path.abspath(args.elf)))))

    # Doc transcripts: one job per boot (a page's blocks that share a
    # machine and command line), each block one result doc/PAGE/LINE.
    by_page, problems = transcripts.load(REPO_ROOT)
    jobs.append(Job("doc/(markup)", lambda: [transcripts.markup_result(by_page, problems)]
                    + problems))
    for blocks in by_page.values():
        for boot in transcripts.plan_boots(blocks):
            jobs.append(Job(boot.name, lambda boot=boot: transcripts.run_boot(
                boot, args.elf, args.iso, log_dir)))

    # GDB transcripts: one GDB session per page (and command line), each
    # block one result gdbdoc/PAGE/LINE (harness/gdbdocs.py).
    by_page, problems = gdbdocs.load(REPO_ROOT)
    jobs.append(Job("gdbdoc/(markup)", lambda: [gdbdocs.markup_result(by_page, problems)]
                    + problems))
    for blocks in by_page.values():
        for session in gdbdocs.plan_sessions(blocks):
            jobs.append(Job(f"{session.name}/{session.blocks[0].line}",
                            lambda session=session: gdbdocs.run_session(
                                session, args.elf, REPO_ROOT, log_dir)))
    return jobs


def matches(name, pattern):
    # Variant names contain "[apic]": try the pattern with brackets taken
    # literally as well as a glob character class.
    literal = re.sub(r"[\[\]]", lambda m: f"[{m.group(0)}]", pattern)
    return (pattern in name or fnmatch.fnmatchcase(name, pattern)
            or fnmatch.fnmatchcase(name, literal))


def run_job(job, timings):
    """Run one job; a bug in the harness itself becomes a failed result.
    Its wall time (waiting for the gate excluded) goes into timings."""
    GATE.enter(job.alone)
    start = time.monotonic()
    try:
        return job.run()
    except Exception:
        return [failed(f"{job.name}/(harness error)", traceback.format_exc())]
    finally:
        timings[job.name] = time.monotonic() - start
        GATE.leave(job.alone)


def write_timings(log_dir, timings, total):
    """LOG_DIR/timings.txt: every job's seconds, slowest first (where
    `make test`'s time goes)."""
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, "timings.txt"), "w") as f:
        f.write(f"{total:7.1f} s  wall time of the whole run\n")
        f.write(f"{sum(timings.values()):7.1f} s  all jobs added up\n")
        for name, secs in sorted(timings.items(), key=lambda kv: -kv[1]):
            f.write(f"{secs:7.2f} s  {name}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elf", default="build/interlude.elf")
    parser.add_argument("--iso", default="build/interlude.iso")
    parser.add_argument("--host-dir", default="build/host")
    parser.add_argument("--selftest-elf", default=None,
                        help="kernel built with the failing suite selftest_fail")
    parser.add_argument("--only", metavar="PATTERN",
                        help="run only jobs/tests whose name contains or matches PATTERN")
    parser.add_argument("--log-dir", default="build/test-logs",
                        help="where each boot's serial log is written")
    parser.add_argument("-j", "--jobs", type=int, default=PARALLEL,
                        help="QEMU boots to run at once")
    args = parser.parse_args()

    jobs = make_jobs(args)
    if args.only:
        # A job runs if its name matches, or if the pattern names tests
        # inside it ("ktest/cmdline" is inside the job "ktest").
        jobs = [j for j in jobs
                if matches(j.name, args.only) or args.only.startswith(j.name + "/")]

    all_results = []
    if not jobs:
        all_results.append(failed(f"(no test matches {args.only!r})",
                                  "see the job names in tests/run_tests.py"))
        print(format_result(all_results[0]))
    timings, started = {}, time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(job, pool.submit(run_job, job, timings)) for job in jobs]
        for job, future in futures:          # print in run order
            for result in future.result():
                if args.only and not matches(job.name, args.only) \
                        and not matches(result.name, args.only):
                    continue
                all_results.append(result)
                print(format_result(result), flush=True)

    write_timings(args.log_dir, timings, time.monotonic() - started)
    print(summary(all_results), flush=True)
    return 1 if any(r.status == "fail" for r in all_results) else 0


if __name__ == "__main__":
    sys.exit(main())
