"""Scenario: a new installation starts with last month's history.

A log file from last week (RFC 3164 lines of host gw01, one line with no
time of its own) and a second file on stdin are imported into the configured
database before the daemon ever ran.  The alerts carry the lines' own times
as first/last seen (not the import's), the source gw01 was last heard at the
last line's time, no notification was queued (old alerts must not page
anyone), and the daemon's counters were left alone.  `digest` over that past
week shows the incidents as over; `status` says the daemon is not running
(exit 3) and flags the imported source as silent.  With the daemon running,
`import` refuses: two writers would hand out the same change numbers.
"""
import calendar
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed  # noqa: E402
from opsrules import RULES, accepted, failed  # noqa: E402

NS = 1000000000


def line(t, msg, host="gw01"):
    return "<38>%s %s sshd[811]: %s" % (time.strftime("%b %e %H:%M:%S", time.gmtime(t)), host, msg)


def main():
    d = Daemon(rules=RULES)
    try:
        # noon (UTC) a week ago, on whole seconds (RFC 3164 has no fraction): far from the
        # day's end, so the day's digest sees every incident as over whatever the hour now
        t0 = (calendar.timegm(time.gmtime(time.time() - 7 * 86400)) // 86400) * 86400 + 12 * 3600
        lines = [line(t0 + 10 * i, failed("203.0.113.9")) for i in range(5)]
        lines.append("a line with no time of its own")
        lines.append(line(t0 + 100, accepted("198.51.100.7")))
        path = os.path.join(d.dir, "auth.log.1")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = d.cli("import", "-c", d.config, path)
        if "imported 7 lines from 1 file" not in r.stderr:
            fail("import should report its lines:\n" + r.stderr)
        stdin_lines = line(t0 + 200, failed("192.0.2.44"), host="fw02") + "\n"
        d.cli("import", "-c", d.config, "-", input=stdin_lines)

        rows = d.query("SELECT title, group_key, count, first_seen_ns, last_seen_ns FROM alerts"
                       " ORDER BY first_seen_ns")
        want = [("Test failed login", "source.ip=203.0.113.9", 5, t0 * NS, (t0 + 40) * NS),
                ("Test root login", "source.ip=198.51.100.7", 1, (t0 + 100) * NS, (t0 + 100) * NS),
                ("Test failed login", "source.ip=192.0.2.44", 1, (t0 + 200) * NS, (t0 + 200) * NS)]
        if rows != want:
            fail("imported alerts should be on the lines' own times:\n%s\nwant\n%s" % (rows, want))
        if d.query("SELECT count(*) FROM outbox")[0][0] != 0:
            fail("import must not queue notifications")
        if d.query("SELECT count(*) FROM counters")[0][0] != 0:
            fail("import must not write the daemon's counters")
        src = dict((r[0], r[1:]) for r in d.query(
            "SELECT source, first_seen_ns, last_seen_ns, received FROM sources"))
        if src.get("gw01") != (t0 * NS, (t0 + 100) * NS, 6) or "fw02" not in src:
            fail("sources should be named by host, on event time: %s" % src)

        day = time.strftime("%Y-%m-%d", time.gmtime(t0))
        nxt = time.strftime("%Y-%m-%d", time.gmtime(t0 + 86400))
        txt = d.cli("digest", "-c", d.config, "--since", day, "--until", nxt).stdout
        inc = [l for l in txt.splitlines() if l.startswith(("high", "low"))]
        if len(inc) != 3 or not inc[0].startswith("high") or any("ongoing" in l for l in inc):
            fail("digest of that day: 3 incidents, worst first, all over:\n" + txt)
        if "No alerts" not in d.cli("digest", "-c", d.config).stdout:
            fail("the last 24 h hold no imported alert")

        st = d.cli("status", "-c", d.config, check=False)
        if st.returncode != 3 or "not running" not in st.stdout or "SILENT" not in st.stdout:
            fail("status before the first start: not running, exit 3, silent source:\n"
                 + st.stdout)

        d.start()
        r = d.cli("import", "-c", d.config, path, check=False)
        if r.returncode == 0 or "stop it" not in r.stderr:
            fail("import next to a running daemon should refuse:\n" + r.stderr)
        if d.stop() != 0:
            fail("daemon should exit 0")
    except BaseException:
        d.__exit__(*sys.exc_info())
        raise
    d.__exit__(None, None, None)
    passed("import of last week's logs")


if __name__ == "__main__":
    main()
