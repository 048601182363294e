"""Unit tests for the GDB transcript checker (harness/gdbdocs.py), on canned
GDB output: a stale block must fail, a right one pass.

    python3 -m unittest discover -s tests/harness -t tests -p test_gdbdocs.py

Run by the harness self-test as harness/selftest/gdbdoc_unit_tests;
harness/selftest/gdbdoc_detects_stale runs GDB against a wrong block.
"""

import os
import sys
import textwrap
import unittest

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.dont_write_bytecode = True
    from harness import gdbdocs as g              # noqa: E402
else:
    from . import gdbdocs as g

# What GDB printed for one session (as split_output sees it).
GDB_OUT = """\
0x0000fff0 in ?? ()
@@before-0
@@step-0-0
Breakpoint 3 at 0x103750: file drivers/timer/pit.c, line 150.
@@step-0-1

Breakpoint 3, pit_interrupt (irq=0, dev_id=0x16baa4 <ticks>) at drivers/timer/pit.c:150
150\t\tticks++;
@@step-0-2
#0  pit_interrupt (irq=0, dev_id=0x16baa4 <ticks>) at drivers/timer/pit.c:150
#1  0x0010b679 in handle_irq_chain (desc=0x176e80 <irq_desc>) at kernel/irq/chip.c:66
#7  0x001062ff in trap_dispatch (f=<optimized out>) at kernel/arch/trap.c:171
#8  0x00105e93 in trap_common () at kernel/arch/entry.S:65
#9  0x001157d0 in safe_halt () at ./kernel/arch/cpu.h:61
@@step-0-3
irq 0: chip IO-APIC hwirq 2 trigger rising depth 0 count 21 unhandled 0 status 0x2 (INPROGRESS)
  handler timer: pit_interrupt dev_id 0x16baa4 count 20 flags 0x10001 (TRIGGER_RISING|NO_THREAD)
@@step-0-4
vector 48 (error code 0x0) at eip 0x001157d0 cs 0x8 eflags 0x00000246
interrupt 48 (irq 0: timer), from sched_start_idle
@@end
"""

# The same session as a doc shows it, from another build: other addresses,
# line numbers, breakpoint numbers and source text.
RIGHT = """\
<!-- gdb-transcript: before="delete" -->
```
(gdb) break pit_interrupt
Breakpoint 1 at 0x102000: file drivers/timer/pit.c, line 64.
(gdb) continue
Breakpoint 1, pit_interrupt (irq=0, dev_id=0x112108 <ticks>) at drivers/timer/pit.c:64
64\t\told_source();
(gdb) bt
#0  pit_interrupt (irq=0, dev_id=0x112108 <ticks>) at drivers/timer/pit.c:64
#1  0x001020dc in handle_irq_chain (desc=0x112f40 <irq_desc>) at kernel/irq/chip.c:29
...
#8  0x00104663 in trap_common () at kernel/arch/entry.S:65
#9  0x0010fb4c in safe_halt () at ./kernel/arch/cpu.h:60
(gdb) irqdesc 0
irq 0: chip IO-APIC hwirq 2 trigger rising depth 0 count 5~ unhandled 0 status 0x2 (INPROGRESS)
  handler timer: pit_interrupt dev_id 0x112108 count 4~ flags 0x10001 (TRIGGER_RISING|NO_THREAD)
(gdb) trapframe f      # the frame, decoded
vector 48 (error code 0x0) at eip 0x0010fb4c cs 0x8 eflags 0x00000246
interrupt 48 (irq 0: timer), from sched_start_idle
```
"""


def page(text):
    return textwrap.dedent(text)


def problems(doc_text, out=GDB_OUT):
    blocks = g.parse("t.md", doc_text)
    return g.check_block(blocks[0], 0, g.split_output(out))


class Comparison(unittest.TestCase):
    def test_marked_range_end_is_hex_not_a_negative_number(self):
        """Regression: in `...100000-...156000~` the dash was read as a
        sign, the mark as a decimal, and the page failed when the kernel
        grew to 0x15a000 (docs/memory.md's `monitor info mem`)."""
        doc = "0000000000100000-0000000000156000~ 0000000000056000~ -r-"
        self.assertTrue(g.line_matches(doc, "0000000000100000-000000000015a000 000000000005a000 -r-"))
        self.assertFalse(g.line_matches(doc, "0000000000100000-000000000015a000 000000000005a000 -rw"))
        self.assertFalse(g.line_matches(doc.replace("6000~ 0", "6000 0"),
                                        "0000000000100000-000000000015a000 000000000005a000 -r-"))
        self.assertTrue(g.line_matches("delta -5~ s", "delta -12 s"))

    def test_right_block_passes(self):
        self.assertEqual(problems(RIGHT), [])

    def test_wrong_function_name_fails(self):
        found = problems(RIGHT.replace("in handle_irq_chain", "in handle_irq"))
        self.assertEqual(len(found), 1)
        self.assertIn("t.md:10: 'bt': the doc and GDB differ", found[0])

    def test_missing_frame_fails(self):
        found = problems(RIGHT.replace("#9  0x0010fb4c in safe_halt () at ./kernel/arch/cpu.h:60\n", ""))
        self.assertEqual(len(found), 1)
        self.assertIn("'bt'", found[0])

    def test_extra_frame_fails(self):
        found = problems(RIGHT.replace("#9  0x0010fb4c in safe_halt () at ./kernel/arch/cpu.h:60\n",
                                       "#9  0x0010fb4c in safe_halt () at ./kernel/arch/cpu.h:60\n"
                                       "#10 sched_start_idle () at kernel/sched/thread.c:508\n"))
        self.assertEqual(len(found), 1)

    def test_wrong_vector_fails(self):
        found = problems(RIGHT.replace("vector 48", "vector 32"))
        self.assertEqual(len(found), 1)
        self.assertIn("doc | vector 32", found[0])

    def test_wrong_chip_and_old_format_fail(self):
        self.assertEqual(len(problems(RIGHT.replace("chip IO-APIC", "chip XT-PIC"))), 1)
        old = RIGHT.replace("irq 0: chip IO-APIC hwirq 2 trigger rising depth 0 count 5~ "
                            "unhandled 0 status 0x2 (INPROGRESS)",
                            "irq 0: chip IO-APIC depth 0 count 1 unhandled 0")
        self.assertEqual(len(problems(old)), 1)

    def test_decoded_flags_and_small_values_are_compared(self):
        self.assertEqual(len(problems(RIGHT.replace("(TRIGGER_RISING|NO_THREAD)",
                                                    "(TRIGGER_RISING)"))), 1)
        self.assertEqual(len(problems(RIGHT.replace("eflags 0x00000246",
                                                    "eflags 0x00000046"))), 1)

    def test_unmarked_count_fails(self):
        self.assertEqual(len(problems(RIGHT.replace("count 5~", "count 5"))), 1)

    def test_missing_command_output_fails(self):
        doc = RIGHT.replace("Breakpoint 1 at 0x102000: file drivers/timer/pit.c, line 64.\n", "")
        self.assertEqual(len(problems(doc)), 1)

    def test_session_that_stopped_early_fails(self):
        out = GDB_OUT[:GDB_OUT.index("@@step-0-3")]
        found = problems(RIGHT, out)
        self.assertTrue(any("GDB never ran 'irqdesc 0'" in p for p in found), found)

    def test_failed_hidden_command_fails(self):
        out = GDB_OUT.replace("@@before-0\n", "@@before-0\nNo symbol \"nosuch\" in current context.\n")
        found = problems(RIGHT, out)
        self.assertTrue(any("a hidden 'before' command failed" in p for p in found), found)


