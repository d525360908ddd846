"""Scenario: the weekly report of the attack week, from the hourly roll-ups.

The scenario attack week is imported into a fresh database (timezone
Asia/Tokyo); `mimamori report --since 2026-11-02 --until 2026-11-09`:
- JSON: events per day equal the lines per JST date of the file, allowed +
  denied never exceed them, alerts by severity equal the incidents in the
  alerts table that overlap the week, the port scanner 198.51.100.99 is the
  top attacker, the branch FortiGate's Thursday afternoon silence is a gap,
  VPN failures are counted, and the previous week is empty;
- the week after compares against the attack week (previous = its totals);
- text has every section, HTML is one self-contained page (no script, no
  external URL, inline SVG), `--lang ja` has Japanese labels and every
  rule's Japanese title and what to do (`translations:`; the JSON keeps the
  English and adds title_translated), English titles when the rules do not
  load;
- `--week` (the previous full week of today) and `-o FILE` work on an empty
  period; bad options exit 2.
"""
import json
import os
import re
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import SOURCE, fail, passed  # noqa: E402
from reportweek import install, lines_per_day, report  # noqa: E402

SINCE, UNTIL = "2026-11-02", "2026-11-09"
W0, W1 = 1793545200 * 10**9, 1794150000 * 10**9  # the week's bounds, JST midnights


def rule_texts(cfg, tmp, j, ja, jah):
    """--lang ja shows the rules' Japanese title and what to do (`translations:`)."""
    crit = "ログイン失敗が繰り返された後にログイン成功"  # the critical rule of the week
    if crit not in ja or crit not in jah:
        fail("--lang ja lacks the Japanese rule title %r" % crit)
    jj = json.loads(report(cfg, "--since", SINCE, "--until", UNTIL, "--lang", "ja",
                           "--format", "json").stdout)
    if any("title_translated" in x for x in j["rules"] + j["incidents"]):
        fail("the English JSON report has translated titles")
    if [x["title"] for x in jj["rules"] if "title_translated" not in x]:
        fail("rules without a Japanese title: %s" % jj["rules"])
    flat = "".join(line.strip() for line in ja.splitlines())  # what to do is wrapped
    for x in jj["rules"]:
        if x["title_translated"] not in ja or x["title_translated"] not in jah:
            fail("--lang ja lacks %r" % x["title_translated"])
        if x["title"] in ja:
            fail("--lang ja still shows the English title %r" % x["title"])
    todo = jj["incidents"][0]["what_to_do_translated"]
    if todo not in flat or todo not in jah or jj["incidents"][0]["what_to_do"] in ja:
        fail("--lang ja lacks the Japanese what to do: %r" % todo)
    # rules that do not load (someone is editing one): English titles, a warning, exit 0
    broken = os.path.join(tmp, "rules-broken")
    shutil.copytree(os.path.join(SOURCE, "rules"), broken)
    with open(os.path.join(broken, "gateway", "vpn.yml"), "a") as f:
        f.write("---\ntitle: half-written\n")
    cfg2 = os.path.join(tmp, "broken.yaml")
    with open(cfg) as f, open(cfg2, "w") as g:
        g.write(re.sub(r"(?m)^rules: .*$", "rules: " + broken, f.read()))
    r = report(cfg2, "--since", SINCE, "--until", UNTIL, "--lang", "ja")
    if "rule titles are in English" not in r.stderr or crit in r.stdout or \
            "Sign-in succeeded after repeated failures" not in r.stdout:
        fail("broken rules: %s" % r.stderr)


