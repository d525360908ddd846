/*
 * status.c - `mimamori status`: is the daemon up, since when, how busy, what
 * it dropped, which sources went quiet, what the outbox still holds, and how
 * big the database is.  Everything comes from the database, read-only:
 *
 *   up         the daemon's heartbeat (the counters it writes every second)
 *              is fresh, and the pid it recorded at start is alive
 *   since      meta daemon.started_ns; a clean stop writes daemon.stopped_ns
 *   msgs/s     two successive counter snapshots (status waits up to ~2 s for
 *              the next one)
 *   queue      counters.queue_depth, a gauge written with the counters
 *   sources    last heard; silent when quiet for over an hour and for over
 *              ten times its usual gap (a source heard once: over a day)
 *   outbox     rows per channel and state
 *
 * Exit status: 0 running, 3 not running (or not responding: heartbeat stale),
 * 1 when the config or the database cannot be read.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/alert.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

#define NS 1000000000LL
#define HEARTBEAT_STALE_NS (10 * NS) /* counters are written every second */
#define SILENT_MIN_NS (3600 * NS)
#define SILENT_FACTOR 10
#define EXIT_DOWN 3

struct src_row {
    struct mm_source_delta s;
    int silent;
    int64_t gap_ns;     /* usual gap between messages, 0 unknown */
    const char *now_as; /* another source that is this device now (imported history) */
};

struct srcs {
    struct src_row *v;
    size_t n, cap;
    int failed;
};

static int add_source(void *arg, const struct mm_source_delta *s)
{
    struct srcs *l = arg;
    if (l->n == l->cap) {
        struct src_row *nv = mm_grow(l->v, &l->cap, sizeof(*nv), 32);
        if (nv == NULL) {
            l->failed = 1;
            return 1;
        }
        l->v = nv;
    }
    memset(&l->v[l->n], 0, sizeof(l->v[0]));
    l->v[l->n++].s = *s;
    return 0;
}

static void judge_sources(struct srcs *l, int64_t now)
{
    for (size_t i = 0; i < l->n; i++) {
        struct src_row *r = &l->v[i];
        int64_t quiet = now - r->s.last_ns;
        if (r->s.received >= 2 && r->s.last_ns > r->s.first_ns) {
            r->gap_ns = (r->s.last_ns - r->s.first_ns) / (int64_t)(r->s.received - 1);
        }
        if (r->gap_ns > 0) {
            r->silent = quiet > SILENT_MIN_NS && quiet > SILENT_FACTOR * r->gap_ns;
        } else {
            r->silent = quiet > 24 * SILENT_MIN_NS;
        }
    }
    /*
     * History loaded by `import` names a device by its syslog hostname; live, the
     * same device is its address with that hostname.  Not silent, then: moved.
     */
    for (size_t i = 0; i < l->n; i++) {
        struct src_row *r = &l->v[i];
        const char *name = r->s.hostname[0] ? r->s.hostname : r->s.source;
        for (size_t j = 0; r->silent && j < l->n; j++) {
            struct src_row *o = &l->v[j];
            if (j != i && !o->silent && o->s.last_ns > r->s.last_ns &&
                (strcmp(o->s.hostname, name) == 0 || strcmp(o->s.source, name) == 0)) {
                r->silent = 0;
                r->now_as = o->s.source;
            }
        }
    }
}

struct sev_count {
    size_t n[5];
    size_t total;
};

static int count_alert(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    struct sev_count *c = arg;
    (void)seq;
    (void)json;
    c->n[a->severity <= MM_SEV_CRITICAL ? a->severity : 0]++;
    c->total++;
    return 0;
}

static int print_outbox(void *arg, const struct mm_outbox_stat *o)
{
    int *first = arg;
    char ago[32], text[400];
    if (*first) {
        printf("\n%-16s  %7s  %6s  %7s  %-10s  %s\n", "CHANNEL", "PENDING", "FAILED", "SENT",
               "LAST SENT", "LAST ERROR");
        *first = 0;
    }
    mm_fmt_ago(mm_cli_now_ns(), o->last_sent_ns, ago, sizeof(ago));
    printf("%-16s  %7llu  %6llu  %7llu  %-10s  %s\n", mm_fmt_escape(o->channel, text, sizeof(text)),
           (unsigned long long)o->pending, (unsigned long long)o->failed,
           (unsigned long long)o->sent, ago,
           o->pending > 0 || o->failed > 0 ? mm_fmt_escape(o->last_error, text, sizeof(text)) : "");
    return 0;
}

static int64_t meta_int(struct mm_store *st, const char *key)
{
    char buf[64];
    if (mm_store_meta_get(st, key, buf, sizeof(buf)) != MM_OK) {
        return 0;
    }
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    return (errno != 0 || end == buf || *end != '\0') ? 0 : (int64_t)v;
}

