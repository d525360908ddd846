/*
 * report_send.c - `mimamori report --send CHANNEL`: mail a report now,
 * through an smtp channel of the configuration: a multipart/alternative
 * message (the text part first, the HTML report second, message.c), sent
 * synchronously with the channel's libcurl options (delivery.c, smtp.c), and
 * the server's answer printed as `notify test` prints it.  The outbox is not
 * involved: a report is not an alert, and the timer runs it again next week.
 */
#include "mimamori/notify.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mimamori/log.h"
#include "notify/notify_int.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

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

int mm_notify_send_report(const struct mm_config *cfg, const char *channel, const char *subject,
                          const char *text, const char *html, void *out_file)
{
    FILE *out = out_file;
    const struct mm_notify_conf *nc = NULL;
    struct mm_notify_chan *c = NULL;
    struct mm_notify_delivery d;
    struct mm_notify_msg m;
    int status = 1;
    char why[1024];

    mm_notify_delivery_init(&d);
    mm_notify_msg_init(&m);
    for (size_t i = 0; i < cfg->nnotify; i++) {
        if (cfg->notify[i].name != NULL && strcmp(cfg->notify[i].name, channel) == 0) {
            nc = &cfg->notify[i];
        }
    }
    if (nc == NULL || nc->type == NULL || strcmp(nc->type, "smtp") != 0) {
        fprintf(out, "report: no smtp channel named '%s' in %s\n", channel, cfg->path);
        goto done;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || mm_notify_chan_new(&c, nc) != MM_OK) {
        fprintf(out, "report: channel %s cannot be set up (see the message above)\n", channel);
        goto done;
    }
    int64_t now = now_ns();
    enum mm_err rc = mm_buf_puts(&m.subject, subject);
    if (rc == MM_OK) {
        rc = mm_buf_puts(&m.text, text);
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(&m.html, html);
    }
    snprintf(d.key, sizeof(d.key), "mm-report-%llx-%s", (unsigned long long)now, c->name);
    if (rc == MM_OK && mm_notify_delivery_easy(&d, c) != 0) {
        rc = MM_ENOMEM;
    }
    if (rc == MM_OK) {
        rc = mm_notify_smtp_prepare(&d, c, &m, now);
    }
    if (rc != MM_OK) {
        fprintf(out, "report: cannot build the message: %s\n", mm_strerror(rc));
        goto done;
    }
    fprintf(out, "report: sending %s (%zu bytes) to %zu recipient%s (channel %s)\n", d.key,
            d.payload.len, c->nto, c->nto == 1 ? "" : "s", c->name);
    CURLcode cc = curl_easy_perform(d.easy);
    int64_t ra;
    enum mm_send r = mm_notify_delivery_outcome(&d, (int)cc, now_ns(), why, sizeof(why), &ra);
    fprintf(out, "server answered:\n");
    print_answer(out, &d.answer);
    fprintf(out, "result: %s: %s\n",
            r == MM_SEND_OK      ? "delivered"
            : r == MM_SEND_RETRY ? "temporary failure (try again later)"
                                 : "permanent failure",
            why);
    status = r == MM_SEND_OK ? 0 : 1;

done:
    mm_notify_delivery_release(&d);
    mm_notify_msg_free(&m);
    mm_notify_chan_free(c);
    return status;
}
