/*
 * report.c - `mimamori report`: the period's picture for an owner.
 *
 *   mimamori report [--week [current]] [--since T] [--until T]
 *                   [--format text|html|json] [--lang en|ja] [-o FILE] [--send CHANNEL]
 *
 * Reads only the hourly roll-ups (store/rollup.c), the alerts and the
 * sources table: no raw logs, so a year takes about as long as a week takes
 * to print.  The period is [since, until): `--week` is the previous full
 * Monday-to-Sunday week in the configured zone (`--week current`: this week
 * so far), `--since/--until` take durations or dates as for `digest`;
 * default: the previous week.  The comparison is with the period of the same
 * length just before.
 *
 * Hours are UTC hours; a day is the hours that start in it (local time), so
 * in a zone with a half-hour offset a day's counts are off by half an hour.
 *
 * A source's silent periods: for a source that is heard in most hours (at
 * least 60 % of the hours since it was first heard), every run of two or more
 * hours without a line.  Sources that log only now and then (a server's sshd)
 * get their last-heard time instead.
 */
#include "cli/report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "mimamori/alert.h"
#include "mimamori/net.h"
#include "mimamori/notify.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

#define HOUR_NS 3600000000000LL
#define RP_BUSY_PCT 60 /* a source heard in this share of hours has gaps worth reporting */
#define RP_GAP_HOURS 2 /* the shortest silent period reported */
#define RP_MAX_GAPS 32 /* per source */

enum rp_format { RP_TEXT, RP_HTML, RP_JSON };

/* ---- gathering ---- */

struct gather {
    struct mm_report *r;
    const struct mm_config *cfg;
    int64_t hour0; /* first hour of the period (floor of since) */
    size_t nhours;
    uint8_t *active[RP_MAX_DEVICES]; /* per device: 1 for each hour with events */
    int failed;
};

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s != NULL ? s : "");
}

static char *dup_trim(const char *s)
{
    /* collapse whitespace runs (folded YAML keeps a trailing newline) */
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    if (o == NULL) {
        return NULL;
    }
    size_t k = 0;
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            sp = k > 0;
            continue;
        }
        if (sp) {
            o[k++] = ' ';
            sp = 0;
        }
        o[k++] = c;
    }
    o[k] = '\0';
    return o;
}

/* The display name of a source: a configured `name`, else its host name, else itself. */
static void device_name(const struct mm_config *cfg, const char *source, const char *hostname,
                        char *dst, size_t cap)
{
    struct mm_addr a;
    int is_addr = mm_addr_parse(&a, source, strlen(source)) == MM_OK;
    for (size_t i = 0; cfg != NULL && i < cfg->nsources; i++) {
        const struct mm_source_conf *sc = &cfg->sources[i];
        if (sc->name == NULL || sc->match == NULL) {
            continue;
        }
        if (sc->by_hostname) {
            if (strcmp(sc->match, source) == 0 || strcmp(sc->match, hostname) == 0) {
                copy(dst, cap, sc->name);
                return;
            }
        } else if (is_addr) {
            struct mm_cidr c;
            if (mm_cidr_parse(&c, sc->match, strlen(sc->match)) == MM_OK &&
                mm_cidr_contains(&c, &a)) {
                copy(dst, cap, sc->name);
                return;
            }
        }
    }
    copy(dst, cap, hostname[0] != '\0' ? hostname : source);
}

static int on_source(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct gather *g = arg;
    struct mm_report *r = g->r;
    (void)ncol;
    if (r->ndev == RP_MAX_DEVICES) {
        return 0;
    }
    struct rp_device *d = &r->dev[r->ndev++];
    memset(d, 0, sizeof(*d));
    copy(d->source, sizeof(d->source), txt[0]);
    device_name(g->cfg, txt[0], txt[1], d->name, sizeof(d->name));
    d->first_ns = num[2];
    d->last_ns = num[3];
    return 0;
}

