#include "daemon/pipeline.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

#include "daemon/parse_stage.h"
#include "mimamori/log.h"
#include "mimamori/net.h"

#define PIPE_MAX_MATCH 64
#define PIPE_MAX_SOURCES 1024
#define PIPE_FLUSH_NS 1000000000LL
/*
 * An incident's updates reach the store at most once per its interval (a new
 * incident goes at once): 1 s after the first, doubling while it stays busy up
 * to 10 s, checked every PIPE_ALERT_TICK_NS so that busy incidents are spread
 * out.  Every update rewrites the alert's row (a few KiB with its evidence),
 * so a thousand devices each holding an open incident cost 100 row writes a
 * second, not 1,000 (docs/performance.md, "Latency").
 */
#define PIPE_ALERT_FLUSH_NS 1000000000LL
#define PIPE_ALERT_FLUSH_MAX_NS 10000000000LL
#define PIPE_ALERT_TICK_NS 100000000LL
/* open incidents kept for suppression (a few hundred bytes each); the oldest go first */
#define PIPE_MAX_INCIDENTS 16384
/* ---- correlation (corr_*.c): timers and persistence ---- */
#define PIPE_CORR_TICK_NS 1000000000LL  /* absence timers, window expiry */
#define PIPE_CORR_SAVE_NS 60000000000LL /* changed groups to the database */
#define PIPE_CORR_FULL_EVERY 60         /* every 60th save (hourly) is a full snapshot */
#define PIPE_CORR_SAVE_PIECE (240u * 1024u) /* a save goes to the writer in pieces of this size */
/* ---- roll-ups (store/rollup.c): hourly counts for the report ---- */
#define PIPE_ROLLUP_FLUSH_NS 60000000000LL /* deltas to the writer every minute */
#define PIPE_ROLLUP_EARLY 8192             /* ...or as soon as this many rows wait (import) */

/* Per-source counters since the last flush (open addressing on the peer text). */
struct source_table {
    struct mm_source_delta *slots;
    uint8_t *used;
    size_t n;
    uint64_t overflow; /* sources not tracked because the table was full */
};

