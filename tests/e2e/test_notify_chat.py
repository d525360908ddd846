"""Scenario: the chat webhook formats on the wire, and a retried chat delivery.

One real HTTP server on 127.0.0.1 stands in for Teams, Discord, Chatwork and
Slack: one daemon has a channel of each format, each to the path the real
service uses.  A critical rule with `group-by: [source.ip, user.name]` and a
Japanese translation fires on a line that also holds `<@everyone> & <…|…>`.
Each channel must get one POST with its content type and the documented body:

  teams     {"type":"message","attachments":[{Adaptive Card: TextBlocks subject, text}]}
  discord   {"content": "**subject**\\n\\ntext", "allowed_mentions": {"parse": []}}
  chatwork  form body, the one field body=[info][title]subject[/title]text[/info]
            (locale ja: Japanese title and labels), token in X-ChatWorkToken only here
  slack     {"text": "*subject*\\n\\ntext"} with &, <, > escaped

each holding the rule title, the severity and the group values, and the
Idempotency-Key / X-Mimamori-Delivery of the alert.  Chatwork answers 500 to
its first request and Discord 429 with `Retry-After: 2`: both must be retried
with the same key and body (Discord not before 2 s), delivered once, and the
rows marked sent.  A second alert then goes through every channel: only
after it has arrived (a barrier, no fixed sleep) the first alert's key must
still have exactly one accepted delivery per channel.

The second alert's user name is `[/info][toall][To:1]`, which a log line (an
SSH login name) can carry.  Discord and Slack neutralise mentions in log
lines; in the Chatwork body the brackets of the alert's text become
full-width (［/info］［toall］), so the line neither closes the [info] block
nor mentions the whole room.
"""
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from harness import Daemon, fail, passed, rfc3164, wait_for  # noqa: E402
from notify_servers import Webhook, rule  # noqa: E402

TITLE = "Chat format test"
JA_TITLE = "チャット形式の試験"
TOKEN = "cw-token-0123456789abcdef"
RULE = """title: %s
id: e2e-chat
level: critical
description: Block the source address.
logsource: {product: linux}
detection:
  sel:
    message|re: 'Failed password for (?<user_name>\\S+) from (?<source_ip>\\S+)'
  condition: sel
group-by: [source.ip, user.name]
translations:
  ja:
    title: %s
    description: 接続元をブロックしてください。
""" % (TITLE, JA_TITLE)
PATHS = {"teams": "/workflows/teams/in", "discord": "/api/webhooks/1234/tok",
         "chatwork": "/v2/rooms/4242/messages", "slack": "/services/T000/B000/XXXX"}
RETRY_AFTER = 2


def answer(path, n):
    if path == PATHS["chatwork"] and n == 1:
        return 500, {}
    if path == PATHS["discord"] and n == 1:
        return 429, {"Retry-After": str(RETRY_AFTER)}
    return 200, {}


def main():
    t0 = time.monotonic()
    hook = Webhook(answer)
    try:
        run(hook)
    finally:
        hook.close()
    passed("chat formats teams/discord/chatwork/slack on the wire; 500 and 429+Retry-After"
           " retried, delivered once (%.1fs)" % (time.monotonic() - t0))


def check_common(ch, r, key, ctype):
    h = r["headers"]
    if r["method"] != "POST" or r["path"] != PATHS[ch]:
        fail("%s: %s %s" % (ch, r["method"], r["path"]))
    if h.get("Content-Type") != ctype:
        fail("%s: Content-Type %r, want %r" % (ch, h.get("Content-Type"), ctype))
    if h.get("Idempotency-Key") != key or h.get("X-Mimamori-Delivery") != key:
        fail("%s: keys %r %r, want %r" % (ch, h.get("Idempotency-Key"),
                                          h.get("X-Mimamori-Delivery"), key))
    if h.get("User-Agent") != "mimamori/0.1":
        fail("%s: User-Agent %r" % (ch, h.get("User-Agent")))
    if "X-Mimamori-Signature" in h:
        fail("%s: signed without a secret_file" % ch)
    if ch != "chatwork" and (TOKEN in json.dumps(h) or TOKEN.encode() in r["body"]):
        fail("%s: the Chatwork token leaked to another channel" % ch)


