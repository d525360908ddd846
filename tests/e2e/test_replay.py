"""Scenario: an analyst replays an old log file.

`mimamori replay --format jsonl FILE` prints exactly one JSON object per input
line (flat ECS keys, "mimamori.parser", "alerts"), also for a garbage line and
a line with invalid UTF-8; `--alerts` prints only the alerts (one JSON object
each, grouped into incidents); `-` reads stdin; no database is created.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import BIN, SOURCE, fail, passed  # noqa: E402

LINES = [
    "<38>Nov 21 10:00:01 gw01 sshd[811]: Failed password for root from 203.0.113.9 port 4242 ssh2",
    "<38>Nov 21 10:00:02 gw01 sshd[811]: Failed password for invalid user admin from 203.0.113.9 port 4243 ssh2",
    "<38>Nov 21 10:00:03 gw01 sshd[812]: Accepted publickey for alice from 192.0.2.10 port 50000 ssh2",
    "this is not syslog at all",
    "<13>Nov 21 10:00:04 gw01 app: bytes \xff\xfe here",
    "",
]


def run(*args, input=None):
    r = subprocess.run([BIN] + list(args), capture_output=True, input=input, timeout=60)
    if r.returncode != 0:
        fail("mimamori %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr.decode()))
    return r.stdout.decode()


def main():
    rules = os.path.join(SOURCE, "rules")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "auth.log")
        data = "\n".join(LINES).encode("utf-8", "surrogateescape") + b"\n"
        data = data.replace("\xff\xfe".encode(), b"\xff\xfe")
        with open(path, "wb") as f:
            f.write(data)
        out = run("replay", "--rules", rules, "--format", "jsonl", path).splitlines()
        if len(out) != len(LINES):
            fail("expected %d JSON lines, got %d:\n%s" % (len(LINES), len(out), "\n".join(out)))
        objs = [json.loads(l) for l in out]
        first = objs[0]
        for k, v in {"source.ip": "203.0.113.9", "user.name": "root", "mimamori.parser": "sshd",
                     "source.port": 4242, "host.hostname": "gw01"}.items():
            if str(first.get(k)) != str(v):
                fail("line 1: %s should be %r, got %r (%s)" % (k, v, first.get(k), first))
        if not first["alerts"]:
            fail("line 1 should fire a default rule: %s" % first)
        if objs[3]["mimamori.parser"] != "syslog" or objs[3].get("message") != LINES[3]:
            fail("an unparsed line keeps its message under parser syslog: %s" % objs[3])
        for o in objs:
            if not isinstance(o.get("alerts"), list):
                fail("every line needs an alerts list: %s" % o)

        alerts = [json.loads(l) for l in
                  run("replay", "--rules", rules, "--alerts", path).splitlines()]
        if not alerts:
            fail("--alerts printed nothing")
        for a in alerts:
            for k in ("@timestamp", "rule", "severity", "count", "first_seen", "last_seen",
                      "group", "fields", "evidence"):
                if k not in a:
                    fail("alert lacks %s: %s" % (k, a))

        stdin_out = run("replay", "--rules", rules, "--format", "jsonl", "-", input=data)
        def untimed(lines):
            # a line with no time of its own is stamped with the replay's clock
            return [{k: v for k, v in json.loads(l).items() if k != "@timestamp"} for l in lines]
        if untimed(stdin_out.splitlines()) != untimed(out):
            fail("stdin replay should equal file replay")
        if os.listdir(tmp) != ["auth.log"]:
            fail("replay must not create files: %s" % os.listdir(tmp))
    passed("replay jsonl, --alerts and stdin")


if __name__ == "__main__":
    main()
