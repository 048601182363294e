"""Interlude's test harness: boots the kernel in QEMU and checks what it says.

Modules:
  ktap       parse KTAP test output (pure; unit-tested in test_ktap.py)
  qemu       Machine: one QEMU process with serial ports and a monitor
  shell      Shell: type commands at the `interlude> ` prompt
  results    TestResult and how results are printed
  suites     the kinds of tests the runner knows (host, ktest, ISO, ...)
  selftest   checks that the harness itself notices failures
  benchdocs  bench figures in the docs: regenerate and check them against
             `make bench` (pure; unit-tested in test_benchdocs.py)

The runner is tests/run_tests.py.
"""
