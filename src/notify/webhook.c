/*
 * webhook.c - a chat or HTTP channel: one POST per message.
 *
 *   generic   the alert JSON as stored (a digest: {"digest":{...},"alerts":[...]}),
 *             signed with HMAC-SHA256 when secret_file is set
 *   slack     incoming webhook {"text": ...} (&, <, > escaped as Slack asks)
 *   teams     Workflows / incoming webhook: a message with an Adaptive Card
 *   discord   {"content": ...} cut at 2000 characters, mentions disabled
 *   chatwork  form body "body=[info][title]...[/title]...[/info]", X-ChatWorkToken
 *   template  the channel's `body` template, as written (Content-Type JSON
 *             unless a `headers` line sets another)
 *
 * Every request carries Idempotency-Key and X-Mimamori-Delivery (the same
 * key for every attempt of one delivery) and the channel's own headers.
 * With secret_file, X-Mimamori-Signature: sha256=HEX(HMAC-SHA256(secret, body)).
 */
#include "notify/notify_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DISCORD_MAX_CHARS 2000

static enum mm_err json_str(struct mm_buf *out, const struct mm_buf *b)
{
    return mm_buf_json_str(out, b->p ? b->p : "", b->len);
}

/* subject + blank line + text, as one string */
static enum mm_err plain(struct mm_buf *out, const struct mm_notify_msg *m, const char *bold)
{
    enum mm_err rc = mm_buf_printf(out, "%s", bold);
    if (rc == MM_OK) {
        rc = mm_buf_append(out, m->subject.p ? m->subject.p : "", m->subject.len);
    }
    if (rc == MM_OK) {
        rc = mm_buf_printf(out, "%s\n\n", bold);
    }
    if (rc == MM_OK) {
        rc = mm_buf_append(out, m->text.p ? m->text.p : "", m->text.len);
    }
    return rc;
}

static enum mm_err body_generic(struct mm_buf *out, const struct mm_notify_msg *m,
                                struct mm_notify_alert *const *alerts, size_t n)
{
    if (n == 1) {
        return mm_buf_append(out, alerts[0]->json, alerts[0]->json_len);
    }
    enum mm_err rc = mm_buf_printf(out, "{\"digest\":{\"alerts\":%zu,\"subject\":", n);
    if (rc == MM_OK) {
        rc = json_str(out, &m->subject);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, ",\"text\":");
    }
    if (rc == MM_OK) {
        rc = json_str(out, &m->text);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "},\"alerts\":[");
    }
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        if (i > 0) {
            rc = mm_buf_putc(out, ',');
        }
        if (rc == MM_OK) {
            rc = mm_buf_append(out, alerts[i]->json, alerts[i]->json_len);
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "]}");
    }
    return rc;
}

static enum mm_err body_slack(struct mm_buf *out, const struct mm_notify_msg *m)
{
    struct mm_buf t, e;
    mm_buf_init(&t, 0);
    mm_buf_init(&e, 0);
    enum mm_err rc = plain(&t, m, "*");
    for (size_t i = 0; i < t.len && rc == MM_OK; i++) {
        switch (t.p[i]) {
        case '&':
            rc = mm_buf_puts(&e, "&amp;");
            break;
        case '<':
            rc = mm_buf_puts(&e, "&lt;");
            break;
        case '>':
            rc = mm_buf_puts(&e, "&gt;");
            break;
        default:
            rc = mm_buf_putc(&e, t.p[i]);
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "{\"text\":");
    }
    if (rc == MM_OK) {
        rc = json_str(out, &e);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "}");
    }
    mm_buf_free(&t);
    mm_buf_free(&e);
    return rc;
}

static enum mm_err body_teams(struct mm_buf *out, const struct mm_notify_msg *m)
{
    enum mm_err rc = mm_buf_puts(
        out, "{\"type\":\"message\",\"attachments\":[{\"contentType\":"
             "\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,\"content\":{"
             "\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
             "\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[{\"type\":\"TextBlock\","
             "\"size\":\"Medium\",\"weight\":\"Bolder\",\"wrap\":true,\"text\":");
    if (rc == MM_OK) {
        rc = json_str(out, &m->subject);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "},{\"type\":\"TextBlock\",\"wrap\":true,\"fontType\":\"Monospace\","
                              "\"text\":");
    }
    if (rc == MM_OK) {
        rc = json_str(out, &m->text);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "}]}}]}");
    }
    return rc;
}

