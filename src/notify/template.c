/*
 * template.c - from an alert to the words a person reads.
 *
 * An alert is read back from its stored JSON (mm_notify_alert_load), so a
 * message always shows the incident as committed.  Templates are plain text
 * with {{name}} and {{name|filter}} holes; the defaults (English and
 * Japanese) answer, in this order and in short lines for a phone: what
 * happened, how bad, where, how often, since when, what to do, and the
 * evidence lines.  No template can run anything: a hole is only ever replaced
 * by text.
 */
#include "notify/notify_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"
#include "mimamori/tz.h"

#define TMPL_NAME_MAX 96
#define EVIDENCE_LINE_MAX 500 /* bytes of one evidence line in a message */

static const char *const subject_en = "[mimamori] {{severity_label}}: {{title}} ({{where}})";
static const char *const subject_ja = "[mimamori] 【{{severity_label}}】{{title}} ({{where}})";

static const char *const body_en = "{{title}}\n"
                                   "\n"
                                   "Severity: {{severity_label}}\n"
                                   "Where: {{where}}\n"
                                   "Events: {{count}}\n"
                                   "Since: {{first_seen}}\n"
                                   "Latest: {{last_seen}}\n"
                                   "\n"
                                   "What to do:\n"
                                   "{{todo}}\n"
                                   "\n"
                                   "Evidence:\n"
                                   "{{evidence}}\n"
                                   "\n"
                                   "-- \n"
                                   "mimamori, alert {{id}}, rule {{rule_id}}\n";

static const char *const body_ja = "{{title}}\n"
                                   "\n"
                                   "重大度: {{severity_label}}\n"
                                   "発生場所: {{where}}\n"
                                   "回数: {{count}} 件\n"
                                   "発生日時: {{first_seen}}\n"
                                   "最新: {{last_seen}}\n"
                                   "\n"
                                   "対応:\n"
                                   "{{todo}}\n"
                                   "\n"
                                   "証拠となるログ:\n"
                                   "{{evidence}}\n"
                                   "\n"
                                   "-- \n"
                                   "mimamori アラート {{id}} ルール {{rule_id}}\n";

const char *mm_notify_default_subject(int ja)
{
    return ja ? subject_ja : subject_en;
}

const char *mm_notify_default_body(int ja)
{
    return ja ? body_ja : body_en;
}

/* ---- the alert ---- */

static int digits(const char *p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        x = x * 10 + (p[i] - '0');
    }
    *v = x;
    return 0;
}

