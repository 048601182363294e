"""A tiny host-side network stack: the guest's peer 10.0.2.2 on a Wire.

The guest (10.0.2.15, MAC 52:54:00:12:34:56) sees the host as 10.0.2.2,
its /24 neighbour and gateway, as under QEMU's user networking. NetPeer
answers ARP requests for 10.0.2.2 and ICMP echo requests from the guest
(so the guest's `ping 10.0.2.2` works), and sends the guest ARP, ICMP
echo requests and UDP datagrams, keeping what comes back:

    wire = PathWire(directory)            # or netwire.Wire()
    peer = NetPeer(wire)
    peer.resolve()                        # ARP: learn the guest's MAC
    rtt = peer.ping(seq=1)                # seconds, or None on timeout
    peer.send_udp(40000, 7, b"hello")
    src, sport, dport, data = peer.recv_udp(2.0)

The frame builders and parsers below are plain functions (tested in
tests/host/test_netpeer.py); checksums are RFC 1071's, computed with the
fast "sum the words in either byte order" property.
Standard library only.
"""

import array
import collections
import os
import re
import socket
import struct
import sys
import time

from harness import netwire

GUEST_IP = "10.0.2.15"
GUEST_MAC = netwire.GUEST_MAC
PEER_IP = "10.0.2.2"
PEER_MAC = "52:55:0a:00:02:02"   # QEMU's user-net host MAC
BROADCAST = "ff:ff:ff:ff:ff:ff"

ETH_P_IP, ETH_P_ARP = 0x0800, 0x0806
PROTO_ICMP, PROTO_UDP = 1, 17
ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST = 0, 8
ETH_ZLEN = 60
UDP_MAX_DATA = 1472


# -- addresses and the checksum ------------------------------------------------

def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def ip_bytes(ip):
    return socket.inet_aton(ip)


def ip_str(b):
    return socket.inet_ntoa(bytes(b))


def checksum(data, initial=0):
    """The Internet checksum (RFC 1071) of data, as an int to store
    big-endian. `initial` is a partial sum (e.g. of a pseudo-header)."""
    data = bytes(data)
    if len(data) % 2:
        data += b"\0"
    words = array.array("H", data)
    if sys.byteorder == "little":
        words.byteswap()      # the sum is byte-order independent; be plain
    total = sum(words) + initial
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo_sum(src, dst, proto, length):
    """The unfolded sum of the IPv4 pseudo-header UDP's checksum covers."""
    ph = ip_bytes(src) + ip_bytes(dst) + struct.pack("!BBH", 0, proto, length)
    return sum(struct.unpack("!6H", ph))


# -- builders ------------------------------------------------------------------

def build_eth(dst, src, ethertype, payload):
    """An Ethernet frame (no FCS), padded to the 60-byte minimum."""
    frame = mac_bytes(dst) + mac_bytes(src) + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * (ETH_ZLEN - len(frame)) if len(frame) < ETH_ZLEN else frame


def build_arp(op, sha, spa, tha, tpa):
    """An Ethernet/IPv4 ARP packet: op 1 request, 2 reply."""
    return (struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, op) + mac_bytes(sha) + ip_bytes(spa)
            + mac_bytes(tha) + ip_bytes(tpa))


