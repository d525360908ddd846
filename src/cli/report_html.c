/*
 * report_html.c - the report as one self-contained HTML page: inline CSS,
 * inline SVG charts (events per day, stacked allowed/denied/other; alerts by
 * severity; a timeline of each log source with its silent periods), no
 * script, no external resource, so it opens from a mail attachment or the
 * body of a mail, offline.  Readable on a phone (one column below 640 px,
 * wide tables scroll sideways) and printable (no page break inside a card or
 * a chart).  Everything from the database is HTML-escaped.
 */
#include "cli/report.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "mimamori/tz.h"

static const char *const sev_color[5] = {"#757575", "#1976d2", "#ef6c00", "#d32f2f", "#7b1fa2"};
#define C_ALLOWED "#43a047"
#define C_DENIED "#e53935"
#define C_OTHER "#b0bec5"

/* The report keeps newlines (the digest shows them as U+FFFD). */
static void esc(FILE *f, const char *s)
{
    mm_cli_html_escape(f, s, 1);
}

static void count(FILE *f, uint64_t v)
{
    char b[32];
    mm_rp_count(v, b, sizeof(b));
    fputs(b, f);
}

static const char *L(const struct mm_report *r, enum rp_label l)
{
    return mm_rp_label(r->ja, l);
}

static void style(FILE *f)
{
    fputs("<style>\n"
          ":root{color-scheme:light}\n"
          "body{margin:0;background:#f4f6f8;color:#1f2933;font:15px/1.5 system-ui,-apple-system,"
          "'Segoe UI','Hiragino Sans','Noto Sans CJK JP','Yu Gothic',sans-serif}\n"
          ".wrap{max-width:960px;margin:0 auto;padding:16px}\n"
          "header{background:#263238;color:#fff;padding:20px 16px;border-radius:8px}\n"
          "header h1{margin:0 0 4px;font-size:1.5em}header p{margin:0;opacity:.85}\n"
          "section{background:#fff;border-radius:8px;padding:12px 16px;margin:14px 0;"
          "box-shadow:0 1px 2px rgba(0,0,0,.08)}\n"
          "h2{font-size:1.15em;margin:4px 0 10px;border-bottom:2px solid #eceff1;"
          "padding-bottom:4px}\n"
          ".intro{padding:10px 12px;border-radius:6px;margin:0 0 12px;font-weight:600}\n"
          ".ok{background:#e8f5e9;color:#1b5e20}.bad{background:#ffebee;color:#b71c1c}\n"
          ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}\n"
          ".card{border:1px solid #e0e6ea;border-radius:6px;padding:8px 10px;"
          "break-inside:avoid}\n"
          ".card .k{font-size:.85em;color:#52606d}.card .v{font-size:1.6em;font-weight:700}\n"
          ".card .d{font-size:.85em}.up{color:#c62828}.down{color:#2e7d32}.same{color:#607d8b}\n"
          ".neutral{color:#546e7a}\n"
          ".scroll{overflow-x:auto}\n"
          "table{border-collapse:collapse;width:100%;font-size:.92em}\n"
          "th,td{padding:4px 8px;border-bottom:1px solid #eceff1;text-align:left;"
          "vertical-align:top}\n"
          "td:first-child{white-space:nowrap}th{color:#52606d;font-weight:600;white-space:nowrap}"
          "td.n,th.n{text-align:right;"
          "white-space:nowrap}\n"
          ".sev{display:inline-block;color:#fff;border-radius:3px;padding:0 6px;font-size:.85em;"
          "font-weight:600;white-space:nowrap}\n"
          ".inc{border-left:4px solid #ccc;padding:6px 10px;margin:10px 0;background:#fafbfc;"
          "break-inside:avoid}\n"
          ".inc h3{margin:0 0 2px;font-size:1em}.inc .m{color:#52606d;font-size:.9em}\n"
          ".inc .todo{margin:6px 0 0}.inc .todo b{color:#37474f}\n"
          ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));"
          "gap:14px}\n"
          ".grid2>div{min-width:0}\n"
          "svg{display:block;max-width:100%;height:auto}svg.wide{width:100%}\n"
          ".legend span{display:inline-block;margin-right:14px;font-size:.85em}\n"
          ".legend i{display:inline-block;width:10px;height:10px;margin-right:4px;"
          "border-radius:2px}\n"
          ".muted{color:#78909c}.silent{color:#c62828;font-weight:600}\n"
          "footer{color:#78909c;font-size:.85em;margin:16px 0}\n"
          "@media (max-width:640px){.wrap{padding:8px}section{padding:10px}"
          "header h1{font-size:1.25em}.card .v{font-size:1.3em}}\n"
          "@media print{body{background:#fff;font-size:10.5pt}.wrap{max-width:none;padding:0}"
          "section{box-shadow:none;border:1px solid #ddd;break-inside:avoid-page}"
          "header{background:#fff;color:#000;border:1px solid #999}"
          ".scroll{overflow:visible}@page{margin:12mm}}\n"
          "</style>\n",
          f);
}

