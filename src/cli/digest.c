/*
 * digest.c - `mimamori digest [--since 24h] [--until TIME] [--format text|jsonl|html]`:
 * what happened in a period, grouped by incident, the worst first.
 *
 * An incident here is a rule and a group ("who": source.ip=203.0.113.9): the
 * alerts of one rule for one group in the period are one line, however often
 * the rule's suppress window closed and reopened in between ("3 alerts").
 * For each: severity (the highest), how many events, first and last seen, and
 * whether it is still ongoing: the last event is within the rule's suppress
 * window (one hour for rules without one) of the end of the period or of now.
 * Counts are the alerts' totals, so an incident that began before the period
 * counts its earlier events too.
 *
 * Order, worst first: severity, then ongoing before over, then more events,
 * then the more recent.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"
#include "mimamori/buf.h"
#include "mimamori/event.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

#define HOUR_NS (3600LL * 1000000000LL)

enum digest_format { FMT_TEXT, FMT_JSONL, FMT_HTML };

struct incident {
    char *rule_id;   /* owned */
    char *title;     /* owned */
    char *group_key; /* owned, "" when the rule has no group-by */
    int severity;    /* the highest of its alerts */
    uint64_t count;  /* events, summed over its alerts */
    size_t alerts;   /* alerts merged into this line */
    int64_t first_ns, last_ns;
    int ongoing;
};

struct digest {
    struct incident *v;
    size_t n, cap;
    int failed;
};

static int add_alert(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    struct digest *d = arg;
    (void)seq;
    (void)json;
    if (d->n == d->cap) {
        struct incident *nv = mm_grow(d->v, &d->cap, sizeof(*nv), 256);
        if (nv == NULL) {
            d->failed = 1;
            return 1;
        }
        d->v = nv;
    }
    struct incident *i = &d->v[d->n++];
    memset(i, 0, sizeof(*i));
    i->rule_id = strdup(a->rule_id ? a->rule_id : "");
    i->title = strdup(a->rule_title ? a->rule_title : "");
    i->group_key = strdup(a->group_key ? a->group_key : "");
    i->severity = (int)a->severity;
    i->count = a->count;
    i->alerts = 1;
    i->first_ns = a->first_seen_ns;
    i->last_ns = a->last_seen_ns;
    if (i->rule_id == NULL || i->title == NULL || i->group_key == NULL) {
        d->failed = 1;
        return 1;
    }
    return 0;
}

static void digest_free(struct digest *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].rule_id);
        free(d->v[i].title);
        free(d->v[i].group_key);
    }
    free(d->v);
}

static int by_key(const void *x, const void *y)
{
    const struct incident *a = x, *b = y;
    int c = strcmp(a->rule_id, b->rule_id);
    return c != 0 ? c : strcmp(a->group_key, b->group_key);
}

static int worst_first(const void *x, const void *y)
{
    const struct incident *a = x, *b = y;
    if (a->severity != b->severity) {
        return b->severity - a->severity;
    }
    if (a->ongoing != b->ongoing) {
        return b->ongoing - a->ongoing;
    }
    if (a->count != b->count) {
        return b->count > a->count ? 1 : -1;
    }
    if (a->last_ns != b->last_ns) {
        return b->last_ns > a->last_ns ? 1 : -1;
    }
    return by_key(a, b);
}

/* Merge the alerts of one rule and group into one incident line. */
static void merge(struct digest *d)
{
    if (d->n == 0) {
        return;
    }
    qsort(d->v, d->n, sizeof(d->v[0]), by_key);
    size_t o = 0;
    for (size_t i = 1; i < d->n; i++) {
        struct incident *cur = &d->v[o], *x = &d->v[i];
        if (by_key(cur, x) == 0) {
            cur->severity = x->severity > cur->severity ? x->severity : cur->severity;
            cur->count += x->count;
            cur->alerts += x->alerts;
            cur->first_ns = x->first_ns < cur->first_ns ? x->first_ns : cur->first_ns;
            if (x->last_ns > cur->last_ns) {
                cur->last_ns = x->last_ns;
                free(cur->title); /* the latest title, should a rule have been renamed */
                cur->title = x->title;
                x->title = NULL;
            }
            free(x->rule_id);
            free(x->title);
            free(x->group_key);
            continue;
        }
        d->v[++o] = *x;
    }
    d->n = o + 1;
}