static enum mm_err body_discord(struct mm_buf *out, const struct mm_notify_msg *m)
{
    struct mm_buf t;
    mm_buf_init(&t, 0);
    enum mm_err rc = plain(&t, m, "**");
    /* at most DISCORD_MAX_CHARS characters (code points), cut between characters */
    size_t chars = 0, i = 0;
    for (; i < t.len; i++) {
        if (((unsigned char)t.p[i] & 0xc0) != 0x80) {
            if (chars == DISCORD_MAX_CHARS - 1) {
                break;
            }
            chars++;
        }
    }
    int cut = i < t.len;
    if (rc == MM_OK) {
        t.len = i;
        rc = cut ? mm_buf_puts(&t, "…") : MM_OK;
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "{\"content\":");
    }
    if (rc == MM_OK) {
        rc = json_str(out, &t);
    }
    if (rc == MM_OK) {
        /* log lines may hold "@everyone": never let them ping anyone */
        rc = mm_buf_puts(out, ",\"allowed_mentions\":{\"parse\":[]}}");
    }
    mm_buf_free(&t);
    return rc;
}

/*
 * Text from log lines inside Chatwork's notation: every '[' and ']' becomes
 * its full-width form, so that a line (an SSH user name "[/info][toall]")
 * can neither close the [info] block nor mention anyone, as Discord's empty
 * allowed_mentions and Slack's escaping keep them from pinging there.
 */
static enum mm_err chatwork_text(struct mm_buf *t, const char *p, size_t n)
{
    enum mm_err rc = MM_OK;
    size_t i = 0;
    while (rc == MM_OK && i < n) {
        size_t j = i;
        while (j < n && p[j] != '[' && p[j] != ']') {
            j++;
        }
        rc = mm_buf_append(t, p + i, j - i);
        if (rc == MM_OK && j < n) {
            rc = mm_buf_puts(t, p[j] == '[' ? "\xef\xbc\xbb" : "\xef\xbc\xbd"); /* ［ ］ */
            j++;
        }
        i = j;
    }
    return rc;
}

static enum mm_err body_chatwork(struct mm_buf *out, const struct mm_notify_msg *m)
{
    struct mm_buf t;
    mm_buf_init(&t, 0);
    enum mm_err rc = mm_buf_puts(&t, "[info][title]");
    if (rc == MM_OK) {
        rc = chatwork_text(&t, m->subject.p ? m->subject.p : "", m->subject.len);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(&t, "[/title]");
    }
    if (rc == MM_OK) {
        rc = chatwork_text(&t, m->text.p ? m->text.p : "", m->text.len);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(&t, "[/info]");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(out, "body=");
    }
    for (size_t i = 0; i < t.len && rc == MM_OK; i++) {
        unsigned char c = (unsigned char)t.p[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            rc = mm_buf_putc(out, (char)c);
        } else {
            rc = mm_buf_printf(out, "%%%02X", c);
        }
    }
    mm_buf_free(&t);
    return rc;
}

enum mm_err mm_notify_webhook_body(struct mm_buf *out, const struct mm_notify_chan *c,
                                   const struct mm_notify_msg *m,
                                   struct mm_notify_alert *const *alerts, size_t n,
                                   const struct mm_notify_style *st, const char **content_type)
{
    *content_type = "application/json";
    switch (c->format) {
    case MM_FMT_GENERIC:
        return body_generic(out, m, alerts, n);
    case MM_FMT_SLACK:
        return body_slack(out, m);
    case MM_FMT_TEAMS:
        return body_teams(out, m);
    case MM_FMT_DISCORD:
        return body_discord(out, m);
    case MM_FMT_CHATWORK:
        *content_type = "application/x-www-form-urlencoded";
        return body_chatwork(out, m);
    case MM_FMT_TEMPLATE: {
        struct mm_notify_style s2 = *st;
        s2.msg_subject = m->subject.p ? m->subject.p : "";
        s2.msg_text = m->text.p ? m->text.p : "";
        /* a digest renders with its worst alert (alerts[] is sorted worst first) */
        return mm_notify_render(out, c->body ? c->body : "{{json}}", alerts[0], &s2);
    }
    }
    return MM_EINVAL;
}

