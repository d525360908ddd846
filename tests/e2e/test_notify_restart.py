"""Scenario: the daemon is killed while deliveries are pending.

The webhook endpoint is down (nothing listens on its port: connection
refused).  Five alerts are raised; their rows stay pending and record failed
attempts.  The daemon is killed with SIGKILL (no chance to clean up).  The
endpoint comes up, the daemon is started again on the same database: every
alert must be delivered exactly once, and every row marked sent.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from notify_servers import Webhook, free_port, rule  # noqa: E402

N = 5


def main():
    port = free_port()
    extra = """  - name: hook
    type: webhook
    url: http://127.0.0.1:%d/in
    retry_max: 2s
""" % port
    d = Daemon(rules={"r.yml": rule("e2e-restart", "Restart test", "order ", "medium")},
               extra_config=extra)
    hook = None
    with d:
        d.send_tcp([rfc3164("order %d" % i, app="shop") for i in range(N)])
        # the channel backs off as a whole: the first row is attempted, every row says why it waits
        wait_for(lambda: d.query("SELECT count(*), sum(last_error IS NOT NULL), max(attempts)"
                                 " FROM outbox WHERE channel = 'hook' AND state = 'pending'")[0]
                 [:2] == (N, N) and
                 d.query("SELECT max(attempts) FROM outbox WHERE channel = 'hook'")[0][0] >= 2,
                 20, "pending rows with failed attempts")
        err = d.query("SELECT last_error FROM outbox WHERE channel = 'hook' LIMIT 1")[0][0]
        if "onnect" not in (err or ""):
            fail("last_error does not say why: %r" % err)
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait(10)
        hook = Webhook(port=port)
        try:
            d.start()
            wait_for(lambda: d.query("SELECT count(*) FROM outbox WHERE channel = 'hook' AND"
                                     " state = 'sent'")[0][0] == N, 20, "delivery after restart")
            got = [r["headers"]["Idempotency-Key"] for r in hook.got("/in", 200)]
            ids = {r[0] for r in d.query("SELECT printf('%016x', id) FROM alerts")}
            if len(got) != N or {k.split("-")[1] for k in got} != ids:
                fail("after restart: %d deliveries %s for alerts %s" % (len(got), got, ids))
            if d.stop() != 0:
                fail("exit status")
        finally:
            hook.close()
    passed("SIGKILL with %d deliveries pending: all delivered once after restart" % N)


if __name__ == "__main__":
    main()