int64_t mm_notify_parse_iso(const char *s)
{
    struct mm_civil c;
    memset(&c, 0, sizeof(c));
    if (s == NULL || strlen(s) < 20 || digits(s, 4, &c.year) || s[4] != '-' ||
        digits(s + 5, 2, &c.mon) || s[7] != '-' || digits(s + 8, 2, &c.mday) || s[10] != 'T' ||
        digits(s + 11, 2, &c.hour) || s[13] != ':' || digits(s + 14, 2, &c.min) ||
        s[16] != ':' || digits(s + 17, 2, &c.sec)) {
        return 0;
    }
    const char *p = s + 19;
    if (*p == '.') {
        int scale = 100000000;
        for (p++; *p >= '0' && *p <= '9'; p++) {
            c.nsec += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p != 'Z' || c.mon < 1 || c.mon > 12 || c.mday < 1 || c.mday > 31) {
        return 0;
    }
    return mm_civil_to_epoch_ns(&c);
}

enum mm_err mm_notify_alert_load(struct mm_notify_alert *a, const char *json, size_t len)
{
    enum mm_err rc = MM_OK;
    memset(a, 0, sizeof(*a));
    a->json = strndup(json, len);
    if (a->json == NULL) {
        return MM_ENOMEM;
    }
    a->json_len = len;
    a->doc = mm_json_parse(json, len, &rc);
    if (a->doc == NULL) {
        goto fail;
    }
    if (a->doc->type != MM_JSON_OBJ) {
        rc = MM_EPARSE;
        goto fail;
    }
    const struct mm_json *rule = mm_json_get(a->doc, "rule");
    a->id = mm_json_str(a->doc, "id", "");
    a->rule_id = mm_json_str(rule, "id", "");
    a->title = mm_json_str(rule, "title", "");
    /* the rule's description, when the alert carries it (rule.description or description) */
    a->description = mm_json_str(rule, "description", mm_json_str(a->doc, "description", ""));
    a->tags = mm_json_get(rule, "tags");
    a->severity_name = mm_json_str(a->doc, "severity", "informational");
    int sev = mm_severity_parse(a->severity_name);
    a->severity = sev < 0 ? MM_SEV_INFORMATIONAL : sev;
    const char *cnt = mm_json_str(a->doc, "count", "1");
    a->count = strtoull(cnt, NULL, 10);
    a->first_ns = mm_notify_parse_iso(mm_json_str(a->doc, "first_seen", NULL));
    a->last_ns = mm_notify_parse_iso(mm_json_str(a->doc, "last_seen", NULL));
    a->group = mm_json_get(a->doc, "group");
    a->fields = mm_json_get(a->doc, "fields");
    a->evidence = mm_json_get(a->doc, "evidence");
    return MM_OK;

fail:
    mm_notify_alert_release(a);
    return rc;
}

void mm_notify_alert_release(struct mm_notify_alert *a)
{
    if (a == NULL) {
        return;
    }
    mm_json_free(a->doc);
    free(a->json);
    memset(a, 0, sizeof(*a));
}

const char *mm_notify_time(int64_t ns, const struct mm_tz *tz, char *buf, size_t len)
{
    struct mm_civil c;
    if (ns == 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    int off = mm_tz_from_utc(tz, ns, &c); /* tz NULL: UTC */
    if (off == 0) {
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d UTC", c.year, c.mon, c.mday, c.hour,
                 c.min, c.sec);
    } else {
        int a = off < 0 ? -off : off;
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d %c%02d:%02d", c.year, c.mon, c.mday,
                 c.hour, c.min, c.sec, off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
    }
    return buf;
}

/* ---- expansion ---- */

static const char *const labels_en[] = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const labels_ja[] = {"情報", "低", "中", "高", "緊急"};

static const char *severity_label(int sev, int ja)
{
    if (sev < 0 || sev > MM_SEV_CRITICAL) {
        sev = 0;
    }
    return ja ? labels_ja[sev] : labels_en[sev];
}

/* Append the text of value `name` (unfiltered) to out. */
static enum mm_err value_of(struct mm_buf *out, const char *name, const struct mm_notify_alert *a,
                            const struct mm_notify_style *st)
{
    char tbuf[64];
    if (strcmp(name, "title") == 0) {
        return mm_buf_puts(out, a->title);
    }
    if (strcmp(name, "rule_id") == 0) {
        return mm_buf_puts(out, a->rule_id);
    }
    if (strcmp(name, "id") == 0) {
        return mm_buf_puts(out, a->id);
    }
    if (strcmp(name, "severity") == 0) {
        return mm_buf_puts(out, mm_severity_name(a->severity));
    }
    if (strcmp(name, "severity_label") == 0) {
        return mm_buf_puts(out, severity_label(a->severity, st->ja));
    }
    if (strcmp(name, "count") == 0) {
        return mm_buf_printf(out, "%" PRIu64, a->count);
    }
    if (strcmp(name, "first_seen") == 0) {
        return mm_buf_puts(out, mm_notify_time(a->first_ns, st->tz, tbuf, sizeof(tbuf)));
    }
    if (strcmp(name, "last_seen") == 0) {
        return mm_buf_puts(out, mm_notify_time(a->last_ns, st->tz, tbuf, sizeof(tbuf)));
    }
    if (strcmp(name, "where") == 0) {
        /* the incident's group ("source.ip=203.0.113.9"), else the device that logged it */
        enum mm_err rc = MM_OK;
        size_t before = out->len;
        for (size_t i = 0; a->group != NULL && i < a->group->nkids && rc == MM_OK; i++) {
            const struct mm_json *g = &a->group->kids[i];
            if (g->str == NULL) {
                continue;
            }
            rc = mm_buf_printf(out, "%s%s=%s", out->len > before ? " " : "", g->key, g->str);
        }
        if (rc == MM_OK && out->len == before) {
            const char *host = mm_json_str(a->fields, "observer.name",
                                           mm_json_str(a->fields, "host.name", "-"));
            rc = mm_buf_puts(out, host);
        }
        return rc;
    }
    if (strcmp(name, "description") == 0) {
        return mm_buf_puts(out, a->description);
    }
    if (strcmp(name, "todo") == 0) {
        if (a->description != NULL && a->description[0] != '\0') {
            return mm_buf_puts(out, a->description);
        }
        return mm_buf_printf(out,
                             st->ja ? "以下のログを確認し、想定された動作か調べてください"
                                      "（ルール %s）。"
                                    : "Check the evidence below and whether it was expected "
                                      "(rule %s).",
                             a->rule_id);
    }
    if (strcmp(name, "evidence") == 0) {
        enum mm_err rc = MM_OK;
        for (size_t i = 0; a->evidence != NULL && i < a->evidence->nkids && rc == MM_OK; i++) {
            const struct mm_json *e = &a->evidence->kids[i];
            if (e->str == NULL) {
                continue;
            }
            size_t n = e->len;
            int cut = 0;
            if (n > EVIDENCE_LINE_MAX) {
                n = EVIDENCE_LINE_MAX;
                while (n > 0 && ((unsigned char)e->str[n] & 0xc0) == 0x80) {
                    n--; /* never cut inside a UTF-8 character */
                }
                cut = 1;
            }
            rc = i > 0 ? mm_buf_putc(out, '\n') : MM_OK;
            if (rc == MM_OK) {
                rc = mm_buf_append(out, e->str, n);
            }
            if (rc == MM_OK && cut) {
                rc = mm_buf_puts(out, "…");
            }
        }
        return rc;
    }
    if (strcmp(name, "tags") == 0) {
        enum mm_err rc = MM_OK;
        for (size_t i = 0; a->tags != NULL && i < a->tags->nkids && rc == MM_OK; i++) {
            if (a->tags->kids[i].str != NULL) {
                rc = mm_buf_printf(out, "%s%s", i ? ", " : "", a->tags->kids[i].str);
            }
        }
        return rc;
    }
    if (strcmp(name, "subject") == 0 || strcmp(name, "text") == 0) {
        const char *v = name[0] == 's' ? st->msg_subject : st->msg_text;
        return mm_buf_puts(out, v ? v : "");
    }
    if (strcmp(name, "channel") == 0) {
        return mm_buf_puts(out, st->channel ? st->channel : "");
    }
    if (strcmp(name, "json") == 0) {
        return mm_buf_append(out, a->json ? a->json : "{}", a->json ? a->json_len : 2);
    }
    if (strncmp(name, "fields.", 7) == 0) {
        return mm_buf_puts(out, mm_json_str(a->fields, name + 7, ""));
    }
    return MM_OK;
}

static enum mm_err put_filtered(struct mm_buf *out, const char *p, size_t n, const char *filter)
{
    enum mm_err rc = MM_OK;
    if (filter == NULL) {
        return mm_buf_append(out, p, n);
    }
    if (strcmp(filter, "json") == 0) {
        /* the inside of a JSON string: the quotes are the template's */
        struct mm_buf tmp;
        mm_buf_init(&tmp, 0);
        rc = mm_buf_json_str(&tmp, p, n);
        if (rc == MM_OK) {
            rc = mm_buf_append(out, tmp.p + 1, tmp.len - 2);
        }
        mm_buf_free(&tmp);
        return rc;
    }
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        unsigned char c = (unsigned char)p[i];
        if (strcmp(filter, "url") == 0) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~') {
                rc = mm_buf_putc(out, (char)c);
            } else {
                rc = mm_buf_printf(out, "%%%02X", c);
            }
        } else if (strcmp(filter, "html") == 0) {
            switch (c) {
            case '<':
                rc = mm_buf_puts(out, "&lt;");
                break;
            case '>':
                rc = mm_buf_puts(out, "&gt;");
                break;
            case '&':
                rc = mm_buf_puts(out, "&amp;");
                break;
            case '"':
                rc = mm_buf_puts(out, "&quot;");
                break;
            default:
                rc = mm_buf_putc(out, (char)c);
            }
        } else {
            rc = mm_buf_putc(out, (char)c);
        }
    }
    return rc;
}

