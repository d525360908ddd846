/*
 * alerts.c - `mimamori alerts`: list alerts from the database, oldest first
 * (newest last), one line each; --follow keeps printing new alerts and
 * updates of open incidents as they are committed, like tail -f.
 *
 * The database is opened read-only (WAL readers never block the writer).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/alert.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

struct listing {
    int jsonl;
    int color;
    const struct mm_tz *tz;
    size_t printed;
};

static volatile sig_atomic_t stop_follow;

static void on_signal(int sig)
{
    (void)sig;
    stop_follow = 1;
}

static const char *sev_color(enum mm_severity s)
{
    switch (s) {
    case MM_SEV_CRITICAL:
        return "\033[1;35m";
    case MM_SEV_HIGH:
        return "\033[1;31m";
    case MM_SEV_MEDIUM:
        return "\033[33m";
    case MM_SEV_LOW:
        return "\033[36m";
    default:
        return "\033[2m";
    }
}

static void local_time(const struct mm_tz *tz, int64_t ns, char *dst, size_t n)
{
    struct mm_civil c;
    mm_tz_from_utc(tz, ns, &c);
    snprintf(dst, n, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.mon, c.mday, c.hour, c.min,
             c.sec);
}

static int print_alert(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    struct listing *l = arg;
    (void)seq;
    l->printed++;
    if (l->jsonl) {
        printf("%s\n", json);
        return 0;
    }
    char last[32], first[32];
    local_time(l->tz, a->last_seen_ns, last, sizeof(last));
    local_time(l->tz, a->first_seen_ns, first, sizeof(first));
    const char *sev = mm_severity_name(a->severity);
    if (l->color) {
        printf("%s  %s%-8s\033[0m  %s", last, sev_color(a->severity), sev, a->rule_title);
    } else {
        printf("%s  %-8s  %s", last, sev, a->rule_title);
    }
    if (a->group_key != NULL && a->group_key[0] != '\0') {
        printf("  [%s]", a->group_key);
    }
    if (a->count > 1) {
        printf("  x%llu since %s", (unsigned long long)a->count, first);
    }
    printf("\n");
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: mimamori alerts [-c FILE] [--since TIME] [--min-severity LEVEL]\n"
                    "                       [--format text|jsonl] [--limit N] [--follow]\n"
                    "TIME: a duration back from now (30m, 24h, 7d) or a date (2026-11-02)\n");
}

int mm_cmd_alerts(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"since", required_argument, NULL, 's'},
        {"min-severity", required_argument, NULL, 'm'}, {"format", required_argument, NULL, 'F'},
        {"limit", required_argument, NULL, 'n'},  {"follow", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL;
    const char *since = NULL;
    int follow = 0;
    struct mm_alert_query q;
    struct listing l;
    memset(&q, 0, sizeof(q));
    memset(&l, 0, sizeof(l));
    q.limit = 100;
    int c;
    while ((c = getopt_long(argc, argv, "c:s:m:F:n:fh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            cfgpath = optarg;
            break;
        case 's':
            since = optarg;
            break;
        case 'm': {
            int s = mm_severity_parse(optarg);
            if (s < 0) {
                fprintf(stderr, "mimamori: unknown severity '%s' "
                                "(informational, low, medium, high, critical)\n", optarg);
                return 2;
            }
            q.min_severity = s;
            break;
        }
        case 'F':
            if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0) {
                l.jsonl = 1;
            } else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "mimamori: unknown format '%s' (text, jsonl)\n", optarg);
                return 2;
            }
            break;
        case 'n': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end != '\0' || v < 0) {
                fprintf(stderr, "mimamori: bad --limit '%s'\n", optarg);
                return 2;
            }
            q.limit = (size_t)v;
            break;
        }
        case 'f':
            follow = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    struct mm_config *cfg = mm_cli_load_config(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    if (mm_tz_load(&tz, cfg->timezone) != MM_OK) {
        fprintf(stderr, "mimamori: unknown time zone '%s'\n", cfg->timezone);
        goto done;
    }
    l.tz = tz;
    l.color = !l.jsonl && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    if (since != NULL && mm_cli_parse_time(since, cfg->timezone, mm_cli_now_ns(), &q.since_ns) != 0) {
        fprintf(stderr, "mimamori: bad --since '%s' (e.g. 30m, 24h, 7d, 2026-11-02)\n", since);
        goto done;
    }
    enum mm_err rc = mm_store_open(&st, cfg->database, 1);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: %s: cannot open the database (%s); has `mimamori run` "
                        "started with this config?\n", cfg->database, mm_strerror(rc));
        goto done;
    }
    int64_t last = 0;
    rc = mm_store_query_alerts(st, &q, print_alert, &l, &last);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: query failed: %s\n", mm_strerror(rc));
        goto done;
    }
    fflush(stdout);
    if (follow) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, on_signal);
        q.limit = 0;
        while (!stop_follow) {
            struct timespec ts = {0, 250 * 1000 * 1000};
            nanosleep(&ts, NULL);
            q.after_seq = last;
            rc = mm_store_query_alerts(st, &q, print_alert, &l, &last);
            if (rc != MM_OK) {
                fprintf(stderr, "mimamori: query failed: %s\n", mm_strerror(rc));
                goto done;
            }
            if (fflush(stdout) != 0) {
                break;
            }
        }
    }
    status = 0;
done:
    mm_store_close(st);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return status;
}
