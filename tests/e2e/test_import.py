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

The same file imported twice, into two fresh databases, gives the same alerts
however fast the lines go through: the correlation timers (window expiry,
absence) run on event time, not on the wall clock.  The file, generated here,
has two gateways over 75 minutes, one of which goes silent, and bursts under
the default correlation rules (an office PC blocked going out, an inbound port
scan, VPN password guessing) that stop, stay quiet for longer than their
window, and come back.  One import reads the file at full speed, the other
from stdin with a pause of more than a second (the live timer's period) in
the middle of the quiet; both must equal what `replay` raises from the file.
"""
import calendar
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, Daemon, fail, passed  # noqa: E402
from opsrules import RULES, accepted, failed  # noqa: E402

NS = 1000000000


def line(t, msg, host="gw01"):
    return "<38>%s %s sshd[811]: %s" % (time.strftime("%b %e %H:%M:%S", time.gmtime(t)), host, msg)


def fgt(t, body, dev="FGT60F-HQ"):
    return '<189>date=%s time=%s devname="%s" devid="FGT60FTK22090001" tz="+0000" %s' % (
        time.strftime("%Y-%m-%d", time.gmtime(t)), time.strftime("%H:%M:%S", time.gmtime(t)), dev,
        body)


def traffic(src, dst, port, action, inside):
    lan, wan = ('"internal" srcintfrole="lan"', '"wan1" dstintfrole="wan"') if inside else \
        ('"wan1" srcintfrole="wan"', '"internal" dstintfrole="lan"')
    return ('logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" '
            'srcip=%s srcport=50000 srcintf=%s dstip=%s dstport=%d dstintf=%s sessionid=1 '
            'proto=6 action="%s" policyid=0 policytype="policy" service="tcp/%d" sentbyte=0 '
            'rcvdbyte=0' % (src, lan, dst, port, wan, action, port))


def vpn_failed(ip, user):
    return ('logid="0101039426" type="event" subtype="vpn" level="alert" vd="root" '
            'logdesc="SSL VPN login fail" action="ssl-login-fail" tunneltype="ssl-web" tunnelid=0 '
            'remip=%s user="%s" group="N/A" reason="sslvpn_login_permission_denied" '
            'msg="SSL user failed to logged in"' % (ip, user))


def windows_fixture(t0):
    """(event time, line) in time order: each burst stops, stays quiet for longer than its
    rule's window (plus the 60 s tolerance), then comes back enough to fire."""
    ev = [(t0 + i, fgt(t0 + i, traffic("192.168.1.%d" % (10 + i % 7), "198.51.100.80", 443,
                                        "close", True))) for i in range(0, 75 * 60, 2)]
    ev += [(t0 + i, fgt(t0 + i, traffic("192.168.2.5", "198.51.100.81", 443, "close", True),
                        dev="FGT40F-BRANCH")) for i in range(0, 60, 2)]
    for start, n in ((120, 8), (20 * 60, 25)):  # blocked going out: 20 in 10 min
        ev += [(t0 + start + 2 * k, fgt(t0 + start + 2 * k, traffic(
            "192.168.1.23", "203.0.113.%d" % (k + 1), 445, "deny", True))) for k in range(n)]
    for start, n, port in ((180, 10, 20), (25 * 60, 20, 1000)):  # port scan: 15 in 5 min
        ev += [(t0 + start + k, fgt(t0 + start + k, traffic(
            "203.0.113.50", "192.168.1.2", port + k, "deny", False))) for k in range(n)]
    users = ["yamada", "sato", "admin", "test", "guest", "support"]
    for start, n in ((240, 4), (28 * 60, 12)):  # guessing: 10 in 5 min; spray: 5 names
        ev += [(t0 + start + 3 * k, fgt(t0 + start + 3 * k, vpn_failed(
            "198.51.100.20", users[k % len(users)]))) for k in range(n)]
    ev.sort(key=lambda e: e[0])
    return ev


def alert_set(rows):
    """What must not depend on the run: not the ids, not the times of receipt."""
    return sorted((a["rule"]["id"], a["count"], a["first_seen"], a["last_seen"],
                   json.dumps(a["group"], sort_keys=True)) for a in map(json.loads, rows))


def deterministic():
    t0 = (calendar.timegm(time.gmtime(time.time() - 7 * 86400)) // 86400) * 86400 + 3600
    ev = windows_fixture(t0)
    runs = []
    for paced in (False, True):
        d = Daemon()  # the shipped rules; a fresh database each
        try:
            path = os.path.join(d.dir, "fw.log")
            with open(path, "w") as f:
                f.write("".join(l + "\n" for _, l in ev))
            if not paced:
                d.cli("import", "-c", d.config, path)
            else:
                quiet = [l + "\n" for t, l in ev if t < t0 + 15 * 60]
                rest = [l + "\n" for t, l in ev if t >= t0 + 15 * 60]
                p = subprocess.Popen([BIN, "import", "-c", d.config, "-"], stdin=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                p.stdin.write("".join(quiet))
                p.stdin.flush()
                time.sleep(1.5)  # the point: the wall clock moves on in the middle of the file
                _, err = p.communicate("".join(rest), timeout=60)
                if p.returncode != 0:
                    fail("paced import exited %d:\n%s" % (p.returncode, err))
            runs.append(alert_set(r[0] for r in d.query("SELECT json FROM alerts")))
            if not paced:
                out = d.cli("replay", "-c", d.config, "--alerts", path).stdout
                replayed = alert_set(out.splitlines())
        except BaseException:
            d.__exit__(*sys.exc_info())
            raise
        d.__exit__(None, None, None)
    if runs[0] != runs[1]:
        fail("the same file imported twice gave different alerts:\nfast only %s\npaced only %s"
             % (sorted(set(runs[0]) - set(runs[1])), sorted(set(runs[1]) - set(runs[0]))))
    if runs[0] != replayed:
        fail("import and replay of the same file gave different alerts:\nimport only %s\n"
             "replay only %s" % (sorted(set(runs[0]) - set(replayed)),
                                 sorted(set(replayed) - set(runs[0]))))
    groups = " ".join(a[4] for a in runs[0])
    for who in ("192.168.1.23", "203.0.113.50", "198.51.100.20", "FGT40F-BRANCH"):
        if who not in groups:
            fail("the fixture should raise alerts for %s: %s" % (who, runs[0]))
    passed("the same file imported twice gives the same alerts")


def main():
    deterministic()
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