def main():
    tmp, cfg = install()
    j = json.loads(report(cfg, "--since", SINCE, "--until", UNTIL, "--format", "json").stdout)
    per_day = lines_per_day()
    days = [(d["date"], d["events"]) for d in j["days"]]
    want = [(d, per_day[d]) for d in sorted(per_day) if SINCE <= d < UNTIL]
    if days != want:
        fail("events per day %s, the file has %s" % (days, want))
    t = j["totals"]
    if t["events"] != sum(n for _, n in want):
        fail("total events %d" % t["events"])
    for d in j["days"]:
        if d["allowed"] + d["denied"] > d["events"] or sum(d["devices"].values()) != d["events"]:
            fail("day %s does not add up: %s" % (d["date"], d))
    con = sqlite3.connect(os.path.join(tmp, "mimamori.db"))
    names = ["informational", "low", "medium", "high", "critical"]
    sev = dict((names[s], n) for s, n in con.execute(
        "SELECT severity, count(*) FROM alerts WHERE last_seen_ns >= ? AND first_seen_ns < ?"
        " GROUP BY severity", (W0, W1)))
    got = dict((k, v) for k, v in t["by_severity"].items() if v)
    if got != sev or t["alerts"] != sum(sev.values()) or sev.get("critical", 0) < 1:
        fail("alerts by severity %s, the database has %s" % (got, sev))
    if t["high_alerts"] != sev.get("high", 0) + sev.get("critical", 0):
        fail("high alerts %d" % t["high_alerts"])
    att = j["top"]["attackers"]
    if not att or att[0]["address"] != "198.51.100.99" or att[0]["events"] < 600:
        fail("top attacker: %s" % att[:3])
    if "192.168.1.57" not in [h["address"] for h in j["top"]["blocked_hosts"]]:
        fail("the infected PC is not among the blocked hosts")
    if t["vpn_failures"] < 70 or not j["logins"]["vpn"]:
        fail("VPN failures %d" % t["vpn_failures"])
    branch = [s for s in j["sources"] if s["name"] == "FGT40F-BRANCH"]
    gaps = branch[0]["gaps"] if branch else []
    # Thu 11-05 13:00 - 17:00 JST
    if [(g["from"], g["hours"]) for g in gaps] != [("2026-11-05T04:00:00.000Z", 4)]:
        fail("branch gaps %s" % gaps)
    if any(s["gaps"] for s in j["sources"] if s["name"] != "FGT40F-BRANCH"):
        fail("only the branch was silent: %s" % j["sources"])
    if j["previous"]["events"] != 0 or not j["incidents"] or not j["incidents"][0]["what_to_do"]:
        fail("previous week / incidents: %s" % j["previous"])

    nxt = json.loads(report(cfg, "--since", "2026-11-09", "--until", "2026-11-16",
                            "--format", "json").stdout)
    if nxt["previous"]["events"] != t["events"] or nxt["previous"]["alerts"] != t["alerts"]:
        fail("the next week should compare with the attack week: %s" % nxt["previous"])

    text = report(cfg, "--since", SINCE, "--until", UNTIL).stdout
    for want_s in ("Events per day", "Alerts by severity", "Incidents and what to do",
                   "Top attacking addresses", "198.51.100.99", "VPN sign-ins",
                   "Log sources and silent periods", "FGT40F-BRANCH", "What to do:"):
        if want_s not in text:
            fail("text lacks %r" % want_s)
    html = report(cfg, "--since", SINCE, "--until", UNTIL, "--format", "html").stdout
    if not html.startswith("<!DOCTYPE html>") or "<script" in html or "http://" in \
            html.replace("http://www.w3.org/2000/svg", "") or "https://" in html:
        fail("HTML must be self-contained")
    if html.count("<svg") < 3 or "<rect" not in html:
        fail("HTML lacks its charts")
    ja = report(cfg, "--since", SINCE, "--until", UNTIL, "--lang", "ja").stdout
    for want_s in ("セキュリティレポート", "重要度別アラート", "インシデントと対処方法", "VPNログイン",
                   "無通信"):
        if want_s not in ja:
            fail("--lang ja lacks %r" % want_s)
    jah = report(cfg, "--since", SINCE, "--until", UNTIL, "--lang", "ja", "--format", "html").stdout
    if '<html lang="ja">' not in jah or "日別ログ件数" not in jah:
        fail("Japanese HTML")
    rule_texts(cfg, tmp, j, ja, jah)

    out = os.path.join(tmp, "week.html")
    report(cfg, "--week", "--format", "html", "-o", out)
    if "Weekly security report" not in open(out, encoding="utf-8").read():
        fail("--week -o FILE")
    for bad in (["--format", "pdf"], ["--lang", "fr"], ["--week", "--since", "7d"]):
        if report(cfg, *bad, check=False).returncode != 2:
            fail("%s should exit 2" % bad)
    passed("report of the attack week: per day, severity, top attacker, gaps, comparison, "
           "text/html/json, ja with the rules' Japanese texts")


if __name__ == "__main__":
    main()