static struct rp_device *device(struct gather *g, const char *source)
{
    struct mm_report *r = g->r;
    for (size_t i = 0; i < r->ndev; i++) {
        if (strcmp(r->dev[i].source, source) == 0) {
            return &r->dev[i];
        }
    }
    if (r->ndev == RP_MAX_DEVICES) {
        return &r->dev[RP_MAX_DEVICES - 1]; /* beyond the table: counted with the last */
    }
    struct rp_device *d = &r->dev[r->ndev++];
    memset(d, 0, sizeof(*d));
    copy(d->source, sizeof(d->source), source);
    copy(d->name, sizeof(d->name), source);
    return d;
}

static int on_hour(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct gather *g = arg;
    struct mm_report *r = g->r;
    (void)ncol;
    int64_t hour = num[0];
    uint64_t ev = (uint64_t)num[2], den = (uint64_t)num[3], alw = (uint64_t)num[4];
    r->have_rollups = 1;
    r->cur.events += ev;
    r->cur.denied += den;
    r->cur.allowed += alw;
    int b = mm_rp_bucket_of(r->bucket, r->nbuckets, hour < r->since ? r->since : hour);
    if (b >= 0) {
        r->b_events[b] += ev;
        r->b_denied[b] += den;
        r->b_allowed[b] += alw;
    }
    struct rp_device *d = device(g, txt[1]);
    size_t di = (size_t)(d - r->dev);
    d->total += ev;
    d->denied += den;
    d->allowed += alw;
    if (d->per_bucket == NULL) {
        d->per_bucket = calloc(r->nbuckets ? r->nbuckets : 1, sizeof(*d->per_bucket));
    }
    if (g->active[di] == NULL) {
        g->active[di] = calloc(g->nhours, 1);
    }
    if (d->per_bucket == NULL || g->active[di] == NULL) {
        g->failed = 1;
        return 1;
    }
    if (b >= 0) {
        d->per_bucket[b] += ev;
    }
    size_t h = (size_t)((hour - g->hour0) / HOUR_NS);
    if (h < g->nhours && ev > 0) {
        g->active[di][h] = 1;
        if (hour > d->last_in_period) {
            d->last_in_period = hour;
        }
    }
    return 0;
}

/* Silent periods of the busy sources, from the hours with events. */
static void find_gaps(struct gather *g)
{
    struct mm_report *r = g->r;
    int64_t end = r->until < r->now ? r->until : r->now;
    for (size_t i = 0; i < r->ndev; i++) {
        struct rp_device *d = &r->dev[i];
        const uint8_t *act = g->active[i];
        if (act == NULL) {
            continue;
        }
        /* the hours this source could have been heard in: from its first line to the end */
        int64_t from = g->hour0;
        if (d->first_ns > from) {
            from = d->first_ns / HOUR_NS * HOUR_NS;
        }
        size_t h0 = (size_t)((from - g->hour0) / HOUR_NS);
        size_t h1 = end > g->hour0 ? (size_t)((end - g->hour0 + HOUR_NS - 1) / HOUR_NS) : 0;
        h1 = h1 > g->nhours ? g->nhours : h1;
        if (h1 <= h0 + RP_GAP_HOURS) {
            continue;
        }
        size_t on = 0;
        for (size_t h = h0; h < h1; h++) {
            on += act[h];
        }
        if (on * 100 < (h1 - h0) * RP_BUSY_PCT) {
            continue;
        }
        for (size_t h = h0; h < h1;) {
            if (act[h]) {
                h++;
                continue;
            }
            size_t s = h;
            while (h < h1 && !act[h]) {
                h++;
            }
            if (h - s < RP_GAP_HOURS) {
                continue;
            }
            if (h == h1) {
                d->silent_now = 1;
            }
            if (d->ngaps == RP_MAX_GAPS) {
                continue;
            }
            if (d->gaps == NULL) {
                d->gaps = calloc(RP_MAX_GAPS, sizeof(*d->gaps));
                if (d->gaps == NULL) {
                    g->failed = 1;
                    return;
                }
            }
            d->gaps[d->ngaps].start = g->hour0 + (int64_t)s * HOUR_NS;
            d->gaps[d->ngaps].end = h == h1 ? end : g->hour0 + (int64_t)h * HOUR_NS;
            d->ngaps++;
        }
    }
}

