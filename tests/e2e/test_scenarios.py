"""Scenario: a week of office logs, with and without attacks, through the default ruleset.

tests/fixtures/scenarios/normal_week.log and attack_week.log (written by
make_weeks.py beside them; its docstring lists what happens when) are
replayed with `mimamori replay --alerts` and a configuration that uses the
repository's rules/, lists/ and conf/holidays-jp.txt in Asia/Tokyo, as
conf/mimamori.yaml does, plus the allowed_countries list.

- the attack week raises exactly the expected rules, one incident each for
  the attacks (grouped by the attacker, the PC or the gateway), and none of
  the rules that only feed correlations;
- the normal week raises nothing of severity high or critical;
- replaying the attack week twice gives the same alerts (ids aside).
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, SOURCE, fail, passed  # noqa: E402

SCEN = os.path.join(SOURCE, "tests", "fixtures", "scenarios")

# rule ids (rules/gateway/*.yml, rules/linux/sshd.yml)
BRUTE = "c0a1e2b3-0001-4a00-9000-000000000001"
DISTRIBUTED = "c0a1e2b3-0001-4a00-9000-000000000003"
SUCCESS_AFTER = "c0a1e2b3-0001-4a00-9000-000000000004"
OUT_BLOCK = "c0a1e2b3-0001-4a00-9000-000000000005"
PORT_SCAN = "c0a1e2b3-0001-4a00-9000-000000000006"
SILENT = "c0a1e2b3-0001-4a00-9000-000000000007"
INTRUSION_SRC = "c0a1e2b3-0001-4a00-9000-000000000008"
INTRUSION_USER = "c0a1e2b3-0001-4a00-9000-000000000009"
SLOW_SPRAY = "c0a1e2b3-0001-4a00-9000-000000000010"
NEW_ADDRESS = "c0a1e2b3-0001-4a00-9000-000000000011"
REPEAT_MALICIOUS = "c0a1e2b3-0001-4a00-9000-000000000013"
SWEEP = "c0a1e2b3-0001-4a00-9000-000000000014"
SURGE = "c0a1e2b3-0001-4a00-9000-000000000015"
SSH_BRUTE = "2c5f7d1e-4a1b-4f3e-9b7a-5d0c8e1f2a40"
SSH_SPRAY = "2c5f7d1e-4a1b-4f3e-9b7a-5d0c8e1f2a41"
ADMIN_FAILED = "3c2e9b71-0d4a-4e6f-8a13-6f0c2d9e4b01"
ADMIN_OK = "3c2e9b71-0d4a-4e6f-8a13-6f0c2d9e4b02"
CONFIG = "3c2e9b71-0d4a-4e6f-8a13-6f0c2d9e4b03"
NEW_ADMIN = "3c2e9b71-0d4a-4e6f-8a13-6f0c2d9e4b04"
ADMIN_OUTSIDE = "6b8c0d42-3e1f-4a5b-9c7d-8e2f1a0b3c12"
ADMIN_OFFHOURS = "1e4d7a90-5b2c-4c3e-8f61-2a9b0c7d5e01"
UPDATE_FAILED = "4b8e2c30-6d1f-4a2b-8c39-1e7f0a2b3c02"
MALWARE = "5d7f1a20-8c3e-4b9d-a6e2-1f4c7b0d9a03"
WEBFILTER = "5d7f1a20-8c3e-4b9d-a6e2-1f4c7b0d9a04"
THREAT_LIST = "5d7f1a20-8c3e-4b9d-a6e2-1f4c7b0d9a05"
IPS_LOW = "5d7f1a20-8c3e-4b9d-a6e2-1f4c7b0d9a02"
IPS_OUT = "5d7f1a20-8c3e-4b9d-a6e2-1f4c7b0d9a06"
OUTBOUND_DENIED = "9e3b5c71-2a0d-4f6e-b8c4-7d1a0e2f3b01"
VPN_FAILED = "7a1c0e52-6b3d-4f80-9e21-3d5b8c1a0f01"
VPN_OK = "7a1c0e52-6b3d-4f80-9e21-3d5b8c1a0f02"
SSH_FAILED = "2c5f7d1e-4a1b-4f3e-9b7a-5d0c8e1f2a31"
SSH_INVALID = "8e0b3c52-1f6d-4d9a-a2c4-7b3e9f0d1c42"

ATTACK_IDS = {BRUTE, DISTRIBUTED, SUCCESS_AFTER, OUT_BLOCK, PORT_SCAN, SILENT, INTRUSION_SRC,
              INTRUSION_USER, SLOW_SPRAY, NEW_ADDRESS, REPEAT_MALICIOUS, SWEEP, SURGE, SSH_BRUTE,
              SSH_SPRAY, ADMIN_FAILED, ADMIN_OK, CONFIG, NEW_ADMIN, ADMIN_OUTSIDE, ADMIN_OFFHOURS,
              UPDATE_FAILED, MALWARE, WEBFILTER, THREAT_LIST, IPS_LOW, IPS_OUT, OUTBOUND_DENIED,
              VPN_FAILED, VPN_OK, SSH_FAILED, SSH_INVALID}

# one incident each, with this group
ONE_INCIDENT = {
    BRUTE: {"source.ip": "203.0.113.66"},
    SUCCESS_AFTER: {"source.ip": "203.0.113.66"},
    INTRUSION_SRC: {"source.ip": "203.0.113.66"},
    INTRUSION_USER: {"user.name": "admin"},
    NEW_ADMIN: {"observer.name": "FGT60F-OFFICE"},
    ADMIN_OFFHOURS: {"source.ip": "203.0.113.66", "user.name": "admin"},
    DISTRIBUTED: {"observer.name": "FGT60F-OFFICE"},
    SLOW_SPRAY: {"observer.name": "FGT60F-OFFICE"},
    OUT_BLOCK: {"source.ip": "192.168.1.57"},
    SWEEP: {"source.ip": "192.168.1.57"},
    MALWARE: {"source.ip": "192.168.1.57"},
    IPS_OUT: {"source.ip": "192.168.1.57"},
    REPEAT_MALICIOUS: {"source.ip": "192.168.1.34"},
    PORT_SCAN: {"source.ip": "198.51.100.99"},
    SURGE: {"observer.name": "FGT60F-OFFICE", "host.hostname": "FGT60F-OFFICE"},
    SILENT: {"observer.name": "FGT40F-BRANCH"},
    UPDATE_FAILED: {"observer.name": "FGT60F-OFFICE"},
    SSH_BRUTE: {"source.ip": "203.0.113.200"},
    SSH_SPRAY: {"source.ip": "198.51.100.150"},
}

# rules that only feed correlations: never an alert of their own
SILENT_RULES = {
    "2f6a8d10-4c1b-4e3a-9d57-0b8e1c2a3f01",  # traffic_denied
    "4b8e2c30-6d1f-4a2b-8c39-1e7f0a2b3c01",  # any_gateway_event
    "9e3b5c71-2a0d-4f6e-b8c4-7d1a0e2f3b02",  # internal_denied
    "c0a1e2b3-0001-4a00-9000-000000000101",  # the "any of" helpers
    "c0a1e2b3-0001-4a00-9000-000000000102",
    "c0a1e2b3-0001-4a00-9000-000000000103",
}


def config(tmp):
    path = os.path.join(tmp, "mimamori.yaml")
    src = os.path.abspath(SOURCE)
    with open(path, "w") as f:
        f.write("""timezone: Asia/Tokyo
