"""The kinds of tests the runner knows, each a function returning TestResults.

  host_binary()    one build/host/test_* program (KTAP on stdout)
  ktest_boot()     boot the kernel with ktest=..., parse its KTAP
  machine_test()   boot a Machine and run a Python function against it
                   (shell scenarios, the ISO boot)
  (the GDB sessions are in gdbtests.py)
  load_scenarios() find the test functions in tests/scenarios/*.py

None of them raises for a failing test: failures come back as results.
"""

import importlib.util
import inspect
import os
import re
import socket
import subprocess
import traceback

from . import ktap, reports
from .netwire import Wire
from .qemu import (EXIT_CRASH, EXIT_PANIC, EXIT_PASSED, EXIT_TESTS_FAILED,
                   FAIL_PATTERNS, Machine, MachineError, describe_exit, tail)
from .results import FAIL, PASS, SKIP, TestResult, failed, passed
from .shell import Shell

KTEST_TIMEOUT = 60.0     # seconds for a whole ktest boot
HOST_TIMEOUT = 30.0      # seconds for one host test binary


def ktap_results(prefix, report):
    """Turn a parsed KTAP report into TestResults named PREFIX/SUITE/CASE.

    Every Problem (missing plan, missing result, ...) becomes a failure.
    """
    results = []
    for r in report.results:
        name = f"{prefix}/{r.name}"
        if r.status == ktap.PASS:
            results.append(passed(name))
        elif r.status == ktap.SKIP:
            results.append(TestResult(name, SKIP, r.reason))
        else:
            details = "\n".join(r.diagnostics) or "(no diagnostics printed)"
            results.append(failed(name, details))
    for p in report.errors:
        results.append(failed(f"{prefix}/{p.name}", p.message))
    return results


# -- host unit tests ------------------------------------------------------------

def find_host_binaries(host_dir):
    """The executable build/host/test_* files, sorted by name."""
    if not os.path.isdir(host_dir):
        return []
    names = sorted(n for n in os.listdir(host_dir) if n.startswith("test_"))
    paths = [os.path.join(host_dir, n) for n in names]
    return [p for p in paths if os.path.isfile(p) and os.access(p, os.X_OK)]


