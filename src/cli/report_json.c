/*
 * report_json.c - the report as one JSON object (for scripts and tests):
 * period, totals and the previous period's, per day (per device), alerts by
 * severity and rule, incidents with what to do, top tables, sign-ins, and
 * sources with their silent periods.  Times are RFC 3339 UTC; days are the
 * local dates of the configured zone.  Labels are not included: keys are
 * the same in every language.  Rule titles and what to do are English; a
 * rule translated into the report's language adds title_translated and
 * what_to_do_translated.
 */
#include "cli/report.h"

#include <stdio.h>
#include <string.h>

#include "mimamori/event.h"
#include "mimamori/tz.h"

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                fprintf(f, "\\u%04x", *p);
            } else {
                fputc(*p, f);
            }
        }
    }
    fputc('"', f);
}

/*
 * The rule's texts in the report's language (`lang`), only when the rule
 * file translates them: title and what_to_do stay English so that scripts
 * see the same values in every language.
 */
static void tr_keys(FILE *f, const char *title, const char *todo)
{
    if (title != NULL) {
        fputs(",\"title_translated\":", f);
        jstr(f, title);
    }
    if (todo != NULL) {
        fputs(",\"what_to_do_translated\":", f);
        jstr(f, todo);
    }
}

static void jtime(FILE *f, int64_t ns)
{
    char b[40];
    if (ns == 0) {
        fputs("null", f);
        return;
    }
    fprintf(f, "\"%s\"", mm_time_format(ns, b, sizeof(b)));
}

static void totals(FILE *f, const struct rp_totals *t)
{
    fprintf(f,
            "{\"events\":%llu,\"allowed\":%llu,\"denied\":%llu,\"alerts\":%llu,"
            "\"high_alerts\":%llu,\"attackers\":%llu,\"blocked_hosts\":%llu,"
            "\"vpn_failures\":%llu,\"by_severity\":{",
            (unsigned long long)t->events, (unsigned long long)t->allowed,
            (unsigned long long)t->denied, (unsigned long long)t->alerts,
            (unsigned long long)t->high, (unsigned long long)t->attackers,
            (unsigned long long)t->blocked_hosts, (unsigned long long)t->vpn_failures);
    static const char *const names[5] = {"informational", "low", "medium", "high", "critical"};
    for (int s = 4; s >= 0; s--) {
        fprintf(f, "\"%s\":%llu%s", names[s], (unsigned long long)t->sev[s], s > 0 ? "," : "");
    }
    fputs("}}", f);
}

static void ranks(FILE *f, const char *name, const struct rp_rank *v, size_t n, const char *key)
{
    fprintf(f, "\"%s\":[", name);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s{\"%s\":", i ? "," : "", key);
        jstr(f, v[i].value);
        fputs(",\"country\":", f);
        jstr(f, v[i].country);
        fprintf(f, ",\"events\":%llu,\"hours\":%llu}", (unsigned long long)v[i].events,
                (unsigned long long)v[i].extra);
    }
    fputs("]", f);
}

static void logins(FILE *f, const struct mm_report *r, const char *kind)
{
    fprintf(f, "\"%s\":[", kind);
    int first = 1;
    for (size_t i = 0; i < r->nlogins; i++) {
        const struct rp_login *l = &r->logins[i];
        if (strcmp(l->kind, kind) != 0) {
            continue;
        }
        fputs(first ? "{\"user\":" : ",{\"user\":", f);
        first = 0;
        jstr(f, l->user);
        fputs(",\"from\":", f);
        jstr(f, l->ip);
        fputs(",\"country\":", f);
        jstr(f, l->country);
        fputs(",\"outcome\":", f);
        jstr(f, l->outcome);
        fprintf(f,
                ",\"count\":%llu,\"addresses\":%llu,\"first_hour\":", (unsigned long long)l->count,
                (unsigned long long)l->addresses);
        jtime(f, l->first_ns);
        fputs(",\"last_hour\":", f);
        jtime(f, l->last_ns);
        fputs("}", f);
    }
    fputs("]", f);
}

