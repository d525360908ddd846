/*
 * chan.c - a smtp or webhook channel, ready to send: the configuration
 * copied into the sender's own struct, and the secrets read from their
 * files (the first line; a trailing CR/LF is not part of it).  Secrets are
 * never logged.
 */
#include "notify/notify_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/log.h"

#define SECRET_MAX 4096

/* The first line of a file (owned); NULL with a log line on failure. */
static char *read_secret(const char *chan, const char *what, const char *path, size_t *len)
{
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        log_warn("notify %s: cannot read the %s file %s", chan, what, path);
        return NULL;
    }
    char *buf = calloc(1, SECRET_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    size_t n = fread(buf, 1, SECRET_MAX, f);
    fclose(f);
    char *nl = memchr(buf, '\n', n);
    if (nl != NULL) {
        n = (size_t)(nl - buf);
    }
    if (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    buf[n] = '\0';
    if (n == 0) {
        log_warnx("notify %s: the %s file %s is empty", chan, what, path);
        free(buf);
        return NULL;
    }
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

static int dup_opt(char **dst, const char *src)
{
    if (src == NULL) {
        return 0;
    }
    *dst = strdup(src);
    return *dst == NULL ? -1 : 0;
}

static int dup_list(char ***dst, size_t *n, const struct mm_strlist *src)
{
    if (src->n == 0) {
        return 0;
    }
    *dst = calloc(src->n, sizeof(**dst));
    if (*dst == NULL) {
        return -1;
    }
    for (size_t i = 0; i < src->n; i++) {
        if (((*dst)[i] = strdup(src->v[i])) == NULL) {
            return -1;
        }
        *n = i + 1;
    }
    return 0;
}

void mm_notify_chan_free(struct mm_notify_chan *c)
{
    if (c == NULL) {
        return;
    }
    free(c->name);
    free(c->url);
    free(c->username);
    if (c->password != NULL) {
        explicit_bzero(c->password, strlen(c->password));
    }
    free(c->password);
    free(c->from);
    free(c->ca_file);
    if (c->token != NULL) {
        explicit_bzero(c->token, strlen(c->token));
    }
    free(c->token);
    if (c->secret != NULL) {
        explicit_bzero(c->secret, c->secret_len);
    }
    free(c->secret);
    for (size_t i = 0; i < c->nto; i++) {
        free(c->to[i]);
    }
    free(c->to);
    for (size_t i = 0; i < c->nheaders; i++) {
        free(c->headers[i]);
    }
    free(c->headers);
    free(c->subject);
    free(c->body);
    free(c);
}

enum mm_err mm_notify_chan_new(struct mm_notify_chan **out, const struct mm_notify_conf *nc)
{
    static const char *const formats[] = {"generic", "slack",    "teams",
                                          "discord", "chatwork", "template"};
    enum mm_err rc = MM_ENOMEM;
    *out = NULL;
    struct mm_notify_chan *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return MM_ENOMEM;
    }
    c->kind = strcmp(nc->type, "smtp") == 0 ? MM_NOTIFY_SMTP : MM_NOTIFY_WEBHOOK;
    c->format = MM_FMT_GENERIC;
    for (size_t i = 0; nc->format != NULL && i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(nc->format, formats[i]) == 0) {
            c->format = (enum mm_notify_format)i;
        }
    }
    c->starttls = MM_TLS_REQUIRED;
    if (nc->starttls != NULL && strcmp(nc->starttls, "optional") == 0) {
        c->starttls = MM_TLS_OPTIONAL;
    } else if (nc->starttls != NULL && strcmp(nc->starttls, "none") == 0) {
        c->starttls = MM_TLS_NONE;
    }
    c->tls_verify = nc->tls_verify;
    c->html = nc->html;
    c->ja = nc->locale != NULL && strcmp(nc->locale, "ja") == 0;
    c->digest_ns = nc->digest_ns;
    c->rate_max = nc->rate_max;
    c->rate_period_ns = nc->rate_period_ns;
    c->retry_max_ns = nc->retry_max_ns > 0 ? nc->retry_max_ns : 300000000000LL;
    c->quiet_start = nc->quiet_start;
    c->quiet_end = nc->quiet_end;
    if (dup_opt(&c->name, nc->name) || dup_opt(&c->url, nc->url) ||
        dup_opt(&c->username, nc->username) || dup_opt(&c->from, nc->from) ||
        dup_opt(&c->ca_file, nc->ca_file) || dup_opt(&c->subject, nc->subject) ||
        dup_opt(&c->body, nc->body) || dup_list(&c->to, &c->nto, &nc->to) ||
        dup_list(&c->headers, &c->nheaders, &nc->headers)) {
        goto fail;
    }
    rc = MM_ECONFIG;
    if (c->name == NULL || c->url == NULL) {
        goto fail;
    }
    if (nc->password_file != NULL &&
        (c->password = read_secret(c->name, "password", nc->password_file, NULL)) == NULL) {
        goto fail;
    }
    if (nc->token_file != NULL &&
        (c->token = read_secret(c->name, "token", nc->token_file, NULL)) == NULL) {
        goto fail;
    }
    if (nc->secret_file != NULL) {
        c->secret = (unsigned char *)read_secret(c->name, "secret", nc->secret_file,
                                                 &c->secret_len);
        if (c->secret == NULL) {
            goto fail;
        }
    }
    *out = c;
    return MM_OK;

fail:
    mm_notify_chan_free(c);
    return rc;
}

void mm_notify_chan_style(const struct mm_notify_chan *c, const struct mm_tz *tz,
                          struct mm_notify_style *st)
{
    memset(st, 0, sizeof(*st));
    st->ja = c->ja;
    st->tz = tz;
    st->channel = c->name;
    st->subject = c->subject;
    /* a template webhook's body is the HTTP body, not the message text */
    st->body = c->format == MM_FMT_TEMPLATE ? NULL : c->body;
}
