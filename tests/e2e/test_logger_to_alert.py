"""Scenario: an administrator types the README's `logger` command.

`logger -n 127.0.0.1 -P PORT -d "Failed password for root from 203.0.113.9 port 4242 ssh2"`
(UDP) and the same with -T (TCP) reach a running daemon with the default
ruleset; each becomes an alert in SQLite within a second or two; the alert has
the one JSON shape; `mimamori alerts` lists it for a person and as JSON lines;
the file notify channel got it once.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, wait_for  # noqa: E402

MSG = "Failed password for root from 203.0.113.9 port 4242 ssh2"
KEYS = {"@timestamp", "rule", "severity", "count", "first_seen", "last_seen", "group", "fields",
        "evidence"}


def check_shape(a):
    missing = KEYS - set(a)
    if missing:
        fail("alert lacks %s: %s" % (sorted(missing), a))
    if not {"id", "title", "tags"} <= set(a["rule"]):
        fail("alert rule lacks id/title/tags: %s" % a["rule"])
    if a["severity"] not in ("informational", "low", "medium", "high", "critical"):
        fail("bad severity %r" % a["severity"])
    if not a["evidence"] or MSG not in a["evidence"][0]:
        fail("evidence should hold the raw line: %s" % a["evidence"])
    if a["fields"].get("source.ip") != "203.0.113.9":
        fail("fields should carry source.ip 203.0.113.9: %s" % a["fields"])


def main():
    if shutil.which("logger") is None:
        fail("logger (bsdutils) is not installed")
    with Daemon() as d:
        port = d.ports["udp"]
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(port), "-d", MSG], check=True,
                       timeout=10)
        rows = wait_for(lambda: d.alerts(), 5, "an alert from the UDP logger line")
        check_shape(rows[0])
        n_udp = len(rows)

        # TCP: a second daemon port; the default rule groups by source.ip, so the same line
        # updates the incident instead of raising a new one: count goes to 2
        subprocess.run(["logger", "-n", "127.0.0.1", "-P", str(d.ports["tcp"]), "-T", MSG],
                       check=True, timeout=10)
        wait_for(lambda: d.counter("received") >= 2 and
                 sum(a["count"] for a in d.alerts()) >= n_udp + 1, 5,
                 "the TCP logger line to be counted in an alert")

        out = d.cli("alerts", "-c", d.config).stdout
        if "203.0.113.9" not in out:
            fail("`mimamori alerts` should show the group 203.0.113.9:\n" + out)
        js = d.cli("alerts", "-c", d.config, "--format", "jsonl").stdout.strip().splitlines()
        if not js:
            fail("`mimamori alerts --format jsonl` printed nothing")
        for line in js:
            check_shape(json.loads(line))
        hi = d.cli("alerts", "-c", d.config, "--min-severity", "critical").stdout
        if "203.0.113.9" in hi:
            fail("--min-severity critical should hide a lower alert:\n" + hi)
        recent = d.cli("alerts", "-c", d.config, "--since", "1h").stdout
        if "203.0.113.9" not in recent:
            fail("--since 1h should show the alert:\n" + recent)

        if d.stop() != 0:
            fail("daemon should exit 0 on SIGTERM")
        with open(d.alerts_file) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        ids = [l.get("id") for l in lines]
        if len(lines) != n_udp or len(set(ids)) != len(ids):
            fail("file channel should hold each new alert once, got %d lines for %d alerts"
                 % (len(lines), n_udp))
    passed("logger UDP and TCP lines become alerts")


if __name__ == "__main__":
    main()
