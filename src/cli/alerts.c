/*
 * alerts.c - `mimamori alerts`: list alerts from the database, oldest first
 * (newest last), one line each; --follow keeps printing new alerts and
 * updates of open incidents as they are committed, like tail -f.
 *
 * One line per incident, in aligned columns: last seen (local time and how
 * long ago), severity (in colour on a terminal, never when piped or with
 * NO_COLOR), count, rule, group key, and for a repeated incident when it
 * began.  With --follow an update of an incident (its count went up) is
 * marked "↻"; on a terminal, when the incident is the line just printed it is
 * redrawn in place instead of repeated.  Piped, every change is its own line
 * (a log of changes that grep and awk can read).
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

#define TITLE_MIN 20
#define TITLE_MAX 44
#define TITLE_FOLLOW 32 /* --follow with nothing listed yet */

struct listing {
    int jsonl;
    int color;
    int tty;       /* stdout is a terminal: header, in-place redraw */
    int following; /* printing changes after the first listing */
    const struct mm_tz *tz;
    size_t title_w;   /* width of the rule column */
    uint64_t last_id; /* incident on the last line printed (redraw target) */
    size_t printed;
};

static volatile sig_atomic_t stop_follow;

static void on_signal(int sig)
{
    (void)sig;
    stop_follow = 1;
}

static void print_header(const struct listing *l)
{
    if (!l->tty) {
        return;
    }
    if (l->color) {
        fputs(MM_FMT_DIM, stdout);
    }
    printf("%-19s  %8s  %-8s  %6s  ", "LAST SEEN", "AGO", "SEVERITY", "COUNT");
    mm_fmt_cell(stdout, "RULE", l->title_w, 0);
    printf("  GROUP");
    if (l->color) {
        fputs(MM_FMT_RESET, stdout);
    }
    printf("\n");
}

static int print_alert(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    struct listing *l = arg;
    (void)seq;
    if (l->jsonl) {
        printf("%s\n", json);
        l->printed++;
        return 0;
    }
    int64_t now = mm_cli_now_ns();
    int update = l->following && a->count > 1;
    if (update && l->tty && a->id == l->last_id && l->printed > 0) {
        fputs("\033[1A\r\033[2K", stdout); /* up one line, clear it: redraw the incident */
    }
    char last[32], ago[32], count[32], text[512];
    mm_fmt_time(l->tz, a->last_seen_ns, last, sizeof(last));
    mm_fmt_ago(now, a->last_seen_ns, ago, sizeof(ago));
    mm_fmt_count(a->count, count, sizeof(count));
    const char *sev = mm_severity_name(a->severity);
    printf("%s  %8s  ", last, ago);
    if (l->color) {
        printf("%s%-8s%s", mm_fmt_sev_color(a->severity), sev, MM_FMT_RESET);
    } else {
        printf("%-8s", sev);
    }
    printf("  %6s  ", count);
    mm_fmt_cell(stdout, mm_fmt_escape(a->rule_title, text, sizeof(text)), l->title_w, 0);
    if (a->group_key != NULL && a->group_key[0] != '\0') {
        printf("  %s", mm_fmt_escape(a->group_key, text, sizeof(text)));
    }
    if (a->count > 1) {
        char first[32];
        mm_fmt_ago(now, a->first_seen_ns, first, sizeof(first));
        printf("  (first %s)", first);
    }
    if (update) {
        fputs(l->color ? "  " MM_FMT_BOLD "\xe2\x86\xbb updated" MM_FMT_RESET
                       : "  \xe2\x86\xbb updated",
              stdout);
    }
    printf("\n");
    l->last_id = a->id;
    l->printed++;
    return 0;
}

/* The first listing: collect it to size the rule column, then print. */
struct collected {
    struct mm_alert *a; /* strings duplicated */
    size_t n, cap;
    char **json;
    int failed;
};

