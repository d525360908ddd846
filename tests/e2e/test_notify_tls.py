"""Scenario: mail over TLS to real servers, trusted and untrusted certificates.

Three aiosmtpd servers on 127.0.0.1, with certificates made by this test:
`tls` speaks implicit TLS (smtps://, port 465 style) with a certificate for
127.0.0.1, `starttls` requires STARTTLS (same certificate), `wrongname`
speaks implicit TLS with a certificate for another host name, and `plain`
offers no TLS at all.  One alert goes to seven channels of one daemon:

  smtps-ok        smtps:// + ca_file + AUTH           -> delivered over TLS, authenticated
  smtps-noverify  smtps://, tls_verify: false         -> delivered over TLS
  smtps-untrusted smtps://, no ca_file (system CAs)   -> not sent; pending, retried
  starttls-untrusted smtp:// STARTTLS, no ca_file     -> not sent; pending
  smtps-wrongname ca_file trusts the cert, name differs -> not sent; pending
  clear-refused   smtp://, starttls: required, server without STARTTLS
                                                      -> nothing sent in clear; pending

The untrusted rows must say why (a certificate problem) in the log and in
`outbox.last_error`, and be retried, not failed.  `notify test` must print the
server's 250 for smtps-ok and a temporary failure for smtps-untrusted.  Then
the daemon is stopped, the configuration fixed (ca_file added; the channel
rebuilt from the configuration only at start: a SIGHUP reloads rules only)
and the daemon started again: each fixed channel's mail arrives exactly once,
with the same Message-ID key, and the rows are sent; the clear-refused row
is still pending and the plain server never received anything.
"""
import email
import email.policy
import logging
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from notify_servers import Smtp, make_cert, rule  # noqa: E402

TITLE = "TLS mail test"
UNTRUSTED = ("smtps-untrusted", "starttls-untrusted", "smtps-wrongname")
DELIVERED_AT_ONCE = ("smtps-ok", "smtps-noverify")


def channels(srv, cert, wrongcert, fixed):
    """The notify channels; `fixed` adds the CA files the untrusted channels lack."""
    def mail(name, url, extra):
        return """  - name: %s
    type: smtp
    url: %s
    from: mimamori@example.jp
    to: owner@example.jp
    retry_max: 1s
%s""" % (name, url, "".join("    %s\n" % e for e in extra))
    auth = ["username: mimamori", "password_file: pw.txt"]
    fix = ["ca_file: %s" % cert] if fixed else []
    return "".join([
        mail("smtps-ok", "smtps://127.0.0.1:%d" % srv["tls"].port, ["ca_file: %s" % cert] + auth),
        mail("smtps-noverify", "smtps://127.0.0.1:%d" % srv["tls"].port, ["tls_verify: false"]),
        mail("smtps-untrusted", "smtps://127.0.0.1:%d" % srv["tls"].port, fix + auth),
        mail("starttls-untrusted", "smtp://127.0.0.1:%d" % srv["starttls"].port,
             ["starttls: required"] + fix + auth),
        # fixed: the server's own CA; before: a CA that signed a cert for another name
        mail("smtps-wrongname",
             "smtps://127.0.0.1:%d" % (srv["tls"] if fixed else srv["wrongname"]).port,
             ["ca_file: %s" % (cert if fixed else wrongcert)]),
        mail("clear-refused", "smtp://127.0.0.1:%d" % srv["plain"].port, ["starttls: required"]),
    ])


def main():
    # the refused handshakes are the point here: no tracebacks from aiosmtpd for them
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="mimamori-tls-")
    cert, key = make_cert(tmp)
    wrongcert, wrongkey = make_cert(tmp, "mail.example.jp", "wrong-")
    srv = {}
    try:
        srv["tls"] = Smtp(cert, key, "mimamori", "pa55word", mode="smtps")
        srv["starttls"] = Smtp(cert, key, "mimamori", "pa55word", mode="starttls")
        srv["wrongname"] = Smtp(wrongcert, wrongkey, None, None, mode="smtps")
        srv["plain"] = Smtp(None, None, None, None, mode="plain")
        run(srv, cert, wrongcert)
    finally:
        for s in srv.values():
            s.close()
    passed("smtps trusted/untrusted/no-verify/wrong name, STARTTLS untrusted, no clear-text"
           " downgrade; fixed after restart, once each (%.1fs)" % (time.monotonic() - t0))