def check_text(ch, subject, text, ja=False):
    """The message shows the title, the severity and the group values."""
    title, sev = (JA_TITLE, "緊急") if ja else (TITLE, "CRITICAL")
    for part, s in (("subject", subject), ("text", text)):
        for want in (title, sev, "source.ip=203.0.113.77", "user.name=mallory"):
            if want not in s:
                fail("%s: the %s lacks %r:\n%s" % (ch, part, want, s))
    if "Failed password for mallory from 203.0.113.77" not in text:
        fail("%s: the evidence is not in the text:\n%s" % (ch, text))
    if ja and (TITLE in subject or TITLE in text or "重大度: 緊急" not in text):
        fail("%s: locale ja shows English rule text or lacks the labels:\n%s" % (ch, text))
    if not ja and "Severity: CRITICAL" not in text:
        fail("%s: the text lacks 'Severity: CRITICAL':\n%s" % (ch, text))


def check_teams(r):
    b = json.loads(r["body"])
    if b.get("type") != "message" or len(b.get("attachments", [])) != 1:
        fail("teams: not a message with one attachment: %r" % b)
    a = b["attachments"][0]
    if a.get("contentType") != "application/vnd.microsoft.card.adaptive":
        fail("teams: attachment contentType %r" % a.get("contentType"))
    card = a["content"]
    if card.get("type") != "AdaptiveCard" or not card.get("version") or \
            "adaptivecards.io" not in card.get("$schema", ""):
        fail("teams: not an Adaptive Card: %r" % card)
    blocks = card.get("body", [])
    if len(blocks) != 2 or any(x.get("type") != "TextBlock" for x in blocks):
        fail("teams: card body is not two TextBlocks: %r" % blocks)
    check_text("teams", blocks[0]["text"], blocks[1]["text"])


def check_discord(r):
    b = json.loads(r["body"])
    if set(b) != {"content", "allowed_mentions"} or b["allowed_mentions"] != {"parse": []}:
        fail("discord: body keys / allowed_mentions: %r" % b)
    c = b["content"]
    if not c.startswith("**") or "**\n\n" not in c or len(c) > 2000:
        fail("discord: content is not **subject** + text within 2000 chars: %r" % c[:200])
    subject, text = c[2:].split("**\n\n", 1)
    check_text("discord", subject, text)
    if "<@everyone>" not in text:
        fail("discord: the evidence line was altered: %r" % text)


def check_chatwork(r):
    if r["headers"].get("X-ChatWorkToken") != TOKEN:
        fail("chatwork: X-ChatWorkToken %r" % r["headers"].get("X-ChatWorkToken"))
    raw = r["body"].decode("ascii")  # form encoding: ASCII only
    form = urllib.parse.parse_qs(raw, keep_blank_values=True, strict_parsing=True)
    if list(form) != ["body"] or len(form["body"]) != 1:
        fail("chatwork: form fields %r" % list(form))
    v = form["body"][0]
    if not v.startswith("[info][title]") or "[/title]" not in v or not v.endswith("[/info]"):
        fail("chatwork: not [info][title]…[/title]…[/info]: %r" % v[:200])
    subject, text = v[len("[info][title]"):-len("[/info]")].split("[/title]", 1)
    check_text("chatwork", subject, text, ja=True)
    if "<@everyone> & <https://evil.example|click>" not in text:
        fail("chatwork: the evidence line did not survive the form encoding: %r" % text)


def check_slack(r):
    b = json.loads(r["body"])
    if list(b) != ["text"]:
        fail("slack: body keys %r" % list(b))
    t = b["text"]
    if not t.startswith("*") or "*\n\n" not in t:
        fail("slack: text is not *subject* + text: %r" % t[:200])
    subject, text = t[1:].split("*\n\n", 1)
    check_text("slack", subject, text)
    if "&lt;@everyone&gt; &amp; &lt;https://evil.example|click&gt;" not in text or "<" in t:
        fail("slack: &, <, > not escaped: %r" % text)


def check_chatwork_notation(r):
    """A log line must not close the [info] block or mention anyone in Chatwork."""
    v = urllib.parse.parse_qs(r["body"].decode("ascii"))["body"][0]
    if "Failed password for " not in v or "198.51.100.8" not in v:
        fail("chatwork: the second alert's evidence is missing: %r" % v[-300:])
    if v.count("[/info]") != 1 or v.count("[info]") != 1 or "[toall]" in v or "[To:1]" in v:
        fail("chatwork: the log line's [/info][toall][To:1] is live notation: %r" % v[-400:])
    if "\uff3b/info\uff3d\uff3btoall\uff3d\uff3bTo:1\uff3d" not in v:
        fail("chatwork: the user name is not shown with full-width brackets: %r" % v[-400:])