/* A summary card: label, value, change against the previous period. */
static void card(FILE *f, const struct mm_report *r, enum rp_label l, uint64_t cur, uint64_t prev,
                 int up_is_bad)
{
    char ch[64];
    int dir;
    mm_rp_change(cur, prev, r->ja, ch, sizeof(ch), &dir);
    const char *cls = dir == 0 ? "same" : !up_is_bad ? "neutral" : dir > 0 ? "up" : "down";
    fprintf(f, "<div class=\"card\"><div class=\"k\">%s</div><div class=\"v\">", L(r, l));
    count(f, cur);
    fprintf(f, "</div><div class=\"d %s\">%s <span class=\"muted\">(%s ", cls, ch,
            L(r, L_PREVIOUS));
    count(f, prev);
    fputs(")</span></div></div>\n", f);
}

/* The largest "nice" step (1, 2, 5 x 10^n) that splits max into at most 5 gridlines. */
static uint64_t nice_step(uint64_t max)
{
    uint64_t step = 1;
    for (;;) {
        if (max / step <= 5) {
            return step;
        }
        if (max / (step * 2) <= 5) {
            return step * 2;
        }
        if (max / (step * 5) <= 5) {
            return step * 5;
        }
        step *= 10;
    }
}

/* Stacked bars per day: denied at the bottom, allowed, then the rest. */
static void day_chart(FILE *f, const struct mm_report *r)
{
    const int W = 720, H = 260, L0 = 56, B = 40, T = 12;
    uint64_t max = 0;
    for (size_t b = 0; b < r->nbuckets; b++) {
        max = r->b_events[b] > max ? r->b_events[b] : max;
    }
    if (max == 0 || r->nbuckets == 0) {
        return;
    }
    uint64_t step = nice_step(max);
    uint64_t top = (max + step - 1) / step * step;
    double ph = H - B - T, pw = W - L0 - 8;
    double slot = pw / (double)r->nbuckets;
    double bw = slot * 0.7;
    fprintf(f,
            "<svg class=\"chart wide\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "role=\"img\" aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
            "font-family=\"system-ui,sans-serif\" font-size=\"11\">\n",
            W, H, W, H, L(r, L_PER_DAY));
    for (uint64_t v = 0; v <= top; v += step) {
        double y = T + ph - ph * (double)v / (double)top;
        char n[32];
        mm_rp_count(v, n, sizeof(n));
        fprintf(f,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e6ea\"/>"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#607d8b\">%s</text>\n",
                L0, y, W - 8, y, L0 - 6, y + 4, n);
    }
    size_t every = r->nbuckets > 16 ? (r->nbuckets + 15) / 16 : 1;
    for (size_t b = 0; b < r->nbuckets; b++) {
        double x = L0 + slot * (double)b + (slot - bw) / 2;
        uint64_t other = r->b_events[b] - r->b_allowed[b] - r->b_denied[b];
        const uint64_t part[3] = {r->b_denied[b], r->b_allowed[b], other};
        const char *col[3] = {C_DENIED, C_ALLOWED, C_OTHER};
        const enum rp_label lab[3] = {L_DENIED, L_ALLOWED, L_OTHER};
        double y = T + ph;
        for (int k = 0; k < 3; k++) {
            if (part[k] == 0) {
                continue;
            }
            double h = ph * (double)part[k] / (double)top;
            y -= h;
            char n[32];
            mm_rp_count(part[k], n, sizeof(n));
            fprintf(f,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    "<title>",
                    x, y, bw, h, col[k]);
            esc(f, r->bucket[b].label);
            fprintf(f, ": %s %s</title></rect>\n", L(r, lab[k]), n);
        }
        if (b % every == 0) {
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#37474f\">",
                    x + bw / 2, H - B + 16);
            esc(f, r->bucket[b].label);
            fputs("</text>\n", f);
        }
    }
    fputs("</svg>\n", f);
    fprintf(f,
            "<div class=\"legend\"><span><i style=\"background:" C_DENIED "\"></i>%s</span>"
            "<span><i style=\"background:" C_ALLOWED "\"></i>%s</span>"
            "<span><i style=\"background:" C_OTHER "\"></i>%s</span></div>\n",
            L(r, L_DENIED), L(r, L_ALLOWED), L(r, L_OTHER));
}

