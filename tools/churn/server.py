#!/usr/bin/env python3
"""server.py ADDR PORT: a minimal HTTP/1.1 server for the conntrack churn experiment.

Every response carries "Connection: close" and the server closes first, right after writing it,
so the server side holds TIME_WAIT and the client's port is free again at once (that is what makes
the client reuse ports within seconds). One epoll loop, no threads: the request is tiny and the
point is connection setup and teardown, not request work. Runs until killed."""
import selectors, socket, sys

BODY = b"ok\n" * 64
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % len(BODY)) + BODY


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: server.py ADDR PORT")
    sel = selectors.DefaultSelector()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((sys.argv[1], int(sys.argv[2])))
    lsock.listen(4096)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, None)
    pending = {}
    while True:
        for key, _ in sel.select():
            if key.data is None:
                while True:   # drain the accept queue
                    try:
                        conn, _ = lsock.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    pending[conn] = b""
                    sel.register(conn, selectors.EVENT_READ, conn)
                continue
            conn = key.data
            try:
                data = conn.recv(4096)
            except ConnectionError:
                data = b""
            buf = pending[conn] + data
            if data and b"\r\n\r\n" not in buf:
                pending[conn] = buf
                continue
            sel.unregister(conn)
            del pending[conn]
            if data:
                try:
                    conn.send(RESPONSE)   # far below the send buffer: one call writes it all
                except ConnectionError:
                    pass
            conn.close()


if __name__ == "__main__":
    main()
