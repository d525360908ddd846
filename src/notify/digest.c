/*
 * digest.c - several alerts in one message: "14 alerts, 3 rules, the worst
 * first".  Used by `digest:` channels at the end of each window, and by any
 * channel for what quiet hours or the rate limit held back.  Each alert gets
 * two short lines (severity and title; where, how often, since when) and its
 * first evidence line, so the message stays readable on a phone.
 */
#include "notify/notify_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_EVIDENCE_MAX 200 /* bytes of the one evidence line shown per alert */

static int worst_first(const void *x, const void *y)
{
    const struct mm_notify_alert *a = *(struct mm_notify_alert *const *)x;
    const struct mm_notify_alert *b = *(struct mm_notify_alert *const *)y;
    if (a->severity != b->severity) {
        return b->severity - a->severity;
    }
    if (a->count != b->count) {
        return a->count < b->count ? 1 : -1;
    }
    return (a->first_ns > b->first_ns) - (a->first_ns < b->first_ns);
}

static size_t distinct_rules(struct mm_notify_alert **alerts, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < i; j++) {
            if (strcmp(alerts[j]->rule_id, alerts[i]->rule_id) == 0) {
                break;
            }
        }
        k += j == i;
    }
    return k;
}

enum mm_err mm_notify_compose_digest(struct mm_notify_msg *m, struct mm_notify_alert **alerts,
                                     size_t n, const struct mm_notify_style *st, int html)
{
    enum mm_err rc;
    struct mm_buf line;
    mm_buf_init(&line, 0);
    qsort(alerts, n, sizeof(*alerts), worst_first);
    size_t nrules = distinct_rules(alerts, n);
    int worst = n > 0 ? alerts[0]->severity : 0;
    static const char *const en[] = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
    static const char *const ja[] = {"情報", "低", "中", "高", "緊急"};
    const char *wl = st->ja ? ja[worst] : en[worst];
    m->nalerts = (int)n;
    if (st->ja) {
        rc = mm_buf_printf(&m->subject, "[mimamori] アラート %zu 件・ルール %zu 種（最大 %s）", n,
                           nrules, wl);
    } else {
        rc = mm_buf_printf(&m->subject, "[mimamori] %zu alerts, %zu rules, worst %s", n, nrules,
                           wl);
    }
    if (rc == MM_OK) {
        rc = st->ja ? mm_buf_printf(&m->text, "アラート %zu 件（ルール %zu 種）、重大な順:\n", n,
                                    nrules)
                    : mm_buf_printf(&m->text, "%zu alerts, %zu rules, the worst first:\n", n,
                                    nrules);
    }
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        const struct mm_notify_alert *a = alerts[i];
        const char *sv = st->ja ? ja[a->severity] : en[a->severity];
        mm_buf_reset(&line);
        rc = mm_notify_render(&line, "{{where}}", a, st);
        char since[64];
        mm_notify_time(a->first_ns, st->tz, since, sizeof(since));
        if (rc == MM_OK) {
            rc = mm_buf_printf(&m->text, "\n%zu. [%s] %s\n   ", i + 1, sv, a->title);
        }
        if (rc == MM_OK) {
            rc = st->ja ? mm_buf_printf(&m->text, "%s・%" PRIu64 " 件・%s から\n",
                                        line.p ? line.p : "-", a->count, since)
                        : mm_buf_printf(&m->text, "%s, %" PRIu64 " events since %s\n",
                                        line.p ? line.p : "-", a->count, since);
        }
        if (rc == MM_OK && a->evidence != NULL && a->evidence->nkids > 0 &&
            a->evidence->kids[0].str != NULL) {
            const struct mm_json *e = &a->evidence->kids[0];
            size_t len = e->len;
            int cut = 0;
            if (len > DIGEST_EVIDENCE_MAX) {
                len = DIGEST_EVIDENCE_MAX;
                while (len > 0 && ((unsigned char)e->str[len] & 0xc0) == 0x80) {
                    len--;
                }
                cut = 1;
            }
            rc = mm_buf_puts(&m->text, "   ");
            if (rc == MM_OK) {
                rc = mm_buf_append(&m->text, e->str, len);
            }
            if (rc == MM_OK) {
                rc = mm_buf_puts(&m->text, cut ? "…\n" : "\n");
            }
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(&m->text, "\n-- \nmimamori\n");
    }
    if (rc == MM_OK) {
        rc = mm_notify_finish_html(m, html);
    }
    mm_buf_free(&line);
    return rc;
}
