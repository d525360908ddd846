"""Scenario: the box only trusts the gateway's network.

With allowed_sources 10.0.0.0/8, lines from 127.0.0.1 over UDP and TCP are
dropped and counted (dropped_denied), and raise nothing.  Over IPv6 (::1) an
allowed peer's line is received and parsed.
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402

LINE = rfc3164("Failed password for root from 203.0.113.9 port 4242 ssh2")


def main():
    with Daemon(allowed=("10.0.0.0/8",)) as d:
        d.send_udp([LINE] * 5)
        try:
            d.send_tcp([LINE] * 5)
        except OSError:
            pass  # the daemon may close a denied connection at once
        wait_for(lambda: d.counter("dropped_denied") >= 6, 10, "denied peers to be counted")
        if d.alerts():
            fail("a denied peer must raise no alert")
        if d.stop() != 0:
            fail("daemon should exit 0")

    try:
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
        has_v6 = True
    except OSError:
        has_v6 = False
    if has_v6:
        with Daemon(listen=("udp://[::1]:0", "tcp://[::1]:0"), allowed=("::1",)) as d:
            d.send_udp([LINE], host="::1")
            d.send_tcp([LINE], host="::1")
            wait_for(lambda: d.counter("received") >= 2, 10, "IPv6 lines to be received")
            if d.stop() != 0:
                fail("daemon should exit 0")
    passed("allowed_sources enforced; IPv6 accepted")


if __name__ == "__main__":
    main()
