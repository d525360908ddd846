"""Scenario: the operator's day at the terminal.

A daemon runs and receives failed logins from two addresses and one root
login.  `mimamori status` says it is running (pid, since when, messages/s,
the source 127.0.0.1 with its host name) and exits 0.  `mimamori alerts
--follow`, piped, prints a line per change: the new root-login incident, and
an update of the failed-login incident marked "updated".  `mimamori digest`
groups by incident, worst first (the high root login above the low failed
logins), marks them ongoing, and speaks text, jsonl and self-contained HTML;
piped output carries no colour.  `--until` in the past shows nothing.  After
SIGTERM, `status` says "stopped" and exits 3.
"""
import json
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from opsrules import RULES, accepted, failed  # noqa: E402


def follow(d, lines):
    p = subprocess.Popen([BIN, "alerts", "-c", d.config, "--follow"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=dict(os.environ, NO_COLOR="1"))

    def read():
        for l in p.stdout:
            lines.append(l)
    t = threading.Thread(target=read, daemon=True)
    t.start()
    return p


def main():
    with Daemon(rules=RULES) as d:
        d.send_udp([rfc3164(failed("203.0.113.9")) for _ in range(3)])
        d.send_udp([rfc3164(failed("203.0.113.10"))])
        wait_for(lambda: len(d.alerts()) == 2 and sum(a["count"] for a in d.alerts()) == 4, 10,
                 "two failed-login incidents")

        r = d.cli("status", "-c", d.config)
        out = r.stdout
        if "running (pid %d)" % d.proc.pid not in out:
            fail("status should say running with the pid:\n" + out)
        for want in ("/s now", "127.0.0.1", "gw01", "database", "jsonfile"):
            if want not in out:
                fail("status lacks %r:\n%s" % (want, out))
        if "\033[" in out:
            fail("status piped must not colour:\n" + out)

        # --follow, piped: one line per change; an update is marked
        lines = []
        p = follow(d, lines)
        try:
            wait_for(lambda: len(lines) >= 2, 10, "the follow listing")
            d.send_udp([rfc3164(accepted("198.51.100.7"))])
            wait_for(lambda: any("Test root login" in l for l in lines), 10, "a new alert line")
            d.send_udp([rfc3164(failed("203.0.113.9"))])
            wait_for(lambda: any("updated" in l and "203.0.113.9" in l for l in lines), 10,
                     "an update line for 203.0.113.9")
        finally:
            p.terminate()
            p.wait(10)
        upd = [l for l in lines if "updated" in l]
        if len(upd) != 1 or " 4 " not in upd[0]:
            fail("expected one update line with count 4:\n" + "".join(lines))

        txt = d.cli("digest", "-c", d.config).stdout
        rows = [l for l in txt.splitlines() if l.startswith(("high", "low"))]
        if len(rows) != 3 or not rows[0].startswith("high") or "ongoing" not in rows[0]:
            fail("digest should list 3 incidents, the high one first, ongoing:\n" + txt)
        if "\033[" in txt:
            fail("digest piped must not colour")
        js = [json.loads(l) for l in d.cli("digest", "-c", d.config, "--format", "jsonl")
              .stdout.splitlines()]
        if [j["severity"] for j in js] != ["high", "low", "low"]:
            fail("jsonl digest should be worst first: %s" % js)
        top_low = js[1]
        if top_low["group_key"] != "source.ip=203.0.113.9" or top_low["count"] != 4 or \
                not top_low["ongoing"]:
            fail("the busier failed-login incident comes first, count 4, ongoing: %s" % top_low)
        html = d.cli("digest", "-c", d.config, "--format", "html").stdout
        if not html.startswith("<!DOCTYPE html>") or "<table>" not in html or \
                "203.0.113.9" not in html or "http" in html.split("<body>")[1]:
            fail("html digest should be a self-contained table:\n" + html[:500])
        none = d.cli("digest", "-c", d.config, "--since", "3h", "--until", "2h").stdout
        if "No alerts" not in none:
            fail("a past period without alerts should say so:\n" + none)
        old = d.cli("alerts", "-c", d.config, "--until", "1h").stdout
        if old.strip():
            fail("alerts --until 1h should list nothing:\n" + old)

        if d.stop() != 0:
            fail("daemon should exit 0")
        r = d.cli("status", "-c", d.config, check=False)
        if r.returncode != 3 or "stopped at" not in r.stdout:
            fail("status after stop should exit 3 and say stopped (%d):\n%s"
                 % (r.returncode, r.stdout))
    passed("status, alerts --follow, digest")


if __name__ == "__main__":
    main()