def build_ipv4(src, dst, proto, payload, ident=0, flags_frag=0x4000, ttl=64):
    """An IPv4 header (no options, checksum filled in) and payload."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_frag,
                         ttl, proto, 0, ip_bytes(src), ip_bytes(dst))
    csum = checksum(header)
    return header[:10] + struct.pack("!H", csum) + header[12:] + payload


def build_udp(src, dst, sport, dport, data):
    """A UDP header and data, with the pseudo-header checksum."""
    length = 8 + len(data)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    csum = checksum(header + data, pseudo_sum(src, dst, PROTO_UDP, length)) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, csum) + data


def build_icmp_echo(icmp_type, ident, seq, data):
    header = struct.pack("!BBHHH", icmp_type, 0, 0, ident, seq)
    csum = checksum(header + data)
    return struct.pack("!BBHHH", icmp_type, 0, csum, ident, seq) + data


def udp_frame(src_mac, dst_mac, src, dst, sport, dport, data):
    return build_eth(dst_mac, src_mac, ETH_P_IP,
                     build_ipv4(src, dst, PROTO_UDP, build_udp(src, dst, sport, dport, data)))


# -- the parser ----------------------------------------------------------------

Parsed = collections.namedtuple(
    "Parsed", "kind dst_mac src_mac src dst op sha tha sport dport icmp_type ident seq "
              "data error", defaults=(None,) * 15)


def parse_frame(frame):
    """What a frame is: Parsed(kind='arp'|'icmp'|'udp'|'ip'|'other', ...),
    with error set (e.g. 'ip checksum') when a check fails."""
    frame = bytes(frame)
    if len(frame) < 14:
        return Parsed("other", error="short frame")
    dst_mac, src_mac = mac_str(frame[0:6]), mac_str(frame[6:12])
    ethertype = struct.unpack("!H", frame[12:14])[0]
    body = frame[14:]
    if ethertype == ETH_P_ARP:
        if len(body) < 28:
            return Parsed("arp", dst_mac, src_mac, error="short arp")
        op = struct.unpack("!H", body[6:8])[0]
        return Parsed("arp", dst_mac, src_mac, ip_str(body[14:18]), ip_str(body[24:28]),
                      op=op, sha=mac_str(body[8:14]), tha=mac_str(body[18:24]))
    if ethertype != ETH_P_IP:
        return Parsed("other", dst_mac, src_mac)
    return _parse_ipv4(dst_mac, src_mac, body)


def _parse_ipv4(dst_mac, src_mac, body):
    if len(body) < 20 or body[0] >> 4 != 4:
        return Parsed("ip", dst_mac, src_mac, error="bad ip header")
    hlen = (body[0] & 0xF) * 4
    total = struct.unpack("!H", body[2:4])[0]
    if total > len(body) or total < hlen:
        return Parsed("ip", dst_mac, src_mac, error="bad ip length")
    src, dst, proto = ip_str(body[12:16]), ip_str(body[16:20]), body[9]
    base = dict(dst_mac=dst_mac, src_mac=src_mac, src=src, dst=dst)
    if checksum(body[:hlen]):
        return Parsed("ip", error="ip checksum", **base)
    payload = body[hlen:total]
    if proto == PROTO_ICMP:
        if len(payload) < 8:
            return Parsed("icmp", error="short icmp", **base)
        t, _, _, ident, seq = struct.unpack("!BBHHH", payload[:8])
        err = "icmp checksum" if checksum(payload) else None
        return Parsed("icmp", icmp_type=t, ident=ident, seq=seq, data=payload[8:],
                      error=err, **base)
    if proto == PROTO_UDP:
        if len(payload) < 8:
            return Parsed("udp", error="short udp", **base)
        sport, dport, length, csum = struct.unpack("!HHHH", payload[:8])
        if length < 8 or length > len(payload):
            return Parsed("udp", error="bad udp length", **base)
        err = None
        if csum and checksum(payload[:length], pseudo_sum(src, dst, PROTO_UDP, length)):
            err = "udp checksum"
        return Parsed("udp", sport=sport, dport=dport, data=payload[8:length], error=err,
                      **base)
    return Parsed("ip", **base)


# -- a wire at fixed paths (make run, scenarios) -------------------------------

class PathWire(netwire.Wire):
    """A Wire whose sockets are DIR/host.sock (ours) and DIR/qemu.sock
    (QEMU's), so QEMU's command line can be written before we exist."""

    def __init__(self, directory, host_path=None, guest_path=None,
                 mac=netwire.GUEST_MAC, model="e1000", netdev_id="net0"):
        self.mac, self.model, self.netdev_id = mac, model, netdev_id
        self.dir = directory
        self.host_path = host_path or os.path.join(directory, "host.sock")
        self.guest_path = guest_path or os.path.join(directory, "qemu.sock")
        os.makedirs(os.path.dirname(self.host_path) or ".", exist_ok=True)
        if os.path.exists(self.host_path):
            os.unlink(self.host_path)          # a previous run's
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.host_path)
        self.sock.setblocking(False)
        self.sent = self.received = 0

    def close(self):
        self.sock.close()
        if os.path.exists(self.host_path):
            os.unlink(self.host_path)


# -- the peer --------------------------------------------------------------------

class NetPeer:
    """10.0.2.2 on the wire: answers ARP and pings, keeps UDP and replies."""

    PING_ID = 0x4850   # "HP"

    def __init__(self, wire, ip=PEER_IP, mac=PEER_MAC, guest_ip=GUEST_IP):
        self.wire, self.ip, self.mac, self.guest_ip = wire, ip, mac, guest_ip
        self.guest_mac = None
        self.udp_in = collections.deque()
        self.echo_replies = collections.deque()
        self.counts = collections.Counter()
        self.log = None        # a function taking a line, for scripts/netpeer

    def _say(self, line):
        if self.log:
            self.log(line)

    def send_frame(self, frame, timeout=10.0):
        self.wire.send(frame, timeout)

    def handle(self, frame):
        """React to one frame from the guest; returns its Parsed form."""
        p = parse_frame(frame)
        if p.error:
            self.counts["bad " + p.error] += 1
        elif p.kind == "arp":
            self._handle_arp(p)
        elif p.kind == "icmp" and p.dst == self.ip:
            self._handle_icmp(p)
        elif p.kind == "udp" and p.dst == self.ip:
            self.counts["udp"] += 1
            self.udp_in.append((p.src, p.sport, p.dport, p.data))
        else:
            self.counts["ignored"] += 1
        return p

    def _handle_arp(self, p):
        if p.dst != self.ip:
            self.counts["arp not ours"] += 1
            return
        self.guest_mac = p.sha
        if p.op == 1:
            self.counts["arp requests answered"] += 1
            self._say(f"arp: {p.src} asks who has {self.ip}: told it {self.mac}")
            self.send_frame(build_eth(p.sha, self.mac, ETH_P_ARP,
                                      build_arp(2, self.mac, self.ip, p.sha, p.src)))
        else:
            self.counts["arp replies"] += 1

    def _handle_icmp(self, p):
        if p.icmp_type == ICMP_ECHO_REQUEST:
            self.counts["echo requests answered"] += 1
            self._say(f"icmp: echo request from {p.src} seq={p.seq}: replied")
            self.guest_mac = self.guest_mac or p.src_mac
            reply = build_icmp_echo(ICMP_ECHO_REPLY, p.ident, p.seq, p.data)
            self.send_frame(build_eth(p.src_mac, self.mac, ETH_P_IP,
                                      build_ipv4(self.ip, p.src, PROTO_ICMP, reply)))
        elif p.icmp_type == ICMP_ECHO_REPLY:
            self.counts["echo replies"] += 1
            self.echo_replies.append((p.src, p.ident, p.seq, p.data, time.monotonic()))
        else:
            self.counts["icmp other"] += 1

    def pump(self, timeout):
        """Handle the next frame (waiting at most timeout s); False if none."""
        frame = self.wire.recv(timeout)
        if frame is None:
            return False
        self.handle(frame)
        return True

    def wait_for(self, cond, timeout):
        """Handle frames until cond() holds or timeout s pass; cond()."""
        deadline = time.monotonic() + timeout
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                return cond()
            self.pump(min(left, 0.2))
        return True

    def resolve(self, timeout=5.0, tries=5):
        """ARP for the guest until it answers; its MAC, or TimeoutError."""
        request = build_eth(BROADCAST, self.mac, ETH_P_ARP,
                            build_arp(1, self.mac, self.ip, "00:00:00:00:00:00",
                                      self.guest_ip))
        for _ in range(tries):
            self.send_frame(request)
            if self.wait_for(lambda: self.guest_mac, timeout / tries):
                return self.guest_mac
        raise TimeoutError(f"{self.guest_ip} never answered ARP ({timeout} s)")

    def ping(self, seq=1, data=bytes(range(56)), timeout=2.0):
        """One echo request to the guest: the round trip in seconds, or None."""
        if not self.guest_mac:
            self.resolve()
        self.echo_replies.clear()
        sent = time.monotonic()
        self.send_frame(build_eth(self.guest_mac, self.mac, ETH_P_IP,
                                  build_ipv4(self.ip, self.guest_ip, PROTO_ICMP,
                                             build_icmp_echo(ICMP_ECHO_REQUEST,
                                                             self.PING_ID, seq, data))))

        def reply():
            return next((r for r in self.echo_replies
                         if r[1] == self.PING_ID and r[2] == seq and r[3] == data), None)
        if not self.wait_for(reply, timeout):
            return None
        return reply()[4] - sent

    def udp_frame(self, sport, dport, data):
        """A UDP datagram from us to the guest, ready for send_frame."""
        if not self.guest_mac:
            self.resolve()
        return udp_frame(self.mac, self.guest_mac, self.ip, self.guest_ip, sport, dport,
                         data)

    def send_udp(self, sport, dport, data, timeout=10.0):
        self.send_frame(self.udp_frame(sport, dport, data), timeout)

    def recv_udp(self, timeout):
        """(src, sport, dport, data) of the next datagram, or None."""
        if self.wait_for(lambda: self.udp_in, timeout):
            return self.udp_in.popleft()
        return None


# -- the guest's `udp` output ----------------------------------------------------

_LAYER_LINE = re.compile(r"^  (eth|arp|ip|icmp|udp)\s+(.*)$", re.MULTILINE)
_PAIR = re.compile(r"(\w+)\*? (\d+)")
_ECHO_LINE = re.compile(r"^echo service \(port 7\): (on|off)[^\n]*?, (\d+) echoed$",
                        re.MULTILINE)
_SOCKET_ROW = re.compile(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.MULTILINE)


def parse_udp_stats(text):
    """The guest's `udp` output as a dict: 'udp.no_socket' -> int (every
    layer counter), 'echo' -> 'on'|'off', 'echoed' -> int, and
    'sockets' -> {port: (queued, received, dropped)}."""
    stats = {}
    for layer, rest in _LAYER_LINE.findall(text):
        for name, value in _PAIR.findall(rest):
            stats[f"{layer}.{name}"] = int(value)
    echo = _ECHO_LINE.search(text)
    if not echo or "udp.rx" not in stats:
        raise ValueError(f"not the output of `udp`:\n{text}")
    stats["echo"], stats["echoed"] = echo[1], int(echo[2])
    stats["sockets"] = {int(p): (int(q), int(r), int(d))
                        for p, q, r, d in _SOCKET_ROW.findall(text)}
    return stats
