/*
 * report.h - `mimamori report`: the week's (or any period's) picture for an
 * owner, not an engineer.
 *
 * report.c reads the hourly roll-ups and the alerts (never raw logs) into a
 * struct mm_report; report_text.c, report_html.c and report_json.c print
 * it; report_period.c has the pure parts (period and day arithmetic in the
 * configured zone, number and change formatting, the labels in English and
 * Japanese) so that they are unit-tested without a database.  The report
 * owns everything in it; mm_report_free() releases it.
 */
#ifndef MIMAMORI_CLI_REPORT_H
#define MIMAMORI_CLI_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mm_tz;

#define RP_TOP 10       /* rows of each "top" table */
#define RP_INCIDENTS 20 /* incidents listed with what to do */
#define RP_MAX_BUCKETS 400
#define RP_MAX_DEVICES 64

/* ---- labels (report_period.c) ---- */
enum rp_label {
    L_TITLE_WEEK,
    L_TITLE,
    L_PERIOD,
    L_GENERATED,
    L_SUMMARY,
    L_EVENTS,
    L_ALLOWED,
    L_DENIED,
    L_OTHER,
    L_ALERTS,
    L_HIGH_ALERTS,
    L_ATTACKERS,
    L_BLOCKED_HOSTS,
    L_VPN_FAILURES,
    L_THIS,
    L_PREVIOUS,
    L_CHANGE,
    L_PER_DAY,
    L_PER_DEVICE,
    L_DEVICE,
    L_TOTAL,
    L_DAY,
    L_BY_SEVERITY,
    L_BY_RULE,
    L_RULE,
    L_SEVERITY,
    L_INCIDENTS,
    L_EVENTS_COL,
    L_INCIDENTS_H,
    L_WHO,
    L_WHEN,
    L_TODO,
    L_TOP_ATTACKERS,
    L_ADDRESS,
    L_COUNTRY,
    L_COUNTRIES,
    L_UNKNOWN,
    L_BLOCKED_HOSTS_H,
    L_BLOCKED_DESTS_H,
    L_DESTINATION,
    L_VPN_H,
    L_ADMIN_H,
    L_USER,
    L_FROM,
    L_RESULT,
    L_SUCCESS,
    L_FAILURE,
    L_TIMES,
    L_SOURCES_H,
    L_FIRST_HEARD,
    L_LAST_HEARD,
    L_GAPS,
    L_NONE,
    L_NO_ALERTS,
    L_NO_DATA,
    L_NO_ROLLUPS,
    L_FOOTER,
    L_ADDRESSES,
    L_HOURS,
    L_MORE_INCIDENTS,
    L_SILENT_NOW,
    L_SEV_INFO,
    L_SEV_LOW,
    L_SEV_MEDIUM,
    L_SEV_HIGH,
    L_SEV_CRITICAL,
    L_INTRO_OK,
    L__COUNT
};
/* The label in Japanese (ja) or English. */
const char *mm_rp_label(int ja, enum rp_label l);
/* Severity 0..4 as a word of the language. */
const char *mm_rp_severity(int ja, int sev);
/* The summary's first sentence: nothing serious, or how many high alerts need attention. */
void mm_rp_intro(int ja, uint64_t high, char *dst, size_t cap);
/* Weekday 0 = Sunday .. 6 = Saturday, short: "Mon" / "月". */
const char *mm_rp_weekday(int ja, int wday);

/* ---- periods (report_period.c) ---- */
/*
 * The Monday-to-Sunday week in tz that contains `now`, moved by `offset`
 * weeks (-1: the previous full week): [*since, *until), local midnights.
 */
void mm_rp_week(const struct mm_tz *tz, int64_t now, int offset, int64_t *since, int64_t *until);
/* Day of the week (0 = Sunday) of a civil date. */
int mm_rp_wday(int year, int mon, int mday);

struct rp_bucket {
    int64_t start, end; /* [start, end) in ns; local midnights (or month starts) */
    int year, mon, mday, wday;
    char label[24]; /* "11-02 Mon" / "11/02 (月)", or "2026-11" for months */
};
/*
 * Split [since, until) into local days (months when the period is longer than
 * 62 days); the first and last may be partial.  Returns the count (at most
 * max), 0 when the period is empty.
 */
size_t mm_rp_buckets(const struct mm_tz *tz, int64_t since, int64_t until, int ja,
                     struct rp_bucket *out, size_t max);
/* The bucket holding t, or -1. */
int mm_rp_bucket_of(const struct rp_bucket *b, size_t n, int64_t t);

/* A time to the minute, local: "Wed 11-04 10:00" / "11/04(水) 10:00"; "-" for 0. */
void mm_rp_time(const struct mm_tz *tz, int ja, int64_t ns, char *dst, size_t cap);