/*
 * Suppress windows by rule id, from the configured rules.  Best effort: when
 * the rules do not load (edited, broken) every rule gets the one-hour window.
 */
static int64_t window_of(const struct mm_ruleset *rs, const char *rule_id)
{
    if (rs != NULL) {
        for (size_t i = 0; i < mm_ruleset_count(rs); i++) {
            const struct mm_rule *r = mm_ruleset_rule(rs, i);
            if (strcmp(mm_rule_id(r), rule_id) == 0) {
                int64_t w = mm_rule_suppress_ns(r);
                return w > 0 ? w : HOUR_NS;
            }
        }
    }
    return HOUR_NS;
}

static struct mm_ruleset *quiet_rules(const struct mm_config *cfg)
{
    struct mm_diag dg;
    struct mm_ruleset *rs = NULL;
    mm_diag_init(&dg);
    if (mm_ruleset_load_cfg(&rs, cfg, (const char *const *)cfg->rules, cfg->nrules, &dg) != MM_OK) {
        mm_ruleset_unref(rs);
        rs = NULL;
    }
    mm_diag_free(&dg);
    return rs;
}

static void print_text(const struct digest *d, const struct mm_tz *tz, int64_t since, int64_t until,
                       int64_t now, int color)
{
    char a[32], b[32], text[512];
    mm_fmt_time(tz, since, a, sizeof(a));
    mm_fmt_time(tz, until != 0 ? until : now, b, sizeof(b));
    printf("%s%s \xe2\x80\x93 %s (%s)%s\n", color ? MM_FMT_BOLD : "", a, b, mm_tz_name(tz),
           color ? MM_FMT_RESET : "");
    if (d->n == 0) {
        printf("No alerts in this period.\n");
        return;
    }
    size_t bysev[5] = {0}, ongoing = 0;
    size_t title_w = 4, who_w = 3;
    for (size_t i = 0; i < d->n; i++) {
        bysev[d->v[i].severity >= 0 && d->v[i].severity <= 4 ? d->v[i].severity : 0]++;
        ongoing += d->v[i].ongoing != 0;
        size_t w = mm_fmt_width(mm_fmt_escape(d->v[i].title, text, sizeof(text)));
        title_w = w > title_w ? w : title_w;
        w = mm_fmt_width(mm_fmt_escape(d->v[i].group_key, text, sizeof(text)));
        who_w = w > who_w ? w : who_w;
    }
    title_w = title_w > 40 ? 40 : title_w;
    who_w = who_w > 36 ? 36 : who_w;
    printf("%zu incident%s, %zu ongoing:", d->n, d->n == 1 ? "" : "s", ongoing);
    const char *sep = " ";
    for (int s = MM_SEV_CRITICAL; s >= MM_SEV_INFORMATIONAL; s--) {
        if (bysev[s] > 0) {
            printf("%s%zu %s", sep, bysev[s], mm_severity_name((enum mm_severity)s));
            sep = ", ";
        }
    }
    printf("\n\n");
    if (color) {
        fputs(MM_FMT_DIM, stdout);
    }
    printf("%-8s  %-7s  %7s  ", "SEVERITY", "STATE", "EVENTS");
    mm_fmt_cell(stdout, "RULE", title_w, 0);
    printf("  ");
    mm_fmt_cell(stdout, "WHO", who_w, 0);
    printf("  %-16s  %s", "FIRST SEEN", "LAST SEEN");
    if (color) {
        fputs(MM_FMT_RESET, stdout);
    }
    printf("\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct incident *x = &d->v[i];
        char cnt[32], first[32], last[32], ago[32];
        mm_fmt_count(x->count, cnt, sizeof(cnt));
        mm_fmt_time(tz, x->first_ns, first, sizeof(first));
        first[16] = '\0'; /* to the minute */
        mm_fmt_time(tz, x->last_ns, last, sizeof(last));
        last[16] = '\0';
        mm_fmt_ago(now, x->last_ns, ago, sizeof(ago));
        const char *sev = mm_severity_name((enum mm_severity)x->severity);
        if (color) {
            printf("%s%-8s%s  ", mm_fmt_sev_color(x->severity), sev, MM_FMT_RESET);
        } else {
            printf("%-8s  ", sev);
        }
        if (color && x->ongoing) {
            printf(MM_FMT_BOLD "%-7s" MM_FMT_RESET, "ongoing");
        } else {
            printf("%-7s", x->ongoing ? "ongoing" : "over");
        }
        printf("  %7s  ", cnt);
        mm_fmt_cell(stdout, mm_fmt_escape(x->title, text, sizeof(text)), title_w, 0);
        printf("  ");
        mm_fmt_cell(stdout, mm_fmt_escape(x->group_key[0] ? x->group_key : "-", text, sizeof(text)),
                    who_w, 0);
        printf("  %-16s  %s (%s)", first, last, ago);
        if (x->alerts > 1) {
            printf("  [%zu alerts]", x->alerts);
        }
        printf("\n");
    }
}

