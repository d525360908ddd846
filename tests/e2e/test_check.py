"""Scenario: the operator validates a change before reloading.

`mimamori check` on a good config and the shipped rules prints "configuration
OK" and exits 0.  With a broken rule file and a config with an unknown key,
it prints every error as file:line:col: reason and exits non-zero.  A rule
whose example does not match is reported too.  The shipped rules' examples
pass in every time zone (check runs them in the configured one, and the
service runs check before it starts): a time-of-day example must not carry a
zone of its own.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, SOURCE, fail, passed  # noqa: E402

BAD_RULE = """title: Looks fine
id: check-bad-1
level: high
logsource: {product: linux}
detection:
  sel:
    message|nosuchmodifier: x
  condition: sel
---
title: Condition names a missing selection
id: check-bad-2
level: low
detection:
  sel:
    message: x
  condition: sel and other
"""
BAD_EXAMPLE = """title: Example that cannot match
id: check-bad-example
level: low
logsource: {product: linux}
detection:
  sel:
    message|contains: NEEDLE
  condition: sel
examples:
  match:
    - "<13>Nov 21 10:00:00 gw01 app: no such word here"
"""


def check(cfg):
    return subprocess.run([BIN, "check", "-c", cfg], capture_output=True, text=True, timeout=60)


def main():
    r = check(os.path.join(SOURCE, "conf", "mimamori.yaml"))
    if r.returncode != 0 or "configuration OK" not in r.stdout:
        fail("shipped config should check OK:\n%s%s" % (r.stdout, r.stderr))

    with tempfile.TemporaryDirectory() as tmp:
        # the shipped config in other zones, its relative paths made absolute
        with open(os.path.join(SOURCE, "conf", "mimamori.yaml")) as f:
            text = f.read()
        text = text.replace("../", SOURCE + "/").replace(
            "holidays: holidays-jp.txt", "holidays: %s/conf/holidays-jp.txt" % SOURCE)
        for tz in ("UTC", "America/New_York", "Europe/Berlin", "Pacific/Auckland"):
            cfg = os.path.join(tmp, "tz.yaml")
            with open(cfg, "w") as f:
                f.write(re.sub(r"(?m)^timezone: .*$", "timezone: " + tz, text))
            r = check(cfg)
            if r.returncode != 0 or "configuration OK" not in r.stdout:
                fail("the shipped rules should check OK with timezone %s:\n%s%s"
                     % (tz, r.stdout, r.stderr))

        os.mkdir(os.path.join(tmp, "rules"))
        with open(os.path.join(tmp, "rules", "bad.yml"), "w") as f:
            f.write(BAD_RULE)
        cfg = os.path.join(tmp, "m.yaml")
        with open(cfg, "w") as f:
            f.write("database: m.db\nrules: [rules]\n")
        r = check(cfg)
        if r.returncode == 0:
            fail("broken rules must fail the check")
        if not re.search(r"bad\.yml:7:\d+: .*nosuchmodifier", r.stderr):
            fail("expected bad.yml:7:col naming the modifier:\n" + r.stderr)
        if not re.search(r"bad\.yml:1[0-9]:\d+: .*other", r.stderr):
            fail("expected an error naming the missing selection 'other':\n" + r.stderr)

        with open(cfg, "w") as f:
            f.write("database: m.db\nrules: [rules]\nlisten_typo: []\n")
        r = check(cfg)
        if r.returncode == 0 or not re.search(r"m\.yaml:3:1: .*listen_typo", r.stderr):
            fail("an unknown config key should be reported at m.yaml:3:1:\n" + r.stderr)

        os.unlink(os.path.join(tmp, "rules", "bad.yml"))
        with open(os.path.join(tmp, "rules", "ex.yml"), "w") as f:
            f.write(BAD_EXAMPLE)
        with open(cfg, "w") as f:
            f.write("database: m.db\nrules: [rules]\n")
        r = check(cfg)
        if r.returncode == 0 or "check-bad-example" not in r.stderr:
            fail("a failing example should be reported with the rule id:\n" + r.stderr)
    passed("check: OK config in five zones, rule errors with positions, config errors, "
           "failing examples")


if __name__ == "__main__":
    main()