enum mm_err mm_notify_render(struct mm_buf *out, const char *tmpl, const struct mm_notify_alert *a,
                             const struct mm_notify_style *st)
{
    enum mm_err rc = MM_OK;
    struct mm_buf val;
    mm_buf_init(&val, 0);
    const char *p = tmpl;
    while (*p != '\0' && rc == MM_OK) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (open == NULL || close == NULL) {
            rc = mm_buf_puts(out, p);
            break;
        }
        rc = mm_buf_append(out, p, (size_t)(open - p));
        if (rc != MM_OK) {
            break;
        }
        char name[TMPL_NAME_MAX];
        size_t n = (size_t)(close - open - 2);
        const char *s = open + 2;
        while (n > 0 && *s == ' ') {
            s++;
            n--;
        }
        while (n > 0 && s[n - 1] == ' ') {
            n--;
        }
        if (n >= sizeof(name)) {
            rc = mm_buf_append(out, open, (size_t)(close + 2 - open)); /* not a hole: as written */
            p = close + 2;
            continue;
        }
        memcpy(name, s, n);
        name[n] = '\0';
        char *bar = strchr(name, '|');
        const char *filter = NULL;
        if (bar != NULL) {
            *bar = '\0';
            filter = bar + 1;
        }
        mm_buf_reset(&val);
        rc = value_of(&val, name, a, st);
        if (rc == MM_OK && val.len > 0) {
            rc = put_filtered(out, val.p, val.len, filter);
        }
        p = close + 2;
    }
    mm_buf_free(&val);
    return rc;
}