static int on_top(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct mm_report *r = arg;
    (void)ncol;
    struct rp_rank *v;
    size_t *n;
    if (strcmp(txt[0], "attacker") == 0) {
        v = r->attackers;
        n = &r->nattackers;
        r->cur.attackers = (uint64_t)num[5];
    } else if (strcmp(txt[0], "blocked_host") == 0) {
        v = r->hosts;
        n = &r->nhosts;
        r->cur.blocked_hosts = (uint64_t)num[5];
    } else if (strcmp(txt[0], "blocked_dest") == 0) {
        v = r->dests;
        n = &r->ndests;
    } else {
        return 0;
    }
    if (*n < RP_TOP) {
        copy(v[*n].value, sizeof(v[*n].value), txt[1]);
        copy(v[*n].country, sizeof(v[*n].country), txt[2]);
        v[*n].events = (uint64_t)num[3];
        v[*n].extra = (uint64_t)num[4];
        (*n)++;
    }
    return 0;
}

static int on_country(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct mm_report *r = arg;
    (void)ncol;
    if (r->ncountries < RP_TOP) {
        struct rp_rank *c = &r->countries[r->ncountries++];
        copy(c->value, sizeof(c->value), txt[0]);
        copy(c->country, sizeof(c->country), txt[0]);
        c->events = (uint64_t)num[1];
        c->extra = (uint64_t)num[2];
    }
    return 0;
}

static int on_top_total(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct rp_totals *t = arg;
    (void)ncol;
    if (strcmp(txt[0], "attacker") == 0) {
        t->attackers = (uint64_t)num[1];
    } else if (strcmp(txt[0], "blocked_host") == 0) {
        t->blocked_hosts = (uint64_t)num[1];
    }
    return 0;
}

struct login_ctx {
    struct mm_report *r; /* NULL: totals only */
    struct rp_totals *t;
    size_t cap;
    int failed;
};

static int on_login(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct login_ctx *x = arg;
    (void)ncol;
    if (strcmp(txt[0], "vpn") == 0 && strcmp(txt[4], "failure") == 0) {
        x->t->vpn_failures += (uint64_t)num[5];
    }
    if (x->r == NULL) {
        return 0;
    }
    struct mm_report *r = x->r;
    if (r->nlogins == x->cap) {
        struct rp_login *nv = mm_grow(r->logins, &x->cap, sizeof(*nv), 32);
        if (nv == NULL) {
            x->failed = 1;
            return 1;
        }
        r->logins = nv;
    }
    struct rp_login *l = &r->logins[r->nlogins++];
    copy(l->kind, sizeof(l->kind), txt[0]);
    copy(l->user, sizeof(l->user), txt[1]);
    /* a failure row is per user: its address when there was only one */
    copy(l->ip, sizeof(l->ip), txt[2][0] != '\0' || num[8] != 1 ? txt[2] : txt[9]);
    l->addresses = (uint64_t)num[8];
    copy(l->country, sizeof(l->country), txt[3]);
    copy(l->outcome, sizeof(l->outcome), txt[4]);
    l->count = (uint64_t)num[5];
    l->first_ns = num[6];
    l->last_ns = num[7];
    return 0;
}

struct alert_ctx {
    struct mm_report *r; /* NULL: totals only */
    struct rp_totals *t;
    size_t cap_inc, cap_rules;
    int failed;
};