class Normalisation(unittest.TestCase):
    def test_what_changes_with_a_build(self):
        self.assertEqual(g.normalise("#1  0x0010b679 in f (d=0x176e80 <irq_desc+464>) at a/b.c:66"),
                         "#1  0xADDR in f (d=0xADDR <irq_desc+N>) at a/b.c:N")
        self.assertEqual(g.normalise("Breakpoint 2.1 at 0x1062e0: file k/trap.c, line 168."),
                         "Breakpoint N at 0xADDR: file k/trap.c, line N.")
        self.assertEqual(g.normalise("168\t\ttrap_handler_t h;"), "<source line>")
        self.assertEqual(g.normalise("Hardware watchpoint 2: x"), "Hardware watchpoint N: x")

    def test_values_below_64k_are_kept(self):
        self.assertEqual(g.normalise("$2 = 0x24f"), "$2 = 0x24f")
        self.assertEqual(g.normalise("preempt_count 0x100: hardirq 0"), "preempt_count 0x100: hardirq 0")

    def test_bare_hex_word_marked(self):
        self.assertTrue(g.line_matches("0000000000156000~: x ---DA---W", "00000000001a3000: x ---DA---W"))
        self.assertFalse(g.line_matches("0000000000156000: x ---DA---W", "00000000001a3000: x ---DA---W"))


class Markup(unittest.TestCase):
    def test_unmarked_block_fails(self):
        with self.assertRaisesRegex(g.DocError, r"t.md:2: a GDB transcript without a marker"):
            g.parse("t.md", "text\n" + RIGHT.split("\n", 1)[1])

    def test_unmarked_output_only_block_fails(self):
        with self.assertRaises(g.DocError):
            g.parse("t.md", page("""
                ```
                #0  kmain (magic=732803074, info=0x9500) at kernel/main.c:61
                ```
                """))

    def test_unchecked_needs_a_reason_and_is_kept(self):
        with self.assertRaises(g.DocError):
            g.parse("t.md", "<!-- gdb-transcript: unchecked: -->\n```\n(gdb) bt\n```\n")
        blocks = g.parse("t.md", "<!-- gdb-transcript: unchecked: a list -->\n```\n(gdb) bt\n```\n")
        self.assertEqual(blocks[0].unchecked, "a list")

    def test_bad_key_and_marker_without_block_fail(self):
        with self.assertRaises(g.DocError):
            g.parse("t.md", '<!-- gdb-transcript: colour="red" -->\n```\n(gdb) bt\n```\n')
        with self.assertRaises(g.DocError):
            g.parse("t.md", "<!-- gdb-transcript -->\ntext\n")

    def test_output_before_the_first_command_fails(self):
        with self.assertRaises(g.DocError):
            g.parse("t.md", "<!-- gdb-transcript -->\n```\n#0  kmain () at k.c:1\n(gdb) bt\n```\n")

    def test_shell_blocks_are_not_gdb_blocks(self):
        self.assertEqual(g.parse("t.md", "```\ninterlude> irq 0\nirq 0: chip IO-APIC\n```\n"), [])

    def test_comment_is_not_typed_and_sessions_group(self):
        blocks = g.parse("t.md", RIGHT + '\n<!-- gdb-transcript: append="x" -->\n```\n(gdb) bt\n```\n'
                         + RIGHT)
        self.assertEqual(blocks[0].steps[-1].command, "trapframe f")
        self.assertEqual(blocks[0].before, ["delete"])
        sessions = g.plan_sessions(blocks)
        self.assertEqual([[b.line for b in s.blocks] for s in sessions],
                         [[blocks[0].line, blocks[2].line], [blocks[1].line]])
        cmds = g.session_commands(sessions[0])
        self.assertEqual(cmds[:3], ["echo @@before-0\\n", "delete", "echo @@step-0-0\\n"])


if __name__ == "__main__":
    unittest.main()
