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
