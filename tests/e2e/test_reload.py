"""Scenario: the operator edits rules and sends SIGHUP.

A broken rule file is rejected with file:line in the daemon's log and the
running rules stay in force (a line matching them still raises an alert); a
corrected rule set is then swapped in and its new rule fires.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402

RULE_A = """title: Test marker A seen
id: e2e-reload-a
level: high
logsource: {product: linux}
detection:
  sel:
    message|contains: MARKER-A
  condition: sel
"""
RULE_B = """title: Test marker B seen
id: e2e-reload-b
level: medium
logsource: {product: linux}
detection:
  sel:
    message|contains: MARKER-B
  condition: sel
"""
BROKEN = """title: Broken rule
id: e2e-reload-broken
level: high
detection:
  sel:
    message|nosuchmodifier: x
  condition: sel
"""


def rule_ids(d):
    return sorted({a["rule"]["id"] for a in d.alerts()})


def main():
    with Daemon(rules={"a.yml": RULE_A}) as d:
        d.send_udp([rfc3164("hello MARKER-A one", app="app")])
        wait_for(lambda: rule_ids(d) == ["e2e-reload-a"], 5, "rule A to fire")

        d.write_rule("broken.yml", BROKEN)
        d.signal(signal.SIGHUP)
        wait_for(lambda: "rules stay in force" in d.logtext(), 5, "the reload to be rejected")
        if "broken.yml:" not in d.logtext() or "nosuchmodifier" not in d.logtext():
            fail("the log should name the broken file and the bad modifier:\n" + d.logtext())
        d.send_udp([rfc3164("hello MARKER-A two", app="other")])
        wait_for(lambda: len(d.alerts()) >= 2 or sum(a["count"] for a in d.alerts()) >= 2, 5,
                 "rule A to keep firing after a rejected reload")

        os.unlink(os.path.join(d.rules_dir, "broken.yml"))
        d.write_rule("b.yml", RULE_B)
        d.signal(signal.SIGHUP)
        wait_for(lambda: "rules reloaded" in d.logtext(), 5, "the reload to succeed")
        d.send_udp([rfc3164("now MARKER-B", app="app")])
        wait_for(lambda: "e2e-reload-b" in rule_ids(d), 5, "rule B to fire after reload")
        if d.stop() != 0:
            fail("daemon should exit 0")
    passed("SIGHUP reload: broken set rejected, good set swapped in")


if __name__ == "__main__":
    main()