void mm_notify_msg_init(struct mm_notify_msg *m)
{
    memset(m, 0, sizeof(*m));
    mm_buf_init(&m->subject, 4096);
    mm_buf_init(&m->text, (size_t)4 << 20);
    mm_buf_init(&m->html, (size_t)8 << 20);
}

void mm_notify_msg_free(struct mm_notify_msg *m)
{
    if (m == NULL) {
        return;
    }
    mm_buf_free(&m->subject);
    mm_buf_free(&m->text);
    mm_buf_free(&m->html);
}

/* A subject is one line: line breaks and tabs become spaces. */
static void one_line(struct mm_buf *b)
{
    for (size_t i = 0; i < b->len; i++) {
        if (b->p[i] == '\r' || b->p[i] == '\n' || b->p[i] == '\t') {
            b->p[i] = ' ';
        }
    }
}

/* The HTML alternative: the subject as a heading and the text kept as it is, wrapped. */
static enum mm_err text_to_html(struct mm_notify_msg *m)
{
    enum mm_err rc = mm_buf_puts(&m->html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<meta name=\"viewport\" content=\"width=device-width\">"
                                           "</head><body>\n<h3>");
    if (rc == MM_OK) {
        rc = put_filtered(&m->html, m->subject.p ? m->subject.p : "", m->subject.len, "html");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(&m->html, "</h3>\n<pre style=\"white-space:pre-wrap;word-break:break-all;"
                                   "font-family:sans-serif\">");
    }
    if (rc == MM_OK) {
        rc = put_filtered(&m->html, m->text.p ? m->text.p : "", m->text.len, "html");
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(&m->html, "</pre>\n</body></html>\n");
    }
    return rc;
}

enum mm_err mm_notify_finish_html(struct mm_notify_msg *m, int html)
{
    one_line(&m->subject);
    return html ? text_to_html(m) : MM_OK;
}

enum mm_err mm_notify_compose_one(struct mm_notify_msg *m, const struct mm_notify_alert *a,
                                  const struct mm_notify_style *st, int html)
{
    const char *subj = st->subject ? st->subject : mm_notify_default_subject(st->ja);
    const char *body = st->body ? st->body : mm_notify_default_body(st->ja);
    m->nalerts = 1;
    enum mm_err rc = mm_notify_render(&m->subject, subj, a, st);
    if (rc == MM_OK) {
        rc = mm_notify_render(&m->text, body, a, st);
    }
    if (rc == MM_OK) {
        rc = mm_notify_finish_html(m, html);
    }
    return rc;
}
