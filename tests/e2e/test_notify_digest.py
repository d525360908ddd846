"""Scenario: a digest channel under a burst.

A webhook channel with `digest: 2s`.  The first alert after a quiet spell
goes out at once, alone; the four that follow within the window go out
together at its end as one digest ("4 alerts, 2 rules, the worst first"),
whose rows share one batch and one key.  Nothing is sent twice.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from notify_servers import Webhook, rule  # noqa: E402


def main():
    hook = Webhook()
    extra = """  - name: dig
    type: webhook
    format: generic
    url: %s
    digest: 2s
""" % hook.url("/d")
    rules = {"a.yml": rule("e2e-dig-a", "Alpha", "alpha ", "medium"),
             "b.yml": rule("e2e-dig-b", "Beta", "beta ", "critical")}
    try:
        with Daemon(rules=rules, extra_config=extra) as d:
            d.send_tcp([rfc3164("alpha first", app="x")])
            wait_for(lambda: len(hook.got("/d")) == 1, 10, "the first alert at once")
            first = json.loads(hook.got("/d")[0]["body"])
            if "digest" in first:
                fail("the first alert went into a digest")
            d.send_tcp([rfc3164("alpha %d" % i, app="x") for i in range(3)] +
                       [rfc3164("beta 1", app="x")])
            wait_for(lambda: len(hook.got("/d")) == 2, 10, "the digest at the window's end")
            r = hook.got("/d")[1]
            dg = json.loads(r["body"])
            if dg["digest"]["alerts"] != 4 or len(dg["alerts"]) != 4:
                fail("digest: %r" % dg["digest"])
            if dg["alerts"][0]["severity"] != "critical" or "4 alerts, 2 rules" not in \
                    dg["digest"]["subject"]:
                fail("digest not worst first: %r" % dg["digest"])
            if (r["t_ns"] - hook.got("/d")[0]["t_ns"]) < 1.5e9:
                fail("the digest did not wait for the window")
            # the server has the request before the daemon has its answer: the rows are
            # marked sent a moment later
            q = ("SELECT count(*), count(DISTINCT batch_id), count(DISTINCT delivery_key)"
                 " FROM outbox WHERE channel = 'dig' AND batch_id IS NOT NULL AND state = 'sent'")
            deadline = time.monotonic() + 10
            while d.query(q) != [(4, 1, 1)] and time.monotonic() < deadline:
                time.sleep(0.02)
            rows = d.query(q)
            if rows != [(4, 1, 1)]:
                fail("digest rows: %r" % rows)
            if d.stop() != 0:
                fail("exit status")
            if len(hook.got("/d")) != 2:
                fail("sent again: %d requests" % len(hook.got("/d")))
    finally:
        hook.close()
    passed("digest: first alert at once, the next four as one digest after the window")


if __name__ == "__main__":
    main()
