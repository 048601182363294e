"""Machine: one QEMU process that a test talks to through its serial ports.

    with Machine.boot_elf("build/interlude.elf", append="ktest=all") as m:
        m.expect(r"KTAP version 1", timeout=10)
        status = m.wait_exit(timeout=60)

Each serial port (COM1..COM4) is a QEMU chardev on a Unix socket in a
private temporary directory. QEMU is started with `wait=on`, so the guest
does not run until the harness has connected: no early output is lost. One
reader thread collects everything each port prints into a text buffer;
expect() waits on that buffer for a regular expression, with a timeout.
Every wait here is bounded, and leaving the `with` block always kills QEMU.

Output is decoded as Latin-1 (one character per byte, never an error) and
carriage returns are dropped, so patterns can use plain "\\n".

Exit status of QEMU with the isa-debug-exit device: the guest writes v to
port 0xf4 and QEMU exits with (v << 1) | 1. See describe_exit().
"""

import os
import re
import selectors
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time

QEMU = "qemu-system-i386"

# Every boot uses these: no display, no default devices, stop instead of
# rebooting on a triple fault, and the exit device at port 0xf4.
BASE_ARGS = [
    "-display", "none", "-nodefaults", "-no-reboot", "-m", "128M",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
]

# Exit statuses produced by the kernel's qemu_exit(v).
EXIT_PASSED = 1        # qemu_exit(0)
EXIT_TESTS_FAILED = 3  # qemu_exit(1)
EXIT_PANIC = 5         # qemu_exit(2)
EXIT_CRASH = 0         # triple fault (QEMU exits 0 because of -no-reboot)

# Output that always means something went badly wrong.
FAIL_PATTERNS = [re.compile(r"Kernel panic")]

TAIL_LINES = 40        # lines of output shown with a failure
PANIC_GRACE = 2.0      # seconds a panicking kernel gets to finish and exit


def describe_exit(status):
    """Explain a QEMU exit status in words, for failure messages."""
    if status is None:
        return "QEMU still running"
    if status < 0:
        return f"QEMU killed by signal {-status}"
    if status == EXIT_CRASH:
        return "status 0: triple fault or reset (crash)"
    if status == EXIT_PASSED:
        return "status 1: qemu_exit(0), all passed"
    if status == EXIT_TESTS_FAILED:
        return "status 3: qemu_exit(1), tests failed"
    if status == EXIT_PANIC:
        return "status 5: qemu_exit(2), kernel panic"
    if status & 1:
        return f"status {status}: qemu_exit({status >> 1})"
    return f"status {status}: QEMU itself failed"


def user_programs(elf):
    """The user programs built beside a kernel ELF (build/user/*.elf)."""
    import glob
    folder = os.path.join(os.path.dirname(os.path.abspath(elf)), "user")
    return sorted(glob.glob(os.path.join(folder, "*.elf")))


def initrd_args(elf):
    """QEMU's Multiboot loader takes modules as one comma-separated
    -initrd list; each module's command line is its path, whose file name
    is the program's name for `run`."""
    progs = user_programs(elf)
    return ["-initrd", ",".join(progs)] if progs else []


class MachineError(Exception):
    """The machine did not do what the test expected."""


class Timeout(MachineError):
    """A bounded wait ran out of time."""


def tail(text, lines=TAIL_LINES):
    """The last `lines` lines of text, indented for a failure report."""
    last = text.splitlines()[-lines:]
    return "\n".join("    | " + line for line in last) if last else "    | (no output)"


