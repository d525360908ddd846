"""Scenario: alerts by mail, in Japanese, over STARTTLS with AUTH.

A real SMTP server (aiosmtpd) on 127.0.0.1 requires STARTTLS (a certificate
made for this test, trusted through the channel's ca_file) and AUTH.  The
channel has two recipients, locale ja and an HTML part.  A rule with an
English title and description and their Japanese translation
(`translations: {ja: ...}`) fires on a line with Japanese text.  The mail must arrive
once, over TLS, authenticated, to both recipients, with Date, From, To,
Message-ID carrying the idempotency key, an RFC 2047 subject that decodes to
the Japanese title, and a multipart/alternative body whose plain text and
HTML hold the Japanese labels, title and what to do (no English rule text)
and the evidence line intact.  `notify test`
must print the server's answer.  A wrong password is a permanent failure.

The Japanese texts come from the daemon's loaded rules: after the rule's
Japanese title is edited and SIGHUP reloads the rules, the next mail carries
the new title (at once, not after some cache expires); after an edit that
breaks the rule file, SIGHUP is rejected and the next mail keeps the title of
the rules in force, not the one in the broken file.
"""
import email
import email.policy
import os
import re
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from notify_servers import Smtp, make_cert, rule  # noqa: E402

TITLE = "SSH ログイン失敗の連続"
NEW_TITLE = "SSH パスワード誤りが続いています"  # after the edit and SIGHUP
BROKEN_TITLE = "壊れた規則の題"  # in a rule file that does not load
TODO = "接続元アドレスをブロックしてください。"
EN_TITLE, EN_TODO = "SSH login failures in a row", "Block the source address."
RULE = rule("e2e-mail-ja", EN_TITLE, "Failed password", "high") + """description: %s
translations:
  ja:
    title: %s
    description: >
      %s
""" % (EN_TODO, TITLE, TODO)


def decoded(m):
    return email.message_from_bytes(m["data"], policy=email.policy.default)


def reload_and_mail(d, smtp, rule_text, logged, n, ip):
    """Write the rule, SIGHUP, wait for the log line, raise one alert; return mail n (1-based)."""
    d.write_rule("ja.yml", rule_text)
    before = d.logtext().count(logged)
    d.signal(signal.SIGHUP)
    wait_for(lambda: d.logtext().count(logged) > before, 10, "'%s' after SIGHUP" % logged)
    d.send_udp([rfc3164("Failed password for 花子 from %s port 4243 ssh2" % ip)])
    wait_for(lambda: len(smtp.messages) >= n, 20, "mail %d" % n)
    if len(smtp.messages) != n:
        fail("%d mails, wanted %d" % (len(smtp.messages), n))
    msg = decoded(smtp.messages[n - 1])
    return str(msg["Subject"]), msg.get_body(("plain",)).get_content()


def main():
    tmp = tempfile.mkdtemp(prefix="mimamori-smtp-")
    cert, key = make_cert(tmp)
    smtp = Smtp(cert, key, "mimamori", "pa55word")
    try:
        run(smtp, cert)
    finally:
        smtp.close()