struct worker {
    struct mm_pipeline *p;
    struct mm_parse_stage *stage; /* parsing, on its own thread */
    struct mm_alerter *alerter;
    struct mm_corr *corr;     /* correlation engine: outlives rule reloads */
    int64_t corr_tick, corr_save;
    int64_t event_hw;         /* import: the newest event time seen (the timers' clock) */
    unsigned corr_nsaves;
    struct early *early;      /* the parse thread's share (below); freed after it ends */
    struct source_table src;
    int64_t last_flush;
    int64_t last_alert_flush;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

static struct mm_source_delta *source_get(struct source_table *t, const char *name)
{
    size_t i = (size_t)(hash_str(name) % PIPE_MAX_SOURCES);
    for (size_t k = 0; k < PIPE_MAX_SOURCES; k++, i = (i + 1) % PIPE_MAX_SOURCES) {
        if (!t->used[i]) {
            t->used[i] = 1;
            t->n++;
            memset(&t->slots[i], 0, sizeof(t->slots[i]));
            snprintf(t->slots[i].source, sizeof(t->slots[i].source), "%s", name);
            return &t->slots[i];
        }
        if (strcmp(t->slots[i].source, name) == 0) {
            return &t->slots[i];
        }
    }
    t->overflow++;
    return NULL;
}

/* The watchdog's proof of life: the thread got round to its once-a-second flush. */
static void flush_alive(struct mm_pipeline *p)
{
    atomic_store(&p->alive_ns, mono_ns());
}

static void flush_counters(struct worker *w)
{
    struct mm_pipeline *p = w->p;
    struct source_table *t = &w->src;
    if (t->n > 0) {
        struct mm_source_delta batch[64];
        size_t nb = 0;
        for (size_t i = 0; i < PIPE_MAX_SOURCES; i++) {
            if (!t->used[i]) {
                continue;
            }
            batch[nb++] = t->slots[i];
            t->used[i] = 0;
            if (nb == 64) {
                mm_store_writer_put_sources(p->writer, batch, nb);
                nb = 0;
            }
        }
        if (nb > 0) {
            mm_store_writer_put_sources(p->writer, batch, nb);
        }
        t->n = 0;
    }
    struct mm_counters c;
    memset(&c, 0, sizeof(c));
    if (p->ingest != NULL) {
        const struct mm_ingest_stats *s = mm_ingest_stats(p->ingest);
        c.received = atomic_load(&s->received);
        c.dropped_queue = atomic_load(&s->dropped_queue);
        c.dropped_denied = atomic_load(&s->dropped_denied);
        c.truncated = atomic_load(&s->truncated);
    }
    c.parsed = atomic_load(&p->parsed);
    c.unparsed = atomic_load(&p->unparsed);
    c.malformed = atomic_load(&p->malformed);
    c.matched = atomic_load(&p->matched);
    c.alerts = atomic_load(&p->alerts);
    struct mm_corr_stats cs;
    mm_corr_get_stats(w->corr, &cs);
    c.evicted = mm_alerter_evictions(w->alerter) + cs.evicted;
    c.queue_depth = mm_msgq_depth(p->q);
    if (!p->import) {
        mm_store_writer_put_counters(p->writer, &c);
    }
    w->last_flush = now_ns();
    flush_alive(p);
}

/* ---- correlation ---- */

/* An alert raised by the correlation engine (or a base rule): to the writer. */
static void emit_alert(void *arg, struct mm_alert *a)
{
    struct worker *w = arg;
    if (!a->is_update) {
        atomic_fetch_add_explicit(&w->p->alerts, 1, memory_order_relaxed);
    }
    mm_store_writer_put_alert(w->p->writer, a);
}

/* A save in progress: the batch being filled, handed over piece by piece. */
struct save_ctx {
    struct worker *w;
    struct mm_state_batch *b;
};

static enum mm_err save_record(void *arg, const struct mm_corr_record *rec)
{
    struct save_ctx *x = arg;
    if (x->b != NULL && mm_state_batch_bytes(x->b) >= PIPE_CORR_SAVE_PIECE) {
        /* a full piece goes now; the last one (never empty) ends the save */
        mm_state_batch_set_more(x->b);
        mm_store_writer_put_state(x->w->p->writer, x->b);
        x->b = NULL;
    }
    if (x->b == NULL && mm_state_batch_new(&x->b) != MM_OK) {
        return MM_ENOMEM;
    }
    return mm_state_batch_add(x->b, rec->rule_id, rec->key, rec->klen, rec->blob, rec->blen,
                              rec->updated_ns);
}

/*
 * Changed correlation groups (or all of them when full) to the writer.  A
 * failed save may leave pieces handed over without their end: the engine
 * then makes the next save a full one, which starts the snapshot over.
 */
static void corr_save(struct worker *w, int full)
{
    struct save_ctx x = {w, NULL};
    if (mm_corr_save(w->corr, full, save_record, &x) != MM_OK) {
        log_warnx("correlation state: out of memory preparing a save; retried later");
        mm_state_batch_free(x.b);
        return;
    }
    if (x.b != NULL) {
        mm_store_writer_put_state(w->p->writer, x.b);
    }
}

static void corr_timers(struct worker *w, int64_t now)
{
    /* an import's timers run on event time instead (corr_event_time) */
    if (!w->p->import && now - w->corr_tick >= PIPE_CORR_TICK_NS) {
        w->corr_tick = now;
        mm_corr_tick(w->corr, now, w->alerter, emit_alert, w);
    }
    if (now - w->corr_save >= PIPE_CORR_SAVE_NS) {
        w->corr_save = now;
        corr_save(w, ++w->corr_nsaves % PIPE_CORR_FULL_EVERY == 0);
    }
}

/*
 * Import: the timers (window expiry, absence) run when the newest event time
 * seen has moved on by a second, as in `replay`.  On the wall clock they
 * would run after however many lines the machine got through in a second:
 * whether a group's window had expired before its next event (its count and
 * first_seen) would depend on the machine's speed, not on the file.
 */
static void corr_event_time(struct worker *w, int64_t ts, int force)
{
    if (ts > w->event_hw) {
        w->event_hw = ts;
    }
    if (force || w->event_hw - w->corr_tick >= PIPE_CORR_TICK_NS) {
        w->corr_tick = w->event_hw;
        mm_corr_tick(w->corr, w->event_hw, w->alerter, emit_alert, w);
    }
}

struct restore_ctx {
    struct mm_corr *corr;
    int64_t now;
    size_t ok, dropped;
};

static enum mm_err restore_row(void *arg, const char *rule_id, const void *key, size_t klen,
                               const void *blob, size_t blen, int64_t updated_ns)
{
    struct restore_ctx *x = arg;
    struct mm_corr_record rec = {rule_id, key, klen, blob, blen, updated_ns};
    enum mm_err rc = mm_corr_restore(x->corr, &rec, x->now);
    if (rc == MM_ENOMEM) {
        return rc;
    }
    if (rc == MM_OK) {
        x->ok++;
    } else {
        x->dropped++;
    }
    return MM_OK;
}

/* The correlation state saved by the previous run (a read-only connection of its own). */
static void corr_restore(struct worker *w)
{
    struct mm_store *st = NULL;
    if (w->p->cfg->database == NULL || mm_store_open(&st, w->p->cfg->database, 1) != MM_OK) {
        return;
    }
    struct restore_ctx x = {w->corr, now_ns(), 0, 0};
    if (mm_store_state_load(st, restore_row, &x) != MM_OK) {
        log_warnx("correlation state: cannot read all of it; continuing with what was read");
    }
    mm_store_close(st);
    if (x.ok + x.dropped > 0) {
        log_info("correlation state restored: %zu groups (%zu of rules gone or changed dropped)",
                 x.ok, x.dropped);
    }
}

/* ---- end correlation ---- */

/*
 * ---- on the parse thread: roll-ups, and an imported line's source ----
 * Neither needs the rules, so they run on the parse thread (parse_stage.c
 * hooks), which has time to spare; the pipeline thread is the busier one.
 *
 * Roll-ups: every parsed or unparsed event is counted into the hour of its own
 * time (store/rollup.c aggregates; bounded).  The deltas go to the writer every
 * minute, at stop, and early when many rows wait (an import crossing many
 * hours); the writer adds them to the roll-up tables.
 */
struct early {
    struct mm_pipeline *p;
    struct mm_rollup *rollup;
    int64_t rollup_flush;
    int64_t file_last_ts; /* import: event time of the previous line */
};

static void rollup_flush(struct early *e)
{
    struct mm_rollup_batch *b = mm_rollup_take(e->rollup);
    if (b != NULL) {
        mm_store_writer_put_rollup(e->p->writer, b);
    }
}

/*
 * Import: a line that carries no time of its own (the parser stamped it with
 * the receive time) happened when the line before it did, as in `replay`; the
 * source is the device named in the line, else the file.
 */
static void import_source(struct early *e, struct mm_event *ev, const struct mm_msg *m, char *src)
{
    if (ev->ts_ns == m->recv_ns && e->file_last_ts != 0) {
        ev->ts_ns = e->file_last_ts;
    }
    e->file_last_ts = ev->ts_ns;
    struct mm_str host = ev->f[MM_F_SYSLOG_HOSTNAME];
    if (host.p != NULL && host.n > 0) {
        size_t n = host.n < MM_SOURCE_TEXT - 1 ? host.n : MM_SOURCE_TEXT - 1;
        memcpy(src, host.p, n);
        src[n] = '\0';
        ev->source = src;
    }
}

static void early_event(void *arg, struct mm_event *ev, const struct mm_msg *m, char *src)
{
    struct early *e = arg;
    if (e->p->import && m->transport == MM_MSG_FILE) {
        import_source(e, ev, m, src);
    }
    /* the same source name as the sources table */
    mm_rollup_event(e->rollup, ev, ev->source);
    if (mm_rollup_pending(e->rollup) >= PIPE_ROLLUP_EARLY) {
        rollup_flush(e);
    }
}

static void early_tick(void *arg)
{
    struct early *e = arg;
    int64_t now = now_ns();
    if (now - e->rollup_flush >= PIPE_ROLLUP_FLUSH_NS) {
        e->rollup_flush = now;
        rollup_flush(e);
    }
}

static void early_finish(void *arg)
{
    rollup_flush(arg); /* the last roll-up deltas, committed by the writer before it stops */
}

static void early_free(struct early *e)
{
    if (e != NULL) {
        mm_rollup_free(e->rollup);
        free(e);
    }
}

/* ---- end roll-ups ---- */

/* One parsed message (parse_stage.c): counters, roll-ups, rules, correlation, alerts. */
static void process(struct worker *w, struct mm_ruleset *rs, const struct mm_msg *m,
                    struct mm_event *ev)
{
    struct mm_pipeline *p = w->p;
    const char *src = ev->source;

