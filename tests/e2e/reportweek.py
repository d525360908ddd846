"""Shared by the report tests: a temporary installation (Asia/Tokyo, the
repository's rules, lists and holidays) whose database holds the scenario
attack week (tests/fixtures/scenarios/attack_week.log, Mon 2026-11-02 to Sun
2026-11-08 JST) loaded with `mimamori import`, plus the expected numbers
counted straight from the file's header timestamps."""
import collections
import datetime as dt
import os
import re
import subprocess
import tempfile

from harness import BIN, SOURCE, fail

SCEN = os.path.join(SOURCE, "tests", "fixtures", "scenarios")
WEEK = os.path.join(SCEN, "attack_week.log")
JST = dt.timezone(dt.timedelta(hours=9))


def install(extra=""):
    tmp = tempfile.mkdtemp(prefix="mimamori-report-")
    src = os.path.abspath(SOURCE)
    cfg = os.path.join(tmp, "mimamori.yaml")
    with open(cfg, "w") as f:
        f.write("""timezone: Asia/Tokyo
database: mimamori.db
rules: %(s)s/rules
lists:
  threat_ips: {type: ip, path: %(s)s/lists/threat_ips.txt}
  threat_domains: {type: domain, path: %(s)s/lists/threat_domains.txt}
  allowed_countries: {type: string, path: %(s)s/lists/allowed_countries.txt}
business_hours: {start: "09:00", end: "18:00", days: [mon, tue, wed, thu, fri]}
holidays: %(s)s/conf/holidays-jp.txt
""" % {"s": src} + extra)
    r = subprocess.run([BIN, "import", "-c", cfg, WEEK], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        fail("import exited %d: %s" % (r.returncode, r.stderr))
    return tmp, cfg


def lines_per_day():
    """Lines per JST date, from the RFC 5424 timestamps of the file."""
    days = collections.Counter()
    with open(WEEK) as f:
        for l in f:
            m = re.match(r"<\d+>1 (\S+) ", l)
            if m:
                days[dt.datetime.fromisoformat(m.group(1)).astimezone(JST).date().isoformat()] += 1
    return days


def report(cfg, *args, check=True):
    r = subprocess.run([BIN, "report", "-c", cfg] + list(args), capture_output=True, text=True,
                       timeout=60)
    if check and r.returncode != 0:
        fail("report %s exited %d:\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r
