/*
 * calendar.c - conditions on local time: pseudo-fields that rules read like
 * event fields, computed from the event time (ev->ts_ns) in the configured
 * `timezone`, and only when a rule reads one.
 *
 *   mimamori.time.hour            0 .. 23
 *   mimamori.time.minute          0 .. 59
 *   mimamori.time.weekday         mon tue wed thu fri sat sun
 *   mimamori.time.date            YYYY-MM-DD
 *   mimamori.time.holiday         true | false   (`holidays:`)
 *   mimamori.time.workday         true | false   (a `business_hours.days` day, not a holiday)
 *   mimamori.time.business_hours  true | false   (a workday, start <= time < end)
 *
 * The values are text so that every operator works on them (`hour|gte: 22`,
 * `weekday: [sat, sun]`, `business_hours: false`).  The last computed time
 * is cached in the env: events of one second share the work.
 */
#include "lists_int.h"
#include "rules_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_DAY (86400LL * 1000000000LL)

static const struct {
    const char *name;
    int vf;
} vfields[] = {
    {"mimamori.time.hour", VF_T_HOUR},
    {"mimamori.time.minute", VF_T_MINUTE},
    {"mimamori.time.weekday", VF_T_WEEKDAY},
    {"mimamori.time.date", VF_T_DATE},
    {"mimamori.time.holiday", VF_T_HOLIDAY},
    {"mimamori.time.workday", VF_T_WORKDAY},
    {"mimamori.time.business_hours", VF_T_BUSINESS},
    {"source.geo.country_iso_code", VF_GEO_SRC},
    {"destination.geo.country_iso_code", VF_GEO_DST},
};

int mm_rules_vfield(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(vfields) / sizeof(vfields[0]); i++) {
        if (strlen(vfields[i].name) == n && strncmp(vfields[i].name, name, n) == 0) {
            return vfields[i].vf;
        }
    }
    static const char pre[] = "mimamori.time.";
    if (n >= sizeof(pre) - 1 && strncmp(name, pre, sizeof(pre) - 1) == 0) {
        return -1;
    }
    return VF_NONE;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* "YYYY-MM-DD" at s -> days since 1970-01-01; -1 when not a date. */
static int parse_day(const char *s, size_t n, int32_t *out)
{
    struct mm_civil c;
    if (mm_civil_date(s, n, &c) != 0 || c.year < 1970 ||
        (n > 10 && s[10] != ' ' && s[10] != '\t' && s[10] != ',')) {
        return -1;
    }
    *out = (int32_t)floor_div(mm_civil_to_epoch_ns(&c), NS_PER_DAY);
    return 0;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static enum mm_err push_day(struct rules_env *env, int32_t day, size_t *cap)
{
    if (env->nholidays == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        int32_t *nh = realloc(env->holidays, nc * sizeof(*nh));
        if (nh == NULL) {
            return MM_ENOMEM;
        }
        env->holidays = nh;
        *cap = nc;
    }
    env->holidays[env->nholidays++] = day;
    return MM_OK;
}

/* A holiday file: one date per line (YYYY-MM-DD, then anything: its name); # and ; comments. */
static enum mm_err load_holidays(struct rules_env *env, const char *path, size_t *cap,
                                 struct mm_diag *d)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        mm_diag_error(d, path, 0, 0, "holidays: cannot open: %s", strerror(errno));
        return MM_OK;
    }
    enum mm_err rc = mm_rules_env_stamp(env, path);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    int lineno = 0;
    while (rc == MM_OK && (got = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        const char *s = line;
        size_t n = (size_t)got;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) {
            n--;
        }
        if (n == 0 || *s == '#' || *s == ';') {
            continue;
        }
        int32_t day;
        if (parse_day(s, n, &day) != 0) {
            mm_diag_error(d, path, lineno, 1, "holidays: expected a date YYYY-MM-DD");
            continue;
        }
        rc = push_day(env, day, cap);
    }
    free(line);
    fclose(f);
    return rc;
}

