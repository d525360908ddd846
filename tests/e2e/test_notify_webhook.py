"""Scenario: chat and HTTP webhooks, with an endpoint that fails for a while.

A real HTTP server on 127.0.0.1 takes three channels of one daemon:
`hook` (generic JSON, HMAC-SHA256 signature, a custom header), `chat` (Slack
format, only high alerts), `gone` (answers 404: a permanent refusal).  The
`hook` path answers 500 to its first four requests, then 200.  Six alerts
are raised.  Every alert must reach `hook` and `chat` exactly once as a 2xx
delivery (the same Idempotency-Key on every attempt of one alert, no alert
accepted twice), the 500s must have been retried, the body shape and
signature must be right, the 404 rows must be failed with a log line, and
`notify status` and `notify test` must say so.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from notify_servers import Webhook, rule, signature_ok  # noqa: E402

N = 6
SECRET = b"s3cret-for-the-test"


def answer(path, n):
    if path == "/hook" and n <= 4:
        return 500, {"Retry-After": "0"}
    if path == "/gone":
        return 404, {}
    return 200, {}


def main():
    hook = Webhook(answer)
    try:
        run(hook)
    finally:
        hook.close()


def run(hook):
    extra = """  - name: hook
    type: webhook
    url: %s
    secret_file: secret.txt
    headers: ["X-Tenant: office-1"]
    retry_max: 1s
  - name: chat
    type: webhook
    format: slack
    url: %s
    min_severity: high
    locale: ja
  - name: gone
    type: webhook
    url: %s
    include_rules: [e2e-hook-high]
""" % (hook.url("/hook"), hook.url("/slack"), hook.url("/gone"))
    rules = {"hi.yml": rule("e2e-hook-high", "Order from outside", "order ", "high",
                            ["attack.exfiltration"]),
             "lo.yml": rule("e2e-hook-low", "Browse", "browse ", "low")}
    d = Daemon(rules=rules, extra_config=extra)
    with open(os.path.join(d.dir, "secret.txt"), "wb") as f:
        f.write(SECRET + b"\n")
    with d:
        d.send_tcp([rfc3164("order %d from 198.51.100.%d" % (i, i), app="shop") for i in range(4)] +
                   [rfc3164("browse %d" % i, app="shop") for i in range(2)])
        wait_for(lambda: d.query("SELECT count(*) FROM alerts")[0][0] == N, 20, "six alerts")
        ids = {r[0] for r in d.query("SELECT printf('%016x', id) FROM alerts")}
        high = {r[0] for r in d.query("SELECT printf('%016x', id) FROM alerts WHERE severity = 3")}

        def delivered(path):
            return [r for r in hook.got(path) if r["status"] == 200]
        wait_for(lambda: len(delivered("/hook")) >= N and len(delivered("/slack")) >= len(high),
                 30, "every alert at both endpoints")
        wait_for(lambda: d.query("SELECT count(*) FROM outbox WHERE channel IN ('hook','chat')"
                                 " AND state = 'sent'")[0][0] == N + len(high),
                 10, "the rows to be marked sent")
        wait_for(lambda: d.query("SELECT count(*) FROM outbox WHERE channel = 'gone'"
                                 " AND state = 'failed'")[0][0] == len(high), 10, "404 rows failed")

        # exactly once per alert and channel: keys accepted once, each alert's key retried identically
        for path, want in (("/hook", ids), ("/slack", high)):
            ok = [r["headers"]["Idempotency-Key"] for r in delivered(path)]
            if len(ok) != len(set(ok)):
                fail("%s: an alert was accepted twice: %s" % (path, ok))
            got_ids = {k.split("-")[1] for k in ok}
            if got_ids != want:
                fail("%s: delivered %s, expected %s" % (path, sorted(got_ids), sorted(want)))
        if len(hook.got("/hook", 500)) != 4:
            fail("the endpoint's 500s were not all retried: %d" % len(hook.got("/hook", 500)))
        for r in hook.got("/hook"):
            if r["headers"].get("X-Mimamori-Delivery") != r["headers"].get("Idempotency-Key"):
                fail("delivery header differs from Idempotency-Key")
            if not signature_ok(SECRET, r):
                fail("bad signature on %r" % r["body"][:80])
            if r["headers"].get("X-Tenant") != "office-1":
                fail("custom header missing: %r" % r["headers"])
            body = json.loads(r["body"])
            if body["id"] not in ids or "rule" not in body or "evidence" not in body:
                fail("generic body is not the alert JSON: %r" % body)
        for r in delivered("/slack"):
            text = json.loads(r["body"])["text"]
            if "Order from outside" not in text or "重大度" not in text or "order " not in text:
                fail("slack text lacks title, Japanese labels or evidence: %r" % text)
        if "refused permanently: HTTP 404" not in d.logtext():
            fail("no log line for the permanent failure")

        st = d.cli("notify", "status", "-c", d.config).stdout
        for name, pending, failed, sent in (("hook", 0, 0, N), ("chat", 0, 0, len(high)),
                                            ("gone", 0, len(high), 0)):
            row = [l.split() for l in st.splitlines() if l.startswith(name + " ")]
            if not row or row[0][2:5] != [str(pending), str(failed), str(sent)]:
                fail("notify status for %s: %r" % (name, st))
        t = d.cli("notify", "test", "chat", "-c", d.config)
        if "HTTP/1.1 200" not in t.stdout or "delivered" not in t.stdout:
            fail("notify test output: %r" % t.stdout)
        t = d.cli("notify", "test", "gone", "-c", d.config, check=False)
        if t.returncode != 1 or "HTTP/1.1 404" not in t.stdout or "permanent" not in t.stdout:
            fail("notify test of a 404 endpoint: %d %r" % (t.returncode, t.stdout))
        if d.stop() != 0:
            fail("exit status after SIGTERM")
    passed("webhooks: %d alerts once each through 4 retried 500s; slack, signature, 404 failed"
           % N)


if __name__ == "__main__":
    main()
