"""Scenario: `mimamori report --send owner` mails the week to the owner.

A real SMTP server (aiosmtpd) on 127.0.0.1 requires STARTTLS and AUTH; the
channel `owner` has locale ja.  After importing the attack week, `report
--since 2026-11-02 --until 2026-11-09 --send owner` must print the server's
answer (250) and "delivered"; one mail arrives over TLS, authenticated, with
an RFC 2047 Japanese subject naming the period, as multipart/alternative: a
plain-text part and the HTML report (with its SVG charts) in Japanese (the
channel's locale).  `--lang en` overrides it.  An unknown channel exits 1
and sends nothing.
"""
import email
import email.policy
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import fail, passed, wait_for  # noqa: E402
from notify_servers import Smtp, make_cert  # noqa: E402
from reportweek import install, report  # noqa: E402


def main():
    tmp = tempfile.mkdtemp(prefix="mimamori-report-smtp-")
    cert, key = make_cert(tmp)
    smtp = Smtp(cert, key, "mimamori", "pa55word")
    try:
        pw = os.path.join(tmp, "pw.txt")
        with open(pw, "w") as f:
            f.write("pa55word\n")
        _, cfg = install("""notify:
  - name: owner
    type: smtp
    url: smtp://127.0.0.1:%d
    starttls: required
    ca_file: %s
    username: mimamori
    password_file: %s
    from: mimamori@example.jp
    to: owner@example.jp
    locale: ja
""" % (smtp.port, cert, pw))
        r = report(cfg, "--since", "2026-11-02", "--until", "2026-11-09", "--send", "owner")
        if "250" not in r.stdout or "delivered" not in r.stdout:
            fail("--send should print the server's answer:\n" + r.stdout + r.stderr)
        wait_for(lambda: smtp.messages, 10, "the mail")
        m = smtp.messages[0]
        if len(smtp.messages) != 1 or not m["tls"] or not m["auth"]:
            fail("one mail over STARTTLS with AUTH: %r" % [(x["tls"], x["auth"]) for x in smtp.messages])
        if m["rcpt"] != ["owner@example.jp"]:
            fail("recipients %r" % m["rcpt"])
        msg = email.message_from_bytes(m["data"], policy=email.policy.default)
        subject = str(msg["Subject"])
        if "週次" not in subject and "セキュリティレポート" not in subject or "2026-11-02" not in subject:
            fail("subject %r" % subject)
        if msg.get_content_type() != "multipart/alternative":
            fail("content type %s" % msg.get_content_type())
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        if "重要度別アラート" not in text or "198.51.100.99" not in text:
            fail("plain part:\n" + text[:2000])
        if "<svg" not in html or "インシデントと対処方法" not in html:
            fail("HTML part lacks the charts or the Japanese labels")
        report(cfg, "--since", "2026-11-02", "--until", "2026-11-09", "--send", "owner",
               "--lang", "en")
        wait_for(lambda: len(smtp.messages) == 2, 10, "the second mail")
        msg = email.message_from_bytes(smtp.messages[1]["data"], policy=email.policy.default)
        if "Alerts by severity" not in msg.get_body(("plain",)).get_content():
            fail("--lang en should override the channel's locale")
        r = report(cfg, "--send", "nobody", check=False)
        if r.returncode != 1 or "no smtp channel" not in r.stderr or len(smtp.messages) != 2:
            fail("unknown channel: %d %r" % (r.returncode, r.stderr))
    finally:
        smtp.close()
    passed("report --send: STARTTLS + AUTH, Japanese subject, text + HTML parts")


if __name__ == "__main__":
    main()
