"""The host's end of the guest's network card.

QEMU 7.2's `-netdev dgram` joins the emulated NIC to a pair of Unix
datagram sockets: every datagram is one Ethernet frame (no FCS), in both
directions. A Wire owns the host's socket; qemu_args() gives the QEMU
arguments that put a NIC on the other end:

    wire = Wire()
    machine = Machine.boot_elf(elf, extra_args=wire.qemu_args())
    with wire, machine:
        wire.send(frame)            # to the guest's NIC
        reply = wire.recv(2.0)      # a frame from it, or None

The host's socket is bound before QEMU starts, so nothing the guest sends
is lost for want of a listener. A Unix datagram socket has flow control:
send() waits while QEMU has not read what came before (QEMU stops reading
while the NIC has no free receive descriptor), and gives up after a timeout.
"""

import os
import re
import select
import shutil
import socket
import tempfile
import time

GUEST_MAC = "52:54:00:12:34:56"


class Wire:
    def __init__(self, mac=GUEST_MAC, model="e1000", netdev_id="net0"):
        self.mac, self.model, self.netdev_id = mac, model, netdev_id
        self.dir = tempfile.mkdtemp(prefix="interlude-net-")
        self.host_path = os.path.join(self.dir, "host.sock")
        self.guest_path = os.path.join(self.dir, "qemu.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.host_path)
        self.sock.setblocking(False)
        self.sent = self.received = 0

    def qemu_args(self):
        """The -netdev and -device arguments for this wire's NIC."""
        return ["-netdev",
                f"dgram,id={self.netdev_id},local.type=unix,local.path={self.guest_path},"
                f"remote.type=unix,remote.path={self.host_path}",
                "-device", f"{self.model},netdev={self.netdev_id},mac={self.mac}"]

    def wait_ready(self, timeout=10.0):
        """Wait (bounded) until QEMU has bound its end of the wire."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.guest_path):
            if time.monotonic() > deadline:
                raise TimeoutError(f"QEMU never bound {self.guest_path}")
            time.sleep(0.01)

    def send(self, frame, timeout=10.0):
        """One Ethernet frame to the guest. Waits while QEMU is not reading
        (a NIC with no free receive descriptor, or none enabled) - at most
        `timeout` s, then TimeoutError: the guest is not receiving.

        (select() calls a Unix datagram socket writable even when the
        peer's queue is full, so a full queue is retried after a short
        pause instead.)"""
        if not self.sent:
            self.wait_ready()
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.sendto(bytes(frame), self.guest_path)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the guest took no frame for {timeout} s "
                                       f"({self.sent} sent so far)") from None
                time.sleep(0.0002)
        self.sent += 1

    def recv(self, timeout):
        """The next frame from the guest, or None after `timeout` s."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return None
        self.received += 1
        return self.sock.recv(65536)

    def close(self):
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# --- the guest's `net` command -------------------------------------------------

_NET_DEV = re.compile(
    r"^(?P<name>\w+): link (?P<link>up|down), MAC (?P<mac>[0-9a-f:]{17}), IP (?P<ip>\S+), "
    r"napi (?P<napi>on|off)\r?\n"
    r"\s+rx: (?P<rx_packets>\d+) packets, (?P<rx_bytes>\d+) bytes; dropped (?P<rx_dropped>\d+), "
    r"errors (?P<rx_errors>\d+), missed (?P<rx_missed>\d+), ring full (?P<rx_ring_full>\d+)\r?\n"
    r"\s+tx: (?P<tx_packets>\d+) packets, (?P<tx_bytes>\d+) bytes; dropped (?P<tx_dropped>\d+)\r?\n"
    r"\s+irq: (?P<interrupts>\d+) interrupts; napi: (?P<napi_polls>\d+) polls, "
    r"(?P<napi_budget_spent>\d+) budget spent; ring rx (?P<rx_used>\d+)/(?P<rx_size>\d+), "
    r"tx (?P<tx_used>\d+)/(?P<tx_size>\d+)", re.MULTILINE)


def parse_net(text):
    """`net`'s output as {device name: {field: value}} (numbers as int)."""
    devices = {}
    for m in _NET_DEV.finditer(text):
        d = {k: (v if k in ("name", "link", "mac", "ip", "napi") else int(v))
             for k, v in m.groupdict().items()}
        devices[d["name"]] = d
    return devices


def net(sh, device="eth0"):
    """One device's `net` counters (AssertionError if `net` lacks it)."""
    out = sh.run(f"net {device}")
    devices = parse_net(out)
    assert device in devices, f"`net {device}` printed:\n{out}"
    return devices[device]


def frame(dst, src, ethertype, payload):
    """An Ethernet frame: MACs as "aa:bb:..." strings, payload bytes."""
    def mac(s):
        return bytes(int(x, 16) for x in s.split(":"))
    return mac(dst) + mac(src) + ethertype.to_bytes(2, "big") + bytes(payload)