    /* a live source is heard at receive time; an imported line at its own time */
    int64_t seen = p->import && m->transport == MM_MSG_FILE ? ev->ts_ns : m->recv_ns;
    struct mm_source_delta *sd = source_get(&w->src, src);
    if (sd != NULL) {
        if (sd->received == 0 || seen < sd->first_ns) {
            sd->first_ns = seen;
        }
        if (seen > sd->last_ns) {
            sd->last_ns = seen;
        }
        sd->received++;
        struct mm_str host = ev->f[MM_F_SYSLOG_HOSTNAME];
        if (host.p != NULL) {
            size_t n = host.n < sizeof(sd->hostname) - 1 ? host.n : sizeof(sd->hostname) - 1;
            memcpy(sd->hostname, host.p, n);
            sd->hostname[n] = '\0';
        }
        /* per line: a plain copy, not snprintf (which cost ~600 instructions here) */
        const char *pn = ev->parser ? ev->parser : "syslog";
        size_t pl = strnlen(pn, sizeof(sd->parser) - 1);
        memcpy(sd->parser, pn, pl);
        sd->parser[pl] = '\0';
    }
    if (ev->flags & MM_EV_UNPARSED) {
        atomic_fetch_add_explicit(&p->unparsed, 1, memory_order_relaxed);
        if (sd != NULL) {
            sd->unparsed++;
        }
    } else {
        atomic_fetch_add_explicit(&p->parsed, 1, memory_order_relaxed);
        if (sd != NULL) {
            sd->parsed++;
        }
    }
    if (ev->flags & MM_EV_MALFORMED) {
        atomic_fetch_add_explicit(&p->malformed, 1, memory_order_relaxed);
        if (sd != NULL) {
            sd->malformed++;
        }
    }
    /* a line still on its receive time (no time of its own, none before it) is not history */
    if (p->import && ev->ts_ns != m->recv_ns) {
        corr_event_time(w, ev->ts_ns, 0);
    }
    if (rs == NULL) {
        return;
    }
    const struct mm_rule *hits[PIPE_MAX_MATCH];
    size_t nhits = mm_ruleset_match(rs, ev, hits, PIPE_MAX_MATCH);
    if (nhits == 0) {
        return;
    }
    atomic_fetch_add_explicit(&p->matched, 1, memory_order_relaxed);
    /* correlation: only the hits that correlation rules use cost anything */
    mm_corr_feed(w->corr, rs, ev, hits, nhits, w->alerter, emit_alert, w);
    for (size_t i = 0; i < nhits; i++) {
        if (!mm_rule_alerts(hits[i])) {
            continue; /* Sigma: a rule used by correlations alerts only with generate: true */
        }
        struct mm_alert *a = mm_alerter_fire(w->alerter, hits[i], ev);
        if (a != NULL) {
            emit_alert(w, a); /* a new incident; repeats are absorbed until the next flush */
        }
    }
}

static void *pipeline_main(void *arg)
{
    mm_thread_name("mm-pipeline");
    struct worker *w = arg;
    struct mm_pipeline *p = w->p;
    for (;;) {
        int done = 0;
        struct mm_parsed *b = mm_parse_stage_take(w->stage, 200, &done);
        if (done) {
            break;
        }
        if (b != NULL) {
            pthread_mutex_lock(&p->rules_mu);
            struct mm_ruleset *rs = p->rules;
            if (rs != NULL) {
                mm_ruleset_ref(rs);
            }
            pthread_mutex_unlock(&p->rules_mu);
            for (size_t i = 0; i < b->n; i++) {
                process(w, rs, &b->msg[i], &b->ev[i]);
            }
            mm_ruleset_unref(rs);
            mm_msgq_release(p->q, b->n); /* the events pointed into these messages */
            mm_parse_stage_release(w->stage, b);
        }
        int64_t now = now_ns();
        if (now - w->last_alert_flush >= PIPE_ALERT_TICK_NS) {
            /* repeats of open incidents, paced; monotonic: a wall clock stepped
             * back must not hold updates back */
            mm_alerter_flush_due(w->alerter, mono_ns(), PIPE_ALERT_FLUSH_NS,
                                 PIPE_ALERT_FLUSH_MAX_NS, emit_alert, w);
            w->last_alert_flush = now;
        }
        corr_timers(w, now);
        if (now - w->last_flush >= PIPE_FLUSH_NS) {
            flush_counters(w);
        }
    }
    if (p->import && w->event_hw != 0) {
        corr_event_time(w, w->event_hw, 1); /* the end of the input is as far as time goes */
    }
    mm_alerter_flush(w->alerter, emit_alert, w);
    corr_save(w, 0); /* the last changes, committed by the writer before it stops */
    flush_counters(w);
    mm_corr_free(w->corr);
    mm_alerter_free(w->alerter);
    mm_parse_stage_free(w->stage); /* finished: it handed over its last batch */
    early_free(w->early);
    free(w->src.slots);
    free(w->src.used);
    free(w);
    return NULL;
}

enum mm_err mm_pipeline_start(struct mm_pipeline *p)
{
    struct worker *w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return MM_ENOMEM;
    }
    w->p = p;
    w->src.slots = calloc(PIPE_MAX_SOURCES, sizeof(*w->src.slots));
    w->src.used = calloc(PIPE_MAX_SOURCES, 1);
    struct mm_source_pin pins[64];
    size_t npins = 0;
    for (size_t i = 0; i < p->cfg->nsources && npins < 64; i++) {
        pins[npins].match = p->cfg->sources[i].match;
        pins[npins].parser = p->cfg->sources[i].parser;
        pins[npins].name = p->cfg->sources[i].name;
        npins++;
    }
    enum mm_err rc = MM_ENOMEM;
    if (w->src.slots == NULL || w->src.used == NULL) {
        goto fail;
    }
    rc = mm_alerter_new(&w->alerter, PIPE_MAX_INCIDENTS);
    if (rc != MM_OK) {
        goto fail;
    }
    mm_alerter_set_delta(w->alerter, 1); /* the writer merges updates into the stored rows */
    /* live: absence on receive time; an import has only its lines' own times */
    rc = mm_corr_new(&w->corr, !p->import);
    if (rc == MM_OK) {
        rc = mm_corr_bind(w->corr, p->rules);
    }
    if (rc != MM_OK) {
        goto fail;
    }
    w->early = calloc(1, sizeof(*w->early));
    if (w->early == NULL) {
        rc = MM_ENOMEM;
        goto fail;
    }
    w->early->p = p;
    rc = mm_rollup_new(&w->early->rollup);
    if (rc != MM_OK) {
        goto fail;
    }
    corr_restore(w);
    w->last_flush = now_ns();
    w->corr_tick = w->corr_save = w->early->rollup_flush = w->last_flush;
    if (p->import) {
        w->corr_tick = 0; /* event time: the first line runs the timers */
    }
    flush_alive(p);
    struct mm_parse_hooks hooks = {w->early, early_event, early_tick, early_finish};
    rc = mm_parse_stage_start(&w->stage, p->q, p->tz, pins, npins, &hooks);
    if (rc != MM_OK) {
        goto fail;
    }
    if (pthread_create(&p->thread, NULL, pipeline_main, w) != 0) {
        rc = MM_EIO;
        mm_msgq_close(p->q); /* lets the parse thread end, so that it can be joined */
        goto fail;
    }
    p->started = 1;
    return MM_OK;
fail:
    mm_parse_stage_free(w->stage);
    early_free(w->early);
    mm_corr_free(w->corr);
    mm_alerter_free(w->alerter);
    free(w->src.slots);
    free(w->src.used);
    free(w);
    return rc;
}

void mm_pipeline_set_rules(struct mm_pipeline *p, struct mm_ruleset *rs)
{
    pthread_mutex_lock(&p->rules_mu);
    struct mm_ruleset *old = p->rules;
    p->rules = rs;
    pthread_mutex_unlock(&p->rules_mu);
    mm_ruleset_unref(old);
}

void mm_pipeline_join(struct mm_pipeline *p)
{
    if (p->started) {
        pthread_join(p->thread, NULL);
        p->started = 0;
    }
}
