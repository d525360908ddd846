/*
 * smtp.c - a mail channel: the message of message.c sent with libcurl's SMTP
 * (smtp:// with STARTTLS required, optional or off; smtps:// implicit TLS;
 * AUTH with the password from password_file; one envelope recipient per
 * `to` address).  libcurl does the dot-stuffing.
 */
#include "notify/notify_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<addr>" for the envelope: the address inside <> when the config has "Name <addr>". */
static int envelope(const char *s, char *out, size_t len)
{
    const char *lt = strrchr(s, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    int n;
    if (lt != NULL && gt != NULL) {
        n = snprintf(out, len, "<%.*s>", (int)(gt - lt - 1), lt + 1);
    } else {
        n = snprintf(out, len, "<%s>", s);
    }
    return n > 0 && (size_t)n < len ? 0 : -1;
}

enum mm_err mm_notify_smtp_prepare(struct mm_notify_delivery *d, const struct mm_notify_chan *c,
                                   const struct mm_notify_msg *m, int64_t now_ns)
{
    char addr[512];
    struct mm_notify_mail mail = {
        .from = c->from,
        .to = (const char *const *)c->to,
        .nto = c->nto,
        .subject = m->subject.p ? m->subject.p : "",
        .text = m->text.p ? m->text.p : "",
        .html = m->html.len ? m->html.p : NULL,
        .key = d->key,
        .date_ns = now_ns,
    };
    enum mm_err rc = mm_notify_mail_build(&d->payload, &mail);
    if (rc != MM_OK) {
        return rc;
    }
    for (size_t i = 0; i < c->nto; i++) {
        if (envelope(c->to[i], addr, sizeof(addr)) != 0) {
            return MM_EINVAL;
        }
        struct curl_slist *l = curl_slist_append(d->rcpt, addr);
        if (l == NULL) {
            return MM_ENOMEM;
        }
        d->rcpt = l;
    }
    if (envelope(c->from, addr, sizeof(addr)) != 0) {
        return MM_EINVAL;
    }
    CURLcode e = curl_easy_setopt(d->easy, CURLOPT_MAIL_FROM, addr);
    if (e == CURLE_OK) {
        e = curl_easy_setopt(d->easy, CURLOPT_MAIL_RCPT, (struct curl_slist *)d->rcpt);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(d->easy, CURLOPT_UPLOAD, 1L);
    }
    if (e == CURLE_OK && strncmp(c->url, "smtp://", 7) == 0) {
        long use = c->starttls == MM_TLS_REQUIRED   ? (long)CURLUSESSL_ALL
                   : c->starttls == MM_TLS_OPTIONAL ? (long)CURLUSESSL_TRY
                                                    : (long)CURLUSESSL_NONE;
        e = curl_easy_setopt(d->easy, CURLOPT_USE_SSL, use);
    }
    if (e == CURLE_OK && c->username != NULL) {
        e = curl_easy_setopt(d->easy, CURLOPT_USERNAME, c->username);
        if (e == CURLE_OK) {
            e = curl_easy_setopt(d->easy, CURLOPT_PASSWORD, c->password ? c->password : "");
        }
    }
    return e == CURLE_OK ? MM_OK : MM_ENOMEM;
}
