"""Interlude's GDB helpers, the part that needs no GDB: decoding.

Plain functions from numbers to words (bit names, the preempt count's
fields, what a trap vector is, the registers a trap frame saved), so that
tests/harness/test_gdb_decode.py can check them without a debugger. The
numbers mirror the kernel's headers; the unit test compares each table
with the #define or enum it copies, so a change there fails the test
instead of silently printing the wrong name.
"""

# kernel/irq/irqdesc.h: irq_desc.status
IRQS_BITS = [
    (0x1, "SPURIOUS_DISABLED"), (0x2, "INPROGRESS"), (0x4, "ONESHOT_MASKED"),
    (0x8, "MASKED"), (0x10, "PENDING"), (0x20, "DISABLED"),
]
# kernel/irq/irq.h: request_irq flags
IRQF_BITS = [
    (0x1, "TRIGGER_RISING"), (0x2, "TRIGGER_FALLING"), (0x4, "TRIGGER_HIGH"),
    (0x8, "TRIGGER_LOW"), (0x80, "SHARED"), (0x2000, "ONESHOT"),
    (0x10000, "NO_THREAD"),
]
# kernel/irq/irqdesc.h: irqaction.thread_flags
IRQTF_BITS = [(0x1, "RUNTHREAD"), (0x2, "RUNNING"), (0x4, "FORCED"), (0x8, "DEAD")]
# kernel/bh/tasklet.h: tasklet.state
TASKLET_BITS = [(0x1, "SCHED"), (0x2, "RUN"), (0x4, "HI"), (0x8, "PARKED")]
# kernel/bh/workqueue_internal.h: worker.flags
WORKER_BITS = [(0x1, "IDLE"), (0x2, "PREP"), (0x4, "SLEEPING"), (0x8, "DIE")]

# kernel/sched/preempt.h
PREEMPT_SHIFT, SOFTIRQ_SHIFT, HARDIRQ_SHIFT, SPINLOCK_SHIFT = 0, 8, 16, 24
SOFTIRQ_OFFSET = 1 << SOFTIRQ_SHIFT

# kernel/arch/trap.h, drivers/timer/lapic_timer.h
IRQ_VECTOR_BASE = 0x20      # 8259 lines 0-15
IOAPIC_VECTOR_BASE = 0x30   # IOAPIC: irq N on 0x30 + N
NR_IRQS = 24
SYSCALL_VECTOR = 0x80
LAPIC_TIMER_VECTOR = 0xef
IRQ_OFFLOAD_VECTOR = 0xf0
SPURIOUS_VECTOR = 0xff
NR_EXCEPTIONS = 32
EFLAGS_IF = 1 << 9

# struct trap_frame (kernel/arch/trap.h), one 32-bit word each, in order.
TRAP_FRAME_FIELDS = ["edi", "esi", "ebp", "esp_at_pusha", "ebx", "edx", "ecx",
                     "eax", "gs", "fs", "es", "ds", "vector", "err_code",
                     "eip", "cs", "eflags", "useresp", "ss"]
TRAP_FRAME_WORDS = len(TRAP_FRAME_FIELDS)
# Kernel frames end at eflags: the CPU pushes useresp/ss only from ring 3.
KERNEL_TRAP_FRAME_BYTES = 4 * TRAP_FRAME_FIELDS.index("useresp")


def bit_names(value, table):
    """'A|B' for the bits of value named in table, '+0x..' for the rest,
    'none' for 0."""
    names, known = [], 0
    for bit, name in table:
        known |= bit
        if value & bit:
            names.append(name)
    if value & ~known:
        names.append("+0x%x" % (value & ~known))
    return "|".join(names) if names else "none"


def preempt_fields(count):
    """The preempt count's four bytes and what they say (preempt.h)."""
    hardirq = (count >> HARDIRQ_SHIFT) & 0xff
    softirq = (count >> SOFTIRQ_SHIFT) & 0xff
    fields = {
        "hardirq": hardirq,
        "softirq": softirq,
        "preempt": (count >> PREEMPT_SHIFT) & 0xff,
        "spinlocks": (count >> SPINLOCK_SHIFT) & 0xff,
        "serving_softirq": bool(softirq & 1),
        "bh_disabled": softirq >> 1,
        "in_hardirq": hardirq != 0,
        "in_softirq": softirq != 0,
        "in_interrupt": (hardirq | softirq) != 0,
    }
    fields["in_task"] = not fields["in_hardirq"] and not fields["serving_softirq"]
    return fields


def context_name(count):
    """What the CPU is running, judged by the preempt count alone."""
    f = preempt_fields(count)
    if f["in_hardirq"]:
        return "hard IRQ (nesting %d)" % f["hardirq"]
    if f["serving_softirq"]:
        return "softirq"
    if f["bh_disabled"]:
        return "task, bottom halves disabled"
    if count:
        return "task, atomic (preemption off)"
    return "task"


def vector_irq(vector):
    """The irq line a vector belongs to, or None (trap.h's vector map)."""
    if IRQ_VECTOR_BASE <= vector < IRQ_VECTOR_BASE + 16:
        return vector - IRQ_VECTOR_BASE
    if IOAPIC_VECTOR_BASE <= vector < IOAPIC_VECTOR_BASE + NR_IRQS:
        return vector - IOAPIC_VECTOR_BASE
    return None


def vector_kind(vector, exception_name=None):
    """'interrupt 48 (irq 16)', 'exception 14 (page fault)', ...

    exception_name: the kernel's name for an exception vector, if known."""
    if vector < NR_EXCEPTIONS:
        return "exception %d (%s)" % (vector, exception_name or "reserved")
    irq = vector_irq(vector)
    if irq is not None:
        return "interrupt %d (irq %d)" % (vector, irq)
    special = {SYSCALL_VECTOR: "system call", LAPIC_TIMER_VECTOR: "local APIC timer",
               IRQ_OFFLOAD_VECTOR: "irq_offload", SPURIOUS_VECTOR: "spurious"}
    if vector in special:
        return "interrupt %d (%s)" % (vector, special[vector])
    return "interrupt %d" % vector


def decode_trap_frame(words):
    """A dict field -> value from the words of a struct trap_frame."""
    return dict(zip(TRAP_FRAME_FIELDS, words))


def from_user(frame):
    return (frame["cs"] & 3) == 3


def looks_like_trap_frame(frame):
    """The checks the unwinder makes before trusting a frame."""
    return frame["vector"] <= 255 and (frame["cs"] == 0x8 or from_user(frame))


def interrupted_registers(frame, frame_addr):
    """The registers of the interrupted code, as the CPU will restore them
    with iret: a trap from ring 0 pushed no ESP, so the stack pointer is
    just past eflags; one from ring 3 pushed it (useresp) and SS."""
    regs = {name: frame[name] for name in
            ("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "eip", "cs",
             "eflags", "ds", "es", "fs", "gs")}
    if from_user(frame):
        regs["esp"] = frame["useresp"]
        regs["ss"] = frame["ss"]
    else:
        regs["esp"] = frame_addr + KERNEL_TRAP_FRAME_BYTES
    return regs


def last_lines(text, n):
    """The last n lines of text (all of it for n <= 0 or n >= its lines)."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[-n:]) if 0 < n < len(lines) else text