def run(smtp, cert):
    extra = """  - name: mail
    type: smtp
    url: smtp://127.0.0.1:%d
    starttls: required
    ca_file: %s
    username: mimamori
    password_file: pw.txt
    from: mimamori@example.jp
    to: [owner@example.jp, "it@example.jp"]
    locale: ja
    html: true
  - name: badauth
    type: smtp
    url: smtp://127.0.0.1:%d
    ca_file: %s
    username: mimamori
    password_file: wrong.txt
    from: mimamori@example.jp
    to: owner@example.jp
    include_rules: [nothing-matches-this]
""" % (smtp.port, cert, smtp.port, cert)
    d = Daemon(rules={"ja.yml": RULE},
               extra_config=extra)
    for name, pw in (("pw.txt", "pa55word\n"), ("wrong.txt", "nope\n")):
        with open(os.path.join(d.dir, name), "w") as f:
            f.write(pw)
    with d:
        line = rfc3164("Failed password for ユーザー太郎 from 203.0.113.9 port 4242 ssh2")
        d.send_udp([line])
        wait_for(lambda: smtp.messages, 20, "the mail")
        wait_for(lambda: d.query("SELECT state FROM outbox WHERE channel = 'mail'") == [("sent",)],
                 10, "the row to be marked sent")
        m = smtp.messages[0]
        if len(smtp.messages) != 1:
            fail("%d mails for one alert" % len(smtp.messages))
        if not m["tls"] or not m["auth"]:
            fail("mail not sent over STARTTLS with AUTH: %r" % m)
        if sorted(m["rcpt"]) != ["it@example.jp", "owner@example.jp"] or \
                m["mail_from"] != "mimamori@example.jp":
            fail("envelope: %r %r" % (m["mail_from"], m["rcpt"]))
        raw = m["data"]
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers must be pure ASCII
        if re.search(r"^Subject: =\?UTF-8\?B\?", head, re.M) is None:
            fail("subject not RFC 2047 encoded:\n" + head)
        for l in raw.split(b"\r\n"):
            if len(l) > 998:
                fail("line longer than RFC 5322 allows")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if TITLE not in str(msg["Subject"]) or "【高】" not in str(msg["Subject"]):
            fail("decoded subject %r" % str(msg["Subject"]))
        aid = d.query("SELECT printf('%016x', id) FROM alerts")[0][0]
        if msg["Message-ID"] != "<mm-%s-mail@mimamori>" % aid:
            fail("Message-ID %r (alert %s)" % (msg["Message-ID"], aid))
        if not msg["Date"] or "owner@example.jp" not in msg["To"] or "it@example.jp" not in msg["To"]:
            fail("Date/To headers: %r %r" % (msg["Date"], msg["To"]))
        if msg.get_content_type() != "multipart/alternative":
            fail("content type %s" % msg.get_content_type())
        text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        html = msg.get_body(("html",)).get_content()
        for want in ("重大度: 高", "発生場所", "ユーザー太郎", TITLE, "対応:\n" + TODO,
                     "証拠となるログ"):
            if want not in text:
                fail("plain text lacks %r:\n%s" % (want, text))
        if EN_TITLE in text or EN_TODO in text or EN_TITLE in str(msg["Subject"]):
            fail("the locale ja mail shows the rule's English text:\n%s" % text)
        if "ユーザー太郎" not in html or TITLE not in html or TODO not in html:
            fail("html lacks the evidence or the Japanese rule text")

        t = d.cli("notify", "test", "mail", "-c", d.config)
        if "250" not in t.stdout or "delivered" not in t.stdout:
            fail("notify test: %r" % t.stdout)
        wait_for(lambda: len(smtp.messages) == 2, 10, "the test mail")
        t = d.cli("notify", "test", "badauth", "-c", d.config, check=False)
        if t.returncode != 1 or "535" not in t.stdout or "permanent" not in t.stdout:
            fail("wrong password: %d %r" % (t.returncode, t.stdout))

        # an edited translation reaches the next mail through the reload, not a re-read later
        subject, text = reload_and_mail(d, smtp, RULE.replace(TITLE, NEW_TITLE),
                                        "rules reloaded", 3, "203.0.113.10")
        if NEW_TITLE not in subject or NEW_TITLE not in text:
            fail("after the edit and SIGHUP the mail shows %r, not %r:\n%s"
                 % (subject, NEW_TITLE, text))
        if TITLE in subject or TITLE in text or EN_TITLE in text:
            fail("after the reload the mail still shows the old title:\n%s" % text)
        # a broken rule file is rejected: the mail speaks the rules in force
        subject, text = reload_and_mail(d, smtp, RULE.replace(TITLE, BROKEN_TITLE) + "titel: x\n",
                                        "new rules rejected", 4, "203.0.113.11")
        if NEW_TITLE not in subject or BROKEN_TITLE in subject or BROKEN_TITLE in text:
            fail("after a rejected reload the mail shows %r, not the rules in force (%r)"
                 % (subject, NEW_TITLE))
        if d.stop() != 0:
            fail("exit status")
    passed("mail: STARTTLS + AUTH, 2 recipients, RFC 2047 Japanese subject, MIME text+HTML, "
           "texts of the reloaded rules")


if __name__ == "__main__":
    main()