enum mm_err mm_rules_calendar_setup(struct rules_env *env, const struct mm_config *cfg,
                                    struct mm_diag *d)
{
    enum mm_err rc = mm_tz_load(&env->tz, cfg != NULL ? cfg->timezone : NULL);
    if (rc != MM_OK) {
        mm_diag_error(d, cfg != NULL ? cfg->path : NULL, 0, 0, "unknown time zone '%s'",
                      cfg != NULL && cfg->timezone != NULL ? cfg->timezone : "");
        if (rc == MM_ENOMEM) {
            return rc;
        }
        rc = mm_tz_load(&env->tz, NULL); /* the set fails; keep the env usable */
        if (rc != MM_OK) {
            return rc;
        }
    }
    env->bh_start = 9 * 60;
    env->bh_end = 18 * 60;
    env->bh_days = 0x3e; /* mon..fri */
    if (cfg == NULL) {
        return MM_OK;
    }
    /* a config built by hand (tests) may leave the hours at zero: keep the defaults */
    if (cfg->bh_end > cfg->bh_start || cfg->bh_days != 0) {
        env->bh_start = cfg->bh_start;
        env->bh_end = cfg->bh_end;
        env->bh_days = cfg->bh_days;
    }
    size_t cap = 0;
    for (size_t i = 0; i < cfg->nholiday_days; i++) {
        rc = push_day(env, cfg->holiday_days[i], &cap);
        if (rc != MM_OK) {
            return rc;
        }
    }
    for (size_t i = 0; i < cfg->nholiday_files; i++) {
        rc = load_holidays(env, cfg->holiday_files[i], &cap, d);
        if (rc != MM_OK) {
            return rc;
        }
    }
    if (env->nholidays > 1) {
        qsort(env->holidays, env->nholidays, sizeof(*env->holidays), cmp_day);
    }
    return MM_OK;
}

static int is_holiday(const struct rules_env *env, int32_t day)
{
    size_t lo = 0, hi = env->nholidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (env->holidays[mid] < day) {
            lo = mid + 1;
        } else if (env->holidays[mid] > day) {
            hi = mid;
        } else {
            return 1;
        }
    }
    return 0;
}

static void compute(struct rules_env *env, int64_t ts)
{
    struct mm_civil c;
    mm_tz_from_utc(env->tz, ts, &c);
    struct mm_civil day0 = {c.year, c.mon, c.mday, 0, 0, 0, 0};
    int32_t day = (int32_t)floor_div(mm_civil_to_epoch_ns(&day0), NS_PER_DAY);
    env->t_hour = c.hour;
    env->t_min = c.min;
    env->t_wday = (int)(((int64_t)day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
    env->t_holiday = is_holiday(env, day);
    env->t_workday = !env->t_holiday && (env->bh_days & (1u << env->t_wday)) != 0;
    int m = c.hour * 60 + c.min;
    env->t_business = env->t_workday && m >= env->bh_start && m < env->bh_end;
    snprintf(env->t_hour_s, sizeof(env->t_hour_s), "%d", c.hour);
    snprintf(env->t_min_s, sizeof(env->t_min_s), "%d", c.min);
    snprintf(env->t_date_s, sizeof(env->t_date_s), "%04d-%02d-%02d", c.year % 10000, c.mon,
             c.mday);
    env->t_ts = ts;
}

static struct mm_str cstr(const char *s)
{
    struct mm_str v = {s, (uint32_t)strlen(s)};
    return v;
}

struct mm_str mm_rules_time_get(struct rules_env *env, int vf, int64_t ts_ns)
{
    static const char *const wdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    /* same second, same answers: compute once per second of event time */
    int64_t ts = floor_div(ts_ns, 1000000000LL) * 1000000000LL;
    if (env->t_ts != ts) {
        compute(env, ts);
    }
    switch (vf) {
    case VF_T_HOUR:
        return cstr(env->t_hour_s);
    case VF_T_MINUTE:
        return cstr(env->t_min_s);
    case VF_T_WEEKDAY:
        return cstr(wdays[env->t_wday]);
    case VF_T_DATE:
        return cstr(env->t_date_s);
    case VF_T_HOLIDAY:
        return cstr(env->t_holiday ? "true" : "false");
    case VF_T_WORKDAY:
        return cstr(env->t_workday ? "true" : "false");
    case VF_T_BUSINESS:
        return cstr(env->t_business ? "true" : "false");
    default: {
        struct mm_str none = {NULL, 0};
        return none;
    }
    }
}

struct mm_str mm_rules_field_value(struct rules_env *env, const struct fref *f,
                                   const struct mm_event *ev)
{
    switch (f->virt) {
    case VF_NONE:
        break;
    case VF_GEO_SRC:
        return mm_rules_geo_get(env, 0, ev);
    case VF_GEO_DST:
        return mm_rules_geo_get(env, 1, ev);
    default:
        if (env != NULL) {
            return mm_rules_time_get(env, f->virt, ev->ts_ns);
        }
        break;
    }
    return mm_rules_fref_get(f, ev);
}
