"""Scenario: a threat feed is updated while the daemon runs.

A rule tests destination.ip against a named IP list.  A line to an address
that is not yet listed raises nothing; the list file is then rewritten (no
SIGHUP) and the daemon picks the change up by itself within seconds; the same
line now raises the alert.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, wait_for  # noqa: E402

RULE = """title: Office device talked to a listed address
id: e2e-list-reload
level: high
logsource: {product: any}
detection:
  sel:
    destination.ip|in_list: bad_ips
  condition: sel
"""


def line(n):
    return ("<4>%s gw01 kernel: [UFW BLOCK] IN=eth0 OUT=eth1 SRC=192.168.1.20 DST=198.51.100.77 "
            "LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%d DF PROTO=TCP SPT=5%04d DPT=443 WINDOW=64240 SYN URGP=0"
            % (time.strftime("%b %e %H:%M:%S", time.gmtime()), n, n))


def main():
    extra = "lists:\n  bad_ips: {type: ip, path: bad_ips.txt}\n"
    d = Daemon(rules={"list.yml": RULE}, extra_config=extra)
    path = os.path.join(d.dir, "bad_ips.txt")
    with open(path, "w") as f:
        f.write("# nothing listed yet\n203.0.113.0/24\n")
    with d:
        d.send_udp([line(1)])
        wait_for(lambda: d.counter("received") >= 1, 10, "the first line")
        if d.alerts():
            fail("198.51.100.77 is not listed yet: no alert expected")
        with open(path + ".new", "w") as f:
            f.write("203.0.113.0/24\n198.51.100.0/24 ; added by the feed\n")
        os.replace(path + ".new", path)
        wait_for(lambda: "a list file changed: reloading rules" in d.logtext(), 30,
                 "the daemon to notice the list change")
        wait_for(lambda: "rules reloaded" in d.logtext(), 10, "the reload")
        d.send_udp([line(2)])
        wait_for(lambda: any(a["rule"]["id"] == "e2e-list-reload" for a in d.alerts()), 10,
                 "the alert for the newly listed address")
        if d.stop() != 0:
            fail("daemon should exit 0")
    passed("list file change picked up without SIGHUP")


if __name__ == "__main__":
    main()
