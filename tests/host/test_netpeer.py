"""Host tests of tests/harness/netpeer.py, the host's tiny stack: its
checksum against RFC 1071's example and a real IPv4 header, builders and
parser round trips, the guest-facing rules (ARP and ICMP answered, UDP
kept) over a fake wire. No QEMU. make test runs them as host/netpeer/TEST;
by hand:

    python3 -m unittest tests/host/test_netpeer.py -v
"""

import os
import struct
import sys
import unittest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS_DIR)
sys.dont_write_bytecode = True

from harness import netpeer as np  # noqa: E402

# The IPv4 header of a captured UDP packet 192.168.0.1 -> 192.168.0.199,
# checksum b861.
IP_HEADER = bytes.fromhex("450000730000400040 11b861c0a80001c0a800c7".replace(" ", ""))


class Checksum(unittest.TestCase):
    def test_rfc1071_example(self):
        # RFC 1071 section 3: 0001 f203 f4f5 f6f7 sums to ddf2; checksum 220d.
        self.assertEqual(np.checksum(bytes.fromhex("0001f203f4f5f6f7")), 0x220D)

    def test_ipv4_header_vector(self):
        zeroed = IP_HEADER[:10] + b"\0\0" + IP_HEADER[12:]
        self.assertEqual(np.checksum(zeroed), 0xB861)
        self.assertEqual(np.checksum(IP_HEADER), 0)   # a receiver's check

    def test_odd_length_pads_with_zero(self):
        self.assertEqual(np.checksum(b"\x12\x34\x56"), np.checksum(b"\x12\x34\x56\x00"))
        self.assertEqual(np.checksum(b"\x12\x34\x56"), ~(0x1234 + 0x5600) & 0xFFFF)

    def test_byte_order_trick_matches_the_plain_loop(self):
        data = bytes((i * 37 + 11) & 0xFF for i in range(1001))
        padded = data + b"\0"
        plain = sum(struct.unpack(f"!{len(padded) // 2}H", padded))
        while plain >> 16:
            plain = (plain & 0xFFFF) + (plain >> 16)
        self.assertEqual(np.checksum(data), ~plain & 0xFFFF)


class BuildAndParse(unittest.TestCase):
    def test_udp_round_trip(self):
        frame = np.udp_frame(np.PEER_MAC, np.GUEST_MAC, np.PEER_IP, np.GUEST_IP, 40000, 7,
                             b"hello")
        self.assertEqual(len(frame), 60)                 # padded to the minimum
        p = np.parse_frame(frame)
        self.assertEqual((p.kind, p.error, p.src, p.dst), ("udp", None, np.PEER_IP,
                                                            np.GUEST_IP))
        self.assertEqual((p.sport, p.dport, p.data), (40000, 7, b"hello"))
        self.assertEqual((p.src_mac, p.dst_mac), (np.PEER_MAC, np.GUEST_MAC))

    def test_largest_udp_fills_a_frame(self):
        frame = np.udp_frame(np.PEER_MAC, np.GUEST_MAC, np.PEER_IP, np.GUEST_IP, 1, 2,
                             b"x" * np.UDP_MAX_DATA)
        self.assertEqual(len(frame), 1514)
        self.assertEqual(np.parse_frame(frame).data, b"x" * np.UDP_MAX_DATA)

    def test_corruption_is_reported(self):
        frame = bytearray(np.udp_frame(np.PEER_MAC, np.GUEST_MAC, np.PEER_IP, np.GUEST_IP,
                                       1, 2, b"payload"))
        frame[14 + 20 + 8] ^= 0x01                        # a data bit
        self.assertEqual(np.parse_frame(frame).error, "udp checksum")
        frame[14 + 16] ^= 0x01                            # an address bit
        self.assertEqual(np.parse_frame(frame).error, "ip checksum")

    def test_icmp_echo_round_trip(self):
        icmp = np.build_icmp_echo(8, 0x1234, 9, b"abc")
        frame = np.build_eth(np.GUEST_MAC, np.PEER_MAC, np.ETH_P_IP,
                             np.build_ipv4(np.PEER_IP, np.GUEST_IP, np.PROTO_ICMP, icmp))
        p = np.parse_frame(frame)
        self.assertEqual((p.kind, p.error, p.icmp_type, p.ident, p.seq, p.data),
                         ("icmp", None, 8, 0x1234, 9, b"abc"))

    def test_arp_round_trip(self):
        frame = np.build_eth(np.BROADCAST, np.PEER_MAC, np.ETH_P_ARP,
                             np.build_arp(1, np.PEER_MAC, np.PEER_IP, "00:00:00:00:00:00",
                                          np.GUEST_IP))
        p = np.parse_frame(frame)
        self.assertEqual((p.kind, p.op, p.sha, p.src, p.dst),
                         ("arp", 1, np.PEER_MAC, np.PEER_IP, np.GUEST_IP))


class FakeWire:
    """Frames the peer sends go to .out; recv() hands out .incoming."""

    def __init__(self, incoming=()):
        self.out, self.incoming = [], list(incoming)

    def send(self, frame, timeout=None):
        self.out.append(bytes(frame))

    def recv(self, timeout):
        return self.incoming.pop(0) if self.incoming else None


class Peer(unittest.TestCase):
    def test_answers_arp_for_its_address_only(self):
        wire = FakeWire()
        peer = np.NetPeer(wire)
        ask = lambda ip: np.build_eth(np.BROADCAST, np.GUEST_MAC, np.ETH_P_ARP,  # noqa: E731
                                      np.build_arp(1, np.GUEST_MAC, np.GUEST_IP,
                                                   "00:00:00:00:00:00", ip))
        peer.handle(ask("10.0.2.3"))
        self.assertEqual(wire.out, [])
        peer.handle(ask(np.PEER_IP))
        reply = np.parse_frame(wire.out[0])
        self.assertEqual((reply.op, reply.sha, reply.src, reply.tha, reply.dst),
                         (2, np.PEER_MAC, np.PEER_IP, np.GUEST_MAC, np.GUEST_IP))
        self.assertEqual(peer.guest_mac, np.GUEST_MAC)

    def test_answers_the_guests_ping_byte_exact(self):
        wire = FakeWire()
        peer = np.NetPeer(wire)
        data = bytes(range(56))
        peer.handle(np.build_eth(np.PEER_MAC, np.GUEST_MAC, np.ETH_P_IP,
                                 np.build_ipv4(np.GUEST_IP, np.PEER_IP, np.PROTO_ICMP,
                                               np.build_icmp_echo(8, 0x4C31, 3, data))))
        reply = np.parse_frame(wire.out[0])
        self.assertEqual((reply.error, reply.icmp_type, reply.ident, reply.seq, reply.data),
                         (None, 0, 0x4C31, 3, data))
        self.assertEqual((reply.src, reply.dst, reply.dst_mac),
                         (np.PEER_IP, np.GUEST_IP, np.GUEST_MAC))

    def test_keeps_udp_and_counts_bad_frames(self):
        good = np.udp_frame(np.GUEST_MAC, np.PEER_MAC, np.GUEST_IP, np.PEER_IP, 7, 40000,
                            b"echo")
        bad = bytearray(good)
        bad[14 + 20 + 8] ^= 0xFF                          # the first data byte
        wire = FakeWire([bytes(bad), good])
        peer = np.NetPeer(wire)
        self.assertEqual(peer.recv_udp(0.1), (np.GUEST_IP, 7, 40000, b"echo"))
        self.assertEqual(peer.counts["bad udp checksum"], 1)
        self.assertIsNone(peer.recv_udp(0))


if __name__ == "__main__":
    unittest.main()