/* Horizontal bars: alerts per severity. */
static void severity_chart(FILE *f, const struct mm_report *r)
{
    const int W = 420, row = 26, L0 = 80;
    uint64_t max = 0;
    for (int s = 0; s < 5; s++) {
        max = r->cur.sev[s] > max ? r->cur.sev[s] : max;
    }
    if (max == 0) {
        return;
    }
    fprintf(f,
            "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
            "aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
            "font-family=\"system-ui,sans-serif\" font-size=\"12\">\n",
            W, row * 5 + 4, W, row * 5 + 4, L(r, L_BY_SEVERITY));
    for (int s = 4, i = 0; s >= 0; s--, i++) {
        double w = (double)(W - L0 - 60) * (double)r->cur.sev[s] / (double)max;
        int y = i * row + 4;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#37474f\">%s</text>", L0 - 8,
                y + 15, mm_rp_severity(r->ja, s));
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" rx=\"3\" fill=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%d\" fill=\"#37474f\">",
                L0, y + 2, w < 1 && r->cur.sev[s] ? 1.0 : w, sev_color[s], L0 + w + 6, y + 15);
        count(f, r->cur.sev[s]);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}

/* One row per source: the period, when it was heard, and its silent periods in red. */
static void source_timeline(FILE *f, const struct mm_report *r)
{
    const int W = 720, row = 24, L0 = 150;
    size_t n = 0;
    for (size_t i = 0; i < r->ndev; i++) {
        n += r->dev[i].total > 0;
    }
    if (n == 0) {
        return;
    }
    double span = (double)(r->until - r->since), pw = W - L0 - 8;
    int H = (int)n * row + 22;
    fprintf(f,
            "<svg class=\"chart wide\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "role=\"img\" aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
            "font-family=\"system-ui,sans-serif\" font-size=\"11\">\n",
            W, H, W, H, L(r, L_GAPS));
    size_t every = r->nbuckets > 16 ? (r->nbuckets + 15) / 16 : 1;
    for (size_t b = 0; b < r->nbuckets; b += every) {
        double x = L0 + pw * (double)(r->bucket[b].start - r->since) / span;
        fprintf(f, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eceff1\"/>", x, x,
                H - 18);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#607d8b\">", x + 2, H - 4);
        esc(f, r->bucket[b].label);
        fputs("</text>\n", f);
    }
    size_t k = 0;
    for (size_t i = 0; i < r->ndev; i++) {
        const struct rp_device *d = &r->dev[i];
        if (d->total == 0) {
            continue;
        }
        int y = (int)k * row + 4;
        k++;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#37474f\">", L0 - 8, y + 13);
        esc(f, d->name);
        fprintf(f,
                "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"2\" "
                "fill=\"#a5d6a7\"/>\n",
                L0, y + 2, pw);
        for (size_t g = 0; g < d->ngaps; g++) {
            double x0 = L0 + pw * (double)(d->gaps[g].start - r->since) / span;
            double x1 = L0 + pw * (double)(d->gaps[g].end - r->since) / span;
            x0 = x0 < L0 ? L0 : x0;
            fprintf(f,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"" C_DENIED
                    "\"><title>",
                    x0, y + 2, x1 - x0 < 2 ? 2 : x1 - x0);
            char a[40], b[40];
            mm_rp_time(r->tz, r->ja, d->gaps[g].start, a, sizeof(a));
            mm_rp_time(r->tz, r->ja, d->gaps[g].end, b, sizeof(b));
            fprintf(f, "%s \xe2\x80\x93 %s</title></rect>\n", a, b);
        }
    }
    fputs("</svg>\n", f);
}

