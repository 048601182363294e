"""Interlude's GDB commands and trap-frame unwinder (loaded by scripts/gdbinit).

    il-help                  this list
    il-threads               every kernel thread, like the shell's ps
    il-irqs [N]              interrupt lines: chip, flow, status, handler chain
    il-softirqs [CPU]        the softirq vector, pending bits, ksoftirqd
    il-tasklets [CPU]        the HI and normal tasklet lists, every tasklet
    il-timers                pending kernel timers and hrtimers
    il-pools [CPU]           the work pools, their workers and pending items
    il-dmesg [-n N]          the kernel log (the last N lines)
    il-context [CPU]         what the CPU does now: preempt count, IRQs, trap
    il-bt                    backtrace across trap frames, annotated
    il-trapframe ADDR        decode a struct trap_frame
    il-procs                 user processes
  and the names gdbinit always had: dmesg, trapframe ADDR, irqdesc N,
  preempt, wqpool 0|1, procs, plus kbt for il-bt.

Plain `bt` crosses trap frames too: TrapFrameUnwinder tells GDB how the
entry stub (kernel/arch/entry.S, trap_common) saved the interrupted
registers.

The shared layer below (Kernel*) reads globals, walks kernel lists and
reaches per-CPU state through cpus[] and nr_cpus, so a command that takes
a CPU number or shows every CPU stays right when Interlude gets SMP.
Every command answers a missing symbol, state that is not set up yet or a
bad argument with one line, never a Python traceback.
"""

import gdb
import gdb.unwinder

import interlude_decode as dec


class KernelStateError(Exception):
    """What a command prints as its one-line answer."""


# ---- the shared layer --------------------------------------------------------

def symbol_value(name, file=None):
    """A global or file-static variable; file picks among statics of the
    same name (timer.c and hrtimer.c both have `pending`)."""
    if file:
        for sym in gdb.lookup_static_symbols(name):
            if sym.symtab and sym.symtab.filename.endswith(file):
                return sym.value()
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        statics = gdb.lookup_static_symbols(name)
        sym = statics[0] if statics else None
    if sym is None:
        raise KernelStateError("no symbol '%s' in this kernel (wrong ELF?)" % name)
    return sym.value()