static void print_jsonl(const struct digest *d)
{
    struct mm_buf b;
    mm_buf_init(&b, 0);
    for (size_t i = 0; i < d->n; i++) {
        const struct incident *x = &d->v[i];
        char first[40], last[40];
        mm_buf_reset(&b);
        mm_buf_puts(&b, "{\"rule\":{\"id\":");
        mm_buf_json_str(&b, x->rule_id, strlen(x->rule_id));
        mm_buf_puts(&b, ",\"title\":");
        mm_buf_json_str(&b, x->title, strlen(x->title));
        mm_buf_printf(&b, "},\"severity\":\"%s\",\"group_key\":",
                      mm_severity_name((enum mm_severity)x->severity));
        mm_buf_json_str(&b, x->group_key, strlen(x->group_key));
        mm_buf_printf(&b,
                      ",\"count\":%llu,\"alerts\":%zu,\"first_seen\":\"%s\",\"last_seen\":\"%s\","
                      "\"ongoing\":%s}\n",
                      (unsigned long long)x->count, x->alerts,
                      mm_time_format(x->first_ns, first, sizeof(first)),
                      mm_time_format(x->last_ns, last, sizeof(last)),
                      x->ongoing ? "true" : "false");
        fwrite(b.p, 1, b.len, stdout);
    }
    mm_buf_free(&b);
}

static void print_html(const struct digest *d, const struct mm_tz *tz, int64_t since, int64_t until,
                       int64_t now)
{
    static const char *const sev_bg[] = {"#e0e0e0", "#cfe8fc", "#ffe7a3", "#ffb3a7", "#e7a6f5"};
    char a[32], b[32];
    mm_fmt_time(tz, since, a, sizeof(a));
    mm_fmt_time(tz, until != 0 ? until : now, b, sizeof(b));
    printf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width\">"
           "<title>mimamori digest %s \xe2\x80\x93 %s</title>\n<style>"
           "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
           "table{border-collapse:collapse;width:100%%}"
           "th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;"
           "vertical-align:top}"
           "th{font-weight:600;color:#555}td.n{text-align:right}"
           ".sev{border-radius:3px;padding:0 .4em}.on{font-weight:600}"
           "</style></head><body>\n<h1>mimamori digest</h1>\n<p>",
           a, b);
    mm_cli_html_escape(stdout, a, 0);
    printf(" \xe2\x80\x93 ");
    mm_cli_html_escape(stdout, b, 0);
    printf(" (");
    mm_cli_html_escape(stdout, mm_tz_name(tz), 0);
    printf(")</p>\n");
    if (d->n == 0) {
        printf("<p>No alerts in this period.</p>\n</body></html>\n");
        return;
    }
    printf("<table>\n<tr><th>Severity</th><th>State</th><th>Events</th><th>Rule</th><th>Who</th>"
           "<th>First seen</th><th>Last seen</th></tr>\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct incident *x = &d->v[i];
        char first[32], last[32];
        int sv = x->severity >= 0 && x->severity <= 4 ? x->severity : 0;
        mm_fmt_time(tz, x->first_ns, first, sizeof(first));
        mm_fmt_time(tz, x->last_ns, last, sizeof(last));
        printf("<tr><td><span class=\"sev\" style=\"background:%s\">%s</span></td>", sev_bg[sv],
               mm_severity_name((enum mm_severity)sv));
        printf("<td%s>%s</td><td class=\"n\">%llu</td><td>", x->ongoing ? " class=\"on\"" : "",
               x->ongoing ? "ongoing" : "over", (unsigned long long)x->count);
        mm_cli_html_escape(stdout, x->title, 0);
        if (x->alerts > 1) {
            printf(" <small>(%zu alerts)</small>", x->alerts);
        }
        printf("</td><td>");
        mm_cli_html_escape(stdout, x->group_key[0] ? x->group_key : "-", 0);
        printf("</td><td>%s</td><td>%s</td></tr>\n", first, last);
    }
    printf("</table>\n</body></html>\n");
}