static int on_alert(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct alert_ctx *x = arg;
    (void)ncol;
    int sev = num[2] >= 0 && num[2] <= 4 ? (int)num[2] : 0;
    x->t->alerts++;
    x->t->sev[sev]++;
    if (sev >= MM_SEV_HIGH) {
        x->t->high++;
    }
    if (x->r == NULL) {
        return 0;
    }
    struct mm_report *r = x->r;
    /* by rule */
    struct rp_rule *rule = NULL;
    for (size_t i = 0; i < r->nrules; i++) {
        if (strcmp(r->rules[i].rule_id, txt[0]) == 0) {
            rule = &r->rules[i];
            break;
        }
    }
    if (rule == NULL) {
        if (r->nrules == x->cap_rules) {
            size_t cap = x->cap_rules ? x->cap_rules * 2 : 32;
            struct rp_rule *nv = realloc(r->rules, cap * sizeof(*nv));
            if (nv == NULL) {
                x->failed = 1;
                return 1;
            }
            r->rules = nv;
            x->cap_rules = cap;
        }
        rule = &r->rules[r->nrules++];
        memset(rule, 0, sizeof(*rule));
        rule->rule_id = strdup(txt[0]);
        rule->title = strdup(txt[1]);
        rule->description = dup_trim(txt[7]);
        if (rule->rule_id == NULL || rule->title == NULL || rule->description == NULL) {
            x->failed = 1;
            return 1;
        }
    }
    rule->severity = sev > rule->severity ? sev : rule->severity;
    rule->incidents++;
    rule->events += (uint64_t)num[3];
    /* incidents: one per rule and group, however often its window reopened */
    for (size_t i = 0; i < r->ninc; i++) {
        struct rp_incident *in = &r->inc[i];
        if (strcmp(in->rule_id, txt[0]) == 0 && strcmp(in->group_key, txt[6]) == 0) {
            in->severity = sev > in->severity ? sev : in->severity;
            in->count += (uint64_t)num[3];
            in->alerts++;
            in->first_ns = num[4] < in->first_ns ? num[4] : in->first_ns;
            in->last_ns = num[5] > in->last_ns ? num[5] : in->last_ns;
            return 0;
        }
    }
    if (r->ninc == x->cap_inc) {
        struct rp_incident *nv = mm_grow(r->inc, &x->cap_inc, sizeof(*nv), 64);
        if (nv == NULL) {
            x->failed = 1;
            return 1;
        }
        r->inc = nv;
    }
    struct rp_incident *in = &r->inc[r->ninc++];
    memset(in, 0, sizeof(*in));
    in->rule_id = strdup(txt[0]);
    in->title = strdup(txt[1]);
    in->group_key = strdup(txt[6]);
    in->description = dup_trim(txt[7]);
    in->severity = sev;
    in->count = (uint64_t)num[3];
    in->alerts = 1;
    in->first_ns = num[4];
    in->last_ns = num[5];
    if (in->rule_id == NULL || in->title == NULL || in->group_key == NULL ||
        in->description == NULL) {
        x->failed = 1;
        return 1;
    }
    return 0;
}

static int worst_first(const void *a, const void *b)
{
    const struct rp_incident *x = a, *y = b;
    if (x->severity != y->severity) {
        return y->severity - x->severity;
    }
    if (x->count != y->count) {
        return y->count > x->count ? 1 : -1;
    }
    if (x->first_ns != y->first_ns) {
        return x->first_ns < y->first_ns ? -1 : 1;
    }
    return strcmp(x->group_key, y->group_key);
}

static int rule_order(const void *a, const void *b)
{
    const struct rp_rule *x = a, *y = b;
    if (x->severity != y->severity) {
        return y->severity - x->severity;
    }
    if (x->incidents != y->incidents) {
        return y->incidents > x->incidents ? 1 : -1;
    }
    return strcmp(x->title, y->title);
}

static int on_sum_hours(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct rp_totals *t = arg;
    (void)ncol;
    (void)txt;
    t->events += (uint64_t)num[2];
    t->denied += (uint64_t)num[3];
    t->allowed += (uint64_t)num[4];
    return 0;
}