/* Add "name: value" (name NULL: value is the whole line) to the request headers. */
static enum mm_err add_header(struct mm_notify_delivery *d, const char *name, const char *v)
{
    char line[1024];
    int n = name ? snprintf(line, sizeof(line), "%s: %s", name, v)
                 : snprintf(line, sizeof(line), "%s", v);
    if (n < 0 || (size_t)n >= sizeof(line) || strpbrk(line, "\r\n") != NULL) {
        return MM_EINVAL;
    }
    struct curl_slist *l = curl_slist_append(d->hdrs, line);
    if (l == NULL) {
        return MM_ENOMEM;
    }
    d->hdrs = l;
    return MM_OK;
}

enum mm_err mm_notify_webhook_prepare(struct mm_notify_delivery *d, const struct mm_notify_chan *c,
                                      const struct mm_notify_msg *m,
                                      struct mm_notify_alert *const *alerts, size_t n,
                                      const struct mm_notify_style *st)
{
    const char *ctype;
    enum mm_err rc = mm_notify_webhook_body(&d->payload, c, m, alerts, n, st, &ctype);
    int own_ctype = 0;
    for (size_t i = 0; i < c->nheaders; i++) {
        own_ctype |= strncasecmp(c->headers[i], "Content-Type:", 13) == 0;
    }
    if (rc == MM_OK && !own_ctype) {
        rc = add_header(d, "Content-Type", ctype);
    }
    if (rc == MM_OK) {
        rc = add_header(d, "User-Agent", "mimamori/0.1");
    }
    if (rc == MM_OK) {
        rc = add_header(d, "Idempotency-Key", d->key);
    }
    if (rc == MM_OK) {
        rc = add_header(d, "X-Mimamori-Delivery", d->key);
    }
    if (rc == MM_OK) {
        rc = add_header(d, NULL, "Expect:"); /* no 100-continue round trip */
    }
    if (rc == MM_OK && c->format == MM_FMT_CHATWORK && c->token != NULL) {
        rc = add_header(d, "X-ChatWorkToken", c->token);
    }
    if (rc == MM_OK && c->secret != NULL) {
        unsigned char mac[MM_SHA256_LEN];
        char hex[2 * MM_SHA256_LEN + 1];
        rc = mm_notify_hmac_sha256(c->secret, c->secret_len, d->payload.p ? d->payload.p : "",
                                   d->payload.len, mac);
        if (rc == MM_OK) {
            mm_notify_hex(mac, sizeof(mac), hex);
            char sig[2 * MM_SHA256_LEN + 8];
            snprintf(sig, sizeof(sig), "sha256=%s", hex);
            rc = add_header(d, "X-Mimamori-Signature", sig);
        }
    }
    for (size_t i = 0; i < c->nheaders && rc == MM_OK; i++) {
        rc = add_header(d, NULL, c->headers[i]);
    }
    if (rc != MM_OK) {
        return rc;
    }
    if (d->payload.p == NULL && mm_buf_puts(&d->payload, "") != MM_OK) {
        return MM_ENOMEM;
    }
    CURLcode e = curl_easy_setopt(d->easy, CURLOPT_HTTPHEADER, (struct curl_slist *)d->hdrs);
    if (e == CURLE_OK) {
        e = curl_easy_setopt(d->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)d->payload.len);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(d->easy, CURLOPT_POSTFIELDS, d->payload.p ? d->payload.p : "");
    }
    return e == CURLE_OK ? MM_OK : MM_ENOMEM;
}
