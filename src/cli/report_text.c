/*
 * report_text.c - the report as plain text: for the terminal and the text
 * part of the mail.  Aligned columns (East Asian wide characters count two),
 * '#' bars, no colour (it is also mail).  Values that came from logs (user
 * names, addresses, domains, rule group keys) go through mm_fmt_escape.
 */
#include "cli/report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define BAR 30  /* the longest bar, in characters */
#define WRAP 76 /* what-to-do text is wrapped at this width */
#define MAX_DEV_COLS 6

static void heading(FILE *f, const char *s)
{
    size_t w = mm_fmt_width(s);
    fprintf(f, "\n%s\n", s);
    for (size_t i = 0; i < w; i++) {
        fputc('-', f);
    }
    fputc('\n', f);
}

static void cell(FILE *f, const char *s, size_t w, int right)
{
    char esc[512];
    mm_fmt_cell(f, mm_fmt_escape(s, esc, sizeof(esc)), w, right);
    fputs("  ", f);
}

static void num(FILE *f, uint64_t v, size_t w)
{
    char b[32];
    mm_rp_count(v, b, sizeof(b));
    cell(f, b, w, 1);
}

static void bar(FILE *f, uint64_t v, uint64_t max)
{
    size_t n = max > 0 ? (size_t)((v * BAR + max - 1) / max) : 0;
    for (size_t i = 0; i < n; i++) {
        fputc('#', f);
    }
}

/* Bytes of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t u8len(unsigned char c)
{
    return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf8 ? 4 : 1;
}

/* Punctuation that must not begin a line (Japanese kinsoku, the common ones). */
static int no_line_start(const char *p, size_t n)
{
    static const char *const closers[] = {"\xe3\x80\x82", "\xe3\x80\x81", "\xef\xbc\x89",
                                          "\xe3\x80\x8d", "\xe3\x80\x8f", "\xef\xbc\x8c",
                                          "\xef\xbc\x8e", "\xe3\x83\xbc", NULL};
    /* 。 、 ） 」 』 ， ． ー */
    for (size_t i = 0; closers[i] != NULL; i++) {
        if (n == strlen(closers[i]) && memcmp(p, closers[i], n) == 0) {
            return 1;
        }
    }
    return n == 1 && (*p == '.' || *p == ',' || *p == ')' || *p == ':' || *p == ';');
}

/*
 * s wrapped at WRAP columns, each line indented: at spaces, and inside a run
 * wider than a line (Japanese has no spaces) between any two characters,
 * except before closing punctuation.
 */
static void wrap(FILE *f, const char *indent, const char *s)
{
    size_t cap = strlen(s) * 4 + 1; /* every byte may become \xNN */
    char *esc = malloc(cap);
    if (esc == NULL) {
        return;
    }
    mm_fmt_escape(s, esc, cap);
    size_t iw = mm_fmt_width(indent), col = iw;
    fputs(indent, f);
    const char *p = esc;
    while (*p) {
        while (*p == ' ') {
            p++;
        }
        size_t n = strcspn(p, " ");
        if (n == 0) {
            break;
        }
        char *word = strndup(p, n);
        if (word == NULL) {
            break;
        }
        size_t w = mm_fmt_width(word);
        free(word);
        if (col > iw && col + 1 + w > WRAP) {
            fprintf(f, "\n%s", indent);
            col = iw;
        } else if (col > iw) {
            fputc(' ', f);
            col++;
        }
        if (col + w <= WRAP) {
            fwrite(p, 1, n, f);
            col += w;
        } else {
            for (size_t i = 0; i < n;) {
                /* one character, or a run of ASCII letters and digits ("10", "VPN") */
                size_t cl = 0;
                while (i + cl < n && cl < WRAP / 2 && isalnum((unsigned char)p[i + cl])) {
                    cl++;
                }
                if (cl == 0) {
                    cl = u8len((unsigned char)p[i]);
                    cl = cl > n - i ? n - i : cl;
                }
                char ch[WRAP];
                memcpy(ch, p + i, cl);
                ch[cl] = '\0';
                size_t cw = mm_fmt_width(ch);
                if (col > iw && col + cw > WRAP && !no_line_start(ch, cl)) {
                    fprintf(f, "\n%s", indent);
                    col = iw;
                }
                fwrite(ch, 1, cl, f);
                col += cw;
                i += cl;
            }
        }
        p += n;
    }
    fputc('\n', f);
    free(esc);
}