rules: %(s)s/rules
lists:
  threat_ips: {type: ip, path: %(s)s/lists/threat_ips.txt}
  threat_domains: {type: domain, path: %(s)s/lists/threat_domains.txt}
  allowed_countries: {type: string, path: %(s)s/lists/allowed_countries.txt}
business_hours: {start: "09:00", end: "18:00", days: [mon, tue, wed, thu, fri]}
holidays: %(s)s/conf/holidays-jp.txt
""" % {"s": src})
    return path


def replay(cfg, week):
    r = subprocess.run([BIN, "replay", "-c", cfg, "--alerts", os.path.join(SCEN, week)],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail("replay %s exited %d: %s" % (week, r.returncode, r.stderr))
    return [json.loads(l) for l in r.stdout.splitlines()]


def summary(alerts):
    c = collections.Counter((a["severity"], a["rule"]["title"]) for a in alerts)
    return "\n".join("  %3d %-13s %s" % (n, s, t) for (s, t), n in sorted(c.items()))


def main():
    for week in ("normal_week.log", "attack_week.log"):
        size = os.path.getsize(os.path.join(SCEN, week))
        if size >= 2 * 1024 * 1024:
            fail("%s is %d bytes; keep it under 2 MB" % (week, size))
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config(tmp)

        normal = replay(cfg, "normal_week.log")
        bad = [a for a in normal if a["severity"] in ("high", "critical")]
        if bad:
            fail("the normal week raised high/critical alerts:\n%s" % summary(bad))
        if not normal:
            fail("the normal week raised nothing at all: are the rules loaded?")
        for a in normal:
            if a["rule"]["id"] in SILENT_RULES:
                fail("a rule that only feeds correlations raised an alert: %s" % a["rule"])
        passed("normal week: %d alerts, none high or critical" % len(normal))

        attack = replay(cfg, "attack_week.log")
        ids = {a["rule"]["id"] for a in attack}
        if ids != ATTACK_IDS:
            fail("attack week: unexpected rules %s, missing %s\n%s" % (
                sorted(ids - ATTACK_IDS), sorted(ATTACK_IDS - ids), summary(attack)))
        by_rule = collections.defaultdict(list)
        for a in attack:
            by_rule[a["rule"]["id"]].append(a)
        for rid, group in ONE_INCIDENT.items():
            got = [a["group"] for a in by_rule[rid]]
            if got != [group]:
                fail("rule %s (%s): expected one incident %s, got %s" % (
                    rid, by_rule[rid][0]["rule"]["title"], group, got))
        for rid in (INTRUSION_SRC, INTRUSION_USER, SUCCESS_AFTER):
            a = by_rule[rid][0]
            if a["severity"] != "critical" or a["count"] < 12:
                fail("%s: critical with the failures, success and change counted: %s" % (rid, a))
            if not a["first_seen"].startswith("2026-11-04T17:1"):
                fail("%s starts with the first failure (Thu 02:10 JST): %s" % (rid, a["first_seen"]))
        if by_rule[PORT_SCAN][0]["count"] != 600:
            fail("the port scan counts its 600 refused ports: %s" % by_rule[PORT_SCAN][0])
        threat = by_rule[THREAT_LIST]
        if len(threat) < 8 or {a["group"]["source.ip"] for a in threat} != {"192.168.1.34"}:
            fail("threat list: one incident per hour for 192.168.1.34 only: %s" %
                 [(a["group"], a["first_seen"]) for a in threat])
        new_addr = sorted((a["group"]["user.name"], a["fields"].get("source.ip"))
                          for a in by_rule[NEW_ADDRESS])
        if new_addr != [("admin", "203.0.113.66"), ("sato", "192.0.2.201")]:
            fail("new addresses: the attacker and sato's trip, got %s" % new_addr)
        passed("attack week: %d alerts, %d rules, groups as expected" % (len(attack), len(ids)))

        again = replay(cfg, "attack_week.log")

        def strip(alerts):
            return [{k: v for k, v in a.items() if k != "id"} for a in alerts]
        if strip(again) != strip(attack):
            fail("replaying the attack week twice gave different alerts")
        passed("attack week replayed twice: identical alerts")


if __name__ == "__main__":
    main()
