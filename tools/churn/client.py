#!/usr/bin/env python3
"""client.py ADDR PORT [CONCURRENCY] [SECONDS]: HTTP load with one new TCP connection per request.

CONCURRENCY (default 16) requests are always in flight; each opens a connection, sends
"GET / HTTP/1.1" with "Connection: close", reads the response to EOF, closes, and the slot opens
the next one at once (fortio -keepalive=false). Connection setup is left to the kernel: a lost
SYN is retransmitted with its usual back-off, and only an error the kernel reports counts as a
failure. At the end of each whole second it prints one line "SECOND COMPLETED FAILED" (SECOND
counted from 0, as meshsim's per-second rows; the counts within that second) and flushes, so a
reader can sample other counters at the same moment.
Stops after SECONDS (default 20), abandoning what is still in flight."""
import errno, selectors, socket, sys, time

REQUEST = b"GET / HTTP/1.1\r\nHost: churn\r\nConnection: close\r\n\r\n"


def main():
    if not 3 <= len(sys.argv) <= 5:
        sys.exit("usage: client.py ADDR PORT [CONCURRENCY] [SECONDS]")
    target = (sys.argv[1], int(sys.argv[2]))
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    sel = selectors.DefaultSelector()
    done = failed = 0

    def open_one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex(target)
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            return False
        sel.register(s, selectors.EVENT_WRITE, "connecting")
        return True

    missing = concurrency   # slots without a connection in flight
    start = time.monotonic()
    second = 1
    while second <= seconds:
        deadline = start + second
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            print(second - 1, done, failed, flush=True)
            done = failed = 0
            second += 1
            continue
        for key, _ in sel.select(min(timeout, 0.01) if missing else timeout):
            s = key.fileobj
            if key.data == "connecting":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                ok = err == 0
                if ok:
                    try:
                        s.send(REQUEST)
                        sel.modify(s, selectors.EVENT_READ, "reading")
                        continue
                    except OSError:
                        ok = False
                failed += 1
                sel.unregister(s)
                s.close()
                missing += 1
                continue
            try:
                data = s.recv(65536)
            except OSError:   # reset: the request failed
                data = None
            if data:
                if key.data == "reading":
                    sel.modify(s, selectors.EVENT_READ, "answered")
                continue
            if key.data == "answered" and data is not None:
                done += 1
            else:
                failed += 1
            sel.unregister(s)
            s.close()
            missing += 1
        while missing:   # refill the slots; a connect() the kernel refuses outright is retried soon
            if not open_one():
                failed += 1
                break
            missing -= 1

if __name__ == "__main__":
    main()