/* The totals of another period (the comparison). */
static enum mm_err totals(struct mm_store *st, int64_t since, int64_t until, struct rp_totals *t)
{
    memset(t, 0, sizeof(*t));
    struct alert_ctx ax = {NULL, t, 0, 0, 0};
    struct login_ctx lx = {NULL, t, 0, 0};
    enum mm_err rc = mm_store_report_rows(st, MM_RQ_HOURS, since, until, on_sum_hours, t);
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_ALERTS, since, until, on_alert, &ax);
    }
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_TOP_TOTALS, since, until, on_top_total, t);
    }
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_LOGINS, since, until, on_login, &lx);
    }
    return rc;
}

static enum mm_err gather(struct mm_report *r, struct mm_store *st, const struct mm_config *cfg)
{
    struct gather g;
    memset(&g, 0, sizeof(g));
    g.r = r;
    g.cfg = cfg;
    g.hour0 = r->since / HOUR_NS * HOUR_NS;
    g.nhours = (size_t)((r->until - g.hour0 + HOUR_NS - 1) / HOUR_NS);
    struct alert_ctx ax = {r, &r->cur, 0, 0, 0};
    struct login_ctx lx = {r, &r->cur, 0, 0};
    enum mm_err rc = mm_store_report_rows(st, MM_RQ_SOURCES, 0, 0, on_source, &g);
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_HOURS, r->since, r->until, on_hour, &g);
    }
    if (rc == MM_OK && !g.failed) {
        find_gaps(&g);
    }
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_TOP, r->since, r->until, on_top, r);
    }
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_COUNTRIES, r->since, r->until, on_country, r);
    }
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_LOGINS, r->since, r->until, on_login, &lx);
    }
    if (rc == MM_OK) {
        rc = mm_store_report_rows(st, MM_RQ_ALERTS, r->since, r->until, on_alert, &ax);
    }
    if (rc == MM_OK) {
        rc = totals(st, r->since - (r->until - r->since), r->since, &r->prev);
    }
    for (size_t i = 0; i < RP_MAX_DEVICES; i++) {
        free(g.active[i]);
    }
    if (rc == MM_OK && (g.failed || ax.failed || lx.failed)) {
        rc = MM_ENOMEM;
    }
    if (rc != MM_OK) {
        return rc;
    }
    /* devices that said nothing in the period and were not heard after it stay listed */
    if (r->ninc > 1) {
        qsort(r->inc, r->ninc, sizeof(r->inc[0]), worst_first);
    }
    if (r->nrules > 1) {
        qsort(r->rules, r->nrules, sizeof(r->rules[0]), rule_order);
    }
    return MM_OK;
}

void mm_report_free(struct mm_report *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->ndev; i++) {
        free(r->dev[i].per_bucket);
        free(r->dev[i].gaps);
    }
    for (size_t i = 0; i < r->nrules; i++) {
        free(r->rules[i].rule_id);
        free(r->rules[i].title);
        free(r->rules[i].description);
        free(r->rules[i].title_tr);
        free(r->rules[i].description_tr);
    }
    for (size_t i = 0; i < r->ninc; i++) {
        free(r->inc[i].rule_id);
        free(r->inc[i].title);
        free(r->inc[i].group_key);
        free(r->inc[i].description);
        free(r->inc[i].title_tr);
        free(r->inc[i].description_tr);
    }
    free(r->rules);
    free(r->inc);
    free(r->logins);
    free(r);
}

/* ---- the rules' own words in the report's language ---- */

/*
 * *title / *todo get the translation of rule_id into lang when the rule file
 * has one that differs from the English text; 0, or -1 out of memory.
 */