static void summary(FILE *f, const struct mm_report *r)
{
    char intro[512];
    mm_rp_intro(r->ja, r->cur.high, intro, sizeof(intro));
    fprintf(f, "<section><h2>%s</h2>\n<p class=\"intro %s\">", L(r, L_SUMMARY),
            r->cur.high > 0 ? "bad" : "ok");
    esc(f, intro);
    fputs("</p>\n<div class=\"cards\">\n", f);
    card(f, r, L_EVENTS, r->cur.events, r->prev.events, 0);
    card(f, r, L_DENIED, r->cur.denied, r->prev.denied, 1);
    card(f, r, L_ALERTS, r->cur.alerts, r->prev.alerts, 1);
    card(f, r, L_HIGH_ALERTS, r->cur.high, r->prev.high, 1);
    card(f, r, L_ATTACKERS, r->cur.attackers, r->prev.attackers, 1);
    card(f, r, L_BLOCKED_HOSTS, r->cur.blocked_hosts, r->prev.blocked_hosts, 1);
    card(f, r, L_VPN_FAILURES, r->cur.vpn_failures, r->prev.vpn_failures, 1);
    card(f, r, L_ALLOWED, r->cur.allowed, r->prev.allowed, 0);
    fputs("</div></section>\n", f);
}

static void per_day(FILE *f, const struct mm_report *r)
{
    fprintf(f, "<section><h2>%s</h2>\n", L(r, L_PER_DAY));
    if (!r->have_rollups) {
        fprintf(f, "<p class=\"muted\">%s</p></section>\n", L(r, L_NO_ROLLUPS));
        return;
    }
    day_chart(f, r);
    fprintf(f, "</section>\n<section><h2>%s</h2>\n<div class=\"scroll\"><table><tr><th>%s</th>",
            L(r, L_PER_DEVICE), L(r, L_DAY));
    for (size_t i = 0; i < r->ndev; i++) {
        if (r->dev[i].total > 0) {
            fputs("<th class=\"n\">", f);
            esc(f, r->dev[i].name);
            fputs("</th>", f);
        }
    }
    fprintf(f, "<th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th></tr>\n",
            L(r, L_TOTAL), L(r, L_ALLOWED), L(r, L_DENIED));
    for (size_t b = 0; b < r->nbuckets; b++) {
        fputs("<tr><td>", f);
        esc(f, r->bucket[b].label);
        fputs("</td>", f);
        for (size_t i = 0; i < r->ndev; i++) {
            if (r->dev[i].total > 0) {
                fputs("<td class=\"n\">", f);
                count(f, r->dev[i].per_bucket ? r->dev[i].per_bucket[b] : 0);
                fputs("</td>", f);
            }
        }
        fputs("<td class=\"n\"><b>", f);
        count(f, r->b_events[b]);
        fputs("</b></td><td class=\"n\">", f);
        count(f, r->b_allowed[b]);
        fputs("</td><td class=\"n\">", f);
        count(f, r->b_denied[b]);
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "<tr><th>%s</th>", L(r, L_TOTAL));
    for (size_t i = 0; i < r->ndev; i++) {
        if (r->dev[i].total > 0) {
            fputs("<th class=\"n\">", f);
            count(f, r->dev[i].total);
            fputs("</th>", f);
        }
    }
    fputs("<th class=\"n\">", f);
    count(f, r->cur.events);
    fputs("</th><th class=\"n\">", f);
    count(f, r->cur.allowed);
    fputs("</th><th class=\"n\">", f);
    count(f, r->cur.denied);
    fputs("</th></tr></table></div></section>\n", f);
}

