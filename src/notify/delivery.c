/*
 * delivery.c - one message on the wire: the libcurl easy handle every
 * transfer shares (protocols limited to the channel's, no redirects,
 * timeouts, TLS verification on unless the channel turns it off, an optional
 * CA file), the capture of what the endpoint answered, and the decision
 * OK / RETRY / FAIL:
 *
 *   HTTP  2xx OK; 408, 429, 5xx RETRY (Retry-After honoured); other codes FAIL
 *   SMTP  accepted OK; 4xx RETRY; 5xx FAIL (a relay that refuses will refuse again)
 *   no answer (refused, reset, timeout, TLS handshake, DNS) RETRY
 */
#include "notify/notify_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mimamori/log.h"

#define ANSWER_MAX 8192 /* bytes of the endpoint's answer kept */
#define CONNECT_TIMEOUT_MS 10000L
#define TRANSFER_TIMEOUT_MS 30000L

void mm_notify_delivery_init(struct mm_notify_delivery *d)
{
    memset(d, 0, sizeof(*d));
    mm_buf_init(&d->payload, (size_t)32 << 20);
    mm_buf_init(&d->answer, ANSWER_MAX + 64);
}

void mm_notify_delivery_release(struct mm_notify_delivery *d)
{
    if (d == NULL) {
        return;
    }
    if (d->easy != NULL) {
        curl_easy_cleanup(d->easy);
    }
    curl_slist_free_all(d->hdrs);
    curl_slist_free_all(d->rcpt);
    if (d->userpwd != NULL) {
        explicit_bzero(d->userpwd, strlen(d->userpwd));
    }
    free(d->userpwd);
    mm_buf_free(&d->payload);
    mm_buf_free(&d->answer);
    memset(d, 0, sizeof(*d));
}

/* What the server said: status line, headers and body (HTTP), the reply lines (SMTP). */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
    struct mm_notify_delivery *d = arg;
    (void)h;
    if (type != CURLINFO_HEADER_IN && type != CURLINFO_DATA_IN) {
        return 0;
    }
    if (d->answer.len < ANSWER_MAX) {
        size_t room = ANSWER_MAX - d->answer.len;
        (void)mm_buf_append(&d->answer, data, size < room ? size : room);
    }
    return 0;
}

/* The body arrives through on_debug; this only keeps libcurl from printing it. */
static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    (void)p, (void)arg;
    return size * n;
}

static size_t on_read(char *p, size_t size, size_t n, void *arg)
{
    struct mm_notify_delivery *d = arg;
    size_t want = size * n, left = d->payload.len - d->off;
    if (want > left) {
        want = left;
    }
    if (want > 0) {
        memcpy(p, d->payload.p + d->off, want);
        d->off += want;
    }
    return want;
}