static int translate_one(const struct mm_ruleset *rs, const char *lang, const char *rule_id,
                         char **title, char **todo)
{
    const struct mm_rule *rule = mm_ruleset_find(rs, rule_id);
    if (rule == NULL) {
        return 0; /* the rule is gone: its alerts keep their English words */
    }
    const char *t = mm_rule_title_lang(rule, lang);
    const char *d = mm_rule_description_lang(rule, lang);
    if (t != mm_rule_title(rule) && (*title = strdup(t)) == NULL) {
        return -1;
    }
    if (d != mm_rule_description(rule) && (*todo = dup_trim(d)) == NULL) {
        return -1;
    }
    return 0;
}

/*
 * The alerts carry the English title and description of their rule as it
 * was when they fired.  In another language, read the rules of the
 * configuration (as `mimamori run` does) and take their `translations:`.
 * Rules that do not load leave the report in English with one warning: a
 * report must not fail because someone is editing a rule file.
 */
static int translate(struct mm_report *r, const struct mm_config *cfg, const char *lang)
{
    if (r->nrules == 0) {
        return 0;
    }
    struct mm_diag d;
    struct mm_ruleset *rs = NULL;
    mm_diag_init(&d);
    enum mm_err rc =
        mm_ruleset_load_cfg(&rs, cfg, (const char *const *)cfg->rules, cfg->nrules, &d);
    mm_diag_free(&d);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: the rules do not load (`mimamori check` says why); rule titles "
                        "are in English\n");
        mm_ruleset_unref(rs);
        return 0;
    }
    int bad = 0;
    for (size_t i = 0; i < r->nrules && !bad; i++) {
        struct rp_rule *x = &r->rules[i];
        bad = translate_one(rs, lang, x->rule_id, &x->title_tr, &x->description_tr);
    }
    for (size_t i = 0; i < r->ninc && !bad; i++) {
        struct rp_incident *x = &r->inc[i];
        bad = translate_one(rs, lang, x->rule_id, &x->title_tr, &x->description_tr);
    }
    mm_ruleset_unref(rs);
    return bad;
}

/* ---- shared by the formats ---- */

void mm_report_period_text(const struct mm_report *r, char *dst, size_t cap)
{
    struct mm_civil a, b;
    mm_tz_from_utc(r->tz, r->since, &a);
    mm_tz_from_utc(r->tz, r->until - 1, &b);
    int wa = mm_rp_wday(a.year, a.mon, a.mday), wb = mm_rp_wday(b.year, b.mon, b.mday);
    char ta[16] = "", tb[16] = "";
    if (a.hour != 0 || a.min != 0) {
        snprintf(ta, sizeof(ta), " %02d:%02d", a.hour, a.min);
    }
    /* until is exclusive: say the last minute only when it does not end at midnight */
    struct mm_civil u;
    mm_tz_from_utc(r->tz, r->until, &u);
    if (u.hour != 0 || u.min != 0) {
        snprintf(tb, sizeof(tb), " %02d:%02d", u.hour, u.min);
        b = u;
        wb = mm_rp_wday(b.year, b.mon, b.mday);
    }
    if (r->ja) {
        snprintf(dst, cap, "%04d-%02d-%02d (%s)%s \xe2\x80\x93 %04d-%02d-%02d (%s)%s", a.year,
                 a.mon, a.mday, mm_rp_weekday(1, wa), ta, b.year, b.mon, b.mday,
                 mm_rp_weekday(1, wb), tb);
    } else {
        snprintf(dst, cap, "%s %04d-%02d-%02d%s \xe2\x80\x93 %s %04d-%02d-%02d%s",
                 mm_rp_weekday(0, wa), a.year, a.mon, a.mday, ta, mm_rp_weekday(0, wb), b.year,
                 b.mon, b.mday, tb);
    }
}

void mm_report_subject(const struct mm_report *r, char *dst, size_t cap)
{
    char period[128];
    mm_report_period_text(r, period, sizeof(period));
    char high[64] = "";
    if (r->cur.high > 0) {
        snprintf(high, sizeof(high), r->ja ? " [重要 %llu件]" : " [%llu high]",
                 (unsigned long long)r->cur.high);
    }
    snprintf(dst, cap, "mimamori: %s %s%s", mm_rp_label(r->ja, r->weekly ? L_TITLE_WEEK : L_TITLE),
             period, high);
}