CTYPE = {"teams": "application/json", "discord": "application/json",
         "chatwork": "application/x-www-form-urlencoded", "slack": "application/json"}
CHECK = {"teams": check_teams, "discord": check_discord, "chatwork": check_chatwork,
         "slack": check_slack}


def run(hook):
    extra = """  - name: teams
    type: webhook
    format: teams
    url: %s
  - name: discord
    type: webhook
    format: discord
    url: %s
  - name: chatwork
    type: webhook
    format: chatwork
    url: %s
    token_file: cw.token
    locale: ja
  - name: slack
    type: webhook
    format: slack
    url: %s
""" % tuple(hook.url(PATHS[c]) for c in ("teams", "discord", "chatwork", "slack"))
    d = Daemon(rules={"chat.yml": RULE}, extra_config=extra)
    with open(os.path.join(d.dir, "cw.token"), "w") as f:
        f.write(TOKEN + "\n")
    with d:
        d.send_udp([rfc3164("Failed password for mallory from 203.0.113.77 port 4242 ssh2"
                            " <@everyone> & <https://evil.example|click>")])
        wait_for(lambda: d.query("SELECT count(*) FROM alerts")[0][0] == 1, 10, "the alert")
        aid = d.query("SELECT printf('%016x', id) FROM alerts")[0][0]
        wait_for(lambda: d.query("SELECT count(*) FROM outbox WHERE channel IN"
                                 " ('teams','discord','chatwork','slack') AND state = 'sent'")[0][0]
                 == 4, 15, "the four chat rows to be sent")
        for ch in CHECK:
            key = "mm-%s-%s" % (aid, ch)
            reqs = hook.got(PATHS[ch])
            ok = [r for r in reqs if r["status"] == 200]
            if len(ok) != 1:
                fail("%s: %d accepted deliveries of one alert" % (ch, len(ok)))
            for r in reqs:
                check_common(ch, r, key, CTYPE[ch])
                CHECK[ch](r)
        # the retried ones: the first answer was an error, the second the same request again
        for ch, status in (("chatwork", 500), ("discord", 429)):
            reqs = hook.got(PATHS[ch])
            if [r["status"] for r in reqs] != [status, 200]:
                fail("%s: answers %r, want [%d, 200]" % (ch, [r["status"] for r in reqs], status))
            if reqs[0]["body"] != reqs[1]["body"]:
                fail("%s: the retry's body differs from the first attempt's" % ch)
        gap = (hook.got(PATHS["discord"])[1]["t_ns"] - hook.got(PATHS["discord"])[0]["t_ns"]) / 1e9
        if gap < RETRY_AFTER - 0.1:
            fail("discord: retried after %.2fs despite Retry-After: %d" % (gap, RETRY_AFTER))
        for ch in ("teams", "slack"):
            if len(hook.got(PATHS[ch])) != 1:
                fail("%s: %d requests, want 1" % (ch, len(hook.got(PATHS[ch]))))
        log = d.logtext()
        for ch, want in (("chatwork", "HTTP 500"), ("discord", "HTTP 429")):
            if not any("notify %s:" % ch in l and "not delivered: " + want in l
                       for l in log.splitlines()):
                fail("%s: no log line for the %s" % (ch, want))

        # a second alert as a barrier: when it is through, nothing of the first came again
        d.send_udp([rfc3164("Failed password for [/info][toall][To:1] from 198.51.100.8"
                            " port 4242 ssh2")])
        wait_for(lambda: d.query("SELECT count(*) FROM outbox WHERE channel IN"
                                 " ('teams','discord','chatwork','slack') AND state = 'sent'")[0][0]
                 == 8, 15, "the second alert on the four channels")
        for ch in CHECK:
            keys = [r["headers"]["Idempotency-Key"] for r in hook.got(PATHS[ch], 200)]
            if len(keys) != 2 or len(set(keys)) != 2 or "mm-%s-%s" % (aid, ch) not in keys:
                fail("%s: accepted keys %r: want the two alerts once each" % (ch, keys))
        check_chatwork_notation(hook.got(PATHS["chatwork"], 200)[-1])
        if d.query("SELECT count(*) FROM outbox WHERE state != 'sent'")[0][0] != 0:
            fail("rows not sent: %r" % d.query("SELECT channel, state FROM outbox"))
        if d.stop() != 0:
            fail("exit status")


if __name__ == "__main__":
    main()
