"""Scenario: the service is stopped while a gateway is sending.

Two TCP connections (one LF-framed, one octet-counted) send 2 x 50,000 lines,
each raising its own alert (a rule without suppression).  SIGTERM comes while
they are still sending, once the daemon has taken in a good share.  The
daemon must stop intake, drain its queue, commit, and exit 0 with the alert of
every line it accepted in SQLite: alerts == the final `received` counter.
"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402

RULE = """title: Every order line
id: e2e-drain
level: low
logsource: {product: linux}
detection:
  sel:
    message|startswith: 'order '
  condition: sel
"""
N = 50000


def main():
    with Daemon(rules={"drain.yml": RULE}) as d:
        def sender(k):
            try:
                d.send_tcp([rfc3164("order %d-%d" % (k, i), app="shop") for i in range(N)],
                           octet_counting=(k == 1))
            except OSError:
                pass  # the daemon closed the connection on SIGTERM
        ts = [threading.Thread(target=sender, args=(k,)) for k in range(2)]
        for t in ts:
            t.start()
        wait_for(lambda: d.counter("received") >= N // 2, 60, "the daemon to take in lines")
        rc = d.stop(timeout=60)
        for t in ts:
            t.join(30)
        if rc != 0:
            fail("exit status %s after SIGTERM" % rc)
        n = d.query("SELECT count(*) FROM alerts")[0][0]
        recv = d.counter("received")
        if recv < N // 2 or n != recv:
            fail("%d lines accepted but %d alerts committed\n%s" % (recv, n, d.logtext()))
    passed("SIGTERM under load: %d lines accepted, %d alerts, none lost" % (recv, n))


if __name__ == "__main__":
    main()
