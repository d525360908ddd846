/*
 * testsend.c - `mimamori notify test CHANNEL`: build a test alert, send it
 * through the channel exactly as the sender would (same message building,
 * same libcurl options), and print what the endpoint answered: the HTTP
 * status line, headers and body, or the SMTP server's reply lines.  The
 * database is not touched.  The URL is not printed whole: webhook URLs are
 * often secrets.  No rule texts (ruletext.c) are involved: the test alert's
 * rule is no rule of the set, and its title and text are written here in the
 * channel's locale, so the command needs no ruleset.
 */
#include "mimamori/notify.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/alert.h"
#include "mimamori/log.h"
#include "mimamori/tz.h"
#include "notify/notify_int.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* scheme://host[:port] of a URL, without path, query or user info. */
static void url_origin(const char *url, char *out, size_t len)
{
    const char *p = strstr(url, "://");
    const char *host = p ? p + 3 : url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at != NULL && (slash == NULL || at < slash)) {
        host = at + 1;
    }
    size_t hl = slash ? (size_t)(slash - host) : strlen(host);
    snprintf(out, len, "%.*s%.*s", p ? (int)(p + 3 - url) : 0, url, (int)hl, host);
}

/* The test alert as JSON: a real alert's shape, so every format shows what it will look like. */
static enum mm_err test_alert(struct mm_buf *json, const struct mm_notify_chan *c, int64_t now)
{
    struct mm_alert a;
    char host[256] = "localhost";
    char ev[512], group[600];
    memset(&a, 0, sizeof(a));
    gethostname(host, sizeof(host) - 1);
    snprintf(ev, sizeof(ev),
             c->ja ? "これは `mimamori notify test %s` によるテスト通知です。"
                   : "This is a test message sent by `mimamori notify test %s`.",
             c->name);
    char *esc = NULL;
    struct mm_buf hb;
    mm_buf_init(&hb, 0);
    enum mm_err rc = mm_buf_json_str(&hb, host, strlen(host));
    if (rc == MM_OK) {
        esc = hb.p;
        snprintf(group, sizeof(group), "{\"host.name\":%s}", esc);
    }
    a.id = (uint64_t)now;
    a.rule_id = "mimamori-notify-test";
    a.rule_title = c->ja ? "mimamori テスト通知" : "mimamori test message";
    a.tags_json = "[]";
    a.severity = MM_SEV_INFORMATIONAL;
    a.count = 1;
    a.ts_ns = a.first_seen_ns = a.last_seen_ns = a.recv_ns = now;
    a.group_key = host;
    a.group_json = group;
    a.fields_json = "{}";
    a.evidence[0] = ev;
    a.nevidence = 1;
    if (rc == MM_OK) {
        rc = mm_alert_to_json(&a, json);
    }
    mm_buf_free(&hb);
    return rc;
}

/* The answer, line by line, control bytes escaped, each line prefixed. */
static void print_answer(FILE *out, const struct mm_buf *b)
{
    const char *p = b->p ? b->p : "";
    const char *end = p + b->len;
    char line[2048];
    if (b->len == 0) {
        fprintf(out, "  (no answer)\n");
        return;
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        size_t k = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
        mm_log_escape(line, sizeof(line), p, k);
        fprintf(out, "  < %s\n", line);
        p += n + (eol != NULL);
    }
}

int mm_notify_test(const struct mm_config *cfg, const char *channel, void *out_file)
{
    FILE *out = out_file;
    const struct mm_notify_conf *nc = NULL;
    struct mm_notify_chan *c = NULL;
    struct mm_tz *tz = NULL;
    struct mm_notify_alert alert;
    struct mm_notify_delivery d;
    struct mm_buf json;
    int status = 1;
    char origin[256], why[1024];

    memset(&alert, 0, sizeof(alert));
    mm_notify_delivery_init(&d);
    mm_buf_init(&json, 0);
    for (size_t i = 0; i < cfg->nnotify; i++) {
        if (cfg->notify[i].name != NULL && strcmp(cfg->notify[i].name, channel) == 0) {
            nc = &cfg->notify[i];
        }
    }
    if (nc == NULL) {
        fprintf(out, "notify test: no channel named '%s' in %s\n", channel, cfg->path);
        status = 2;
        goto done;
    }
    if (strcmp(nc->type, "file") == 0) {
        fprintf(out, "notify test: %s is a file channel (%s): nothing to send\n", channel,
                nc->path ? nc->path : "?");
        status = 0;
        goto done;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        mm_notify_chan_new(&c, nc) != MM_OK) {
        fprintf(out, "notify test: channel %s cannot be set up (see the message above)\n",
                channel);
        goto done;
    }
    (void)mm_tz_load(&tz, cfg->timezone);
    int64_t now = now_ns();
    enum mm_err rc = test_alert(&json, c, now);
    if (rc == MM_OK) {
        rc = mm_notify_alert_load(&alert, json.p, json.len);
    }
    snprintf(d.key, sizeof(d.key), "mm-test-%llx-%s", (unsigned long long)now, c->name);
    struct mm_notify_alert *ptr = &alert;
    if (rc == MM_OK) {
        rc = mm_notify_delivery_build(&d, c, &ptr, 1, tz, now);
    }
    if (rc != MM_OK) {
        fprintf(out, "notify test: cannot build the message: %s\n", mm_strerror(rc));
        goto done;
    }
    url_origin(c->url, origin, sizeof(origin));
    fprintf(out, "notify test: sending %s (%zu bytes) to %s (channel %s)\n", d.key, d.payload.len,
            origin, c->name);
    CURLcode cc = curl_easy_perform(d.easy);
    int64_t ra;
    enum mm_send r = mm_notify_delivery_outcome(&d, (int)cc, now_ns(), why, sizeof(why), &ra);
    fprintf(out, "endpoint answered:\n");
    print_answer(out, &d.answer);
    fprintf(out, "result: %s: %s\n",
            r == MM_SEND_OK ? "delivered" : r == MM_SEND_RETRY ? "temporary failure (would be retried)"
                                                                : "permanent failure",
            why);
    status = r == MM_SEND_OK ? 0 : 1;

done:
    mm_notify_delivery_release(&d);
    mm_notify_alert_release(&alert);
    mm_buf_free(&json);
    mm_notify_chan_free(c);
    mm_tz_free(tz);
    return status;
}