void mm_report_json(const struct mm_report *r, FILE *f)
{
    char period[160];
    mm_report_period_text(r, period, sizeof(period));
    fputs("{\"period\":{\"since\":", f);
    jtime(f, r->since);
    fputs(",\"until\":", f);
    jtime(f, r->until);
    fputs(",\"timezone\":", f);
    jstr(f, r->tzname);
    fputs(",\"text\":", f);
    jstr(f, period);
    fprintf(f, ",\"weekly\":%s,\"buckets\":\"%s\"},\"generated\":", r->weekly ? "true" : "false",
            r->months ? "month" : "day");
    jtime(f, r->now);
    fprintf(f, ",\"lang\":\"%s\",\"have_rollups\":%s,\n\"totals\":", r->ja ? "ja" : "en",
            r->have_rollups ? "true" : "false");
    totals(f, &r->cur);
    fputs(",\n\"previous\":", f);
    totals(f, &r->prev);
    fputs(",\n\"days\":[", f);
    for (size_t b = 0; b < r->nbuckets; b++) {
        const struct rp_bucket *k = &r->bucket[b];
        if (r->months) {
            fprintf(f, "%s{\"month\":\"%04d-%02d\"", b ? ",\n" : "", k->year, k->mon);
        } else {
            fprintf(f, "%s{\"date\":\"%04d-%02d-%02d\"", b ? ",\n" : "", k->year, k->mon, k->mday);
        }
        fprintf(f, ",\"events\":%llu,\"allowed\":%llu,\"denied\":%llu,\"devices\":{",
                (unsigned long long)r->b_events[b], (unsigned long long)r->b_allowed[b],
                (unsigned long long)r->b_denied[b]);
        int first = 1;
        for (size_t i = 0; i < r->ndev; i++) {
            if (r->dev[i].per_bucket == NULL || r->dev[i].per_bucket[b] == 0) {
                continue;
            }
            if (!first) {
                fputc(',', f);
            }
            first = 0;
            jstr(f, r->dev[i].name);
            fprintf(f, ":%llu", (unsigned long long)r->dev[i].per_bucket[b]);
        }
        fputs("}}", f);
    }
    fputs("],\n\"rules\":[", f);
    for (size_t i = 0; i < r->nrules; i++) {
        const struct rp_rule *x = &r->rules[i];
        fputs(i ? ",\n{\"rule_id\":" : "{\"rule_id\":", f);
        jstr(f, x->rule_id);
        fputs(",\"title\":", f);
        jstr(f, x->title);
        tr_keys(f, x->title_tr, NULL);
        fprintf(f, ",\"severity\":\"%s\",\"incidents\":%llu,\"events\":%llu}",
                mm_rp_severity(0, x->severity), (unsigned long long)x->incidents,
                (unsigned long long)x->events);
    }
    fputs("],\n\"incidents\":[", f);
    for (size_t i = 0; i < r->ninc; i++) {
        const struct rp_incident *x = &r->inc[i];
        fputs(i ? ",\n{\"rule_id\":" : "{\"rule_id\":", f);
        jstr(f, x->rule_id);
        fputs(",\"title\":", f);
        jstr(f, x->title);
        fprintf(f, ",\"severity\":\"%s\",\"who\":", mm_rp_severity(0, x->severity));
        jstr(f, x->group_key);
        fprintf(f, ",\"events\":%llu,\"alerts\":%zu,\"first_seen\":", (unsigned long long)x->count,
                x->alerts);
        jtime(f, x->first_ns);
        fputs(",\"last_seen\":", f);
        jtime(f, x->last_ns);
        fputs(",\"what_to_do\":", f);
        jstr(f, x->description);
        tr_keys(f, x->title_tr, x->description_tr);
        fputs("}", f);
    }
    fputs("],\n\"top\":{", f);
    ranks(f, "attackers", r->attackers, r->nattackers, "address");
    fputs(",\"countries\":[", f);
    for (size_t i = 0; i < r->ncountries; i++) {
        fputs(i ? ",{\"country\":" : "{\"country\":", f);
        jstr(f, r->countries[i].country);
        fprintf(f, ",\"events\":%llu,\"addresses\":%llu}",
                (unsigned long long)r->countries[i].events,
                (unsigned long long)r->countries[i].extra);
    }
    fputs("],", f);
    ranks(f, "blocked_hosts", r->hosts, r->nhosts, "address");
    fputs(",", f);
    ranks(f, "blocked_destinations", r->dests, r->ndests, "destination");
    fputs("},\n\"logins\":{", f);
    logins(f, r, "vpn");
    fputs(",", f);
    logins(f, r, "admin");
    fputs("},\n\"sources\":[", f);
    int first = 1;
    for (size_t i = 0; i < r->ndev; i++) {
        const struct rp_device *d = &r->dev[i];
        if (d->total == 0 && (d->first_ns == 0 || d->first_ns >= r->until)) {
            continue;
        }
        fputs(first ? "{\"name\":" : ",\n{\"name\":", f);
        first = 0;
        jstr(f, d->name);
        fputs(",\"source\":", f);
        jstr(f, d->source);
        fprintf(f, ",\"events\":%llu,\"denied\":%llu,\"allowed\":%llu,\"first_heard\":",
                (unsigned long long)d->total, (unsigned long long)d->denied,
                (unsigned long long)d->allowed);
        jtime(f, d->first_ns);
        fputs(",\"last_heard\":", f);
        jtime(f, d->last_ns);
        fprintf(f, ",\"silent_at_end\":%s,\"gaps\":[", d->silent_now ? "true" : "false");
        for (size_t g = 0; g < d->ngaps; g++) {
            fputs(g ? ",{\"from\":" : "{\"from\":", f);
            jtime(f, d->gaps[g].start);
            fputs(",\"until\":", f);
            jtime(f, d->gaps[g].end);
            fprintf(f, ",\"hours\":%lld}",
                    (long long)((d->gaps[g].end - d->gaps[g].start + 3599999999999LL) /
                                3600000000000LL));
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
}