/* ---- numbers (report_period.c) ---- */
/* "1,234" (en) - the same in ja: digit groups are usual in both. */
void mm_rp_count(uint64_t v, char *dst, size_t cap);
/*
 * The change from prev to cur: "▲ 12 (+8%)", "▼ 3 (-20%)", "― 0"; "new" when
 * prev was 0 and cur is not.  dir gets 1 up, -1 down, 0 the same.
 */
void mm_rp_change(uint64_t cur, uint64_t prev, int ja, char *dst, size_t cap, int *dir);

struct rp_login;
/* Where sign-ins came from: the address, "12 addresses", or "-". */
void mm_rp_from(const struct rp_login *l, int ja, char *dst, size_t cap);

/* ---- the data (report.c) ---- */
struct rp_totals {
    uint64_t events, allowed, denied;
    uint64_t alerts;        /* incidents overlapping the period */
    uint64_t sev[5];        /* of those, by severity */
    uint64_t high;          /* high + critical */
    uint64_t attackers;     /* distinct attacking addresses */
    uint64_t blocked_hosts; /* distinct internal devices blocked */
    uint64_t vpn_failures;  /* failed VPN sign-ins */
};

struct rp_gap {
    int64_t start, end; /* silent [start, end) */
};

struct rp_device {
    char source[64]; /* the sources table's key */
    char name[64];   /* what to show: the host name, else the source */
    uint64_t total, denied, allowed;
    uint64_t *per_bucket;      /* nbuckets counts (owned) */
    int64_t first_ns, last_ns; /* first/last heard overall (sources table) */
    int64_t last_in_period;    /* start of the last hour with events in the period, 0 = none */
    struct rp_gap *gaps;       /* owned */
    size_t ngaps;
    int silent_now; /* quiet at the end of the period */
};

struct rp_rank {
    char value[128];
    char country[8];
    uint64_t events, extra; /* extra: hours seen (top) or addresses (countries) */
};

struct rp_login {
    char kind[8], user[64], ip[64], country[8], outcome[12];
    uint64_t count;
    uint64_t addresses;        /* distinct source addresses (failures are grouped per user) */
    int64_t first_ns, last_ns; /* hours */
};
#define RP_LOGIN_ROWS 25 /* rows listed per kind */

/*
 * title and description are the English texts stored with the alerts;
 * title_tr and description_tr the rule's translation into the report's
 * language (`translations:` of the rule file, read by the verb), NULL when
 * there is none.  Text and HTML show RP_TR(x, title): the translation if any.
 */
#define RP_TR(x, f) ((x)->f##_tr != NULL ? (x)->f##_tr : (x)->f)

struct rp_rule {
    char *rule_id, *title, *description;
    char *title_tr, *description_tr; /* owned, NULL = not translated */
    int severity;
    uint64_t incidents, events;
};

struct rp_incident {
    char *rule_id, *title, *group_key, *description;
    char *title_tr, *description_tr; /* owned, NULL = not translated */
    int severity;
    uint64_t count;
    size_t alerts;
    int64_t first_ns, last_ns;
};

struct mm_report {
    const struct mm_tz *tz; /* borrowed */
    const char *tzname;
    int ja;
    int weekly; /* a Monday-Sunday week: the title says so */
    int64_t since, until, now;
    struct rp_bucket bucket[RP_MAX_BUCKETS];
    size_t nbuckets;
    int months; /* buckets are months */
    uint64_t b_events[RP_MAX_BUCKETS], b_allowed[RP_MAX_BUCKETS], b_denied[RP_MAX_BUCKETS];
    struct rp_totals cur, prev;
    struct rp_device dev[RP_MAX_DEVICES];
    size_t ndev;
    struct rp_rule *rules;
    size_t nrules;
    struct rp_incident *inc; /* worst first */
    size_t ninc;
    struct rp_rank attackers[RP_TOP], countries[RP_TOP], hosts[RP_TOP], dests[RP_TOP];
    size_t nattackers, ncountries, nhosts, ndests;
    struct rp_login *logins;
    size_t nlogins;
    int have_rollups; /* any roll-up row in the period */
};

void mm_report_free(struct mm_report *r);

/* report_text.c, report_html.c, report_json.c */
void mm_report_text(const struct mm_report *r, FILE *f);
void mm_report_html(const struct mm_report *r, FILE *f);
void mm_report_json(const struct mm_report *r, FILE *f);
/* The mail subject: "mimamori weekly report 2026-11-02 – 2026-11-08". */
void mm_report_subject(const struct mm_report *r, char *dst, size_t cap);
/* "2026-11-02 (Mon) – 2026-11-08 (Sun)": the period's local dates, inclusive. */
void mm_report_period_text(const struct mm_report *r, char *dst, size_t cap);

#endif
