#include "daemon/daemon.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/pipeline.h"
#include "mimamori/diag.h"
#include "mimamori/ingest.h"
#include "mimamori/log.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

/* Build a ruleset from the configured paths; NULL (errors logged) when any rule is broken. */
static struct mm_ruleset *load_rules(const struct mm_config *cfg)
{
    struct mm_diag d;
    struct mm_ruleset *rs = NULL;
    mm_diag_init(&d);
    enum mm_err rc = mm_ruleset_load(&rs, (const char *const *)cfg->rules, cfg->nrules, &d);
    for (size_t i = 0; i < d.n; i++) {
        log_warnx("%s", d.msgs[i]);
    }
    mm_diag_free(&d);
    if (rc != MM_OK) {
        mm_ruleset_unref(rs);
        return NULL;
    }
    return rs;
}

int mm_daemon_run(struct mm_config *cfg)
{
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    struct mm_store_writer *writer = NULL;
    struct mm_msgq *q = NULL;
    struct mm_ingest *ing = NULL;
    struct mm_pipeline pipe;
    memset(&pipe, 0, sizeof(pipe));
    pthread_mutex_init(&pipe.rules_mu, NULL);

    /* Every thread inherits this mask; only the main thread takes signals, in sigtimedwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (mm_tz_load(&tz, cfg->timezone) != MM_OK) {
        log_warnx("unknown time zone '%s'", cfg->timezone);
        goto done;
    }
    struct mm_ruleset *rs = load_rules(cfg);
    if (rs == NULL) {
        log_warnx("rules not loaded; not starting");
        goto done;
    }
    log_info("%zu rules loaded", mm_ruleset_count(rs));
    pipe.rules = rs;

    enum mm_err rc = mm_store_open(&st, cfg->database, 0);
    if (rc != MM_OK) {
        log_warnx("%s: cannot open the database: %s", cfg->database, mm_strerror(rc));
        goto done;
    }
    rc = mm_store_writer_start(&writer, st, cfg);
    if (rc != MM_OK) {
        log_warnx("cannot start the store writer: %s", mm_strerror(rc));
        mm_store_close(st);
        goto done;
    }
    st = NULL; /* owned by the writer now */
    rc = mm_msgq_new(&q, cfg->queue_bytes);
    if (rc != MM_OK) {
        log_warnx("cannot allocate the queue: %s", mm_strerror(rc));
        goto done;
    }
    rc = mm_ingest_open(&ing, cfg, q);
    if (rc != MM_OK) {
        log_warnx("cannot open the listeners: %s", mm_strerror(rc));
        goto done;
    }
    pipe.q = q;
    pipe.writer = writer;
    pipe.ingest = ing;
    pipe.tz = tz;
    pipe.cfg = cfg;
    rc = mm_pipeline_start(&pipe);
    if (rc != MM_OK) {
        log_warnx("cannot start the pipeline: %s", mm_strerror(rc));
        goto done;
    }
    rc = mm_ingest_start(ing);
    if (rc != MM_OK) {
        log_warnx("cannot start the listeners: %s", mm_strerror(rc));
        goto done;
    }
    for (size_t i = 0; i < cfg->nlisten; i++) {
        log_info("listening on %s://%s:%d", cfg->listen[i].proto == MM_LISTEN_UDP ? "udp" : "tcp",
                 cfg->listen[i].host, mm_ingest_port(ing, i));
    }
    log_info("database %s; ready", cfg->database);
    mm_sd_notify("READY=1");

    for (;;) {
        struct timespec to = {1, 0};
        int sig = sigtimedwait(&set, NULL, &to);
        if (sig < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            log_warn("sigtimedwait");
            break;
        }
        if (sig == SIGHUP) {
            mm_sd_notify("RELOADING=1");
            log_info("SIGHUP: reloading rules");
            struct mm_ruleset *nrs = load_rules(cfg);
            if (nrs == NULL) {
                pthread_mutex_lock(&pipe.rules_mu);
                size_t n = pipe.rules ? mm_ruleset_count(pipe.rules) : 0;
                pthread_mutex_unlock(&pipe.rules_mu);
                log_warnx("new rules rejected; the %zu running rules stay in force", n);
            } else {
                log_info("rules reloaded: %zu rules in force", mm_ruleset_count(nrs));
                mm_pipeline_set_rules(&pipe, nrs);
            }
            mm_sd_notify("READY=1");
            continue;
        }
        log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    mm_sd_notify("STOPPING=1");
    status = 0;
done:
    /* stop intake first, then drain: nothing accepted is lost */
    mm_ingest_stop(ing);
    if (q != NULL) {
        mm_msgq_close(q);
    }
    mm_pipeline_join(&pipe);
    if (writer != NULL) {
        uint64_t n = mm_store_writer_committed(writer);
        mm_store_writer_stop(writer);
        log_info("stopped; %llu alerts committed in this run", (unsigned long long)n);
    }
    mm_store_close(st);
    mm_ingest_free(ing);
    mm_msgq_free(q);
    mm_ruleset_unref(pipe.rules);
    pthread_mutex_destroy(&pipe.rules_mu);
    mm_tz_free(tz);
    return status;
}
