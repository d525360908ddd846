/*
 * common.c - helpers the verbs share: the common options, loading the
 * config, the time zone, the rules and the database with the same messages,
 * reading times.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mimamori/alert.h"
#include "mimamori/parse.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

int mm_cli_getopt_common(int argc, char **argv, void (*usage)(void), const char **cfgpath,
                         int *verbose)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const struct option opts_nov[] = {{"config", required_argument, NULL, 'c'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, verbose != NULL ? "c:vh" : "c:h",
                            verbose != NULL ? opts : opts_nov, NULL)) != -1) {
        switch (c) {
        case 'c':
            *cfgpath = optarg;
            break;
        case 'v':
            *verbose = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    return -1;
}

int mm_cli_parse_severity(const char *s, int *sev)
{
    int v = mm_severity_parse(s);
    if (v < 0) {
        fprintf(stderr,
                "mimamori: unknown severity '%s' (informational, low, medium, high, critical)\n",
                s);
        return -1;
    }
    *sev = v;
    return 0;
}

struct mm_config *mm_cli_load_config(const char *path)
{
    struct mm_diag d;
    struct mm_config *cfg = NULL;
    mm_diag_init(&d);
    enum mm_err rc = mm_config_load(&cfg, path, &d);
    mm_diag_print(&d, stderr);
    mm_diag_free(&d);
    if (rc != MM_OK) {
        mm_config_free(cfg);
        return NULL;
    }
    return cfg;
}

struct mm_config *mm_cli_load_config_db(const char *path)
{
    struct mm_config *cfg = mm_cli_load_config(path);
    if (cfg != NULL && mm_cli_become_db_owner(cfg) != 0) {
        mm_config_free(cfg);
        return NULL;
    }
    return cfg;
}

int mm_cli_load_tz(struct mm_tz **tz, const struct mm_config *cfg)
{
    if (mm_tz_load(tz, cfg->timezone) != MM_OK) {
        fprintf(stderr, "mimamori: unknown time zone '%s'\n", cfg->timezone);
        return -1;
    }
    return 0;
}

int mm_cli_open_store_ro(struct mm_store **st, const struct mm_config *cfg)
{
    enum mm_err rc = mm_store_open(st, cfg->database, 1);
    if (rc != MM_OK) {
        fprintf(stderr,
                "mimamori: %s: cannot open the database (%s); has `mimamori run` "
                "started with this config?\n",
                cfg->database, mm_strerror(rc));
        return -1;
    }
    return 0;
}

struct mm_ruleset *mm_cli_load_rules(const struct mm_config *cfg, const char *const *paths,
                                     size_t npaths)
{
    struct mm_diag d;
    struct mm_ruleset *rs = NULL;
    mm_diag_init(&d);
    enum mm_err rc = mm_ruleset_load_cfg(&rs, cfg, paths, npaths, &d);
    mm_diag_print(&d, stderr);
    mm_diag_free(&d);
    if (rc != MM_OK) {
        mm_ruleset_unref(rs);
        return NULL;
    }
    return rs;
}

size_t mm_cli_source_pins(const struct mm_config *cfg, struct mm_source_pin *pins, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->nsources && n < cap; i++) {
        pins[n].match = cfg->sources[i].match;
        pins[n].parser = cfg->sources[i].parser;
        pins[n].name = cfg->sources[i].name;
        n++;
    }
    return n;
}

int64_t mm_cli_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Read exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return -1;
        }
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

static int parse_duration(const char *s, int64_t *ns)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v < 0) {
        return -1;
    }
    double mult;
    if (strcmp(end, "s") == 0) {
        mult = 1;
    } else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) {
        mult = 60;
    } else if (strcmp(end, "h") == 0) {
        mult = 3600;
    } else if (strcmp(end, "d") == 0) {
        mult = 86400;
    } else if (strcmp(end, "w") == 0) {
        mult = 7 * 86400;
    } else {
        return -1;
    }
    double total = v * mult * 1e9;
    if (total > 9.0e18) {
        return -1;
    }
    *ns = (int64_t)total;
    return 0;
}

int mm_cli_parse_time(const char *s, const char *tzname, int64_t now_ns, int64_t *ns)
{
    int64_t d;
    if (parse_duration(s, &d) == 0) {
        *ns = now_ns - d;
        return 0;
    }
    struct mm_civil c;
    memset(&c, 0, sizeof(c));
    const char *p = s;
    if (digits(&p, 4, &c.year) != 0 || *p++ != '-' || digits(&p, 2, &c.mon) != 0 ||
        *p++ != '-' || digits(&p, 2, &c.mday) != 0) {
        return -1;
    }
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &c.hour) != 0 || *p++ != ':' || digits(&p, 2, &c.min) != 0) {
            return -1;
        }
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &c.sec) != 0) {
                return -1;
            }
        }
    }
    if (c.mon < 1 || c.mon > 12 || c.mday < 1 || c.mday > 31 || c.hour > 23 || c.min > 59 ||
        c.sec > 60) {
        return -1;
    }
    if (*p == 'Z' && p[1] == '\0') {
        *ns = mm_civil_to_epoch_ns(&c);
        return 0;
    }
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int sign = *p == '-' ? -1 : 1;
        int oh, om;
        const char *q = p + 1;
        if (digits(&q, 2, &oh) != 0 || *q++ != ':' || digits(&q, 2, &om) != 0) {
            return -1;
        }
        *ns = mm_civil_to_epoch_ns(&c) - (int64_t)sign * (oh * 3600 + om * 60) * 1000000000LL;
        return 0;
    }
    if (*p != '\0') {
        return -1;
    }
    struct mm_tz *tz = NULL;
    if (mm_tz_load(&tz, tzname) != MM_OK) {
        return -1;
    }
    *ns = mm_tz_to_utc(tz, &c);
    mm_tz_free(tz);
    return 0;
}

int mm_cli_parse_time_opt(const char *opt, const char *s, const char *examples, const char *tzname,
                          int64_t now_ns, int64_t *ns)
{
    if (s != NULL && mm_cli_parse_time(s, tzname, now_ns, ns) != 0) {
        fprintf(stderr, "mimamori: bad --%s '%s' (e.g. %s)\n", opt, s, examples);
        return -1;
    }
    return 0;
}