def host_binary(path, timeout=HOST_TIMEOUT):
    """Run one host test program; each KTAP case is host/BINARY/CASE."""
    prefix = "host/" + os.path.basename(path)
    try:
        proc = subprocess.run([path], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("latin-1")
        return [failed(f"{prefix}/(timeout)",
                       f"still running after {timeout:g} s\n{tail(out)}")]
    except OSError as e:
        return [failed(f"{prefix}/(start)", f"could not run {path}: {e}")]
    out = proc.stdout.decode("latin-1")
    report = ktap.parse(out)
    results = ktap_results(prefix, report)
    # The exit status must agree with the KTAP output.
    if (proc.returncode == 0) == report.failed:
        stderr = proc.stderr.decode("latin-1")
        results.append(failed(f"{prefix}/(exit status)",
                              f"exited with status {proc.returncode} but the KTAP "
                              f"output says {'failed' if report.failed else 'passed'}\n"
                              f"{tail(out + stderr)}"))
    return results


# -- in-kernel tests -------------------------------------------------------------

def ktest_boot(prefix, elf, append, extra_args=(), timeout=KTEST_TIMEOUT,
               log_dir=None, log_name=None):
    """Boot `elf` with `append` (e.g. "ktest=all"), collect and judge its KTAP.

    Leaf cases become PREFIX/SUITE/CASE. The boot as a whole is the test
    PREFIX/(boot): it fails on a timeout, crash or panic, an exit status
    that disagrees with the KTAP output, or a report line (BUG:, WARNING:,
    ...) outside any case, where no case can have declared it (inside a
    case, ktest itself judges it: harness/reports.py).
    """
    if not os.path.isfile(elf):
        return [failed(f"{prefix}/(boot)", f"{elf} not found: build the kernel first")]
    problems = []
    status = None
    output = ""
    machine = Machine.boot_elf(elf, append=append, extra_args=extra_args,
                               name=log_name or prefix, log_dir=log_dir)
    try:
        with machine:
            try:
                status = machine.wait_exit(timeout)
            except MachineError as e:      # a timeout, or a panic without exit
                problems.append(str(e).splitlines()[0])
            output = machine.output
            stderr = machine.stderr_report()
    except MachineError as e:
        return [failed(f"{prefix}/(boot)", str(e))]

    report = ktap.parse(output)
    results = ktap_results(prefix, report)

    for regex in FAIL_PATTERNS:
        m = regex.search(output)
        if m and not any(m.group(0) in p for p in problems):
            problems.append(f"'{m.group(0)}' in the output")
    for line in reports.outside_ktest_cases(output):
        problems.append(f"report outside any test case (undeclared): {line.strip()!r}")
    if status is not None:
        if status == EXIT_PASSED and report.failed:
            problems.append("kernel exited with 'passed' (status 1) "
                            "but its KTAP output shows failures")
        elif status == EXIT_TESTS_FAILED and not report.failed:
            problems.append("kernel exited with 'tests failed' (status 3) "
                            "but every KTAP case passed")
        elif status not in (EXIT_PASSED, EXIT_TESTS_FAILED):
            problems.append(f"QEMU exit {describe_exit(status)}")
    # The boot as a whole is one more test: it shows that the ktest run
    # happened even when the kernel has no test cases yet.
    if problems:
        results.append(failed(f"{prefix}/(boot)", "\n".join(problems) +
                              f"\n  last lines of COM1:\n{tail(output)}{stderr}"))
    else:
        results.append(passed(f"{prefix}/(boot)"))
    return results


# -- tests that drive a running machine -----------------------------------------

class Scenario:
    """How to boot the machine for one test function, and the function.

    A scenario module (tests/scenarios/NAME.py) may set, at module level:
        BOOT = "elf"        or "iso" (GRUB; the ISO boots without options)
        APPEND = ""         the kernel command line (elf boots only)
        QEMU_ARGS = []      extra QEMU arguments, e.g. ["-smp", "4"]; without
                            an -smp of their own, SCENARIO_SMP (two CPUs)
        SERIAL_PORTS = 1    how many of COM1..COM4 to connect
        MONITOR = False     True to use m.monitor("sendkey a")
        VARIANTS = [("apic", ""), ("noapic", "noapic")]
                            run every function once per boot variant (see
                            below); without VARIANTS each runs once
        EXPECT_REPORTS = [(REGEX, COUNT), ...]
                            the BUG:/WARNING:/Oops:/panic lines the run
                            prints on purpose (harness/reports.py); any
                            other such line on COM1 fails the test
        ALONE = False       True: no other QEMU runs meanwhile (for tests
                            that time the guest against the host's clock)
        WIRE = False        True: an e1000 on a fresh -netdev dgram wire
                            for each boot (harness/netwire.py), whose host
                            end the function reaches as m.wire
    and defines either `run(m)` or several `test_*(m)` functions; each one
    gets a freshly booted Machine. One function can change the module's
    options with the decorator @boot_options(append="...", ...).

    VARIANTS: each entry is (SUFFIX, WORDS). Every function of the module
    runs once per entry, named scenario/MODULE[SUFFIX]/FUNCTION, with WORDS
    appended to its kernel command line (after APPEND or the function's
    @boot_options(append=...)). The function can see which variant it is
    running in as m.scenario.variant (the SUFFIX) and m.scenario.append.

    A function may return a string: the test still passes, and the string
    is shown under its "ok" line and written to its log (measured figures).
    """

    def __init__(self, name, func, boot="elf", append="", qemu_args=(),
                 serial_ports=1, monitor=False, variant=None, expect_reports=(),
                 alone=False, wire=False):
        self.name = name
        self.wire = wire
        self.alone = alone
        self.expect_reports = list(expect_reports)
        self.func = func
        self.boot = boot
        self.append = append
        self.qemu_args = list(qemu_args)
        self.serial_ports = serial_ports
        self.monitor = monitor
        self.variant = variant        # SUFFIX of the VARIANTS entry, or None

    @property
    def cmdline_words(self):
        """The kernel command line as a list of words."""
        return self.append.split()


def boot_options(**options):
    """Decorator: boot this one test function with other options, e.g.

        @boot_options(append="answer=42")
        def test_cmdline(m): ...

    Keywords: boot, append, qemu_args, serial_ports, monitor,
    expect_reports.
    """
    allowed = {"boot", "append", "qemu_args", "serial_ports", "monitor",
               "expect_reports", "wire"}
    unknown = set(options) - allowed
    if unknown:
        raise TypeError(f"unknown boot option(s) {sorted(unknown)}; use {sorted(allowed)}")

    def mark(func):
        func.boot_options = options
        return func
    return mark


def _variants(module, path):
    """The module's VARIANTS as [(suffix, words)], or [(None, "")] for one run."""
    variants = getattr(module, "VARIANTS", None)
    if variants is None:
        return [(None, "")]
    checked = []
    for entry in variants:
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2
                and all(isinstance(x, str) for x in entry) and entry[0]
                and not any(c in entry[0] for c in "/[] ")):
            raise TypeError(f"{path}: each VARIANTS entry must be (SUFFIX, WORDS), two "
                            f"strings, SUFFIX non-empty without '/', '[', ']' or "
                            f"spaces; got {entry!r}")
        checked.append((entry[0], entry[1]))
    if not checked or len({s for s, _ in checked}) != len(checked):
        raise TypeError(f"{path}: VARIANTS must be non-empty with distinct suffixes")
    return checked