/* ---- the verb ---- */

static void usage(void)
{
    fprintf(stderr,
            "usage: mimamori report [-c FILE] [--week [current]] [--since TIME] [--until TIME]\n"
            "                       [--format text|html|json] [--lang en|ja] [-o FILE]\n"
            "                       [--send CHANNEL]\n"
            "--week: the previous full Monday-Sunday week in the configured time zone (the\n"
            "default); --week current: this week so far.  TIME: a duration back from now\n"
            "(24h, 7d) or a date (2026-11-02, 2026-11-02T08:00).  --send mails the report\n"
            "(HTML with a text part) through an smtp channel of the configuration.\n");
}

static int write_format(const struct mm_report *r, enum rp_format fmt, FILE *f)
{
    switch (fmt) {
    case RP_TEXT:
        mm_report_text(r, f);
        break;
    case RP_HTML:
        mm_report_html(r, f);
        break;
    case RP_JSON:
        mm_report_json(r, f);
        break;
    }
    return ferror(f) ? -1 : 0;
}

/* Render fmt into a malloc'ed string. */
static char *render(const struct mm_report *r, enum rp_format fmt)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    if (f == NULL) {
        return NULL;
    }
    int bad = write_format(r, fmt, f);
    if (fclose(f) != 0 || bad) {
        free(p);
        return NULL;
    }
    return p;
}

static const struct mm_notify_conf *find_channel(const struct mm_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->nnotify; i++) {
        if (cfg->notify[i].name != NULL && strcmp(cfg->notify[i].name, name) == 0) {
            return &cfg->notify[i];
        }
    }
    return NULL;
}

