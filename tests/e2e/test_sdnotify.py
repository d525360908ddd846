"""Scenario: systemd runs the daemon (Type=notify, WatchdogSec=).

A datagram socket stands in for systemd's $NOTIFY_SOCKET, with
WATCHDOG_USEC=2000000.  The daemon says READY=1 with a STATUS= line once it
listens, pings WATCHDOG=1 about every second (half the timeout) with the
message and alert counts as STATUS=, and says STOPPING=1 on SIGTERM.
"""
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from opsrules import RULES, failed  # noqa: E402


def main():
    tmp = tempfile.mkdtemp(prefix="mimamori-notify-")
    path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.1)
    msgs = []

    def drain():
        while True:
            try:
                msgs.append(sock.recv(4096).decode())
            except socket.timeout:
                return msgs

    os.environ["NOTIFY_SOCKET"] = path
    os.environ["WATCHDOG_USEC"] = "2000000"
    try:
        with Daemon(rules=RULES) as d:
            wait_for(lambda: any(m.startswith("READY=1") for m in drain()), 5, "READY=1")
            ready = [m for m in msgs if m.startswith("READY=1")][0]
            if "STATUS=" not in ready or "rules" not in ready:
                fail("READY=1 should carry a STATUS line: %r" % ready)
            d.send_udp([rfc3164(failed("203.0.113.9"))])
            start = time.monotonic()
            wait_for(lambda: sum(m.startswith("WATCHDOG=1") for m in drain()) >= 3, 6,
                     "three watchdog pings")
            pings = [m for m in msgs if m.startswith("WATCHDOG=1")]
            if time.monotonic() - start < 1.5:
                fail("watchdog pings come at half the timeout, not faster: %s" % pings)
            wait_for(lambda: any("1 messages, 1 alerts" in m for m in drain()), 5,
                     "a STATUS with the counts")
            if d.stop() != 0:
                fail("daemon should exit 0")
            if not any(m.startswith("STOPPING=1") for m in drain()):
                fail("no STOPPING=1: %s" % msgs)
    finally:
        del os.environ["NOTIFY_SOCKET"]
        del os.environ["WATCHDOG_USEC"]
        sock.close()
        os.unlink(path)
        os.rmdir(tmp)
    passed("sd_notify READY, WATCHDOG, STATUS, STOPPING")


if __name__ == "__main__":
    main()