static void usage(void)
{
    fprintf(stderr, "usage: mimamori digest [-c FILE] [--since TIME] [--until TIME]\n"
                    "                       [--min-severity LEVEL] [--format text|jsonl|html]\n"
                    "TIME: a duration back from now (30m, 24h, 7d) or a date (2026-11-02,\n"
                    "      2026-11-02T08:00).  Default: the last 24 hours.\n");
}

int mm_cmd_digest(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"since", required_argument, NULL, 's'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"min-severity", required_argument, NULL, 'm'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL, *since = "24h", *until = NULL;
    enum digest_format fmt = FMT_TEXT;
    struct mm_alert_query q;
    struct digest d;
    memset(&q, 0, sizeof(q));
    memset(&d, 0, sizeof(d));
    int c;
    while ((c = getopt_long(argc, argv, "c:s:u:m:F:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cfgpath = optarg;
            break;
        case 's':
            since = optarg;
            break;
        case 'u':
            until = optarg;
            break;
        case 'm':
            if (mm_cli_parse_severity(optarg, &q.min_severity) != 0) {
                return 2;
            }
            break;
        case 'F':
            if (strcmp(optarg, "text") == 0) {
                fmt = FMT_TEXT;
            } else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0) {
                fmt = FMT_JSONL;
            } else if (strcmp(optarg, "html") == 0) {
                fmt = FMT_HTML;
            } else {
                fprintf(stderr, "mimamori: unknown format '%s' (text, jsonl, html)\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (optind < argc) {
        usage();
        return 2;
    }
    struct mm_config *cfg = mm_cli_load_config_db(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    struct mm_ruleset *rs = NULL;
    int64_t now = mm_cli_now_ns();
    if (mm_cli_load_tz(&tz, cfg) != 0) {
        goto done;
    }
    if (mm_cli_parse_time_opt("since", since, MM_CLI_SINCE_EG, cfg->timezone, now, &q.since_ns) !=
            0 ||
        mm_cli_parse_time_opt("until", until, MM_CLI_UNTIL_EG, cfg->timezone, now, &q.until_ns) !=
            0) {
        goto done;
    }
    if (q.until_ns != 0 && q.until_ns <= q.since_ns) {
        fprintf(stderr, "mimamori: --until is not after --since\n");
        goto done;
    }
    if (mm_cli_open_store_ro(&st, cfg) != 0) {
        goto done;
    }
    enum mm_err rc = mm_store_query_alerts(st, &q, add_alert, &d, NULL);
    if (rc != MM_OK || d.failed) {
        fprintf(stderr, "mimamori: query failed: %s\n", mm_strerror(rc != MM_OK ? rc : MM_ENOMEM));
        goto done;
    }
    merge(&d);
    if (d.n > 0) {
        rs = quiet_rules(cfg);
    }
    int64_t end = q.until_ns != 0 && q.until_ns < now ? q.until_ns : now;
    for (size_t i = 0; i < d.n; i++) {
        d.v[i].ongoing = d.v[i].last_ns >= end - window_of(rs, d.v[i].rule_id);
    }
    if (d.n > 1) {
        qsort(d.v, d.n, sizeof(d.v[0]), worst_first);
    }
    switch (fmt) {
    case FMT_TEXT:
        print_text(&d, tz, q.since_ns, q.until_ns, now, mm_fmt_use_color(1));
        break;
    case FMT_JSONL:
        print_jsonl(&d);
        break;
    case FMT_HTML:
        print_html(&d, tz, q.since_ns, q.until_ns, now);
        break;
    }
    status = fflush(stdout) == 0 ? 0 : 1;
done:
    mm_ruleset_unref(rs);
    digest_free(&d);
    mm_store_close(st);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return status;
}
