"""Scenario: a slow password spray is half-way when the service is restarted.

An attacker tries one user name after another from one address against the
SSH service.  The value_count rule wants 10 distinct user names from one
address within 3 days.  Six arrive, the daemon is stopped with SIGTERM (it
saves its correlation state to SQLite), started again (it restores it), and
the last four arrive: the spray alert must fire, and the single failed
logins, used only by the correlation, raise no alerts of their own (Sigma's
`generate: false` default).  Another address with four users stays quiet.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402

RULES = """title: SSH login failed
id: e2e-ssh-failed
name: ssh_failed
level: low
logsource: {product: linux}
detection:
  sel:
    message|re: 'Failed password for (?:invalid user )?(?<user_name>\\S+) from (?<source_ip>\\S+)'
  condition: sel
---
title: Password spray from one address
id: e2e-spray
level: high
suppress: 1h
correlation:
  type: value_count
  rules: [ssh_failed]
  group-by: [source.ip]
  timespan: 3d
  condition:
    field: user.name
    gte: 10
"""

ATTACKER = "203.0.113.77"
OTHER = "198.51.100.20"


def failed(user, ip):
    return rfc3164("Failed password for invalid user %s from %s port 4242 ssh2" % (user, ip))


def send_and_wait(d, lines, matched):
    d.send_tcp(lines)
    wait_for(lambda: d.counter("matched") >= matched, 15, "%d matched lines" % matched)


def main():
    with Daemon(rules={"spray.yml": RULES}) as d:
        first = [failed("user%d" % i, ATTACKER) for i in range(6)]
        first += [failed("guest%d" % i, OTHER) for i in range(4)]
        send_and_wait(d, first, len(first))
        if d.stop() != 0:
            fail("the daemon did not exit 0 on SIGTERM:\n" + d.logtext())
        rows = d.query("SELECT rule_id, count(*) FROM corr_state GROUP BY rule_id")
        if rows != [("e2e-spray", 2)]:
            fail("correlation state not saved at shutdown: %r" % (rows,))
        if d.alerts():
            fail("alerts before the spray was complete: %r" % d.alerts())

        d.ports = {}
        d.log = []
        d.start()
        wait_for(lambda: "correlation state restored: 2 groups" in d.logtext(), 10,
                 "the restore message")
        # "user1" again does not count twice; 6 new names make 10 distinct (with user0..5)
        rest = [failed("user1", ATTACKER)] + [failed("user%d" % i, ATTACKER) for i in range(6, 10)]
        d.send_tcp(rest)
        alerts = wait_for(lambda: [a for a in d.alerts() if a["rule"]["id"] == "e2e-spray"], 15,
                          "the spray alert after the restart")
        a = alerts[0]
        if a["group"] != {"source.ip": ATTACKER}:
            fail("wrong group: %r" % a["group"])
        if a["severity"] != "high" or a["count"] != 11:
            fail("unexpected alert: %r" % a)
        if any(e.find("user0") < 0 for e in a["evidence"][:1]):
            fail("the evidence should start with the lines from before the restart: %r"
                 % a["evidence"])
        others = [x for x in d.alerts() if x["rule"]["id"] != "e2e-spray"]
        if others:
            fail("the base rule should be silent (generate: false): %r" % others)
        if d.stop() != 0:
            fail("the daemon did not exit 0:\n" + d.logtext())
    passed("correlation state survives a restart")


if __name__ == "__main__":
    main()