def message_ids(server):
    out = []
    for m in server.got():
        msg = email.message_from_bytes(m["data"], policy=email.policy.default)
        out.append((msg["Message-ID"], m))
    return out


def by_channel(server, channel):
    return [m for mid, m in message_ids(server) if mid and mid.endswith("-%s@mimamori>" % channel)]


def state(d, channel):
    rows = d.query("SELECT state, attempts, last_error FROM outbox WHERE channel = ?", (channel,))
    return rows[0] if rows else None


def run(srv, cert, wrongcert):
    d = Daemon(rules={"r.yml": rule("e2e-tls", TITLE, "Failed password", "high")},
               extra_config=channels(srv, cert, wrongcert, fixed=False))
    with open(os.path.join(d.dir, "pw.txt"), "w") as f:
        f.write("pa55word\n")
    with d:
        d.send_udp([rfc3164("Failed password for root from 203.0.113.9 port 4242 ssh2")])
        wait_for(lambda: d.query("SELECT count(*) FROM alerts")[0][0] == 1, 10, "the alert")
        aid = d.query("SELECT printf('%016x', id) FROM alerts")[0][0]

        # the trusted channels deliver at once
        wait_for(lambda: all(state(d, c) and state(d, c)[0] == "sent" for c in DELIVERED_AT_ONCE),
                 10, "smtps-ok and smtps-noverify to be sent")
        for c in DELIVERED_AT_ONCE:
            got = by_channel(srv["tls"], c)
            if len(got) != 1:
                fail("%s: %d mails for one alert" % (c, len(got)))
            m = got[0]
            if not m["tls"] or not (m["tls_version"] or "").startswith("TLS"):
                fail("%s: the mail did not come over implicit TLS: %r" % (c, m))
            if m["rcpt"] != ["owner@example.jp"] or m["mail_from"] != "mimamori@example.jp":
                fail("%s: envelope %r %r" % (c, m["mail_from"], m["rcpt"]))
            msg = email.message_from_bytes(m["data"], policy=email.policy.default)
            if msg["Message-ID"] != "<mm-%s-%s@mimamori>" % (aid, c) or \
                    TITLE not in str(msg["Subject"]):
                fail("%s: Message-ID %r, Subject %r" % (c, msg["Message-ID"], msg["Subject"]))
            if "203.0.113.9" not in msg.get_body(("plain",)).get_content():
                fail("%s: the evidence is not in the body" % c)
        if not by_channel(srv["tls"], "smtps-ok")[0]["auth"]:
            fail("smtps-ok: AUTH was not used over implicit TLS")

        # the untrusted ones: pending, retried, the reason in last_error and in the log
        def settled():
            sts = [state(d, c) for c in UNTRUSTED + ("clear-refused",)]
            return any(x and x[0] != "pending" for x in sts) or \
                all(x and x[1] >= 2 for x in sts)
        wait_for(settled, 10, "the untrusted rows to be pending with two failed attempts")
        for c in UNTRUSTED + ("clear-refused",):
            if state(d, c)[0] != "pending":
                fail("%s: the row is %r: %s" % (
                    c, state(d, c), "mail went out without a verified TLS session"
                    if state(d, c)[0] == "sent" else "a TLS failure must be retried, not failed"))
        log = d.logtext()
        for c in UNTRUSTED:
            st, attempts, err = state(d, c)
            if "certificate" not in (err or "").lower():
                fail("%s: last_error does not name the certificate problem: %r" % (c, err))
            lines = [l for l in log.splitlines()
                     if "notify %s:" % c in l and "not delivered" in l]
            if len(lines) != 1 or "certificate" not in lines[0].lower() or \
                    "pending" not in lines[0]:
                fail("%s: no single clear log line for the TLS failure:\n%s"
                     % (c, "\n".join(lines)))
        err = state(d, "smtps-wrongname")[2]
        if "name" not in err or "127.0.0.1" not in err:
            fail("smtps-wrongname: the error does not say the host name did not match: %r" % err)
        err = state(d, "clear-refused")[2]
        if "SSL" not in err and "TLS" not in err:
            fail("clear-refused: last_error does not say TLS was refused: %r" % err)
        for s in ("wrongname", "plain", "starttls"):
            if srv[s].got():
                fail("the %s server received mail although TLS was not verified: %r"
                     % (s, srv[s].got()))
        if [mid for mid, _ in message_ids(srv["tls"])
                if not mid.endswith(("-smtps-ok@mimamori>", "-smtps-noverify@mimamori>"))]:
            fail("an untrusted channel delivered: %r" % [mid for mid, _ in message_ids(srv["tls"])])

        st = d.cli("notify", "status", "-c", d.config).stdout
        for c in UNTRUSTED:
            row = [l.split() for l in st.splitlines() if l.startswith(c + " ")]
            if not row or row[0][2:5] != ["1", "0", "0"]:
                fail("notify status for %s: %r" % (c, st))
        t = d.cli("notify", "test", "smtps-ok", "-c", d.config)
        if "250" not in t.stdout or "delivered" not in t.stdout:
            fail("notify test smtps-ok: %r" % t.stdout)
        t = d.cli("notify", "test", "smtps-untrusted", "-c", d.config, check=False)
        if t.returncode != 1 or "temporary" not in t.stdout or \
                "certificate" not in t.stdout.lower():
            fail("notify test smtps-untrusted: %d %r" % (t.returncode, t.stdout))
        if d.stop() != 0:
            fail("exit status")

        # fix the channels; the rows must still be there, pending, and go out once after the start
        for c in UNTRUSTED + ("clear-refused",):
            if state(d, c)[0] != "pending":
                fail("%s: the row is %r after the stop, not pending" % (c, state(d, c)))
        n_tls = len(srv["tls"].got())
        tries = state(d, "clear-refused")[1]
        with open(d.config) as f:
            conf = f.read()
        with open(d.config, "w") as f:
            f.write(conf.replace(channels(srv, cert, wrongcert, fixed=False),
                                 channels(srv, cert, wrongcert, fixed=True)))
        d.log.clear()
        d.start()
        wait_for(lambda: all(state(d, c)[0] == "sent" for c in UNTRUSTED), 10,
                 "the fixed channels to deliver after the restart")
        for c, s in (("smtps-untrusted", "tls"), ("starttls-untrusted", "starttls"),
                     ("smtps-wrongname", "tls")):
            got = by_channel(srv[s], c)
            if len(got) != 1 or not got[0]["tls"]:
                fail("%s after the fix: %d mails (want one, over TLS)" % (c, len(got)))
            mid = email.message_from_bytes(got[0]["data"],
                                           policy=email.policy.default)["Message-ID"]
            if mid != "<mm-%s-%s@mimamori>" % (aid, c):
                fail("%s: Message-ID %r: not the alert's key" % (c, mid))
        if not by_channel(srv["starttls"], "starttls-untrusted")[0]["auth"]:
            fail("starttls-untrusted after the fix: not authenticated")
        if len(srv["tls"].got()) != n_tls + 2:
            fail("the smtps server got %d mails after the restart, want 2 (nothing sent twice)"
                 % (len(srv["tls"].got()) - n_tls))
        wait_for(lambda: state(d, "clear-refused")[1] > tries, 10, "clear-refused to be retried")
        if state(d, "clear-refused")[0] != "pending" or srv["plain"].got():
            fail("clear-refused: %r, plain server got %r" % (state(d, "clear-refused"),
                                                           srv["plain"].got()))
        if d.stop() != 0:
            fail("exit status after the restart")


if __name__ == "__main__":
    main()