def type_of(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise KernelStateError("no type '%s' in this kernel (wrong ELF?)" % name)


def field_offset(struct_type, member):
    for f in struct_type.fields():
        if f.name == member:
            return f.bitpos // 8
    raise KernelStateError("%s has no member %s" % (struct_type, member))


LIST_LIMIT = 4096


def list_entries(head, struct_name, member):
    """The entries of a struct list_head list (lib/list.h), as values of
    struct struct_name. An uninitialised head (next == NULL) raises."""
    stype = type_of("struct " + struct_name)
    offset = field_offset(stype, member)
    head_addr = int(head.address)
    node = head["next"]
    entries = []
    while int(node) != head_addr:
        if int(node) == 0:
            raise KernelStateError("a list is not initialised yet (stopped too early?)")
        if len(entries) >= LIST_LIMIT:
            raise KernelStateError("a list has more than %d entries: corrupt?" % LIST_LIMIT)
        entries.append(gdb.Value(int(node) - offset).cast(stype.pointer()).dereference())
        node = node["next"]
    return entries


def array_len(value):
    return value.type.sizeof // value[0].type.sizeof


def nr_cpus():
    return max(1, int(symbol_value("nr_cpus")))


def this_cpu_id():
    """The CPU GDB has selected. QEMU's stub shows each vCPU as a thread,
    numbered from 1; the kernel's cpus[] slot N is vCPU N (percpu.h)."""
    thread = gdb.selected_thread()
    cpu = thread.num - 1 if thread is not None else 0
    return cpu if cpu < nr_cpus() else 0


def cpu_list(arg, command):
    """CPUs a command shows: the one named in arg, else all."""
    arg = arg.strip()
    if not arg:
        return list(range(nr_cpus()))
    try:
        cpu = int(arg, 0)
    except ValueError:
        raise KernelStateError("'%s' is no CPU number (usage: %s [CPU])" % (arg, command))
    if not 0 <= cpu < nr_cpus():
        raise KernelStateError("no CPU %d (this kernel runs %d: 0-%d)"
                               % (cpu, nr_cpus(), nr_cpus() - 1))
    return [cpu]


def cpu_state(cpu):
    return symbol_value("cpus")[cpu]


def c_string(value, limit=64):
    """A C string from a char * or a char array, at most limit bytes."""
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
        addr, limit = int(value.address), min(limit, value.type.sizeof)
    else:
        addr = int(value)
    if addr == 0:
        return "(null)"
    inferior = gdb.selected_inferior()
    data = b""
    while len(data) < limit and b"\0" not in data:
        try:
            data += inferior.read_memory(addr + len(data), min(16, limit - len(data))).tobytes()
        except gdb.MemoryError:
            if not data:
                return "<bad string at 0x%x>" % addr
            break
    return data.split(b"\0")[0].decode("latin-1")


def symbol_name(addr, inlined=True):
    """The function at a code address: 'name', 'inlined (in outer)', or
    what `info symbol` says (assembly), or hex. inlined=False names the
    outer function only (for a function pointer: its entry may be the
    first line of an inlined helper)."""
    addr = int(addr) & 0xffffffff
    if addr == 0:
        return "(none)"
    try:
        block = gdb.block_for_pc(addr)
    except RuntimeError:
        block = None
    names = []
    while block is not None:
        if block.function is not None:
            names.append(block.function.name)
        block = block.superblock
    if names:
        if len(names) == 1 or not inlined:
            return names[-1]
        return "%s (in %s)" % (names[0], names[-1])
    out = gdb.execute("info symbol 0x%x" % addr, to_string=True)
    if out.startswith("No symbol"):
        return "0x%x" % addr
    return out.split(" in section")[0].replace(" + ", "+")


def function_name(addr):
    return symbol_name(addr, inlined=False)


def read_words(addr, count):
    mem = gdb.selected_inferior().read_memory(addr, 4 * count).tobytes()
    return [int.from_bytes(mem[i:i + 4], "little") for i in range(0, len(mem), 4)]


def thread_label(t):
    """'ksoftirqd/0 (tid 3, sleeping)' for a struct thread * (or value)."""
    if t.type.code == gdb.TYPE_CODE_PTR:
        if int(t) == 0:
            return "(none)"
        t = t.dereference()
    return "%s (tid %d, %s)" % (c_string(t["name"]), int(t["tid"]), state_name(t))


THREAD_STATES = ["running", "ready", "sleeping", "dead"]   # thread_state_name()


def state_name(t):
    s = int(t["state"])
    return THREAD_STATES[s] if 0 <= s < len(THREAD_STATES) else "?"


def current_thread(cpu):
    return symbol_value("current_on", "kernel/sched/thread.c")[cpu]


class KernelCommand(gdb.Command):
    """A command whose errors are one line: '<name>: <why>'."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_USER)
        self.name = name

    def invoke(self, arg, from_tty):
        try:
            self.run(arg)
        except KernelStateError as e:
            print("%s: %s" % (self.name, e))
        except gdb.MemoryError as e:
            print("%s: cannot read kernel memory (%s); is the kernel set up this far?"
                  % (self.name, e))
        except gdb.error as e:
            print("%s: %s" % (self.name, e))
        except Exception as e:   # a bug here: still one line, and which
            print("%s: internal error: %s: %s" % (self.name, type(e).__name__, e))

    def run(self, arg):
        raise NotImplementedError


# ---- the trap frame: unwinder and decoding ------------------------------------

class TrapStub:
    """Where trap_common's fake call frame exists (entry.S): from the
    instruction after `movl %esp, %ebp` up to trap_return, ebp points at
    it and the struct trap_frame starts 8 bytes above; at trap_return the
    stack pointer is the frame."""

    def __init__(self):
        self.start = self.built = self.ret = self.end = None

    def load(self):
        if self.start is not None:
            return self.start != 0
        self.start = 0
        try:
            start = int(gdb.parse_and_eval("(unsigned int)&trap_common"))
            ret = int(gdb.parse_and_eval("(unsigned int)&trap_return"))
        except gdb.error:
            return False
        arch = gdb.selected_inferior().architecture()
        built = None
        for insn in arch.disassemble(start, ret):
            if built is True:
                built = insn["addr"]
                break
            asm = insn["asm"].replace(" ", "")
            if "%esp,%ebp" in asm or "ebp,esp" in asm:
                built = True
        if not isinstance(built, int) or built is True:
            return False
        self.start, self.built, self.ret = start, built, ret
        self.end = ret + 16   # popal..iret: a few bytes; checked by frame_addr
        return True

    def frame_addr(self, pc, esp, ebp):
        """The struct trap_frame's address for a frame stopped at pc, or None."""
        if not self.load():
            return None
        if self.built <= pc < self.ret:
            return ebp + 8
        if pc == self.ret:
            return esp
        return None


TRAP_STUB = TrapStub()


def reg(frame, name):
    return int(frame.read_register(name)) & 0xffffffff


def trap_frame_at(addr):
    frame = dec.decode_trap_frame(read_words(addr, dec.TRAP_FRAME_WORDS))
    if not dec.looks_like_trap_frame(frame):
        return None
    return frame


def frame_trap(frame):
    """(address, decoded trap frame) if frame is trap_common's, else None."""
    try:
        addr = TRAP_STUB.frame_addr(frame.pc(), reg(frame, "esp"), reg(frame, "ebp"))
        if addr is None:
            return None
        tf = trap_frame_at(addr)
    except (gdb.error, gdb.MemoryError, ValueError):
        return None
    return (addr, tf) if tf else None


class FrameId:
    """What GDB identifies a frame by (gdb.unwinder.FrameId from GDB 14 on)."""

    def __init__(self, sp, pc):
        self.sp = gdb.Value(sp)
        self.pc = gdb.Value(pc)


class TrapFrameUnwinder(gdb.unwinder.Unwinder):
    """Unwind trap_common to the code the trap interrupted; end the walk at
    a frame from user mode (its stack is not the kernel's)."""

    def __init__(self):
        super().__init__("interlude-trap-frame")

    def __call__(self, pending):
        try:
            return self.unwind(pending)
        except (gdb.error, gdb.MemoryError, ValueError):
            return None   # not ours to unwind: GDB's own unwinders try

    def unwind(self, pending):
        pc = reg(pending, "eip")
        if (reg(pending, "cs") & 3) == 3:
            return self.user_end(pending, pc)
        addr = TRAP_STUB.frame_addr(pc, reg(pending, "esp"), reg(pending, "ebp"))
        if addr is None:
            return None
        tf = trap_frame_at(addr)
        if tf is None:
            return None
        info = pending.create_unwind_info(FrameId(addr, TRAP_STUB.start))
        for name, value in dec.interrupted_registers(tf, addr).items():
            info.add_saved_register(name, self.as_register(pending, name, value))
        return info

    @staticmethod
    def as_register(pending, name, value):
        # Every i386 register GDB knows here is 32 bits wide; its own type
        # (a flags type for eflags) takes no cast from a number.
        return gdb.Value(value & 0xffffffff).cast(gdb.lookup_type("unsigned int"))

    @staticmethod
    def user_end(pending, pc):
        """A user-mode frame: say nothing of its caller (GDB then ends with
        'frame did not save the PC')."""
        return pending.create_unwind_info(FrameId(reg(pending, "esp"), pc))


def exception_name(vector):
    if vector >= dec.NR_EXCEPTIONS:
        return None
    try:
        name = symbol_value("exception_names", "kernel/arch/trap.c")[vector]
        return c_string(name) if int(name) else None
    except KernelStateError:
        return None


def irq_handler_names(irq):
    try:
        desc = symbol_value("irq_desc")[irq]
        return [c_string(a["name"]) for a in action_chain(desc)]
    except (KernelStateError, gdb.error, gdb.MemoryError):
        return []


def describe_trap(tf):
    """'interrupt 48 (irq 16: timer)' / 'exception 14 (page fault, error 0x2)'."""
    vector = tf["vector"]
    text = dec.vector_kind(vector, exception_name(vector))
    irq = dec.vector_irq(vector)
    if irq is not None:
        names = irq_handler_names(irq)
        if names:
            text = text[:-1] + ": " + ", ".join(names) + ")"
    if vector < dec.NR_EXCEPTIONS and tf["err_code"]:
        text = text[:-1] + ", error 0x%x)" % tf["err_code"]
    return text


def trap_marker(tf):
    where = "user mode" if dec.from_user(tf) else symbol_name(tf["eip"])
    return "--- %s from eip 0x%08x in %s ---" % (describe_trap(tf), tf["eip"], where)


def frame_line(level, frame):
    name = frame.name() or symbol_name(frame.pc())
    sal = frame.find_sal()
    where = ""
    if sal.symtab is not None:
        where = " at %s:%d" % (sal.symtab.filename, sal.line)
    inlined = " [inlined]" if frame.type() == gdb.INLINE_FRAME else ""
    return "#%-2d 0x%08x in %s%s%s" % (level, frame.pc(), name, inlined, where)


def traps_on_stack(limit=64):
    """(level, address, trap frame) of every trap_common frame, innermost first."""
    found, frame, level = [], gdb.newest_frame(), 0
    while frame is not None and level < limit:
        trap = frame_trap(frame)
        if trap:
            found.append((level,) + trap)
        frame, level = frame.older(), level + 1
    return found


class KernelBacktrace(KernelCommand):
    """Backtrace that crosses trap frames: il-bt [N frames]. Where the walk
    reaches the entry stub, a line says which trap it was and where it
    came from; a trap from user mode ends the walk."""

    def run(self, arg):
        limit = int(arg, 0) if arg.strip() else 64
        frame, level = gdb.newest_frame(), 0
        while frame is not None and level < limit:
            if frame.pc() == 0:
                print("--- the thread's first frame (thread_entry returns to 0) ---")
                return
            print(frame_line(level, frame))
            trap = frame_trap(frame)
            if trap:
                print(trap_marker(trap[1]))
                if dec.from_user(trap[1]):
                    print("--- user mode: esp 0x%08x; the kernel stack ends here ---"
                          % trap[1]["useresp"])
                    return
            frame, level = frame.older(), level + 1
        if level >= limit:
            print("(more frames: il-bt %d shows them)" % (2 * limit))


class TrapFrameCommand(KernelCommand):
    """Decode a struct trap_frame: trapframe ADDR (e.g. "trapframe f" inside
    trap_dispatch)."""

    def run(self, arg):
        if not arg.strip():
            raise KernelStateError("usage: %s ADDR (e.g. '%s f' inside trap_dispatch)"
                                   % (self.name, self.name))
        addr = int(gdb.parse_and_eval(arg)) & 0xffffffff
        if addr < 0x1000:
            print("%s: %s is no trap frame (a NULL or tiny pointer); try '%s f' inside "
                  "trap_dispatch" % (self.name, "(nil)" if addr == 0 else "0x%x" % addr,
                                     self.name))
            return
        f = dec.decode_trap_frame(read_words(addr, dec.TRAP_FRAME_WORDS))
        if not dec.looks_like_trap_frame(f):
            print("warning: 0x%x does not look like a trap frame (vector %u, cs 0x%x)"
                  % (addr, f["vector"], f["cs"]))
        print("vector %u (error code 0x%x) at eip 0x%08x cs 0x%x eflags 0x%08x"
              % (f["vector"], f["err_code"], f["eip"], f["cs"], f["eflags"]))
        print("eax %08x ebx %08x ecx %08x edx %08x" % (f["eax"], f["ebx"], f["ecx"], f["edx"]))
        print("esi %08x edi %08x ebp %08x" % (f["esi"], f["edi"], f["ebp"]))
        if dec.looks_like_trap_frame(f):
            print(describe_trap(f) + ", from " +
                  ("user mode (esp 0x%08x)" % f["useresp"] if dec.from_user(f)
                   else symbol_name(f["eip"])))


# ---- context -------------------------------------------------------------------

def preempt_line(count):
    f = dec.preempt_fields(count)
    line = "preempt_count 0x%x: hardirq %u, softirq %u, preempt %u" % (
        count, f["hardirq"], f["softirq"], f["preempt"])
    if f["spinlocks"]:
        line += ", spinlocks %u" % f["spinlocks"]
    return line


class Preempt(KernelCommand):
    """This CPU's preempt count split into its fields (CPU 0 today)."""

    def run(self, arg):
        cpu = cpu_list(arg, self.name)[0] if arg.strip() else this_cpu_id()
        print(preempt_line(int(cpu_state(cpu)["preempt_count"])))


class Context(KernelCommand):
    """What a CPU is doing now: il-context [CPU]. The preempt count by
    field, in_interrupt/in_softirq/in_task, IRQs on or off (EFLAGS of the
    selected CPU), the current thread, and the traps on the stack."""

    def run(self, arg):
        cpu = cpu_list(arg, self.name)[0] if arg.strip() else this_cpu_id()
        count = int(cpu_state(cpu)["preempt_count"])
        f = dec.preempt_fields(count)
        print("CPU %d: %s" % (cpu, dec.context_name(count)))
        print("  " + preempt_line(count) + " (softirq: serving %d, bh disabled %d)"
              % (f["serving_softirq"], f["bh_disabled"]))
        print("  in_interrupt %d, in_hardirq %d, in_softirq %d, in_serving_softirq %d, "
              "in_task %d" % (f["in_interrupt"], f["in_hardirq"], f["in_softirq"],
                              f["serving_softirq"], f["in_task"]))
        if cpu == this_cpu_id():
            eflags = reg(gdb.newest_frame(), "eflags")
            print("  IRQs %s (eflags 0x%08x)" % (
                "on" if eflags & dec.EFLAGS_IF else "off", eflags))
        t = current_thread(cpu)
        print("  current thread: " + (thread_label(t) if int(t)
                                      else "none yet (the scheduler is not set up)"))
        need = bool(int(cpu_state(cpu)["need_resched"]))
        print("  need_resched %d, softirq_pending 0x%x" % (
            need, int(cpu_state(cpu)["softirq_pending"])))
        if cpu != this_cpu_id():
            return
        traps = traps_on_stack()
        if not traps:
            print("  not inside a trap")
        for level, addr, tf in traps:
            print("  inside %s (frame #%d, trap frame 0x%x), from eip 0x%08x in %s"
                  % (describe_trap(tf), level, addr, tf["eip"],
                     "user mode" if dec.from_user(tf) else symbol_name(tf["eip"])))


# ---- threads ----------------------------------------------------------------------

SCHED_FILES = ("kernel/sched/thread.c", "kernel/sched/switch.S")


def in_scheduler(pc):
    sal = gdb.find_pc_line(pc)
    return sal.symtab is not None and sal.symtab.filename.endswith(SCHED_FILES)


def waits_in(t):
    """Where a thread that is not on a CPU stopped: the first two callers
    outside the scheduler on its saved stack (switch_to pushed ebp, ebx,
    esi, edi on it, below its return address)."""
    edi, esi, ebx, ebp, ret = read_words(int(t["esp"]), 5)
    if symbol_name(ret).startswith("thread_entry"):
        return "(not started yet)"
    chain, pc = [], ret
    for _ in range(16):
        if not in_scheduler(pc):
            chain.append(symbol_name(pc - 1))
            if len(chain) == 2:
                break
        if ebp == 0 or ebp & 3:
            break
        ebp, pc = read_words(ebp, 2)
        if pc == 0:
            break
    return " < ".join(chain) if chain else symbol_name(ret - 1)


def thread_cpu(t, running, ready):
    """The CPU a thread belongs to (it never changes CPU: struct thread's
    cpu), checked against where it is seen running or queued."""
    addr = int(t.address)
    for cpu, cur in running.items():
        if cur == addr:
            return str(cpu)
    if addr in ready:
        return str(ready[addr])
    return str(int(t["cpu"]))


class Threads(KernelCommand):
    """Every kernel thread, like the shell's ps: tid, name, state, class and
    priority, its CPU (as ps: a sleeper's too), and where a sleeper waits."""

    def run(self, arg):
        head = symbol_value("all_threads", "kernel/sched/thread.c")
        threads = list_entries(head, "thread", "all_node")
        if not threads:
            raise KernelStateError("no threads yet: the scheduler is not set up "
                                   "(sched_init has not run)")
        running = {c: int(current_thread(c)) for c in range(nr_cpus())}
        ready = {}
        rqs = symbol_value("runqueues", "kernel/sched/thread.c")
        for c in range(nr_cpus()):
            for q in ("fifo", "normal"):
                if int(rqs[c][q]["next"]):
                    for t in list_entries(rqs[c][q], "thread", "run_node"):
                        ready[int(t.address)] = c
        print("  TID NAME                 STATE     CLASS  PRIO CPU  WAITS IN")
        for t in threads:
            state = state_name(t)
            if state == "running":
                where = "(on the CPU)"
            elif state == "dead":
                where = "(exited)"
            else:
                where = waits_in(t)
            policy = "FIFO" if int(t["policy"]) == 1 else "NORMAL"
            print("%5d %-20s %-9s %-6s %4d %3s  %s" % (
                int(t["tid"]), c_string(t["name"]), state, policy,
                int(t["rt_priority"]), thread_cpu(t, running, ready), where))


# ---- interrupt lines -------------------------------------------------------------

def action_chain(desc):
    actions, a = [], desc["action"]
    while int(a) and len(actions) < 64:
        actions.append(a.dereference())
        a = a["next"]
    return actions


def trigger_name(trigger):
    return dec.bit_names(trigger & 0xf, dec.IRQF_BITS[:4]).replace("TRIGGER_", "").lower() \
        if trigger & 0xf else "default"


def print_line(irq, desc, cpus):
    chip = desc["chip"]
    counts = [int(desc["count"][c]) for c in cpus]
    status = int(desc["status"])
    print("irq %d: chip %s hwirq %d trigger %s depth %d count %d%s unhandled %d "
          "deferred %d replayed %d status 0x%x (%s)" % (
              irq, c_string(chip["name"]), int(desc["hwirq"]),
              trigger_name(int(desc["trigger"])), int(desc["depth"]), sum(counts),
              " (" + ", ".join("cpu%d %d" % (c, n) for c, n in zip(cpus, counts)) + ")"
              if len(cpus) > 1 else "", int(desc["unhandled"]), int(desc["deferred"]),
              int(desc["replayed"]), status, dec.bit_names(status, dec.IRQS_BITS)))
    print("  flow: %s" % (function_name(desc["handle_irq"]) if int(desc["handle_irq"])
                          else "none"))
    actions = action_chain(desc)
    if not actions:
        print("  no handlers")
    for a in actions:
        flags = int(a["flags"])
        print("  handler %s: %s dev_id 0x%x count %d flags 0x%x (%s)" % (
            c_string(a["name"]), function_name(a["handler"]), int(a["dev_id"]),
            int(a["count"]), flags, dec.bit_names(flags, dec.IRQF_BITS)))
        if int(a["thread_fn"]) or int(a["thread"]):
            tf = int(a["thread_flags"])
            print("    thread %s: thread_fn %s, runs %d, wakeups %d, thread_flags 0x%x (%s)"
                  % (thread_label(a["thread"]), function_name(a["thread_fn"]),
                     int(a["thread_runs"]), int(a["thread_wakeups"]), tf,
                     dec.bit_names(tf, dec.IRQTF_BITS)))


class Irqs(KernelCommand):
    """Interrupt lines: il-irqs [N]. Every line with a chip or handlers (or
    line N): chip, trigger, flow handler, depth, status bits by name,
    counts, and the handler chain (name, function, dev_id, flags, thread)."""

    def run(self, arg):
        table = symbol_value("irq_desc")
        n = array_len(table)
        cpus = list(range(nr_cpus()))
        if arg.strip():
            try:
                irq = int(gdb.parse_and_eval(arg))
            except gdb.error:
                raise KernelStateError("'%s' is no line number" % arg.strip())
            if not 0 <= irq < n:
                print("%s: no line %d (0-%d)" % (self.name, irq, n - 1))
                return
            desc = table[irq]
            if not int(desc["chip"]):
                print("irq %d: chip (none: not connected), %d handlers"
                      % (irq, len(action_chain(desc))))
                return
            print_line(irq, desc, cpus)
            return
        shown, idle = 0, []
        for irq in range(n):
            desc = table[irq]
            if int(desc["chip"]) or int(desc["action"]):
                if not int(desc["chip"]):
                    print("irq %d: chip (none: not connected), %d handlers"
                          % (irq, len(action_chain(desc))))
                elif int(desc["action"]):
                    print_line(irq, desc, cpus)
                else:
                    idle.append(irq)
                shown += 1
        if idle:
            print("no handlers (chip %s): irqs %s" % (
                ", ".join(sorted({c_string(table[i]["chip"]["name"]) for i in idle})),
                " ".join(str(i) for i in idle)))
        if not shown:
            raise KernelStateError("no line has a chip or a handler yet "
                                   "(the interrupt controller is not set up)")


# ---- softirqs and tasklets ---------------------------------------------------------

SOFTIRQ_FILE = "kernel/bh/softirq.c"


class Softirqs(KernelCommand):
    """The softirq vector: il-softirqs [CPU]. Each of the 8 slots with its
    action, per-CPU pending bit, runs and raises; the run loop's counts and
    ksoftirqd's state."""

    def run(self, arg):
        cpus = cpu_list(arg, self.name)
        names = symbol_value("softirq_names", SOFTIRQ_FILE)
        vec = symbol_value("softirq_vec", SOFTIRQ_FILE)
        per_cpu = symbol_value("softirq_cpus", SOFTIRQ_FILE)
        nr = array_len(vec)
        opened = sum(1 for i in range(nr) if int(vec[i]))
        for cpu in cpus:
            pending = int(cpu_state(cpu)["softirq_pending"])
            pending_names = [c_string(names[i]) for i in range(nr) if pending & (1 << i)]
            print("CPU %d: pending 0x%02x (%s)" % (cpu, pending,
                                                  "|".join(pending_names) or "none"))
            print("  NR NAME     PENDING ACTION                       RUNS     RAISES")
            sc = per_cpu[cpu]
            for i in range(nr):
                action = function_name(vec[i]) if int(vec[i]) else "(not opened)"
                print("  %2d %-8s %-7s %-24s %10d %10d" % (
                    i, c_string(names[i]), "yes" if pending & (1 << i) else "-",
                    action, int(sc["stat"][i]["runs"]), int(sc["stat"][i]["raises"])))
            loop = sc["loop"]
            print("  run loop: %d loops, %d passes, %d restarts; budget stops: %d passes, "
                  "%d time, %d resched; %d ksoftirqd wakeups, %d ksoftirqd passes" % (
                      int(loop["loops"]), int(loop["passes"]), int(loop["restarts"]),
                      int(loop["budget_passes"]), int(loop["budget_time"]),
                      int(loop["budget_resched"]), int(loop["wakeups"]),
                      int(loop["ksoftirqd_passes"])))
            k = sc["ksoftirqd"]
            print("  ksoftirqd: " + (thread_label(k) if int(k)
                                     else "not started yet (ksoftirqd_start has not run)"))
        if not opened:
            print("(no softirq is opened yet: stopped before the subsystems' init)")


TASKLET_FILE = "kernel/bh/tasklet.c"
QUEUE_NORMAL, QUEUE_HI = 0, 1


def tasklet_row(t):
    state = int(t["state"])
    return "%-20s state 0x%x (%s) count %d func %s cpu %d schedules %d runs %d" % (
        c_string(t["name"]), state, dec.bit_names(state, dec.TASKLET_BITS),
        int(t["count"]), function_name(t["func"]), int(t["cpu"]),
        int(t["schedules"]), int(t["runs"]))


def tasklet_queue(first, limit=256):
    out, t = [], first
    while int(t) and len(out) < limit:
        out.append(t.dereference())
        t = t["next"]
    return out


class Tasklets(KernelCommand):
    """The tasklet lists: il-tasklets [CPU]. The per-CPU HI and normal run
    lists (state bits, function), the parked and running ones, then every
    known tasklet and how many are disabled."""

    def run(self, arg):
        cpus = cpu_list(arg, self.name)
        per_cpu = symbol_value("tasklet_cpus", TASKLET_FILE)
        if not int(per_cpu[cpus[0]]["queue"][QUEUE_NORMAL]["tail"]):
            raise KernelStateError("tasklets are not set up yet (tasklets_init has not run)")
        for cpu in cpus:
            tc = per_cpu[cpu]
            for which, label in ((QUEUE_HI, "HI (HI_SOFTIRQ)"),
                                 (QUEUE_NORMAL, "normal (TASKLET_SOFTIRQ)")):
                queue = tasklet_queue(tc["queue"][which]["head"])
                print("CPU %d %s list: %s" % (cpu, label, "%d scheduled" % len(queue)
                                              if queue else "empty"))
                for t in queue:
                    print("  " + tasklet_row(t))
            parked = tasklet_queue(tc["parked"])
            print("CPU %d parked (scheduled while disabled): %s" % (
                cpu, ", ".join(c_string(t["name"]) for t in parked) or "none"))
            print("CPU %d running: %s" % (cpu, c_string(tc["running"]["name"])
                                          if int(tc["running"]) else "none"))
        known = list_entries(symbol_value("all_tasklets", TASKLET_FILE), "tasklet", "all_node")
        disabled = sum(1 for t in known if int(t["count"]) > 0)
        print("all tasklets: %d known, %d disabled" % (len(known), disabled))
        for t in known:
            print("  " + tasklet_row(t))


# ---- timers --------------------------------------------------------------------------

class Timers(KernelCommand):
    """Pending timers: il-timers. Kernel timers (expiry in jiffies, how far
    ahead, function) and high-resolution timers."""

    def run(self, arg):
        jiffies = int(symbol_value("jiffies"))
        hz = int(symbol_value("hz")) or 1
        timers = list_entries(symbol_value("pending", "kernel/sched/timer.c"),
                              "timer_list", "entry")
        print("timers: jiffies %d, HZ %d, %d pending" % (jiffies, hz, len(timers)))
        if timers:
            print("     EXPIRES    IN(jif)     IN(ms)  FUNCTION")
        for t in timers:
            expires = int(t["expires"])
            delta = (expires - jiffies + 2 ** 31) % 2 ** 32 - 2 ** 31   # wrap-safe
            print("  %10d %10d %10d  %s" % (expires, delta, delta * 1000 // hz,
                                           function_name(t["function"])))
        hrtimers = list_entries(symbol_value("pending", "kernel/sched/hrtimer.c"),
                                "hrtimer", "node")
        now_ns = jiffies * 1000000000 // hz
        print("hrtimers: %d pending (now ~%d ns by jiffies)" % (len(hrtimers), now_ns))
        for t in hrtimers:
            expires = int(t["expires_ns"])
            print("  expires %d ns (in ~%d us)  %s" % (
                expires, (expires - now_ns) // 1000, function_name(t["function"])))


# ---- work pools ------------------------------------------------------------------------

POOL_FILE = "kernel/bh/worker_pool.c"    # cpu_pools
BH_FILE = "kernel/bh/workqueue_bh.c"     # bh_pools


def pool_label(pool, bh):
    return "pool %d%s%s" % (int(pool["cpu"]), "H" if bool(pool["highpri"]) else "",
                            " BH" if bh else "")


def work_rows(pool, limit=16):
    rows = []
    for work in list_entries(pool["worklist"], "work_struct", "entry")[:limit]:
        wq = "?"
        if int(work["pwq"]) and int(work["pwq"]["wq"]):
            wq = c_string(work["pwq"]["wq"]["name"])
        rows.append("  pending          %s (%s)" % (function_name(work["func"]), wq))
    return rows


def print_pool(pool, bh):
    label = pool_label(pool, bh)
    if bh:
        w = pool["workers"][0]
        print("%s (tasklet %s, %s): %s; max busy %d" % (
            label, c_string(pool["bh_name"].address.cast(type_of("char").pointer())),
            "HI_SOFTIRQ" if bool(pool["highpri"]) else "TASKLET_SOFTIRQ",
            "executing " + function_name(w["current_func"]) if int(w["current_work"])
            else "idle", int(pool["max_busy"])))
    else:
        print("%s (%s): %d workers, %d idle, %d running, %d busy (max %d)" % (
            label, "FIFO 1" if bool(pool["highpri"]) else "NORMAL",
            int(pool["nr_workers"]), int(pool["nr_idle"]), int(pool["nr_running"]),
            int(pool["nr_busy"]), int(pool["max_busy"])))
        workers = pool["workers"]
        for i in range(array_len(workers)):
            w = workers[i]
            if not bool(w["in_use"]) or not int(w["task"]):
                continue
            flags = int(w["flags"])
            doing = ("executing " + function_name(w["current_func"])
                     if int(w["current_work"]) else "")
            print(("  %-16s flags 0x%x (%s) %s" % (
                c_string(w["task"]["name"]), flags,
                dec.bit_names(flags, dec.WORKER_BITS), doing)).rstrip())
    for row in work_rows(pool):
        print(row)


def pools_ready(pools):
    if not int(pools[0][0]["worklist"]["next"]):
        raise KernelStateError("the work pools are not set up yet "
                               "(workqueue_init_early has not run)")


class Pools(KernelCommand):
    """The work pools: il-pools [CPU]. Per CPU the normal and high-priority
    pools (workers, their flags and the function each executes) and the BH
    pools, each with its pending items."""

    def run(self, arg):
        cpus = cpu_list(arg, self.name)
        normal = symbol_value("cpu_pools", POOL_FILE)
        bh = symbol_value("bh_pools", BH_FILE)
        pools_ready(normal)
        for cpu in cpus:
            for p in range(array_len(normal[cpu])):
                print_pool(normal[cpu][p], False)
            for p in range(array_len(bh[cpu])):
                print_pool(bh[cpu][p], True)


class WqPool(KernelCommand):
    """CPU 0's worker pool 0 (normal) or 1 (high priority): wqpool 0|1."""

    def run(self, arg):
        try:
            p = int(gdb.parse_and_eval(arg)) if arg.strip() else -1
        except gdb.error:
            p = -1
        if p not in (0, 1):
            print("wqpool: pool %s? 0 is the normal pool, 1 the high-priority one (the BH "
                  "pools: il-pools)" % (arg.strip() or "(none)"))
            return
        normal = symbol_value("cpu_pools", POOL_FILE)
        pools_ready(normal)
        print_pool(normal[0][p], False)


# ---- the log and processes ---------------------------------------------------------------

class Dmesg(KernelCommand):
    """Print Interlude's kernel log (the printk ring buffer): dmesg [-n N]."""

    def run(self, arg):
        words = arg.split()
        lines = 0
        if words:
            if len(words) != 2 or words[0] != "-n" or not words[1].isdigit():
                raise KernelStateError("usage: %s [-n LINES]" % self.name)
            lines = int(words[1])
        rb = symbol_value("kernel_log")["rb"]
        size, head, tail = int(rb["size"]), int(rb["head"]), int(rb["tail"])
        if size == 0:
            print("dmesg: log not set up yet")
            return
        base = int(rb["data"])
        length = (head - tail) & 0xffffffff
        inferior = gdb.selected_inferior()
        start = tail & (size - 1)
        first = min(length, size - start)
        out = inferior.read_memory(base + start, first).tobytes()
        if length > first:
            out += inferior.read_memory(base, length - first).tobytes()
        print(dec.last_lines(out.decode("ascii", "replace"), lines), end="")
        lost = int(symbol_value("kernel_log")["lines_lost"])
        if lost and not lines:
            print("(dmesg: %d older lines were overwritten)" % lost)


class Procs(KernelCommand):
    """User processes (kernel/proc): pid, tid, name, state, the system call
    each is in, page directory, and the uio lines held."""

    def run(self, arg):
        table = symbol_value("procs")
        shown = 0
        for i in range(array_len(table)):
            p = table[i]
            if int(p) == 0:
                continue
            p = p.dereference()
            tid = int(p["thread"]["tid"]) if int(p["thread"]) else 0
            lines = []
            held = p["uio"]["lines"]
            for h in range(array_len(held)):
                line = held[h]
                if int(line):
                    lines.append("%d%s" % (int(line["irq"]),
                                           " (masked)" if bool(line["masked"]) else ""))
            print("pid %d tid %d %s: %s, in syscall %d, pgdir 0x%08x, killed %d, irqs [%s]" % (
                int(p["pid"]), tid, c_string(p["name"]),
                "running" if int(p["state"]) == 0 else "exited",
                int(p["in_syscall"]), int(p["pgdir"]), int(p["killed"]), ", ".join(lines)))
            shown += 1
        if not shown:
            print("procs: no processes")


COMMANDS = [
    ("il-threads", Threads), ("il-irqs", Irqs), ("il-softirqs", Softirqs),
    ("il-tasklets", Tasklets), ("il-timers", Timers), ("il-pools", Pools),
    ("il-dmesg", Dmesg), ("il-context", Context), ("il-bt", KernelBacktrace),
    ("il-trapframe", TrapFrameCommand), ("il-procs", Procs),
    # the names scripts/gdbinit always had
    ("dmesg", Dmesg), ("trapframe", TrapFrameCommand), ("irqdesc", Irqs),
    ("preempt", Preempt), ("wqpool", WqPool), ("procs", Procs), ("kbt", KernelBacktrace),
]


class Help(gdb.Command):
    """List Interlude's GDB commands."""

    def __init__(self):
        super().__init__("il-help", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print(__doc__.split("\n\n")[1])


def register():
    for name, cls in COMMANDS:
        cls(name)
    Help()
    gdb.unwinder.register_unwinder(None, TrapFrameUnwinder(), replace=True)