def _with_words(append, words):
    """The command line `append` with the extra `words` after it."""
    return " ".join(part for part in (append.strip(), words.strip()) if part)


def load_scenarios(directory):
    """All Scenarios in directory/*.py (files starting with "_" are skipped)."""
    scenarios = []
    for filename in sorted(os.listdir(directory)):
        if not filename.endswith(".py") or filename.startswith("_"):
            continue
        module_name = filename[:-3]
        path = os.path.join(directory, filename)
        spec = importlib.util.spec_from_file_location(f"scenarios.{module_name}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            variants = _variants(module, path)
        except Exception:
            def broken(m, error=traceback.format_exc()):
                raise RuntimeError(f"cannot import {path}:\n{error}")
            scenarios.append(Scenario(f"scenario/{module_name}/(import)", broken))
            continue
        options = dict(boot=getattr(module, "BOOT", "elf"),
                       append=getattr(module, "APPEND", ""),
                       qemu_args=with_default_smp(getattr(module, "QEMU_ARGS", [])),
                       serial_ports=getattr(module, "SERIAL_PORTS", 1),
                       monitor=getattr(module, "MONITOR", False),
                       expect_reports=getattr(module, "EXPECT_REPORTS", []),
                       alone=getattr(module, "ALONE", False),
                       wire=getattr(module, "WIRE", False))
        tests = [(n, f) for n, f in vars(module).items()
                 if n.startswith("test_") and inspect.isfunction(f)]
        for suffix, words in variants:
            base = f"scenario/{module_name}" + (f"[{suffix}]" if suffix else "")
            if hasattr(module, "run"):
                scenarios.append(Scenario(base, module.run, variant=suffix,
                                          **dict(options, append=_with_words(
                                              options["append"], words))))
            for func_name, func in tests:       # in definition order
                merged = dict(options, **getattr(func, "boot_options", {}))
                merged["append"] = _with_words(merged["append"], words)
                merged["qemu_args"] = with_default_smp(merged["qemu_args"])
                scenarios.append(Scenario(f"{base}/{func_name}", func,
                                          variant=suffix, **merged))
    return scenarios


# Scenarios run on two CPUs unless their QEMU_ARGS say how many (issue 14:
# the machine a student meets has more than one). Single-threaded TCG
# runs both vCPUs in turn, so an idle CPU 1 costs the host next to
# nothing; the in-kernel suites at -smp 2/4 use multi-threaded TCG for
# races (tests/run_tests.py).
SCENARIO_SMP = ["-smp", "2"]


def with_default_smp(qemu_args):
    """qemu_args, with SCENARIO_SMP in front unless they set -smp."""
    return list(qemu_args) if "-smp" in qemu_args else SCENARIO_SMP + list(qemu_args)


def machine_test(scenario, elf, iso, log_dir=None):
    """Boot a machine as `scenario` says and run its function on it.

    The test fails if the function raises (an assert, a Timeout), if any
    port shows "Kernel panic", if COM1 shows a report line the scenario
    did not declare (or lacks one it declared), or if QEMU exited with a
    crash status.
    """
    image = iso if scenario.boot == "iso" else elf
    if not os.path.isfile(image):
        return [failed(scenario.name, f"{image} not found: build it first")]
    wire = Wire() if scenario.wire else None
    try:
        return _machine_test(scenario, elf, iso, log_dir, wire)
    finally:
        if wire:
            wire.close()


def _machine_test(scenario, elf, iso, log_dir, wire):
    qemu_args = scenario.qemu_args + (wire.qemu_args() if wire else [])
    if scenario.boot == "iso":
        machine = Machine.boot_iso(iso, extra_args=qemu_args,
                                   serial_ports=scenario.serial_ports,
                                   monitor=scenario.monitor,
                                   name=scenario.name, log_dir=log_dir)
    else:
        machine = Machine.boot_elf(elf, append=scenario.append,
                                   extra_args=qemu_args,
                                   serial_ports=scenario.serial_ports,
                                   monitor=scenario.monitor,
                                   name=scenario.name, log_dir=log_dir)
    machine.scenario = scenario
    machine.wire = wire
    details = None
    try:
        with machine:
            details = scenario.func(machine)
            if details is not None and not isinstance(details, str):
                raise TypeError(f"{scenario.name} returned {type(details).__name__}; "
                                "a test function returns None or a string")
            if details:
                machine.note(details)
            machine.check_no_failure_output()
            check_reports(machine, scenario.expect_reports)
            status = machine.exit_status
            # Powering off is fine (qemu_exit(0) gives status 1, and
            # a scenario may expect others); crashing or panicking is not.
            if status in (EXIT_CRASH, EXIT_PANIC):
                raise MachineError(machine.report(f"QEMU exited: {describe_exit(status)}"))
    except MachineError as e:
        return [failed(scenario.name, str(e))]
    except AssertionError as e:
        return [failed(scenario.name, f"{e}\n" + machine.report("output:"))]
    except Exception:
        return [failed(scenario.name, traceback.format_exc() + machine.report("output:"))]
    return [TestResult(scenario.name, PASS, details or "")]


def check_reports(machine, declared=()):
    """Raise MachineError if COM1's report lines do not match `declared`."""
    problems = reports.check(machine.output, declared)
    if problems:
        raise MachineError(machine.report("\n".join(problems)))


def iso_uptime(m):
    """GRUB boots the ISO to the shell; `uptime` answers; the prompt returns."""
    sh = Shell(m)
    sh.wait_prompt(timeout=60)
    out = sh.run("uptime")
    assert re.search(r"up \d+\.\d+ s", out), f"uptime printed {out!r}"


# -- GDB --------------------------------------------------------------------------

def free_tcp_port():
    """A TCP port nobody listens on right now (for QEMU's GDB stub)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