static int pid_alive(int64_t pid)
{
    if (pid <= 0 || pid > 0x7fffffff) {
        return 0;
    }
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static off_t file_size(const char *path, const char *suffix)
{
    char p[4096];
    struct stat sb;
    snprintf(p, sizeof(p), "%s%s", path, suffix);
    return stat(p, &sb) == 0 ? sb.st_size : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: mimamori status [-c FILE]\n"
                    "exit status: 0 running, 3 not running, 1 error\n");
}

int mm_cmd_status(int argc, char **argv)
{
    const char *cfgpath = NULL;
    int orc = mm_cli_getopt_common(argc, argv, usage, &cfgpath, NULL);
    if (orc >= 0) {
        return orc;
    }
    if (optind < argc) {
        usage();
        return 2;
    }
    struct mm_config *cfg = mm_cli_load_config_db(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = 1; /* until everything was read */
    int state = EXIT_DOWN;
    int color = mm_fmt_use_color(STDOUT_FILENO);
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    struct srcs srcs;
    memset(&srcs, 0, sizeof(srcs));
    char t1[32], t2[32], n1[32], n2[32], n3[32], text[256];
    if (mm_cli_load_tz(&tz, cfg) != 0) {
        goto done;
    }
    if (access(cfg->database, F_OK) != 0) {
        printf("mimamori: not running: no database at %s yet\n", cfg->database);
        status = EXIT_DOWN;
        goto done;
    }
    enum mm_err rc = mm_store_open(&st, cfg->database, 1);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: %s: cannot open the database (%s)\n", cfg->database,
                mm_strerror(rc));
        goto done;
    }

    /* up or down */
    struct mm_counters cn, cn2;
    int64_t upd = 0, upd2 = 0;
    if (mm_store_query_counters(st, &cn, &upd) != MM_OK) {
        goto done;
    }
    int64_t now = mm_cli_now_ns();
    int64_t pid = meta_int(st, MM_META_DAEMON_PID);
    int64_t started = meta_int(st, MM_META_DAEMON_STARTED);
    int64_t stopped = meta_int(st, MM_META_DAEMON_STOPPED);
    /* a daemon that started moments ago has not written its first counters yet */
    int fresh = (upd != 0 && now - upd < HEARTBEAT_STALE_NS) ||
                (started > stopped && now - started < HEARTBEAT_STALE_NS);
    int alive = pid_alive(pid);
    int up = fresh && (alive || pid == 0) && !(stopped > started);
    if (up) {
        mm_fmt_span(now - started, t2, sizeof(t2));
        mm_fmt_time(tz, started, t1, sizeof(t1));
        printf("mimamori: %srunning%s (pid %lld) since %s, up %s\n", color ? "\033[1;32m" : "",
               color ? MM_FMT_RESET : "", (long long)pid, t1, t2);
        state = 0;
    } else if (alive && stopped <= started && started != 0) {
        mm_fmt_ago(now, upd, t2, sizeof(t2));
        printf("mimamori: %sNOT RESPONDING%s: pid %lld is alive but its last heartbeat was %s\n",
               color ? "\033[1;31m" : "", color ? MM_FMT_RESET : "", (long long)pid, t2);
    } else if (stopped > started) {
        mm_fmt_time(tz, stopped, t1, sizeof(t1));
        mm_fmt_ago(now, stopped, t2, sizeof(t2));
        printf("mimamori: %snot running%s: stopped at %s (%s)\n", color ? "\033[1;31m" : "",
               color ? MM_FMT_RESET : "", t1, t2);
    } else if (started == 0 && upd == 0) {
        printf("mimamori: %snot running%s: the daemon has not run on this database yet\n",
               color ? "\033[1;31m" : "", color ? MM_FMT_RESET : "");
    } else {
        mm_fmt_ago(now, upd, t2, sizeof(t2));
        printf("mimamori: %snot running%s: last heartbeat %s, no clean stop recorded\n",
               color ? "\033[1;31m" : "", color ? MM_FMT_RESET : "", t2);
    }
    off_t dbsz = file_size(cfg->database, ""), walsz = file_size(cfg->database, "-wal");
    mm_fmt_bytes((uint64_t)dbsz, n1, sizeof(n1));
    mm_fmt_bytes((uint64_t)walsz, n2, sizeof(n2));
    printf("%-9s %s, %s (+ %s WAL)\n", "database", cfg->database, n1, n2);

    /* rate: wait for the next snapshot (written every second) */
    char rate[48] = "-";
    if (up) {
        for (int i = 0; i < 35; i++) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
            if (mm_store_query_counters(st, &cn2, &upd2) != MM_OK) {
                goto done;
            }
            if (upd2 > upd && upd == 0) {
                cn = cn2; /* the first snapshot: a rate needs the next one */
                upd = upd2;
            } else if (upd2 > upd) {
                double r = (double)(cn2.received - cn.received) * 1e9 / (double)(upd2 - upd);
                snprintf(rate, sizeof(rate), "%.1f/s", r < 0 ? 0 : r);
                cn = cn2;
                break;
            }
        }
    }
    mm_fmt_count(cn.received, n1, sizeof(n1));
    mm_fmt_count(cn.dropped_queue, n2, sizeof(n2));
    mm_fmt_count(cn.dropped_denied, n3, sizeof(n3));
    printf("%-9s %s now; %s received%s, ", "messages", rate, n1, up ? " since start" : "");
    if (color && cn.dropped_queue > 0) {
        printf(MM_FMT_WARN "%s dropped (queue full)" MM_FMT_RESET, n2);
    } else {
        printf("%s dropped (queue full)", n2);
    }
    mm_fmt_count(cn.truncated, n2, sizeof(n2));
    printf(", %s denied, %s truncated\n", n3, n2);
    mm_fmt_count(cn.parsed, n1, sizeof(n1));
    mm_fmt_count(cn.unparsed, n2, sizeof(n2));
    mm_fmt_count(cn.queue_depth, n3, sizeof(n3));
    printf("%-9s %s parsed, %s unparsed; %s waiting in the queue\n", "", n1, n2, n3);

    struct mm_alert_query q;
    struct sev_count sc;
    memset(&q, 0, sizeof(q));
    memset(&sc, 0, sizeof(sc));
    q.since_ns = now - 24 * 3600 * NS;
    if (mm_store_query_alerts(st, &q, count_alert, &sc, NULL) != MM_OK) {
        goto done;
    }
    mm_fmt_count(cn.alerts, n1, sizeof(n1));
    printf("%-9s %s raised%s; %zu incident%s active in the last 24 h", "alerts", n1,
           up ? " since start" : "", sc.total, sc.total == 1 ? "" : "s");
    const char *sep = " (";
    for (int s = MM_SEV_CRITICAL; s >= MM_SEV_INFORMATIONAL; s--) {
        if (sc.n[s] > 0) {
            printf("%s%zu %s", sep, sc.n[s], mm_severity_name((enum mm_severity)s));
            sep = ", ";
        }
    }
    printf("%s\n", sc.total > 0 ? ")" : "");

    /* sources */
    if (mm_store_query_sources(st, add_source, &srcs) != MM_OK || srcs.failed) {
        goto done;
    }
    judge_sources(&srcs, now);
    size_t nsilent = 0;
    if (srcs.n > 0) {
        printf("\n%-24s  %-18s  %-10s  %-10s  %10s\n", "SOURCE", "HOST", "PARSER", "LAST HEARD",
               "RECEIVED");
    }
    for (size_t i = 0; i < srcs.n; i++) {
        const struct src_row *r = &srcs.v[i];
        mm_fmt_ago(now, r->s.last_ns, t1, sizeof(t1));
        mm_fmt_count(r->s.received, n1, sizeof(n1));
        mm_fmt_cell(stdout, mm_fmt_escape(r->s.source, text, sizeof(text)), 24, 0);
        printf("  ");
        mm_fmt_cell(stdout,
                    mm_fmt_escape(r->s.hostname[0] ? r->s.hostname : "-", text, sizeof(text)), 18,
                    0);
        printf("  %-10s  %-10s  %10s", r->s.parser[0] ? r->s.parser : "-", t1, n1);
        if (r->silent) {
            nsilent++;
            if (r->gap_ns > 0) {
                mm_fmt_span(r->gap_ns, t2, sizeof(t2));
                printf("  %s! SILENT (usually every %s)%s", color ? MM_FMT_WARN : "", t2,
                       color ? MM_FMT_RESET : "");
            } else {
                printf("  %s! SILENT%s", color ? MM_FMT_WARN : "", color ? MM_FMT_RESET : "");
            }
        } else if (r->now_as != NULL) {
            printf("  (history; now heard as %s)", mm_fmt_escape(r->now_as, text, sizeof(text)));
        }
        printf("\n");
    }
    if (nsilent > 0) {
        printf("%zu source%s silent: check the device and its syslog settings\n", nsilent,
               nsilent == 1 ? " is" : "s are");
    }

    /* outbox */
    int first = 1;
    if (mm_store_query_outbox(st, print_outbox, &first) != MM_OK) {
        goto done;
    }
    status = state;
done:
    free(srcs.v);
    mm_store_close(st);
    mm_tz_free(tz);
    mm_config_free(cfg);
    fflush(stdout);
    return status;
}
