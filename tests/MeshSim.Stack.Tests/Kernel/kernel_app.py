#!/usr/bin/env python3
"""kernel_app.py MODE PORT [BYTES]: the Linux TCP application a differential test runs against.
listen-hold: accept and keep every connection open without reading; listen-send: accept and send
BYTES bytes; listen-close: accept and close at once; connect: connect to the probe's address
(10.77.0.2) on PORT. Prints "ready" once listening (or once the SYN is on its way)."""
import socket, sys, time

mode, port = sys.argv[1], int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
held = []
if mode == "connect":
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("10.77.0.2", port))
    except BlockingIOError:
        pass
    print("ready", flush=True)
    time.sleep(120)
    sys.exit(0)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("10.77.0.1", port))
listener.listen(16)
print("ready", flush=True)
while True:
    c, _ = listener.accept()
    held.append(c)
    if mode == "listen-send":
        c.sendall(b"x" * count)
    elif mode == "listen-close":
        c.close()