static void sev_badge(FILE *f, const struct mm_report *r, int s)
{
    s = s >= 0 && s <= 4 ? s : 0;
    fprintf(f, "<span class=\"sev\" style=\"background:%s\">%s</span>", sev_color[s],
            mm_rp_severity(r->ja, s));
}

static void alerts(FILE *f, const struct mm_report *r)
{
    fprintf(f, "<section><h2>%s</h2>\n", L(r, L_BY_SEVERITY));
    if (r->cur.alerts == 0) {
        fprintf(f, "<p>%s</p></section>\n", L(r, L_NO_ALERTS));
        return;
    }
    severity_chart(f, r);
    fprintf(f, "</section>\n<section><h2>%s</h2>\n", L(r, L_BY_RULE));
    fprintf(f,
            "<div class=\"scroll\"><table><tr><th>%s</th><th class=\"n\">%s</th>"
            "<th class=\"n\">%s</th><th>%s</th></tr>\n",
            L(r, L_SEVERITY), L(r, L_INCIDENTS), L(r, L_EVENTS_COL), L(r, L_RULE));
    for (size_t i = 0; i < r->nrules; i++) {
        const struct rp_rule *x = &r->rules[i];
        fputs("<tr><td>", f);
        sev_badge(f, r, x->severity);
        fputs("</td><td class=\"n\">", f);
        count(f, x->incidents);
        fputs("</td><td class=\"n\">", f);
        count(f, x->events);
        fputs("</td><td>", f);
        esc(f, RP_TR(x, title));
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div></section>\n", f);

    fprintf(f, "<section><h2>%s</h2>\n", L(r, L_INCIDENTS_H));
    size_t shown = 0;
    int min_sev = r->ninc > 0 && r->inc[0].severity < 2 ? 0 : 2;
    for (size_t i = 0; i < r->ninc && shown < (min_sev ? RP_INCIDENTS : 5); i++) {
        const struct rp_incident *x = &r->inc[i];
        if (x->severity < min_sev) {
            break;
        }
        char a[40], b[40];
        mm_rp_time(r->tz, r->ja, x->first_ns, a, sizeof(a));
        mm_rp_time(r->tz, r->ja, x->last_ns, b, sizeof(b));
        fprintf(f, "<div class=\"inc\" style=\"border-color:%s\"><h3>",
                sev_color[x->severity >= 0 && x->severity <= 4 ? x->severity : 0]);
        sev_badge(f, r, x->severity);
        fputc(' ', f);
        esc(f, RP_TR(x, title));
        fprintf(f, "</h3><div class=\"m\">%s: <b>", L(r, L_WHO));
        esc(f, x->group_key[0] ? x->group_key : "-");
        fprintf(f, "</b> &middot; %s: ", L(r, L_EVENTS_COL));
        count(f, x->count);
        fprintf(f, " &middot; %s: %s &ndash; %s</div>", L(r, L_WHEN), a, b);
        if (RP_TR(x, description)[0] != '\0') {
            fprintf(f, "<p class=\"todo\"><b>%s:</b> ", L(r, L_TODO));
            esc(f, RP_TR(x, description));
            fputs("</p>", f);
        }
        fputs("</div>\n", f);
        shown++;
    }
    if (shown < r->ninc) {
        fprintf(f, "<p class=\"muted\">+%zu %s</p>\n", r->ninc - shown, L(r, L_MORE_INCIDENTS));
    }
    fputs("</section>\n", f);
}

static void rank_table(FILE *f, const struct mm_report *r, enum rp_label title, enum rp_label col,
                       const struct rp_rank *v, size_t n, int country)
{
    fprintf(f, "<div><h2>%s</h2>\n", L(r, title));
    if (n == 0) {
        fprintf(f, "<p class=\"muted\">%s</p></div>\n", L(r, L_NONE));
        return;
    }
    fprintf(f, "<div class=\"scroll\"><table><tr><th>%s</th>", L(r, col));
    if (country) {
        fprintf(f, "<th>%s</th>", L(r, L_COUNTRY));
    }
    fprintf(f, "<th class=\"n\">%s</th></tr>\n", L(r, L_EVENTS_COL));
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td>", f);
        esc(f, v[i].value);
        fputs("</td>", f);
        if (country) {
            fputs("<td>", f);
            esc(f, v[i].country[0] ? v[i].country : "-");
            fputs("</td>", f);
        }
        fputs("<td class=\"n\">", f);
        count(f, v[i].events);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div></div>\n", f);
}

static void tops(FILE *f, const struct mm_report *r)
{
    fputs("<section class=\"grid2\">\n", f);
    rank_table(f, r, L_TOP_ATTACKERS, L_ADDRESS, r->attackers, r->nattackers, 1);
    fprintf(f, "<div><h2>%s</h2>\n", L(r, L_COUNTRIES));
    if (r->ncountries == 0) {
        fprintf(f, "<p class=\"muted\">%s</p></div>\n", L(r, L_NONE));
    } else {
        fprintf(f, "<table><tr><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th></tr>\n",
                L(r, L_COUNTRY), L(r, L_EVENTS_COL), L(r, L_ADDRESSES));
        for (size_t i = 0; i < r->ncountries; i++) {
            fputs("<tr><td>", f);
            esc(f, r->countries[i].country[0] ? r->countries[i].country : L(r, L_UNKNOWN));
            fputs("</td><td class=\"n\">", f);
            count(f, r->countries[i].events);
            fputs("</td><td class=\"n\">", f);
            count(f, r->countries[i].extra);
            fputs("</td></tr>\n", f);
        }
        fputs("</table></div>\n", f);
    }
    fputs("</section>\n<section class=\"grid2\">\n", f);
    rank_table(f, r, L_BLOCKED_HOSTS_H, L_ADDRESS, r->hosts, r->nhosts, 0);
    rank_table(f, r, L_BLOCKED_DESTS_H, L_DESTINATION, r->dests, r->ndests, 0);
    fputs("</section>\n", f);
}

static void logins(FILE *f, const struct mm_report *r, const char *kind, enum rp_label title)
{
    fprintf(f, "<section><h2>%s</h2>\n", L(r, title));
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
            fprintf(f,
                    "<div class=\"scroll\"><table><tr><th>%s</th><th>%s</th><th>%s</th>"
                    "<th>%s</th><th class=\"n\">%s</th><th>%s</th></tr>\n",
                    L(r, L_USER), L(r, L_FROM), L(r, L_COUNTRY), L(r, L_RESULT), L(r, L_TIMES),
                    L(r, L_WHEN));
            any = 1;
        }
        int ok = strcmp(l->outcome, "success") == 0;
        char a[40], from[64];
        mm_rp_from(l, r->ja, from, sizeof(from));
        mm_rp_time(r->tz, r->ja, l->last_ns, a, sizeof(a));
        fputs("<tr><td>", f);
        esc(f, l->user[0] ? l->user : "-");
        fputs("</td><td>", f);
        esc(f, from);
        fputs("</td><td>", f);
        esc(f, l->country[0] ? l->country : "-");
        fprintf(f, "</td><td class=\"%s\">%s</td><td class=\"n\">", ok ? "down" : "up",
                ok                                   ? L(r, L_SUCCESS)
                : strcmp(l->outcome, "failure") == 0 ? L(r, L_FAILURE)
                                                     : "?");
        count(f, l->count);
        fprintf(f, "</td><td>%s</td></tr>\n", a);
    }
    if (any) {
        fputs("</table></div>", f);
        if (more > 0) {
            fprintf(f, "<p class=\"muted\">+%zu</p>", more);
        }
    } else {
        fprintf(f, "<p class=\"muted\">%s</p>", L(r, L_NONE));
    }
    fputs("</section>\n", f);
}