static void summary(FILE *f, const struct mm_report *r)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, L_SUMMARY));
    char intro[512];
    mm_rp_intro(j, r->cur.high, intro, sizeof(intro));
    fprintf(f, "%s\n\n", intro);
    static const enum rp_label names[] = {L_EVENTS,        L_ALLOWED,     L_DENIED,
                                          L_ALERTS,        L_HIGH_ALERTS, L_ATTACKERS,
                                          L_BLOCKED_HOSTS, L_VPN_FAILURES};
    const uint64_t cur[] = {r->cur.events,        r->cur.allowed,     r->cur.denied,
                            r->cur.alerts,        r->cur.high,        r->cur.attackers,
                            r->cur.blocked_hosts, r->cur.vpn_failures};
    const uint64_t prev[] = {r->prev.events,        r->prev.allowed,     r->prev.denied,
                             r->prev.alerts,        r->prev.high,        r->prev.attackers,
                             r->prev.blocked_hosts, r->prev.vpn_failures};
    cell(f, "", 28, 0);
    cell(f, mm_rp_label(j, L_THIS), 15, 1);
    cell(f, mm_rp_label(j, L_PREVIOUS), 15, 1);
    fprintf(f, "%s\n", mm_rp_label(j, L_CHANGE));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char ch[64];
        int dir;
        cell(f, mm_rp_label(j, names[i]), 28, 0);
        num(f, cur[i], 15);
        num(f, prev[i], 15);
        mm_rp_change(cur[i], prev[i], j, ch, sizeof(ch), &dir);
        fprintf(f, "%s\n", ch);
    }
}

static void per_day(FILE *f, const struct mm_report *r)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, L_PER_DAY));
    if (!r->have_rollups) {
        fprintf(f, "%s\n", mm_rp_label(j, L_NO_ROLLUPS));
        return;
    }
    uint64_t max = 0;
    for (size_t b = 0; b < r->nbuckets; b++) {
        max = r->b_events[b] > max ? r->b_events[b] : max;
    }
    cell(f, mm_rp_label(j, L_DAY), 12, 0);
    cell(f, mm_rp_label(j, L_EVENTS), 10, 1);
    cell(f, mm_rp_label(j, L_ALLOWED), 10, 1);
    cell(f, mm_rp_label(j, L_DENIED), 10, 1);
    fputc('\n', f);
    for (size_t b = 0; b < r->nbuckets; b++) {
        cell(f, r->bucket[b].label, 12, 0);
        num(f, r->b_events[b], 10);
        num(f, r->b_allowed[b], 10);
        num(f, r->b_denied[b], 10);
        bar(f, r->b_events[b], max);
        fputc('\n', f);
    }
    /* per device: days down, devices across (the busiest ones) */
    size_t cols[MAX_DEV_COLS], ncols = 0;
    for (size_t i = 0; i < r->ndev && ncols < MAX_DEV_COLS; i++) {
        if (r->dev[i].total > 0) {
            cols[ncols++] = i;
        }
    }
    if (ncols == 0) {
        return;
    }
    heading(f, mm_rp_label(j, L_PER_DEVICE));
    cell(f, mm_rp_label(j, L_DAY), 12, 0);
    for (size_t c = 0; c < ncols; c++) {
        cell(f, r->dev[cols[c]].name, 13, 1);
    }
    fputc('\n', f);
    for (size_t b = 0; b < r->nbuckets; b++) {
        cell(f, r->bucket[b].label, 12, 0);
        for (size_t c = 0; c < ncols; c++) {
            num(f, r->dev[cols[c]].per_bucket ? r->dev[cols[c]].per_bucket[b] : 0, 13);
        }
        fputc('\n', f);
    }
    cell(f, mm_rp_label(j, L_TOTAL), 12, 0);
    for (size_t c = 0; c < ncols; c++) {
        num(f, r->dev[cols[c]].total, 13);
    }
    fputc('\n', f);
}

