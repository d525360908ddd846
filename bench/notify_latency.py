#!/usr/bin/env python3
"""Delivery latency of notifications: from the alert's commit to the endpoint.

Starts a real `mimamori run` (tests/e2e/harness.py) with one webhook channel
(generic JSON) to an HTTP receiver, or one smtp channel to an aiosmtpd server
(plain, no TLS), on 127.0.0.1.  Sends N syslog lines, PACE seconds apart,
each raising its own alert, and waits until all are delivered.

  commit -> receipt   outbox.created_ns (set in the alert's transaction, a few
                      ms before its COMMIT) to the receiver's clock at arrival
  syslog -> receipt   alerts.recv_ns (the line received) to arrival

Same host, same clock.  Usage: bench/notify_latency.py [webhook|smtp] [N] [PACE]
Needs build/mimamori (or MIMAMORI_BIN).
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
os.environ.setdefault("MIMAMORI_SOURCE", os.path.join(HERE, ".."))
os.environ.setdefault("MIMAMORI_BIN", os.path.join(HERE, "..", "build", "mimamori"))
from harness import Daemon, rfc3164, wait_for  # noqa: E402
from notify_servers import Webhook, free_port, rule  # noqa: E402


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "webhook"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    pace = float(sys.argv[3]) if len(sys.argv) > 3 else 0.02
    arrivals = {}  # key -> ns
    if kind == "webhook":
        server = Webhook()
        extra = "  - name: bench\n    type: webhook\n    url: %s\n" % server.url("/b")
    else:
        from aiosmtpd.controller import Controller

        class H:
            async def handle_DATA(self, srv, session, env):
                for l in env.content.split(b"\r\n"):
                    if l.startswith(b"X-Mimamori-Delivery: "):
                        arrivals[l.split(b": ", 1)[1].decode()] = time.time_ns()
                return "250 OK"
        port = free_port()
        server = Controller(H(), hostname="127.0.0.1", port=port)
        server.start()
        extra = ("  - name: bench\n    type: smtp\n    url: smtp://127.0.0.1:%d\n"
                 "    starttls: none\n    from: mm@example.jp\n    to: a@example.jp\n" % port)
    d = Daemon(rules={"b.yml": rule("bench-notify", "Bench", "bench ", "high")},
               extra_config=extra)
    try:
        with d:
            for i in range(n):
                d.send_udp([rfc3164("bench %d" % i, app="b")])
                time.sleep(pace)
            wait_for(lambda: d.query("SELECT count(*) FROM outbox WHERE channel = 'bench' AND"
                                     " state = 'sent'")[0][0] == n, 120, "every delivery")
            if kind == "webhook":
                for r in server.got("/b", 200):
                    arrivals[r["headers"]["Idempotency-Key"]] = r["t_ns"]
            rows = d.query("SELECT o.delivery_key, o.created_ns, a.recv_ns FROM outbox o"
                           " JOIN alerts a ON a.id = o.alert_id WHERE o.channel = 'bench'")
            d.stop()
    finally:
        if kind == "webhook":
            server.close()
        else:
            server.stop()
    commit = [(arrivals[k] - c) / 1e6 for k, c, _ in rows if k in arrivals]
    e2e = [(arrivals[k] - r) / 1e6 for k, _, r in rows if k in arrivals]
    print("%s: %d alerts, %d delivered, one every %.0f ms" % (kind, n, len(commit), pace * 1000))
    for name, v in (("commit -> receipt", commit), ("syslog -> receipt", e2e)):
        print("  %-18s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms" %
              (name, pct(v, 50), pct(v, 99), max(v)))


if __name__ == "__main__":
    main()
