#include "daemon/daemon.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/pipeline.h"
#include "mimamori/diag.h"
#include "mimamori/ingest.h"
#include "mimamori/log.h"
#include "mimamori/notify.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

/* Build a ruleset from the configured paths; NULL (errors logged) when any rule is broken. */
static struct mm_ruleset *load_rules(const struct mm_config *cfg)
{
    struct mm_diag d;
    struct mm_ruleset *rs = NULL;
    mm_diag_init(&d);
    enum mm_err rc =
        mm_ruleset_load_cfg(&rs, cfg, (const char *const *)cfg->rules, cfg->nrules, &d);
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

/*
 * The language of the rule texts the notify sender gets: the one locale of
 * channels besides English (`locale: ja`), the one `translations:` may give.
 */
#define NOTIFY_TEXTS_LANG "ja"

static enum mm_err add_text(void *arg, const char *id, const char *title, const char *description)
{
    return mm_notify_texts_add(arg, id, title, description);
}

/*
 * The rules' titles and descriptions in NOTIFY_TEXTS_LANG, as a table the
 * sender owns once handed over (it does not link the rules module and keeps
 * no reference to rs).  NULL, logged, when out of memory.
 */
static struct mm_notify_texts *rule_texts(const struct mm_ruleset *rs)
{
    struct mm_notify_texts *t = NULL;
    enum mm_err rc = mm_notify_texts_new(&t, NOTIFY_TEXTS_LANG);
    if (rc == MM_OK) {
        rc = mm_ruleset_texts(rs, NOTIFY_TEXTS_LANG, add_text, t);
    }
    if (rc != MM_OK) {
        log_warnx("cannot build the rules' %s texts for messages: %s", NOTIFY_TEXTS_LANG,
                  mm_strerror(rc));
        mm_notify_texts_free(t);
        return NULL;
    }
    return t;
}

/*
 * Build a new ruleset beside the running one and swap it in only when it
 * loaded without any error; otherwise the running rules stay in force.  The
 * sender gets the new set's texts before the pipeline gets the set, so every
 * message built from then on (every alert of the new rules among them) speaks
 * them; a rejected set changes neither.
 */
static void reload(struct mm_pipeline *pipe, struct mm_notify_sender *sender,
                   const struct mm_config *cfg, const char *why)
{
    mm_sd_notify("RELOADING=1");
    log_info("%s: reloading rules", why);
    struct mm_ruleset *nrs = load_rules(cfg);
    if (nrs == NULL) {
        pthread_mutex_lock(&pipe->rules_mu);
        size_t n = pipe->rules ? mm_ruleset_count(pipe->rules) : 0;
        pthread_mutex_unlock(&pipe->rules_mu);
        log_warnx("new rules rejected; the %zu running rules stay in force", n);
    } else {
        if (sender != NULL) {
            struct mm_notify_texts *t = rule_texts(nrs);
            if (t != NULL) {
                mm_notify_sender_set_texts(sender, t);
            } else {
                log_warnx("messages keep the texts of the previous rules");
            }
        }
        size_t n = mm_ruleset_count(nrs);
        mm_pipeline_set_rules(pipe, nrs);
        /* said once they are: a line received after this message meets the new rules */
        log_info("rules reloaded: %zu rules in force", n);
    }
    mm_sd_notify("READY=1");
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether a list, holiday or GeoIP file of the running rules changed (stat, rate-limited). */
static int lists_changed(struct mm_pipeline *pipe)
{
    pthread_mutex_lock(&pipe->rules_mu);
    struct mm_ruleset *rs = pipe->rules;
    if (rs != NULL) {
        mm_ruleset_ref(rs);
    }
    pthread_mutex_unlock(&pipe->rules_mu);
    int changed = rs != NULL && mm_ruleset_lists_changed(rs, wall_ns());
    mm_ruleset_unref(rs);
    return changed;
}

/* ---- operations (status, watchdog) ---- */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* `mimamori status` reads these: who runs the daemon on this database, since when. */
static void meta_started(struct mm_store *st)
{
    char pid[32], now[32];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    snprintf(now, sizeof(now), "%lld", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    if (mm_store_meta_set(st, MM_META_DAEMON_PID, pid) != MM_OK ||
        mm_store_meta_set(st, MM_META_DAEMON_STARTED, now) != MM_OK ||
        mm_store_meta_set(st, MM_META_DAEMON_STOPPED, "0") != MM_OK) {
        log_warnx("cannot record the start in the database; `mimamori status` will not know");
    }
}

/* After the writer closed the database: note the clean stop (best effort). */
static void meta_stopped(const struct mm_config *cfg)
{
    struct mm_store *st = NULL;
    char now[32];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(now, sizeof(now), "%lld", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    if (mm_store_open(&st, cfg->database, 0) == MM_OK) {
        (void)mm_store_meta_set(st, MM_META_DAEMON_STOPPED, now);
    }
    mm_store_close(st);
}

/*
 * systemd's watchdog: ping at half of WatchdogSec, but only while the pipeline
 * thread proves it is alive (its once-a-second flush ran within the timeout),
 * so a wedged pipeline or writer gets the daemon restarted.  STATUS= rides
 * along for `systemctl status`.
 */
static void watchdog_tick(struct mm_pipeline *pipe, int64_t interval, int64_t *next)
{
    int64_t now = mono_ns();
    if (interval <= 0 || now < *next) {
        return;
    }
    *next = now + interval;
    if (now - atomic_load(&pipe->alive_ns) > 2 * interval) {
        log_warnx("pipeline has not flushed for %llds: not pinging the watchdog",
                  (long long)((now - atomic_load(&pipe->alive_ns)) / 1000000000LL));
        return;
    }
    const struct mm_ingest_stats *is = pipe->ingest ? mm_ingest_stats(pipe->ingest) : NULL;
    mm_sd_notifyf("WATCHDOG=1\nSTATUS=%llu messages, %llu alerts, %llu dropped",
                  is ? (unsigned long long)atomic_load(&is->received) : 0ULL,
                  (unsigned long long)atomic_load(&pipe->alerts),
                  is ? (unsigned long long)atomic_load(&is->dropped_queue) : 0ULL);
}

/* ---- the daemon ---- */

int mm_daemon_run(struct mm_config *cfg)
{
    int status = 1;
    struct mm_tz *tz = NULL;
    struct mm_store *st = NULL;
    struct mm_store_writer *writer = NULL;
    struct mm_notify_sender *sender = NULL;
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

    /* started as root: become `user:` before anything is opened (keeps CAP_NET_BIND_SERVICE) */
    int dropped = 0;
    if (mm_priv_drop_user(cfg->user, &dropped) != 0) {
        goto done;
    }

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
    meta_started(st);
    rc = mm_store_writer_start(&writer, st, cfg);
    if (rc != MM_OK) {
        log_warnx("cannot start the store writer: %s", mm_strerror(rc));
        mm_store_close(st);
        goto done;
    }
    st = NULL; /* owned by the writer now */
    /* mail and webhook channels: the sender delivers what the writer commits (rows left
     * pending by an earlier run included) */
    /* (the texts are built even when no channel needs them: a few hundred short strings) */
    rc = mm_notify_sender_start(&sender, cfg, rule_texts(rs));
    if (rc != MM_OK) {
        log_warnx("cannot start the notify sender: %s", mm_strerror(rc));
        goto done;
    }
    if (sender != NULL) {
        mm_store_writer_on_outbox(writer, mm_notify_sender_kick, sender);
    }
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
    if (dropped) {
        mm_priv_drop_caps(); /* bound: the capability has done its job */
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
    mm_sd_notifyf("READY=1\nSTATUS=%zu rules, database %s", mm_ruleset_count(rs), cfg->database);
    int64_t wd_interval = mm_sd_watchdog_interval_ns();
    int64_t wd_next = 0;

    for (;;) {
        watchdog_tick(&pipe, wd_interval, &wd_next);
        struct timespec to = {1, 0};
        if (wd_interval > 0 && wd_interval < 1000000000LL) {
            to.tv_sec = 0;
            to.tv_nsec = (long)wd_interval;
        }
        int sig = sigtimedwait(&set, NULL, &to);
        if (sig < 0) {
            if (errno == EAGAIN) {
                if (lists_changed(&pipe)) {
                    reload(&pipe, sender, cfg, "a list file changed");
                }
                continue;
            }
            if (errno == EINTR) {
                continue;
            }
            log_warn("sigtimedwait");
            break;
        }
        if (sig == SIGHUP) {
            reload(&pipe, sender, cfg, "SIGHUP");
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
        meta_stopped(cfg);
    }
    mm_notify_sender_stop(sender); /* after the writer: its last commit may kick the sender */
    mm_store_close(st);
    mm_ingest_free(ing);
    mm_msgq_free(q);
    mm_ruleset_unref(pipe.rules);
    pthread_mutex_destroy(&pipe.rules_mu);
    mm_tz_free(tz);
    return status;
}