static void alerts(FILE *f, const struct mm_report *r)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, L_BY_SEVERITY));
    if (r->cur.alerts == 0) {
        fprintf(f, "%s\n", mm_rp_label(j, L_NO_ALERTS));
        return;
    }
    uint64_t max = 0;
    for (int s = 0; s < 5; s++) {
        max = r->cur.sev[s] > max ? r->cur.sev[s] : max;
    }
    for (int s = 4; s >= 0; s--) {
        cell(f, mm_rp_severity(j, s), 10, 0);
        num(f, r->cur.sev[s], 6);
        bar(f, r->cur.sev[s], max);
        fputc('\n', f);
    }
    heading(f, mm_rp_label(j, L_BY_RULE));
    cell(f, mm_rp_label(j, L_SEVERITY), 8, 0);
    cell(f, mm_rp_label(j, L_INCIDENTS), 14, 1);
    cell(f, mm_rp_label(j, L_EVENTS_COL), 10, 1);
    fprintf(f, "%s\n", mm_rp_label(j, L_RULE));
    for (size_t i = 0; i < r->nrules; i++) {
        const struct rp_rule *x = &r->rules[i];
        char esc[512];
        cell(f, mm_rp_severity(j, x->severity), 8, 0);
        num(f, x->incidents, 14);
        num(f, x->events, 10);
        fprintf(f, "%s\n", mm_fmt_escape(RP_TR(x, title), esc, sizeof(esc)));
    }

    heading(f, mm_rp_label(j, L_INCIDENTS_H));
    size_t shown = 0, min_sev = 2;
    if (r->ninc > 0 && r->inc[0].severity < 2) {
        min_sev = 0; /* nothing of medium or above: show the worst few anyway */
    }
    for (size_t i = 0; i < r->ninc && shown < (min_sev ? RP_INCIDENTS : 5); i++) {
        const struct rp_incident *x = &r->inc[i];
        if ((size_t)x->severity < min_sev) {
            break;
        }
        char esc[512], a[40], b[40], n[32], line[1024];
        mm_rp_time(r->tz, j, x->first_ns, a, sizeof(a));
        mm_rp_time(r->tz, j, x->last_ns, b, sizeof(b));
        mm_rp_count(x->count, n, sizeof(n));
        fprintf(f, "%s[%s] %s\n", shown ? "\n" : "", mm_rp_severity(j, x->severity),
                mm_fmt_escape(RP_TR(x, title), esc, sizeof(esc)));
        snprintf(line, sizeof(line), "%s: %s  %s: %s %s  %s: %s \xe2\x80\x93 %s",
                 mm_rp_label(j, L_WHO), x->group_key[0] ? x->group_key : "-",
                 mm_rp_label(j, L_EVENTS_COL), n, j ? "件" : "", mm_rp_label(j, L_WHEN), a, b);
        fprintf(f, "    %s\n", mm_fmt_escape(line, esc, sizeof(esc)));
        if (RP_TR(x, description)[0] != '\0') {
            fprintf(f, "    %s:\n", mm_rp_label(j, L_TODO));
            wrap(f, "      ", RP_TR(x, description));
        }
        shown++;
    }
    if (shown < r->ninc) {
        fprintf(f, "\n(+%zu %s)\n", r->ninc - shown, mm_rp_label(j, L_MORE_INCIDENTS));
    }
}

static void ranks(FILE *f, const struct mm_report *r, enum rp_label title, enum rp_label col,
                  const struct rp_rank *v, size_t n, int country)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, title));
    if (n == 0) {
        fprintf(f, "%s\n", mm_rp_label(j, L_NONE));
        return;
    }
    cell(f, mm_rp_label(j, col), 40, 0);
    if (country) {
        cell(f, mm_rp_label(j, L_COUNTRY), 8, 0);
    }
    cell(f, mm_rp_label(j, L_EVENTS_COL), 10, 1);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        cell(f, v[i].value, 40, 0);
        if (country) {
            cell(f, v[i].country[0] ? v[i].country : "-", 8, 0);
        }
        num(f, v[i].events, 10);
        fputc('\n', f);
    }
}

static void countries(FILE *f, const struct mm_report *r)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, L_COUNTRIES));
    if (r->ncountries == 0) {
        fprintf(f, "%s\n", mm_rp_label(j, L_NONE));
        return;
    }
    cell(f, mm_rp_label(j, L_COUNTRY), 10, 0);
    cell(f, mm_rp_label(j, L_EVENTS_COL), 10, 1);
    fprintf(f, "%s\n", mm_rp_label(j, L_ADDRESSES));
    for (size_t i = 0; i < r->ncountries; i++) {
        const struct rp_rank *c = &r->countries[i];
        cell(f, c->country[0] ? c->country : mm_rp_label(j, L_UNKNOWN), 10, 0);
        num(f, c->events, 10);
        char n[32];
        mm_rp_count(c->extra, n, sizeof(n));
        fprintf(f, "%s\n", n);
    }
}

