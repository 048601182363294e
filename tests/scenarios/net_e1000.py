"""The e1000 on a wire (harness/netwire.py): the host's frames are received
and counted, the guest's frames reach the host byte-exact.

Runs in both irqchip modes (the line is PCI INTx, level: ELCR in PIC mode,
an IOAPIC pin from the MADT in APIC mode) and with `napi=off` (the top
half takes the frames and netif_rx's backlog hands them up).
"""

import re

from harness import kstats
from harness.netwire import GUEST_MAC, frame, net
from harness.shell import Shell

APPEND = ""
WIRE = True
VARIANTS = [("apic", ""), ("noapic", "noapic"), ("napioff", "napi=off")]

PROMPT_TIMEOUT = 30
HOST_MAC = "52:54:00:00:00:02"
OTHER_MAC = "52:54:00:99:99:99"     # not the guest's: the card filters it out
SIZES = [60, 61, 64, 100, 128, 500, 1000, 1500, 1514]


def _test_frame(k, length, src):
    """What `net send` builds: broadcast, EtherType 0x88b5, k, 0, 1, 2..."""
    payload = k.to_bytes(2, "big") + bytes(i & 0xff for i in range(length - 16))
    return frame("ff:ff:ff:ff:ff:ff", src, 0x88b5, payload)


def test_receive_and_transmit(m):
    """MAC and link from the boot log and `net`; 45 frames for the guest's
    MAC plus 9 broadcasts are all counted (frames and bytes), 9 for another
    MAC are not (the card's address filter); the line is level-triggered
    with eth0 on it; 8 frames of 100 bytes and 3 of 1514 that the guest
    sends arrive byte-exact, in order."""
    sh = Shell(m)
    boot = sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    napi = "off" if m.scenario.variant == "napioff" else "on"
    found = re.search(rf"e1000: eth0 at \S+ irq (\d+), MAC {GUEST_MAC}, link up, napi {napi}", boot)
    assert found, f"no e1000 line in the boot log:\n{boot[-3000:]}"
    irq = int(found[1])
    before = net(sh)
    assert before["link"] == "up" and before["mac"] == GUEST_MAC, before
    assert before["napi"] == napi, before

    wire = m.wire
    sent = sent_bytes = 0
    for rep in range(5):
        for n, size in enumerate(SIZES):
            wire.send(frame(GUEST_MAC, HOST_MAC, 0x88b5, bytes([rep, n]) * ((size - 14) // 2)
                            + bytes((size - 14) % 2)))
            if rep == 0:
                wire.send(frame(OTHER_MAC, HOST_MAC, 0x88b5, bytes(size - 14)))
            sent, sent_bytes = sent + 1, sent_bytes + size
        wire.send(frame("ff:ff:ff:ff:ff:ff", HOST_MAC, 0x88b5, bytes(46)))
    for _ in range(4):
        wire.send(frame("ff:ff:ff:ff:ff:ff", HOST_MAC, 0x88b5, bytes(86)))
    sent, sent_bytes = sent + 9, sent_bytes + 5 * 60 + 4 * 100

    def counted():
        d = net(sh)
        return d if d["rx_packets"] - before["rx_packets"] >= sent else None
    after = kstats.poll(counted, timeout=20,
                        describe=lambda: f"eth0 counted fewer than {sent} frames: {net(sh)}")
    assert after["rx_packets"] - before["rx_packets"] == sent, \
        f"{sent} frames for the guest, eth0 counted {after['rx_packets'] - before['rx_packets']} " \
        f"(frames for another MAC must not be received): {after}"
    assert after["rx_bytes"] - before["rx_bytes"] == sent_bytes, (sent_bytes, after)
    for field in ("rx_dropped", "rx_errors", "rx_missed"):
        assert after[field] == 0, after
    assert after["interrupts"] > 0, after
    if napi == "on":
        assert after["napi_polls"] > 0, after

    row = kstats.irqs(sh).row(irq)
    assert "eth0" in row.names and row.trigger == "level", row.line

    out = kstats.command(sh, "net send eth0 8 100")
    assert "net send: 8 frames of 100 bytes on eth0" in out, out
    kstats.command(sh, "net send eth0 3 1514")
    expected = [_test_frame(k, 100, GUEST_MAC) for k in range(8)] + \
               [_test_frame(k, 1514, GUEST_MAC) for k in range(3)]
    for k, want in enumerate(expected):
        got = wire.recv(10)
        assert got is not None, f"frame {k} of {len(expected)} never reached the host"
        assert got == want, f"frame {k} differs:\n got {got.hex()}\nwant {want.hex()}"
    tx = net(sh)
    assert tx["tx_packets"] - after["tx_packets"] == 11 and tx["tx_dropped"] == 0, tx
    return f"{sent} frames in, 11 out, {after['interrupts']} interrupts, {after['napi_polls']} polls"


def test_net_command_errors(m):
    """`net` refuses a device it does not have and bad `net send` arguments,
    and the shell goes on."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    assert "net: no device 'eth9'" in sh.run("net eth9")
    assert "net send: N is 1-100000" in sh.run("net send eth0 0 60")
    assert "net send: N is 1-100000" in sh.run("net send eth0 1 2000")
    assert "net: no device 'eth9'" in sh.run("net send eth9 1 60")
    assert "lo: link up" in sh.run("net")


def test_nic_tracepoints(m):
    """The NIC's tracepoints (docs/tracing.md): frames from the host show as
    netif_receive_skb dev=eth0 with their length, taken by a napi_poll of
    eth0 (with NAPI) in softirq context; a frame the guest sends shows as
    net_dev_xmit dev=eth0 len=100 rc=0."""
    sh = Shell(m)
    sh.wait_prompt(timeout=PROMPT_TIMEOUT)
    napi = m.scenario.variant != "napioff"
    before = net(sh)
    assert "trace: on" in kstats.command(sh, "trace on napi,net,netif")
    for _ in range(3):
        m.wire.send(frame(GUEST_MAC, HOST_MAC, 0x88b5, bytes(86)))   # 100 bytes
    kstats.poll(lambda: net(sh)["rx_packets"] - before["rx_packets"] >= 3 or None, timeout=20,
                describe=lambda: f"eth0 never counted the 3 frames: {net(sh)}")
    kstats.command(sh, "net send eth0 1 100")
    assert m.wire.recv(10) is not None, "the guest's frame never reached the host"
    kstats.command(sh, "trace off")
    out = kstats.command(sh, "trace show")
    rx = [line for line in out.splitlines() if "netif_receive_skb: dev=eth0 len=100" in line]
    assert len(rx) == 3, f"3 frames of 100 bytes in, {len(rx)} netif_receive_skb:\n{out}"
    assert all(re.search(r"\] \S\S?s", line) for line in rx), \
        f"netif_receive_skb not in softirq context:\n{out}"
    polls = re.findall(r"napi_poll: dev=eth0 work=(\d+) budget=64", out)
    if napi:
        assert polls and sum(map(int, polls)) >= 3, f"no napi_poll of eth0 took the frames:\n{out}"
    assert re.search(r"net_dev_xmit: dev=eth0 len=100 rc=0", out), out