class SerialPort:
    """One serial port of the guest, seen from the host."""

    def __init__(self, machine, number, path):
        self.machine = machine
        self.number = number          # 1 for COM1
        self.path = path              # the Unix socket QEMU listens on
        self.sock = None
        self.text = ""                # everything received so far
        self.raw = bytearray()        # the same, as bytes (CRs kept)
        self.cursor = 0               # expect() searches from here
        self.eof = False              # QEMU closed the socket

    @property
    def name(self):
        return f"COM{self.number}"

    def send(self, data, timeout=10.0):
        """Send bytes (or a str, encoded as Latin-1) to the guest.

        QEMU takes bytes only as fast as the guest reads them, so a guest
        that stopped reading makes this raise Timeout after `timeout` s.
        """
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(data)
        except socket.timeout:
            raise Timeout(self._report(
                f"{self.name} took no input for {timeout:g} s (guest not reading?)")) from None

    def expect(self, pattern, timeout=10.0):
        """Wait until `pattern` (a regex) appears after the cursor.

        Returns the re.Match and moves the cursor past it, so consecutive
        expects match consecutive output. Raises MachineError early if QEMU
        exits or the kernel panics, and Timeout after `timeout` s.
        """
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        give_up = deadline
        cond = self.machine.cond
        with cond:
            while True:
                m = regex.search(self.text, self.cursor)
                if m:
                    self.cursor = m.end()
                    return m
                waiting = f"waiting for {regex.pattern!r} on {self.name}"
                failure = self.machine._failure_output()
                if self.eof:
                    why = f"'{failure}' in the output, then " if failure else ""
                    raise MachineError(self._report(
                        f"{why}QEMU closed {self.name} ({self._exit()}) while {waiting}"))
                if failure and give_up == deadline:
                    # Give the kernel a moment to finish its panic report
                    # (and exit) so the failure message shows all of it.
                    give_up = min(deadline, time.monotonic() + PANIC_GRACE)
                remaining = give_up - time.monotonic()
                if remaining <= 0:
                    if failure:
                        raise MachineError(self._report(f"'{failure}' in the output while {waiting}"))
                    raise Timeout(self._report(f"timed out after {timeout:g} s {waiting}"))
                cond.wait(remaining)

    def expect_bytes(self, data, start=0, timeout=10.0):
        """Wait until the exact bytes `data` were received at or after
        offset `start` of self.raw (nothing is dropped there, not even
        CR); return the offset just past them. Raises like expect()."""
        deadline = time.monotonic() + timeout
        cond = self.machine.cond
        with cond:
            while True:
                at = self.raw.find(data, start)
                if at >= 0:
                    return at + len(data)
                waiting = f"waiting for the bytes {bytes(data)!r} on {self.name}"
                got = bytes(self.raw[start:][-200:])
                if self.eof:
                    raise MachineError(self._report(
                        f"QEMU closed {self.name} ({self._exit()}) while {waiting}; "
                        f"received since offset {start}: {got!r}"))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Timeout(self._report(
                        f"timed out after {timeout:g} s {waiting}; "
                        f"received since offset {start} (last 200 bytes): {got!r}"))
                cond.wait(remaining)

    @property
    def raw_length(self):
        """How many bytes this port has received so far."""
        with self.machine.cond:
            return len(self.raw)

    def _exit(self):
        """How QEMU ended, once its socket closed (it may need a moment)."""
        try:
            return describe_exit(self.machine.proc.wait(timeout=1))
        except subprocess.TimeoutExpired:
            return describe_exit(None)

    def output_since(self, position):
        """Text received from `position` (an earlier cursor) up to now."""
        with self.machine.cond:
            return self.text[position:]

    def _report(self, message):
        return (f"{message}\n  last {TAIL_LINES} lines of {self.name}:\n"
                f"{tail(self.text)}{self.machine.stderr_report()}")