static void logins(FILE *f, const struct mm_report *r, const char *kind, enum rp_label title)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, title));
    int any = 0;
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < r->nlogins; i++) {
        const struct rp_login *l = &r->logins[i];
        if (strcmp(l->kind, kind) != 0) {
            continue;
        }
        if (shown == RP_LOGIN_ROWS) {
            more++;
            continue;
        }
        shown++;
        if (!any) {
            cell(f, mm_rp_label(j, L_USER), 16, 0);
            cell(f, mm_rp_label(j, L_FROM), 18, 0);
            cell(f, mm_rp_label(j, L_COUNTRY), 7, 0);
            cell(f, mm_rp_label(j, L_RESULT), 9, 0);
            cell(f, mm_rp_label(j, L_TIMES), 6, 1);
            fprintf(f, "%s\n", mm_rp_label(j, L_WHEN));
            any = 1;
        }
        char a[40], from[64];
        mm_rp_from(l, j, from, sizeof(from));
        cell(f, l->user[0] ? l->user : "-", 16, 0);
        cell(f, from, 18, 0);
        cell(f, l->country[0] ? l->country : "-", 7, 0);
        cell(f,
             strcmp(l->outcome, "success") == 0   ? mm_rp_label(j, L_SUCCESS)
             : strcmp(l->outcome, "failure") == 0 ? mm_rp_label(j, L_FAILURE)
                                                  : l->outcome,
             9, 0);
        num(f, l->count, 6);
        mm_rp_time(r->tz, j, l->last_ns, a, sizeof(a));
        fprintf(f, "%s\n", a);
    }
    if (!any) {
        fprintf(f, "%s\n", mm_rp_label(j, L_NONE));
    } else if (more > 0) {
        fprintf(f, "(+%zu)\n", more);
    }
}

static void sources(FILE *f, const struct mm_report *r)
{
    const int j = r->ja;
    heading(f, mm_rp_label(j, L_SOURCES_H));
    cell(f, mm_rp_label(j, L_DEVICE), 18, 0);
    cell(f, mm_rp_label(j, L_EVENTS_COL), 10, 1);
    cell(f, mm_rp_label(j, L_LAST_HEARD), 17, 0);
    fprintf(f, "%s\n", mm_rp_label(j, L_GAPS));
    for (size_t i = 0; i < r->ndev; i++) {
        const struct rp_device *d = &r->dev[i];
        if (d->total == 0 && (d->first_ns == 0 || d->first_ns >= r->until)) {
            continue;
        }
        char a[40], b[40];
        cell(f, d->name, 18, 0);
        num(f, d->total, 10);
        mm_rp_time(r->tz, j, d->last_ns, a, sizeof(a));
        cell(f, a, 17, 0);
        if (d->total == 0) {
            fprintf(f, "%s\n", mm_rp_label(j, L_NO_DATA));
            continue;
        }
        if (d->ngaps == 0) {
            fprintf(f, "%s\n", mm_rp_label(j, L_NONE));
            continue;
        }
        for (size_t g = 0; g < d->ngaps; g++) {
            mm_rp_time(r->tz, j, d->gaps[g].start, a, sizeof(a));
            mm_rp_time(r->tz, j, d->gaps[g].end, b, sizeof(b));
            long long h = (d->gaps[g].end - d->gaps[g].start + 3599999999999LL) / 3600000000000LL;
            if (g > 0) {
                fprintf(f, "%*s", 18 + 2 + 10 + 2 + 17 + 2, "");
            }
            fprintf(f, "%s \xe2\x80\x93 %s (%lld %s)\n", a, b, h, mm_rp_label(j, L_HOURS));
        }
    }
}

void mm_report_text(const struct mm_report *r, FILE *f)
{
    const int j = r->ja;
    char period[160], gen[40];
    mm_report_period_text(r, period, sizeof(period));
    mm_rp_time(r->tz, j, r->now, gen, sizeof(gen));
    const char *title = mm_rp_label(j, r->weekly ? L_TITLE_WEEK : L_TITLE);
    fprintf(f, "mimamori - %s\n", title);
    fprintf(f, "%s: %s (%s)\n", mm_rp_label(j, L_PERIOD), period, r->tzname);
    fprintf(f, "%s: %s\n", mm_rp_label(j, L_GENERATED), gen);
    summary(f, r);
    per_day(f, r);
    alerts(f, r);
    ranks(f, r, L_TOP_ATTACKERS, L_ADDRESS, r->attackers, r->nattackers, 1);
    countries(f, r);
    ranks(f, r, L_BLOCKED_HOSTS_H, L_ADDRESS, r->hosts, r->nhosts, 0);
    ranks(f, r, L_BLOCKED_DESTS_H, L_DESTINATION, r->dests, r->ndests, 1);
    logins(f, r, "vpn", L_VPN_H);
    logins(f, r, "admin", L_ADMIN_H);
    sources(f, r);
    fprintf(f, "\n-- \n%s %s.\n", mm_rp_label(j, L_FOOTER), r->tzname);
}