static int collect(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    struct collected *c = arg;
    (void)seq;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 128;
        struct mm_alert *na = realloc(c->a, cap * sizeof(*na));
        if (na == NULL) {
            c->failed = 1;
            return 1;
        }
        c->a = na;
        char **nj = realloc(c->json, cap * sizeof(*nj));
        if (nj == NULL) {
            c->failed = 1;
            return 1;
        }
        c->json = nj;
        c->cap = cap;
    }
    struct mm_alert *d = &c->a[c->n];
    *d = *a;
    d->rule_id = strdup(a->rule_id ? a->rule_id : "");
    d->rule_title = strdup(a->rule_title ? a->rule_title : "");
    d->group_key = strdup(a->group_key ? a->group_key : "");
    c->json[c->n] = strdup(json);
    c->n++;
    if (d->rule_id == NULL || d->rule_title == NULL || d->group_key == NULL ||
        c->json[c->n - 1] == NULL) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

static void collected_free(struct collected *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->a[i].rule_id);
        free(c->a[i].rule_title);
        free(c->a[i].group_key);
        free(c->json[i]);
    }
    free(c->a);
    free(c->json);
}

static void usage(void)
{
    fprintf(
        stderr,
        "usage: mimamori alerts [-c FILE] [--since TIME] [--until TIME] [--min-severity LEVEL]\n"
        "                       [--format text|jsonl] [--limit N] [--follow]\n"
        "TIME: a duration back from now (30m, 24h, 7d) or a date (2026-11-02,\n"
        "      2026-11-02T08:00); --since/--until select incidents that overlap the period.\n"
        "--follow: keep printing new alerts and updates of open incidents (marked \xe2\x86\xbb);\n"
        "          on a terminal an update of the last line redraws it.\n");
}

int mm_cmd_alerts(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"since", required_argument, NULL, 's'},
                                         {"until", required_argument, NULL, 'u'},
                                         {"min-severity", required_argument, NULL, 'm'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"follow", no_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *cfgpath = NULL;
    const char *since = NULL, *until = NULL;
    int follow = 0;
    struct mm_alert_query q;
    struct listing l;
    struct collected col;
    memset(&q, 0, sizeof(q));
    memset(&l, 0, sizeof(l));
    memset(&col, 0, sizeof(col));
    q.limit = 100;
    int c;
    while ((c = getopt_long(argc, argv, "c:s:u:m:F:n:fh", opts, NULL)) != -1) {
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
            if (end == optarg || *end != '\0' || v < 0) {
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
    if (optind < argc) {
        usage();
        return 2;
    }
    if (follow && until != NULL) {
        fprintf(stderr, "mimamori: --follow and --until do not go together\n");
        return 2;
    }
    struct mm_config *cfg = mm_cli_load_config_db(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    if (mm_cli_load_tz(&tz, cfg) != 0) {
        goto done;
    }
    l.tz = tz;
    l.tty = !l.jsonl && isatty(STDOUT_FILENO);
    l.color = !l.jsonl && mm_fmt_use_color(STDOUT_FILENO);
    int64_t now = mm_cli_now_ns();
    if (mm_cli_parse_time_opt("since", since, MM_CLI_SINCE_EG, cfg->timezone, now, &q.since_ns) !=
            0 ||
        mm_cli_parse_time_opt("until", until, MM_CLI_UNTIL_EG, cfg->timezone, now, &q.until_ns) !=
            0) {
        goto done;
    }
    if (mm_cli_open_store_ro(&st, cfg) != 0) {
        goto done;
    }
    int64_t last = 0;
    enum mm_err rc = mm_store_query_alerts(st, &q, collect, &col, &last);
    if (rc != MM_OK || col.failed) {
        fprintf(stderr, "mimamori: query failed: %s\n", mm_strerror(rc != MM_OK ? rc : MM_ENOMEM));
        goto done;
    }
    /* the rule column fits the longest title listed, within bounds */
    l.title_w = col.n > 0 ? TITLE_MIN : TITLE_FOLLOW;
    for (size_t i = 0; i < col.n; i++) {
        size_t w = mm_fmt_width(col.a[i].rule_title);
        if (w > l.title_w) {
            l.title_w = w > TITLE_MAX ? TITLE_MAX : w;
        }
    }
    if (col.n > 0 || follow) {
        print_header(&l);
    }
    for (size_t i = 0; i < col.n; i++) {
        print_alert(&l, 0, &col.a[i], col.json[i]);
    }
    fflush(stdout);
    if (follow) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGPIPE, on_signal);
        q.limit = 0;
        l.following = 1;
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
    collected_free(&col);
    mm_store_close(st);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return status;
}
