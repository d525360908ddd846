/*
 * import.c - `mimamori import FILE... (- for stdin)`: load old log files into
 * the configured database as if they had been received live, on their own
 * timestamps, so a new installation starts with last month's history.
 *
 * The same pipeline and store writer as `mimamori run`, without sockets: the
 * lines go into the bounded message queue as MM_MSG_FILE messages (the
 * reader waits when it is full), the pipeline parses, matches and raises
 * alerts on event time (suppression windows, first/last seen, and the
 * correlation timers, so that the same file gives the same alerts however
 * fast the machine), the writer commits them with per-source health.  A
 * source is the line's syslog hostname, or the file's name for lines
 * without one; its first/last seen are event times.  A line without a time
 * of its own takes the previous line's.
 *
 * Differences from live intake, on purpose:
 *   - no notifications: old alerts must not page anyone (no outbox rows);
 *   - the daemon's counters are left alone (they describe the running daemon);
 *   - refused while a daemon writes to the same database: two writers would
 *     hand out the same change numbers (alerts.seq is unique).
 * Importing a file twice makes its alerts twice.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/pipeline.h"
#include "mimamori/ingest.h"
#include "mimamori/log.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

#define HEARTBEAT_FRESH_NS (10LL * 1000000000LL)

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* 1 when a daemon is writing to the database (its heartbeat is fresh), else 0. */
static int daemon_running(const struct mm_config *cfg, long long *pid)
{
    struct mm_store *st = NULL;
    struct mm_counters c;
    int64_t upd = 0;
    char buf[32];
    *pid = 0;
    if (access(cfg->database, F_OK) != 0 || mm_store_open(&st, cfg->database, 1) != MM_OK) {
        return 0;
    }
    int64_t now = mm_cli_now_ns();
    int fresh = mm_store_query_counters(st, &c, &upd) == MM_OK && upd != 0 &&
                now - upd < HEARTBEAT_FRESH_NS;
    if (mm_store_meta_get(st, MM_META_DAEMON_PID, buf, sizeof(buf)) == MM_OK) {
        *pid = strtoll(buf, NULL, 10);
    }
    /* started and not stopped, and the pid is alive: running (maybe before its first counters) */
    long long started = 0, stopped = 0;
    if (mm_store_meta_get(st, MM_META_DAEMON_STARTED, buf, sizeof(buf)) == MM_OK) {
        started = strtoll(buf, NULL, 10);
    }
    if (mm_store_meta_get(st, MM_META_DAEMON_STOPPED, buf, sizeof(buf)) == MM_OK) {
        stopped = strtoll(buf, NULL, 10);
    }
    int alive = *pid > 0 && *pid <= 0x7fffffff && (kill((pid_t)*pid, 0) == 0 || errno == EPERM);
    mm_store_close(st);
    return fresh || (started > stopped && alive);
}