class Machine:
    """A QEMU process with serial ports on Unix sockets and an optional monitor.

    args         QEMU arguments beyond BASE_ARGS (kernel, -append, devices)
    serial_ports how many of COM1..COM4 to connect (at least 1 for expect)
    monitor      True to open a monitor socket for monitor("sendkey a")
    name         used for the log file build/test-logs/NAME.log
    log_dir      where to write that log (None: no log file)
    """

    def __init__(self, args, serial_ports=1, monitor=False, name="qemu",
                 log_dir=None):
        if not 0 <= serial_ports <= 4:
            raise ValueError("a PC has COM1..COM4: serial_ports must be 0..4")
        self.args = list(args)
        self.serial_ports = serial_ports
        self.want_monitor = monitor
        self.name = name
        self.log_dir = log_dir
        self.cond = threading.Condition()
        self.ports = []
        self.proc = None
        self.monitor_sock = None
        self.tmpdir = None
        self._reader = None
        self._stop = threading.Event()
        self.command = None
        self.killed = False           # True if close() had to kill QEMU
        self.notes = []               # note(): extra lines for the log
        self.scenario = None          # the Scenario being run, if any

    # -- convenient constructors ---------------------------------------------

    @classmethod
    def boot_elf(cls, elf, append="", extra_args=(), **kwargs):
        """Boot a Multiboot ELF directly (-kernel), with a command line,
        and the user programs built beside it as Multiboot modules."""
        args = ["-kernel", elf] + initrd_args(elf)
        if append:
            args += ["-append", append]
        return cls(args + list(extra_args), **kwargs)

    @classmethod
    def boot_iso(cls, iso, extra_args=(), **kwargs):
        """Boot the GRUB ISO image (-cdrom)."""
        return cls(["-cdrom", iso] + list(extra_args), **kwargs)

    # -- starting and stopping -------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self, connect_timeout=10.0):
        self.tmpdir = tempfile.mkdtemp(prefix="interlude-qemu-")
        cmd = [QEMU] + BASE_ARGS
        for n in range(1, self.serial_ports + 1):
            port = SerialPort(self, n, os.path.join(self.tmpdir, f"com{n}.sock"))
            self.ports.append(port)
            cmd += ["-chardev", f"socket,id=com{n},path={port.path},server=on,wait=on",
                    "-serial", f"chardev:com{n}"]
        monitor_path = os.path.join(self.tmpdir, "monitor.sock")
        if self.want_monitor:
            cmd += ["-monitor", f"unix:{monitor_path},server=on,wait=off"]
        cmd += self.args
        self.command = cmd
        self._stderr_path = os.path.join(self.tmpdir, "qemu-stderr.txt")
        with open(self._stderr_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + connect_timeout
            for port in self.ports:
                port.sock = self._connect(port.path, deadline)
            if self.want_monitor:
                self.monitor_sock = self._connect(monitor_path, deadline)
                self.monitor_sock.settimeout(connect_timeout)
                self._monitor_read_prompt(connect_timeout)
        except BaseException:
            self.close()
            raise
        self._reader = threading.Thread(target=self._read_loop, daemon=True,
                                        name=f"reader-{self.name}")
        self._reader.start()

    def _connect(self, path, deadline):
        """Connect to a socket QEMU is about to create."""
        while True:
            if self.proc.poll() is not None:
                raise MachineError(f"QEMU exited at start ({describe_exit(self.proc.poll())})"
                                   f"{self.stderr_report()}\n  command: {shlex.join(self.command)}")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                return sock
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
            if time.monotonic() > deadline:
                raise Timeout(f"QEMU did not create {path} in time{self.stderr_report()}")
            # QEMU is still starting; this is a start-up poll, not an output wait.
            time.sleep(0.005)

    def close(self):
        """Kill QEMU (if still running), stop the reader, write the log."""
        if self.proc and self.proc.poll() is None:
            self.killed = True
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._stop.set()
        if self._reader:
            self._reader.join(timeout=5)
        for port in self.ports:
            if port.sock:
                port.sock.close()
        if self.monitor_sock:
            self.monitor_sock.close()
        self._write_log()
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    # -- talking to the guest ---------------------------------------------------

    def port(self, number):
        """Serial port COM<number> (1-based, as in the guest)."""
        return self.ports[number - 1]

    def send(self, data, timeout=10.0):
        """Send to COM1 (see SerialPort.send)."""
        self.port(1).send(data, timeout)

    def expect(self, pattern, timeout=10.0):
        """Wait for a regex on COM1 (see SerialPort.expect)."""
        return self.port(1).expect(pattern, timeout)

    @property
    def output(self):
        """Everything COM1 printed so far."""
        with self.cond:
            return self.port(1).text

    def wait_exit(self, timeout=30.0, panic_grace=PANIC_GRACE):
        """Wait for QEMU to exit; return its status.

        Raises Timeout after `timeout` s, or MachineError if a port shows
        "Kernel panic" and QEMU has not exited `panic_grace` s later (a
        kernel that panics should qemu_exit(2) at once).
        """
        deadline = time.monotonic() + timeout
        panic_deadline = None
        while True:
            try:
                status = self.proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if panic_deadline is None and self._failure_output():
                panic_deadline = now + panic_grace
            if panic_deadline is not None and now > panic_deadline:
                raise MachineError(self.report(
                    f"'{self._failure_output()}' printed and QEMU did not exit"))
            if now > deadline:
                raise Timeout(self.report(
                    f"timed out: QEMU still running after {timeout:g} s"))
        # QEMU has exited: let the reader drain what is left in the sockets.
        if self._reader:
            self._reader.join(timeout=5)
        return status

    def _failure_output(self):
        """The first FAIL_PATTERNS match on any port, or None."""
        with self.cond:
            for port in self.ports:
                for regex in FAIL_PATTERNS:
                    m = regex.search(port.text)
                    if m:
                        return m.group(0)
        return None

    def note(self, text):
        """Add text (e.g. measured figures) to this boot's log file."""
        self.notes.append(text)

    @property
    def exit_status(self):
        return self.proc.poll() if self.proc else None

    def monitor(self, command, timeout=5.0):
        """Run a QEMU monitor (HMP) command and return its output."""
        if not self.monitor_sock:
            raise MachineError("this Machine was started without monitor=True")
        self.monitor_sock.settimeout(timeout)
        self.monitor_sock.sendall(command.encode() + b"\n")
        text = self._monitor_read_prompt(timeout)
        # The monitor echoes what we typed (with terminal escapes): drop
        # everything up to the end of the echoed line.
        lines = text.split("\n")
        return "\n".join(lines[1:]).strip("\n")

    _ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

    def _monitor_read_prompt(self, timeout):
        data = b""
        deadline = time.monotonic() + timeout
        while not data.endswith(b"(qemu) "):
            if time.monotonic() > deadline:
                raise Timeout(f"no '(qemu) ' prompt from the monitor; got {data!r}")
            try:
                chunk = self.monitor_sock.recv(4096)
            except socket.timeout:
                raise Timeout(f"no '(qemu) ' prompt from the monitor; got {data!r}") from None
            if not chunk:
                raise MachineError(f"monitor closed; got {data!r}")
            data += chunk
        text = data[:-len(b"(qemu) ")].decode("latin-1").replace("\r", "")
        return self._ANSI.sub("", text)

    # -- the reader thread ---------------------------------------------------

    def _read_loop(self):
        sel = selectors.DefaultSelector()
        for port in self.ports:
            # recv() below only runs when the selector says data is ready,
            # so it does not block even though send() uses the same socket.
            sel.register(port.sock, selectors.EVENT_READ, port)
        open_ports = len(self.ports)
        while open_ports and not self._stop.is_set():
            for key, _ in sel.select(timeout=0.1):
                port = key.data
                try:
                    data = port.sock.recv(65536)
                except (BlockingIOError, socket.timeout):
                    continue
                except OSError:
                    data = b""
                with self.cond:
                    if data:
                        port.raw += data
                        port.text += data.decode("latin-1").replace("\r", "")
                    else:
                        port.eof = True
                        sel.unregister(port.sock)
                        open_ports -= 1
                    self.cond.notify_all()
            if self.proc.poll() is not None and open_ports and not sel.select(timeout=0):
                # QEMU is gone and nothing is left to read.
                with self.cond:
                    for port in self.ports:
                        port.eof = True
                    self.cond.notify_all()
                break
        sel.close()

    # -- reports ----------------------------------------------------------------

    def stderr_report(self):
        """QEMU's own messages (stdout/stderr), if it printed any."""
        try:
            with open(self._stderr_path, "rb") as f:
                lines = f.read().decode("latin-1").splitlines()
        except (OSError, AttributeError):
            return ""
        # Drop QEMU's note that it waits for our connection: not news.
        text = "\n".join(l for l in lines if "QEMU waiting for connection" not in l)
        return f"\n  QEMU said:\n{tail(text, 10)}" if text else ""

    def report(self, message):
        """`message` plus the last lines of every port, for a failure."""
        parts = [message]
        with self.cond:
            for port in self.ports:
                parts.append(f"  last {TAIL_LINES} lines of {port.name}:\n{tail(port.text)}")
        return "\n".join(parts) + self.stderr_report()

    def check_no_failure_output(self):
        """Raise MachineError if any port printed a FAIL_PATTERNS line."""
        problem = self._failure_output()
        if problem:
            raise MachineError(self.report(f"'{problem}' in the output"))

    def _write_log(self):
        if not self.log_dir or not self.command:
            return
        os.makedirs(self.log_dir, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name)
        with open(os.path.join(self.log_dir, safe + ".log"), "w") as f:
            f.write("$ " + shlex.join(self.command) + "\n")
            if self.killed:
                f.write("# QEMU was still running at the end: killed by the harness\n")
            else:
                f.write(f"# {describe_exit(self.exit_status)}\n")
            for port in self.ports:
                f.write(f"\n===== {port.name} =====\n{port.text}\n")
            if self.notes:
                f.write("\n===== notes =====\n" + "\n".join(self.notes) + "\n")
            f.write(self.stderr_report() + "\n")
