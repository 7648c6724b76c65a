#!/usr/bin/env python3
"""packet_probe.py DEVICE: the test's hands on a veth end. Frames written to stdin as hex lines are
sent on DEVICE through an AF_PACKET socket (each answered with "tx <monotonic ns>"); every IPv4/TCP
frame received on DEVICE is printed as "rx <monotonic ns> <hex>". No kernel TCP is involved on
this side: the device has no address, so the namespace's own stack ignores the traffic."""
import os, select, socket, sys, time

dev = sys.argv[1]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((dev, 0))
stdin = sys.stdin.fileno()
pending = b""
print("ready", flush=True)
while True:
    readable, _, _ = select.select([s, stdin], [], [])
    if s in readable:
        data, addr = s.recvfrom(65535)
        if addr[2] != socket.PACKET_OUTGOING and len(data) >= 54 and data[23] == 6:
            print("rx %d %s" % (time.monotonic_ns(), data.hex()), flush=True)
    if stdin in readable:
        # Raw reads: a buffered readline() could keep a second line in Python's buffer where
        # select() cannot see it, and that frame would wait for the next one.
        chunk = os.read(stdin, 65536)
        if not chunk:
            break
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if line.strip():
                s.send(bytes.fromhex(line.strip().decode()))
                print("tx %d" % time.monotonic_ns(), flush=True)