int mm_notify_delivery_easy(struct mm_notify_delivery *d, const struct mm_notify_chan *c)
{
    CURL *h = curl_easy_init();
    if (h == NULL) {
        return -1;
    }
    d->easy = h;
    int smtp = c->kind == MM_NOTIFY_SMTP;
    CURLcode e = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (e == CURLE_OK) {                                                                       \
            e = curl_easy_setopt(h, opt, val);                                                     \
        }                                                                                          \
    } while (0)
    SET(CURLOPT_URL, c->url);
    SET(CURLOPT_PROTOCOLS_STR, smtp ? "smtp,smtps" : "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    SET(CURLOPT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
    SET(CURLOPT_ERRORBUFFER, d->errbuf);
    SET(CURLOPT_VERBOSE, 1L); /* for on_debug: it replaces libcurl's own printing */
    SET(CURLOPT_DEBUGFUNCTION, on_debug);
    SET(CURLOPT_DEBUGDATA, d);
    SET(CURLOPT_WRITEFUNCTION, on_write);
    SET(CURLOPT_READFUNCTION, on_read);
    SET(CURLOPT_READDATA, d);
    SET(CURLOPT_PRIVATE, d);
    SET(CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
    SET(CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
    if (c->ca_file != NULL) {
        SET(CURLOPT_CAINFO, c->ca_file);
    }
#undef SET
    if (e != CURLE_OK) {
        log_warnx("notify %s: libcurl refused an option: %s", c->name, curl_easy_strerror(e));
        return -1;
    }
    return 0;
}

/* The value of header `name` in the captured answer (the last response's), or NULL. */
static const char *answer_header(const struct mm_notify_delivery *d, const char *name,
                                 size_t *len)
{
    const char *found = NULL;
    size_t nl = strlen(name);
    const char *p = d->answer.p, *end = d->answer.p + d->answer.len;
    while (p != NULL && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        if ((size_t)(le - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            found = p + nl + 1;
            *len = (size_t)(le - found);
        }
        p = eol ? eol + 1 : NULL;
    }
    return found;
}

/* The first line of the answer's body or reply, escaped, for a log line. */
static void answer_snippet(const struct mm_notify_delivery *d, int http, char *out, size_t len)
{
    const char *p = d->answer.p ? d->answer.p : "";
    size_t n = d->answer.len;
    if (http) {
        const char *body = d->answer.p ? strstr(d->answer.p, "\r\n\r\n") : NULL;
        if (body != NULL) {
            body += 4;
            n -= (size_t)(body - p);
            p = body;
        } else {
            n = 0;
        }
    } else {
        /* the last reply line of the dialogue */
        const char *last = p;
        for (const char *q = p; q < p + n; q++) {
            if (*q == '\n' && q + 1 < p + n) {
                last = q + 1;
            }
        }
        n -= (size_t)(last - p);
        p = last;
    }
    const char *eol = memchr(p, '\n', n);
    if (eol != NULL) {
        n = (size_t)(eol - p);
    }
    if (n > 160) {
        n = 160;
    }
    mm_log_escape(out, len, p, n);
}

enum mm_send mm_notify_delivery_outcome(struct mm_notify_delivery *d, int cc, int64_t now_ns,
                                        char *why, size_t whylen, int64_t *retry_ns)
{
    long code = 0;
    char snip[700];
    const char *scheme = NULL;
    *retry_ns = -1;
    curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(d->easy, CURLINFO_SCHEME, &scheme);
    int http = scheme != NULL && strncasecmp(scheme, "http", 4) == 0;
    answer_snippet(d, http, snip, sizeof(snip));
    if (http && code > 0) {
        if (code >= 200 && code < 300 && cc == CURLE_OK) {
            snprintf(why, whylen, "HTTP %ld", code);
            return MM_SEND_OK;
        }
        snprintf(why, whylen, "HTTP %ld%s%s", code, snip[0] ? ": " : "", snip);
        if (code == 408 || code == 429 || code >= 500) {
            size_t vl = 0;
            const char *v = answer_header(d, "Retry-After", &vl);
            if (v != NULL) {
                *retry_ns = mm_notify_retry_after_ns(v, vl, now_ns);
            }
            return MM_SEND_RETRY;
        }
        return MM_SEND_FAIL;
    }
    if (!http && cc == CURLE_OK) {
        snprintf(why, whylen, "SMTP %ld: %s", code, snip);
        return MM_SEND_OK;
    }
    if (!http && code >= 400) {
        snprintf(why, whylen, "SMTP %s", snip[0] ? snip : curl_easy_strerror((CURLcode)cc));
        return code >= 500 ? MM_SEND_FAIL : MM_SEND_RETRY;
    }
    snprintf(why, whylen, "%s%s%s", curl_easy_strerror((CURLcode)cc), d->errbuf[0] ? ": " : "",
             d->errbuf);
    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
        return MM_SEND_FAIL;
    default:
        return MM_SEND_RETRY;
    }
}

enum mm_err mm_notify_delivery_build(struct mm_notify_delivery *d, const struct mm_notify_chan *c,
                                     struct mm_notify_alert **alerts, size_t n,
                                     const struct mm_tz *tz, int64_t now_ns)
{
    struct mm_notify_msg m;
    struct mm_notify_style st;
    enum mm_err rc;
    mm_notify_msg_init(&m);
    mm_notify_chan_style(c, tz, &st);
    int html = c->kind == MM_NOTIFY_SMTP && c->html;
    if (n == 1) {
        rc = mm_notify_compose_one(&m, alerts[0], &st, html);
    } else {
        rc = mm_notify_compose_digest(&m, alerts, n, &st, html);
    }
    if (rc == MM_OK && mm_notify_delivery_easy(d, c) != 0) {
        rc = MM_ENOMEM;
    }
    if (rc == MM_OK) {
        rc = c->kind == MM_NOTIFY_SMTP ? mm_notify_smtp_prepare(d, c, &m, now_ns)
                                       : mm_notify_webhook_prepare(d, c, &m, alerts, n, &st);
    }
    mm_notify_msg_free(&m);
    return rc;
}