/* Push every line of f into q; returns lines pushed, or -1 when the queue refused. */
static long long feed(FILE *f, const char *name, struct mm_msgq *q, size_t max_message)
{
    struct mm_msg m;
    memset(&m, 0, sizeof(m));
    m.transport = MM_MSG_FILE;
    struct sockaddr_un *sun = (struct sockaddr_un *)&m.peer;
    sun->sun_family = AF_UNIX;
    const char *base = strrchr(name, '/');
    snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", base != NULL ? base + 1 : name);
    char *line = NULL;
    size_t cap = 0;
    long long n = 0;
    ssize_t len;
    while (!interrupted && (len = getline(&line, &cap, f)) >= 0) {
        if (n == 0 && len >= 2 && (unsigned char)line[0] == 0x1f &&
            (unsigned char)line[1] == 0x8b) {
            fprintf(stderr, "mimamori: %s is gzip-compressed: zcat %s | mimamori import -\n", name,
                    name);
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        if (len == 0) {
            continue;
        }
        m.truncated = (size_t)len > max_message;
        m.len = (uint32_t)(m.truncated ? max_message : (size_t)len);
        m.data = line;
        m.recv_ns = mm_cli_now_ns();
        if (mm_msgq_push(q, &m, 1) != MM_OK) {
            free(line);
            return -1;
        }
        n++;
    }
    free(line);
    return n;
}

static void usage(void)
{
    fprintf(stderr, "usage: mimamori import [-c FILE] [-v] FILE... (- for stdin)\n"
                    "Loads old log files into the database on their own timestamps: alerts\n"
                    "and source health, no notifications.  Stop the daemon first.\n");
}

int mm_cmd_import(int argc, char **argv)
{
    const char *cfgpath = NULL;
    int verbose = 0;
    int orc = mm_cli_getopt_common(argc, argv, usage, &cfgpath, &verbose);
    if (orc >= 0) {
        return orc;
    }
    if (optind >= argc) {
        usage();
        return 2;
    }
    mm_log_init(verbose ? MM_LOG_DEBUG : MM_LOG_INFO, 0);
    struct mm_config *cfg = mm_cli_load_config_db(cfgpath);
    if (cfg == NULL) {
        return 1;
    }
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    struct mm_store_writer *writer = NULL;
    struct mm_msgq *q = NULL;
    struct mm_pipeline pipe;
    memset(&pipe, 0, sizeof(pipe));
    pthread_mutex_init(&pipe.rules_mu, NULL);
    long long lines = 0;
    size_t files = 0;

    long long pid;
    if (daemon_running(cfg, &pid)) {
        fprintf(stderr,
                "mimamori: a daemon (pid %lld) is writing to %s: stop it for the import "
                "(systemctl stop mimamori), then start it again\n",
                pid, cfg->database);
        goto done;
    }
    if (mm_cli_load_tz(&tz, cfg) != 0) {
        goto done;
    }
    pipe.rules = mm_cli_load_rules(cfg, (const char *const *)cfg->rules, cfg->nrules);
    if (pipe.rules == NULL) {
        fprintf(stderr, "mimamori: the rules did not load; nothing imported\n");
        goto done;
    }
    enum mm_err rc = mm_store_open(&st, cfg->database, 0);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: %s: cannot open the database: %s\n", cfg->database,
                mm_strerror(rc));
        goto done;
    }
    /* history must not notify: the writer gets no channels, so no outbox rows */
    struct mm_config quiet = *cfg;
    quiet.notify = NULL;
    quiet.nnotify = 0;
    /* nor prune: the history just imported may be older than the retention */
    quiet.retention_alerts_ns = 0;
    quiet.retention_rollups_ns = 0;
    rc = mm_store_writer_start(&writer, st, &quiet);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: cannot start the store writer: %s\n", mm_strerror(rc));
        goto done;
    }
    st = NULL; /* the writer's now */
    rc = mm_msgq_new(&q, cfg->queue_bytes);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: cannot allocate the queue: %s\n", mm_strerror(rc));
        goto done;
    }
    pipe.q = q;
    pipe.writer = writer;
    pipe.tz = tz;
    pipe.cfg = cfg;
    pipe.import = 1;
    rc = mm_pipeline_start(&pipe);
    if (rc != MM_OK) {
        fprintf(stderr, "mimamori: cannot start the pipeline: %s\n", mm_strerror(rc));
        goto done;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    int failed = 0;
    for (int i = optind; i < argc && !interrupted; i++) {
        const char *name = argv[i];
        FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
        if (f == NULL) {
            fprintf(stderr, "mimamori: %s: %s\n", name, strerror(errno));
            failed = 1;
            continue;
        }
        long long n = feed(f, f == stdin ? "stdin" : name, q, cfg->max_message);
        if (f != stdin) {
            fclose(f);
        }
        if (n < 0) {
            failed = 1;
            break;
        }
        lines += n;
        files++;
    }
    /* end of input: let the pipeline drain the queue, then the writer commit */
    mm_msgq_close(q);
    mm_pipeline_join(&pipe);
    mm_store_writer_stop(writer);
    writer = NULL;
    fprintf(stderr,
            "imported %lld lines from %zu file%s: %llu parsed, %llu unparsed; %llu new "
            "alerts%s\n",
            lines, files, files == 1 ? "" : "s", (unsigned long long)atomic_load(&pipe.parsed),
            (unsigned long long)atomic_load(&pipe.unparsed),
            (unsigned long long)atomic_load(&pipe.alerts), interrupted ? " - interrupted" : "");
    status = failed || interrupted ? 1 : 0;
done:
    if (q != NULL) {
        mm_msgq_close(q);
    }
    mm_pipeline_join(&pipe);
    mm_store_writer_stop(writer);
    mm_store_close(st);
    mm_msgq_free(q);
    mm_ruleset_unref(pipe.rules);
    pthread_mutex_destroy(&pipe.rules_mu);
    mm_tz_free(tz);
    mm_config_free(cfg);
    return status;
}