static void sources(FILE *f, const struct mm_report *r)
{
    fprintf(f, "<section><h2>%s</h2>\n", L(r, L_SOURCES_H));
    source_timeline(f, r);
    fprintf(f,
            "<div class=\"scroll\"><table><tr><th>%s</th><th class=\"n\">%s</th><th>%s</th>"
            "<th>%s</th></tr>\n",
            L(r, L_DEVICE), L(r, L_EVENTS_COL), L(r, L_LAST_HEARD), L(r, L_GAPS));
    for (size_t i = 0; i < r->ndev; i++) {
        const struct rp_device *d = &r->dev[i];
        if (d->total == 0 && (d->first_ns == 0 || d->first_ns >= r->until)) {
            continue;
        }
        char a[40], b[40];
        mm_rp_time(r->tz, r->ja, d->last_ns, a, sizeof(a));
        fputs("<tr><td>", f);
        esc(f, d->name);
        if (strcmp(d->name, d->source) != 0) {
            fputs(" <span class=\"muted\">(", f);
            esc(f, d->source);
            fputs(")</span>", f);
        }
        fputs("</td><td class=\"n\">", f);
        count(f, d->total);
        fprintf(f, "</td><td>%s</td><td>", a);
        if (d->total == 0) {
            fprintf(f, "<span class=\"silent\">%s</span>", L(r, L_NO_DATA));
        } else if (d->ngaps == 0) {
            fprintf(f, "<span class=\"muted\">%s</span>", L(r, L_NONE));
        }
        for (size_t g = 0; g < d->ngaps; g++) {
            mm_rp_time(r->tz, r->ja, d->gaps[g].start, a, sizeof(a));
            mm_rp_time(r->tz, r->ja, d->gaps[g].end, b, sizeof(b));
            long long h = (d->gaps[g].end - d->gaps[g].start + 3599999999999LL) / 3600000000000LL;
            fprintf(f, "%s<span class=\"silent\">%s &ndash; %s</span> (%lld %s)", g ? "<br>" : "",
                    a, b, h, L(r, L_HOURS));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div></section>\n", f);
}

void mm_report_html(const struct mm_report *r, FILE *f)
{
    char period[160], gen[40];
    mm_report_period_text(r, period, sizeof(period));
    mm_rp_time(r->tz, r->ja, r->now, gen, sizeof(gen));
    const char *title = L(r, r->weekly ? L_TITLE_WEEK : L_TITLE);
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
            "<title>mimamori: %s %s</title>\n",
            r->ja ? "ja" : "en", title, period);
    style(f);
    fprintf(f, "</head><body><div class=\"wrap\">\n<header><h1>%s</h1><p>%s: %s (", title,
            L(r, L_PERIOD), period);
    esc(f, r->tzname);
    fprintf(f, ")<br>%s: %s</p></header>\n", L(r, L_GENERATED), gen);
    summary(f, r);
    per_day(f, r);
    alerts(f, r);
    tops(f, r);
    logins(f, r, "vpn", L_VPN_H);
    logins(f, r, "admin", L_ADMIN_H);
    sources(f, r);
    fprintf(f, "<footer>%s ", L(r, L_FOOTER));
    esc(f, r->tzname);
    fputs(".</footer>\n</div></body></html>\n", f);
}
