#!/usr/bin/env python3
"""send-tcp.py DEVICE SRC_MAC DST_MAC SRC_IP DST_IP SPORT DPORT FLAGS [SEQ [ACK]]
Sends one hand-made Ethernet/IPv4/TCP frame (no payload, correct checksums) on DEVICE through an
AF_PACKET socket, bypassing the kernel's TCP: for packets no socket would send, such as an ACK of
a connection that never existed (conntrack marks it invalid) or an unsolicited SYN-ACK.
FLAGS is a string of S, A, F, R, P letters (e.g. "A", "SA")."""
import socket, struct, sys

def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def mac(text: str) -> bytes:
    return bytes(int(b, 16) for b in text.split(":"))

if len(sys.argv) not in (9, 10, 11):
    sys.exit(__doc__)
dev, smac, dmac, sip, dip = sys.argv[1:6]
sport, dport = int(sys.argv[6]), int(sys.argv[7])
flags = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[c] for c in sys.argv[8])
seq = int(sys.argv[9]) if len(sys.argv) > 9 else 1000
ack = int(sys.argv[10]) if len(sys.argv) > 10 else (2000 if flags & 16 else 0)
src, dst = socket.inet_aton(sip), socket.inet_aton(dip)
tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
tcp = tcp[:16] + struct.pack("!H", checksum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0x4d53, 0x4000, 64, 6, 0, src, dst)
ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
    s.bind((dev, 0))
    s.send(mac(dmac) + mac(smac) + b"\x08\x00" + ip + tcp)