int mm_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"week", optional_argument, NULL, 'w'},
                                         {"since", required_argument, NULL, 's'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"lang", required_argument, NULL, 'L'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"send", required_argument, NULL, 'S'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL, *since = NULL, *until = NULL, *out = NULL, *send = NULL;
    int week = -1; /* -1 the previous week, 0 the current one */
    int week_given = 0;
    int lang = -1;
    enum rp_format fmt = RP_TEXT;
    int c;
    while ((c = getopt_long(argc, argv, "c:s:u:F:L:o:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cfgpath = optarg;
            break;
        case 'w': {
            const char *w = optarg;
            week_given = 1;
            if (w == NULL && optind < argc &&
                (strcmp(argv[optind], "current") == 0 || strcmp(argv[optind], "last") == 0 ||
                 strcmp(argv[optind], "previous") == 0)) {
                w = argv[optind++];
            }
            if (w == NULL || strcmp(w, "last") == 0 || strcmp(w, "previous") == 0) {
                week = -1;
            } else if (strcmp(w, "current") == 0) {
                week = 0;
            } else {
                fprintf(stderr, "mimamori: --week takes 'current' or nothing\n");
                return 2;
            }
            break;
        }
        case 's':
            since = optarg;
            break;
        case 'u':
            until = optarg;
            break;
        case 'F':
            if (strcmp(optarg, "text") == 0) {
                fmt = RP_TEXT;
            } else if (strcmp(optarg, "html") == 0) {
                fmt = RP_HTML;
            } else if (strcmp(optarg, "json") == 0) {
                fmt = RP_JSON;
            } else {
                fprintf(stderr, "mimamori: unknown format '%s' (text, html, json)\n", optarg);
                return 2;
            }
            break;
        case 'L':
            if (strcmp(optarg, "en") == 0) {
                lang = 0;
            } else if (strcmp(optarg, "ja") == 0) {
                lang = 1;
            } else {
                fprintf(stderr, "mimamori: unknown language '%s' (en, ja)\n", optarg);
                return 2;
            }
            break;
        case 'o':
            out = optarg;
            break;
        case 'S':
            send = optarg;
            break;
        case 'v':
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
    if ((since != NULL || until != NULL) && week_given) {
        fprintf(stderr, "mimamori: --week and --since/--until exclude each other\n");
        return 2;
    }
    struct mm_config *cfg = mm_cli_load_config_db(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    char *text = NULL, *html = NULL;
    struct mm_report *r = calloc(1, sizeof(*r));
    const struct mm_notify_conf *chan = NULL;
    if (r == NULL) {
        fprintf(stderr, "mimamori: out of memory\n");
        goto done;
    }
    if (send != NULL) {
        chan = find_channel(cfg, send);
        if (chan == NULL || chan->type == NULL || strcmp(chan->type, "smtp") != 0) {
            fprintf(stderr, "mimamori: --send %s: no smtp channel of that name in %s\n", send,
                    cfg->path);
            goto done;
        }
    }
    if (mm_cli_load_tz(&tz, cfg) != 0) {
        goto done;
    }
    r->tz = tz;
    r->tzname = mm_tz_name(tz);
    /* the language: --lang, else the mail channel's locale, else English */
    r->ja =
        lang >= 0 ? lang : chan != NULL && chan->locale != NULL && strcmp(chan->locale, "ja") == 0;
    r->now = mm_cli_now_ns();
    if (since == NULL && until == NULL) {
        mm_rp_week(tz, r->now, week, &r->since, &r->until);
        r->weekly = 1;
    } else {
        if (since == NULL) {
            since = "7d";
        }
        r->until = r->now;
        if (mm_cli_parse_time_opt("since", since, "7d, 2026-11-02", cfg->timezone, r->now,
                                  &r->since) != 0 ||
            mm_cli_parse_time_opt("until", until, "1d, 2026-11-09", cfg->timezone, r->now,
                                  &r->until) != 0) {
            goto done;
        }
        if (r->until <= r->since) {
            fprintf(stderr, "mimamori: --until is not after --since\n");
            goto done;
        }
    }
    r->nbuckets = mm_rp_buckets(tz, r->since, r->until, r->ja, r->bucket, RP_MAX_BUCKETS);
    r->months = r->until - r->since > 62 * 24 * HOUR_NS;
    if (mm_cli_open_store_ro(&st, cfg) != 0) {
        goto done;
    }
    if (mm_store_schema_version(st) < 4) {
        fprintf(stderr,
                "mimamori: %s has no roll-ups yet (schema %d): start `mimamori run` "
                "once to upgrade it\n",
                cfg->database, mm_store_schema_version(st));
        goto done;
    }
    enum mm_err rc = gather(r, st, cfg);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: report query failed: %s\n", mm_strerror(rc));
        goto done;
    }
    if (r->ja && translate(r, cfg, "ja") != 0) {
        fprintf(stderr, "mimamori: out of memory\n");
        goto done;
    }
    if (out != NULL || send == NULL) {
        FILE *f = out != NULL ? fopen(out, "w") : stdout;
        if (f == NULL) {
            fprintf(stderr, "mimamori: %s: cannot write: ", out);
            perror(NULL);
            goto done;
        }
        int bad = write_format(r, fmt, f);
        if (f != stdout) {
            bad |= fclose(f) != 0;
        } else {
            bad |= fflush(f) != 0;
        }
        if (bad) {
            fprintf(stderr, "mimamori: writing the report failed\n");
            goto done;
        }
    }
    if (send != NULL) {
        char subject[256];
        mm_report_subject(r, subject, sizeof(subject));
        text = render(r, RP_TEXT);
        html = render(r, RP_HTML);
        if (text == NULL || html == NULL) {
            fprintf(stderr, "mimamori: out of memory rendering the report\n");
            goto done;
        }
        if (mm_notify_send_report(cfg, send, subject, text, html, stdout) != 0) {
            goto done;
        }
    }
    status = 0;
done:
    free(text);
    free(html);
    mm_report_free(r);
    mm_store_close(st);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return status;
}
