/*
 * writer.c - the store writer thread: the only thread that writes the
 * database.
 *
 * Producers (the rules thread, the stats timer) hand it alerts, per-source
 * deltas and counter snapshots through a bounded queue under one mutex.  A
 * full queue blocks the producer: alerts are never dropped, back-pressure
 * reaches the pipeline instead (whose own queues count what they drop).
 *
 * The thread commits batches: it waits until batch_max alerts are queued or
 * batch_ms have passed since the first uncommitted item arrived, then writes
 * everything it took in one transaction: alert upserts (several versions of
 * one alert in a batch are coalesced to the last), one outbox row per
 * matching notify channel for each new alert, source deltas, counters.  After
 * the commit it delivers the file channels' pending outbox rows.  A failed
 * commit is rolled back and retried with the same items (the queue fills and
 * blocks meanwhile); only at stop does it give up, after a few attempts, and
 * says how many alerts were lost.
 *
 * Invariant: seq strictly increases over every alert row written, across
 * restarts (the thread starts from max(seq) + 1), so `alerts --follow` can
 * poll for seq > last.
 */
#include "store/store_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mimamori/clock.h"
#include "mimamori/log.h"
#include "notify/notify_int.h"
#include "store/sql.h"

#define WRITER_QUEUE_CAP 4096         /* alerts waiting for the writer... */
#define WRITER_QUEUE_BYTES (4u << 20) /* ...and the heap they hold (mm_alert_bytes) */
#define WRITER_SOURCES_CAP 4096 /* source deltas waiting */
#define WRITER_STATE_CAP 16     /* correlation state batches waiting (one a minute) */
#define WRITER_ROLLUP_CAP 16    /* roll-up batches waiting (one a minute, more under import) */
#define WRITER_PRUNE_FIRST_NS 60000000000LL   /* the first retention run, after start */
#define WRITER_PRUNE_EVERY_NS 3600000000000LL /* then hourly */
#define WRITER_PRUNE_AGAIN_NS 60000000000LL   /* when a run left work behind */
#define WRITER_PRUNE_BATCHES 40               /* small transactions per run */
#define WRITER_BATCH_DEFAULT 1000
#define WRITER_BATCH_MS_DEFAULT 20
#define WRITER_RETRY_MAX_NS 5000000000LL
#define WRITER_STOP_ATTEMPTS 3        /* commit attempts at stop before giving up */
#define WRITER_DELIVER_NS 250000000LL /* under a burst, deliver at least this often */

struct writer_channel {
    char *name;                   /* owned */
    int min_severity;             /* outbox rows only for alerts at or above */
    struct mm_notify_route *route; /* rule/tag lists (owned), NULL = every alert */
    struct mm_notify_file *file;  /* its deliverer, NULL for types delivered elsewhere */
    int remote;                   /* smtp/webhook: delivered by the notify sender */
};

struct mm_store_writer {
    struct mm_store *st; /* owned from start to stop; used by the thread only */
    pthread_t thread;
    int thread_started;
    int sync_ready; /* mutex and condition variables initialised */

    pthread_mutex_t mu;
    pthread_cond_t wake;  /* to the thread: work arrived, batch full, stop */
    pthread_cond_t space; /* to producers: the queue has room */

    /* under mu */
    struct mm_alert **ring; /* WRITER_QUEUE_CAP slots */
    size_t head, n;
    size_t *ring_bytes;          /* mm_alert_bytes of each slot's alert */
    size_t bytes;                /* their sum */
    struct mm_source_delta *src; /* WRITER_SOURCES_CAP slots */
    size_t nsrc;
    struct mm_counters counters; /* the latest snapshot, if have_counters */
    int have_counters;
    struct mm_state_batch *state[WRITER_STATE_CAP]; /* correlation state batches, in order */
    size_t nstate;
    struct mm_rollup_batch *rollup[WRITER_ROLLUP_CAP]; /* roll-up batches, in order */
    size_t nrollup;
    int64_t first_ns; /* monotonic arrival of the oldest uncommitted item */
    int stopping;
    void (*outbox_fn)(void *); /* told after a commit added smtp/webhook rows */
    void *outbox_arg;

    _Atomic uint64_t committed;

    /* the thread's own */
    size_t batch_max;
    int64_t batch_ns;
    struct writer_channel *chan;
    size_t nchan;
    struct mm_notify_file *files;
    size_t nfiles;
    int64_t next_seq;
    struct mm_buf json;
    struct mm_alert **batch;           /* batch_max */
    struct mm_source_delta *src_batch; /* WRITER_SOURCES_CAP */
    uint32_t *slots;                   /* coalescing hash: batch index + 1, 0 = empty */
    size_t nslots;                     /* a power of two >= 2 * batch_max */
    unsigned fail_streak;              /* failed commits in a row */
    int remote_added;                  /* this batch added rows for the notify sender */
    int64_t delivered_ns;              /* monotonic time of the last delivery round */
    int64_t keep_alerts_ns;            /* retention: 0 = keep forever */
    int64_t keep_rollups_ns;           /* likewise, roll-ups */
    int64_t prune_at_ns;               /* monotonic time of the next retention run */
};

static void writer_free(struct mm_store_writer *w);

static struct timespec mono_deadline(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    return ts;
}

static size_t pending_items(const struct mm_store_writer *w)
{
    return w->n + w->nsrc + (size_t)w->have_counters + w->nstate + w->nrollup;
}

/*
 * The queue is bounded in alerts and in bytes: new alerts carry their fields
 * and lines (a few KiB), delta updates little, so the count alone would let
 * a flood of new incidents hold many MiB.  One alert always fits.
 */
static int queue_full(const struct mm_store_writer *w)
{
    return w->n == WRITER_QUEUE_CAP || (w->n > 0 && w->bytes >= WRITER_QUEUE_BYTES);
}

/* Called with mu held when an item was just queued. */
static void queued(struct mm_store_writer *w, size_t before)
{
    if (before == 0) {
        w->first_ns = mm_store_mono_ns();
        pthread_cond_signal(&w->wake);
    } else if (w->n == w->batch_max || queue_full(w)) {
        pthread_cond_signal(&w->wake); /* a full batch, or a producer about to wait */
    }
}

void mm_store_writer_put_alert(struct mm_store_writer *w, struct mm_alert *a)
{
    size_t bytes = mm_alert_bytes(a); /* outside the lock */
    pthread_mutex_lock(&w->mu);
    while (queue_full(w)) {
        pthread_cond_wait(&w->space, &w->mu);
    }
    size_t before = pending_items(w);
    size_t slot = (w->head + w->n) % WRITER_QUEUE_CAP;
    w->ring[slot] = a;
    w->ring_bytes[slot] = bytes;
    w->n++;
    w->bytes += bytes;
    queued(w, before);
    pthread_mutex_unlock(&w->mu);
}

void mm_store_writer_put_sources(struct mm_store_writer *w, const struct mm_source_delta *d,
                                 size_t n)
{
    pthread_mutex_lock(&w->mu);
    while (n > 0) {
        while (w->nsrc == WRITER_SOURCES_CAP) {
            pthread_cond_wait(&w->space, &w->mu);
        }
        size_t room = WRITER_SOURCES_CAP - w->nsrc;
        size_t k = n < room ? n : room;
        size_t before = pending_items(w);
        memcpy(&w->src[w->nsrc], d, k * sizeof(*d));
        w->nsrc += k;
        d += k;
        n -= k;
        queued(w, before);
    }
    pthread_mutex_unlock(&w->mu);
}

void mm_store_writer_put_counters(struct mm_store_writer *w, const struct mm_counters *c)
{
    pthread_mutex_lock(&w->mu);
    size_t before = pending_items(w);
    w->counters = *c;
    w->have_counters = 1;
    queued(w, before);
    pthread_mutex_unlock(&w->mu);
}

void mm_store_writer_on_outbox(struct mm_store_writer *w, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&w->mu);
    w->outbox_fn = fn;
    w->outbox_arg = arg;
    pthread_mutex_unlock(&w->mu);
}

void mm_store_writer_put_state(struct mm_store_writer *w, struct mm_state_batch *b)
{
    pthread_mutex_lock(&w->mu);
    while (w->nstate == WRITER_STATE_CAP) {
        pthread_cond_wait(&w->space, &w->mu);
    }
    size_t before = pending_items(w);
    w->state[w->nstate++] = b;
    queued(w, before);
    pthread_mutex_unlock(&w->mu);
}

void mm_store_writer_put_rollup(struct mm_store_writer *w, struct mm_rollup_batch *b)
{
    if (b == NULL) {
        return;
    }
    pthread_mutex_lock(&w->mu);
    while (w->nrollup == WRITER_ROLLUP_CAP) {
        pthread_cond_wait(&w->space, &w->mu);
    }
    size_t before = pending_items(w);
    w->rollup[w->nrollup++] = b;
    queued(w, before);
    pthread_mutex_unlock(&w->mu);
}

uint64_t mm_store_writer_committed(struct mm_store_writer *w)
{
    return atomic_load(&w->committed);
}

/* ---- the thread ---- */

static uint32_t id_hash(uint64_t id, size_t nslots)
{
    return (uint32_t)((id * 0x9E3779B97F4A7C15ULL) >> 32) & (uint32_t)(nslots - 1);
}

/*
 * Keep only the last version of each alert id in batch[0..n); earlier ones
 * are freed and their slots set to NULL.  A survivor is "new" (gets outbox
 * rows) if any of its versions was.
 */
static void coalesce(struct mm_store_writer *w, size_t n)
{
    memset(w->slots, 0, w->nslots * sizeof(*w->slots));
    for (size_t i = 0; i < n; i++) {
        struct mm_alert *a = w->batch[i];
        uint32_t h = id_hash(a->id, w->nslots);
        while (w->slots[h] != 0) {
            struct mm_alert *old = w->batch[w->slots[h] - 1];
            if (old->id == a->id) {
                a->is_update = a->is_update && old->is_update;
                mm_alert_fold(old, a); /* a delta takes the earlier lines and strings */
                mm_alert_free(old);
                w->batch[w->slots[h] - 1] = NULL;
                break;
            }
            h = (h + 1) & (uint32_t)(w->nslots - 1);
        }
        w->slots[h] = (uint32_t)i + 1;
    }
}

static int step_done(struct mm_store *st, sqlite3_stmt *s, const char *what)
{
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE) {
        mm_store_fail(st, what);
        return 0;
    }
    return 1;
}

/*
 * A delta update's JSON: its stored row's merged with what changed.  MM_EINVAL
 * when there is no usable row (deleted meanwhile): the update is skipped.
 */
static enum mm_err delta_json(struct mm_store_writer *w, const struct mm_alert *a)
{
    sqlite3_stmt *s = mm_store_stmt(w->st, MM_STMT_ALERT_JSON);
    if (s == NULL) {
        return MM_EDB;
    }
    sqlite3_bind_int64(s, 1, (int64_t)a->id);
    int r = sqlite3_step(s);
    enum mm_err rc = MM_EINVAL;
    if (r == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(s, 0);
        rc = mm_alert_to_json_update(a, text, (size_t)sqlite3_column_bytes(s, 0), &w->json);
    } else if (r != SQLITE_DONE) {
        rc = mm_store_fail(w->st, "alert read");
    }
    sqlite3_reset(s);
    return rc;
}

static enum mm_err write_alert(struct mm_store_writer *w, struct mm_alert *a, int64_t now)
{
    struct mm_store *st = w->st;
    mm_buf_reset(&w->json);
    enum mm_err rc = a->delta ? delta_json(w, a) : mm_alert_to_json(a, &w->json);
    if (a->delta && rc != MM_OK) {
        if (rc == MM_EINVAL) {
            log_warnx("store: update of alert %016llx: no stored row to merge into; skipped",
                      (unsigned long long)a->id);
            return MM_OK;
        }
        return rc == MM_ENOMEM ? rc : MM_EDB;
    }
    if (rc != MM_OK) {
        /* keep the row (the listing needs only the columns); say why the JSON is empty */
        log_warnx("store: alert %s: cannot render JSON: %s", a->rule_id ? a->rule_id : "?",
                  mm_strerror(rc));
        mm_buf_reset(&w->json);
        if (mm_buf_puts(&w->json, "{}") != MM_OK) {
            return MM_ENOMEM;
        }
    }
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_ALERT_UPSERT);
    if (s == NULL) {
        return MM_EDB;
    }
    int64_t id = (int64_t)a->id; /* same 64 bits, SQLite integers are signed */
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, w->next_seq);
    sqlite3_bind_text(s, 3, a->rule_id ? a->rule_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->rule_title ? a->rule_title : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, (int)a->severity);
    sqlite3_bind_int64(s, 6, (int64_t)a->count);
    sqlite3_bind_int64(s, 7, a->first_seen_ns);
    sqlite3_bind_int64(s, 8, a->last_seen_ns);
    sqlite3_bind_int64(s, 9, a->ts_ns);
    sqlite3_bind_int64(s, 10, a->recv_ns);
    sqlite3_bind_text(s, 11, a->group_key ? a->group_key : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 12, w->json.p, (int)w->json.len, SQLITE_STATIC);
    if (!step_done(st, s, "alert upsert")) {
        return MM_EDB;
    }
    w->next_seq++;
    if (a->is_update) {
        return MM_OK;
    }
    for (size_t i = 0; i < w->nchan; i++) {
        struct writer_channel *c = &w->chan[i];
        if ((int)a->severity < c->min_severity || !mm_notify_route_match(c->route, a)) {
            continue;
        }
        s = mm_store_stmt(st, MM_STMT_OUTBOX_ADD);
        if (s == NULL) {
            return MM_EDB;
        }
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, now);
        if (!step_done(st, s, "outbox insert")) {
            return MM_EDB;
        }
        if (c->file != NULL) {
            c->file->pending = 1;
        }
        w->remote_added |= c->remote;
    }
    return MM_OK;
}

static enum mm_err write_source(struct mm_store *st, const struct mm_source_delta *d)
{
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_SOURCE_UPSERT);
    if (s == NULL) {
        return MM_EDB;
    }
    /* the fields are fixed arrays filled by the pipeline: never trust a terminator */
    sqlite3_bind_text(s, 1, d->source, (int)strnlen(d->source, sizeof(d->source)), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, d->hostname, (int)strnlen(d->hostname, sizeof(d->hostname)),
                      SQLITE_STATIC);
    sqlite3_bind_text(s, 3, d->parser, (int)strnlen(d->parser, sizeof(d->parser)), SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, d->first_ns);
    sqlite3_bind_int64(s, 5, d->last_ns);
    sqlite3_bind_int64(s, 6, (int64_t)d->received);
    sqlite3_bind_int64(s, 7, (int64_t)d->parsed);
    sqlite3_bind_int64(s, 8, (int64_t)d->unparsed);
    sqlite3_bind_int64(s, 9, (int64_t)d->malformed);
    return step_done(st, s, "source upsert") ? MM_OK : MM_EDB;
}

static enum mm_err write_counters(struct mm_store *st, const struct mm_counters *c, int64_t now)
{
    for (size_t i = 0; i < mm_store_ncounter_fields; i++) {
        const struct mm_counter_field *f = &mm_store_counter_fields[i];
        uint64_t v;
        memcpy(&v, (const char *)c + f->offset, sizeof(v));
        sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_COUNTER_SET);
        if (s == NULL) {
            return MM_EDB;
        }
        sqlite3_bind_text(s, 1, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (int64_t)v);
        sqlite3_bind_int64(s, 3, now);
        if (!step_done(st, s, "counter update")) {
            return MM_EDB;
        }
    }
    return MM_OK;
}

/* One transaction with everything taken; rolled back (seq restored) on error. */
static enum mm_err write_batch(struct mm_store_writer *w, size_t nalerts, size_t nsrc,
                               const struct mm_counters *counters)
{
    struct mm_store *st = w->st;
    int64_t seq0 = w->next_seq;
    int64_t now = mm_store_now_ns();
    enum mm_err rc = mm_store_exec(st, SQL_BEGIN);
    if (rc != MM_OK) {
        return rc;
    }
    for (size_t i = 0; i < nalerts && rc == MM_OK; i++) {
        if (w->batch[i] != NULL) {
            rc = write_alert(w, w->batch[i], now);
        }
    }
    for (size_t i = 0; i < nsrc && rc == MM_OK; i++) {
        rc = write_source(st, &w->src_batch[i]);
    }
    if (rc == MM_OK && counters != NULL) {
        rc = write_counters(st, counters, now);
    }
    if (rc == MM_OK) {
        rc = mm_store_exec(st, SQL_COMMIT);
    }
    if (rc != MM_OK) {
        sqlite3_exec(st->db, SQL_ROLLBACK, NULL, NULL, NULL);
        w->next_seq = seq0;
    }
    return rc;
}

static int is_stopping(struct mm_store_writer *w)
{
    pthread_mutex_lock(&w->mu);
    int s = w->stopping;
    pthread_mutex_unlock(&w->mu);
    return s;
}

/* Commit what was taken, retrying while the database refuses; frees the alerts. */
static void commit_taken(struct mm_store_writer *w, size_t nalerts, size_t nsrc,
                         const struct mm_counters *counters)
{
    coalesce(w, nalerts);
    for (unsigned attempt = 1;; attempt++) {
        if (write_batch(w, nalerts, nsrc, counters) == MM_OK) {
            if (w->fail_streak > 0) {
                log_info("store: commits work again after %u failed attempts", w->fail_streak);
            }
            w->fail_streak = 0;
            break;
        }
        if (w->fail_streak++ == 0) {
            log_warnx("store: commit failed; retrying (alerts wait in the queue)");
        }
        if (is_stopping(w) && attempt >= WRITER_STOP_ATTEMPTS) {
            size_t lost = 0;
            for (size_t i = 0; i < nalerts; i++) {
                lost += w->batch[i] != NULL;
            }
            log_error("store: stopping with a failing database: %zu alerts not written", lost);
            break;
        }
        int64_t delay = 100000000LL << (attempt < 6 ? attempt : 6);
        delay = delay < WRITER_RETRY_MAX_NS ? delay : WRITER_RETRY_MAX_NS;
        struct timespec ts = {.tv_sec = delay / 1000000000, .tv_nsec = delay % 1000000000};
        nanosleep(&ts, NULL);
    }
    for (size_t i = 0; i < nalerts; i++) {
        mm_alert_free(w->batch[i]);
        w->batch[i] = NULL;
    }
    atomic_fetch_add(&w->committed, (uint64_t)nalerts);
}

static void deliver_all(struct mm_store_writer *w, int force)
{
    w->delivered_ns = mm_store_mono_ns();
    for (size_t i = 0; i < w->nfiles; i++) {
        mm_notify_file_deliver(&w->files[i], w->st, force);
    }
}

/* The earliest monotonic time a channel in back-off wants another try; 0 = none. */
static int64_t next_retry(const struct mm_store_writer *w)
{
    int64_t t = 0;
    for (size_t i = 0; i < w->nfiles; i++) {
        int64_t r = mm_notify_file_retry_at(&w->files[i]);
        if (r != 0 && (t == 0 || r < t)) {
            t = r;
        }
    }
    return t;
}

/*
 * Retention (`retention:`): once an hour, delete what is older than the
 * configured ages in small transactions (rollup.c), so that alerts waiting
 * behind it are delayed by one small transaction at a time, at most
 * WRITER_PRUNE_BATCHES per run; what is left goes in a minute.
 */
static void prune_if_due(struct mm_store_writer *w)
{
    int64_t mono = mm_store_mono_ns();
    if (w->prune_at_ns == 0 || mono < w->prune_at_ns) {
        return;
    }
    int64_t now = mm_store_now_ns();
    int64_t a = w->keep_alerts_ns > 0 ? now - w->keep_alerts_ns : 0;
    int64_t r = w->keep_rollups_ns > 0 ? now - w->keep_rollups_ns : 0;
    struct mm_prune_stats ps;
    int more = 0;
    if (mm_store_prune(w->st, a, r, WRITER_PRUNE_BATCHES, &ps, &more) != MM_OK) {
        log_warnx("store: retention: pruning failed; tried again in an hour");
    } else if (ps.alerts + ps.rollup_rows > 0) {
        log_info("store: retention: deleted %llu alerts and %llu roll-up rows",
                 (unsigned long long)ps.alerts, (unsigned long long)ps.rollup_rows);
    }
    w->prune_at_ns = mono + (more ? WRITER_PRUNE_AGAIN_NS : WRITER_PRUNE_EVERY_NS);
}

static void *writer_main(void *arg)
{
    mm_thread_name("mm-writer");
    struct mm_store_writer *w = arg;

    deliver_all(w, 1); /* rows left pending by a previous run */
    pthread_mutex_lock(&w->mu);
    for (;;) {
        int64_t now = mm_store_mono_ns();
        if (pending_items(w) == 0) {
            if (w->stopping) {
                break;
            }
            int64_t retry = next_retry(w);
            if (w->prune_at_ns != 0 && (retry == 0 || w->prune_at_ns < retry)) {
                retry = w->prune_at_ns;
                if (now >= retry) {
                    pthread_mutex_unlock(&w->mu);
                    prune_if_due(w);
                    pthread_mutex_lock(&w->mu);
                    continue;
                }
            }
            if (retry == 0) {
                pthread_cond_wait(&w->wake, &w->mu);
            } else if (now < retry) {
                struct timespec ts = mono_deadline(retry);
                pthread_cond_timedwait(&w->wake, &w->mu, &ts);
            } else {
                pthread_mutex_unlock(&w->mu);
                deliver_all(w, 0);
                pthread_mutex_lock(&w->mu);
            }
            continue;
        }
        int64_t due = w->first_ns + w->batch_ns;
        if (!w->stopping && w->n < w->batch_max && !queue_full(w) && now < due) {
            struct timespec ts = mono_deadline(due);
            pthread_cond_timedwait(&w->wake, &w->mu, &ts);
            continue;
        }

        size_t nalerts = w->n < w->batch_max ? w->n : w->batch_max;
        for (size_t i = 0; i < nalerts; i++) {
            w->batch[i] = w->ring[w->head];
            w->ring[w->head] = NULL;
            w->bytes -= w->ring_bytes[w->head];
            w->head = (w->head + 1) % WRITER_QUEUE_CAP;
        }
        w->n -= nalerts;
        size_t nsrc = w->nsrc;
        memcpy(w->src_batch, w->src, nsrc * sizeof(*w->src));
        w->nsrc = 0;
        struct mm_counters counters = w->counters;
        int have_counters = w->have_counters;
        w->have_counters = 0;
        struct mm_state_batch *state[WRITER_STATE_CAP];
        size_t nstate = w->nstate;
        memcpy(state, w->state, nstate * sizeof(*state));
        w->nstate = 0;
        struct mm_rollup_batch *rollup[WRITER_ROLLUP_CAP];
        size_t nrollup = w->nrollup;
        memcpy(rollup, w->rollup, nrollup * sizeof(*rollup));
        w->nrollup = 0;
        /* what is left arrived during the last commit: its batch window starts now */
        w->first_ns = now;
        pthread_cond_broadcast(&w->space);
        pthread_mutex_unlock(&w->mu);

        commit_taken(w, nalerts, nsrc, have_counters ? &counters : NULL);

        pthread_mutex_lock(&w->mu);
        if (w->remote_added && w->outbox_fn != NULL) {
            w->outbox_fn(w->outbox_arg); /* a kick: it only sets a flag */
        }
        w->remote_added = 0;
        /*
         * Deliver after the commit, unless the next batch is already full:
         * then at most every WRITER_DELIVER_NS, so that under a burst one
         * fdatasync of the output covers several batches.  Before the state
         * and roll-up writes below: an alert's delivery never waits for them.
         */
        int busy = w->n >= w->batch_max;
        if (!busy || mm_store_mono_ns() - w->delivered_ns >= WRITER_DELIVER_NS) {
            pthread_mutex_unlock(&w->mu);
            deliver_all(w, 0);
            pthread_mutex_lock(&w->mu);
        }
        pthread_mutex_unlock(&w->mu);

        for (size_t i = 0; i < nstate; i++) {
            /* correlation state (state.c): its own transaction; a failure keeps the old rows */
            if (mm_store_state_write(w->st, state[i]) != MM_OK) {
                log_warnx("store: correlation state not saved (the hourly full snapshot "
                          "rewrites it)");
            }
            mm_state_batch_free(state[i]);
        }
        for (size_t i = 0; i < nrollup; i++) {
            /* hourly roll-ups (rollup.c): their own transaction, like the state */
            if (mm_store_rollup_write(w->st, rollup[i]) != MM_OK) {
                log_warnx("store: %zu roll-up rows not saved (the report will miss them)",
                          mm_rollup_batch_rows(rollup[i]));
            }
            mm_rollup_batch_free(rollup[i]);
        }
        prune_if_due(w);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    deliver_all(w, 1); /* last chance before exit; what fails stays pending */
    return NULL;
}

/* ---- start / stop ---- */

static enum mm_err setup_channels(struct mm_store_writer *w, const struct mm_config *cfg)
{
    if (cfg->nnotify == 0) {
        return MM_OK;
    }
    w->chan = calloc(cfg->nnotify, sizeof(*w->chan));
    w->files = calloc(cfg->nnotify, sizeof(*w->files));
    if (w->chan == NULL || w->files == NULL) {
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < cfg->nnotify; i++) {
        const struct mm_notify_conf *nc = &cfg->notify[i];
        struct writer_channel *c = &w->chan[w->nchan];
        if (nc->name == NULL) {
            log_warnx("store: notify channel %zu has no name; ignored", i);
            continue;
        }
        c->name = strdup(nc->name);
        if (c->name == NULL) {
            return MM_ENOMEM;
        }
        c->min_severity = nc->min_severity;
        enum mm_err rrc;
        c->route = mm_notify_route_new(nc, &rrc);
        w->nchan++;
        if (rrc != MM_OK) {
            return rrc;
        }
        c->remote = nc->type != NULL &&
                    (strcmp(nc->type, "smtp") == 0 || strcmp(nc->type, "webhook") == 0);
        if (nc->type != NULL && strcmp(nc->type, "file") == 0) {
            if (nc->path == NULL) {
                log_warnx("notify %s: file channel without a path; alerts stay pending", nc->name);
                continue;
            }
            struct mm_notify_file *f = &w->files[w->nfiles];
            enum mm_err rc = mm_notify_file_init(f, nc->name, nc->path);
            w->nfiles++; /* counted even half-built, so that release sees it */
            if (rc != MM_OK) {
                return rc;
            }
            c->file = f;
        }
    }
    return MM_OK;
}

static enum mm_err read_next_seq(struct mm_store_writer *w)
{
    sqlite3_stmt *s = mm_store_stmt(w->st, MM_STMT_SEQ_MAX);
    if (s == NULL) {
        return MM_EDB;
    }
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        w->next_seq = sqlite3_column_int64(s, 0) + 1;
    }
    sqlite3_reset(s);
    return r == SQLITE_ROW ? MM_OK : mm_store_fail(w->st, "read max(seq)");
}

enum mm_err mm_store_writer_start(struct mm_store_writer **out, struct mm_store *st,
                                  const struct mm_config *cfg)
{
    enum mm_err rc;
    struct mm_store_writer *w = NULL;

    *out = NULL;
    if (st == NULL || st->readonly) {
        log_error("store: the writer needs a read-write database");
        return MM_EINVAL;
    }
    w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return MM_ENOMEM;
    }
    mm_buf_init(&w->json, 0);
    w->batch_max = cfg->batch_max > 0 ? (size_t)cfg->batch_max : WRITER_BATCH_DEFAULT;
    if (w->batch_max > WRITER_QUEUE_CAP) {
        w->batch_max = WRITER_QUEUE_CAP;
    }
    w->batch_ns = (int64_t)(cfg->batch_ms > 0 ? cfg->batch_ms : WRITER_BATCH_MS_DEFAULT) * 1000000;
    w->keep_alerts_ns = cfg->retention_alerts_ns;
    w->keep_rollups_ns = cfg->retention_rollups_ns;
    if (w->keep_alerts_ns > 0 || w->keep_rollups_ns > 0) {
        w->prune_at_ns = mm_store_mono_ns() + WRITER_PRUNE_FIRST_NS;
    }
    for (w->nslots = 2; w->nslots < 2 * w->batch_max; w->nslots *= 2) {
    }
    w->ring = calloc(WRITER_QUEUE_CAP, sizeof(*w->ring));
    w->ring_bytes = calloc(WRITER_QUEUE_CAP, sizeof(*w->ring_bytes));
    w->src = calloc(WRITER_SOURCES_CAP, sizeof(*w->src));
    w->src_batch = calloc(WRITER_SOURCES_CAP, sizeof(*w->src_batch));
    w->batch = calloc(w->batch_max, sizeof(*w->batch));
    w->slots = calloc(w->nslots, sizeof(*w->slots));
    if (w->ring == NULL || w->ring_bytes == NULL || w->src == NULL || w->src_batch == NULL ||
        w->batch == NULL || w->slots == NULL) {
        rc = MM_ENOMEM;
        goto fail;
    }
    rc = setup_channels(w, cfg);
    if (rc != MM_OK) {
        goto fail;
    }
    w->st = st;
    rc = read_next_seq(w);
    if (rc != MM_OK) {
        goto fail;
    }

    int e = pthread_mutex_init(&w->mu, NULL);
    if (e == 0) {
        e = mm_cond_init_mono(&w->wake);
        if (e == 0) {
            e = mm_cond_init_mono(&w->space);
            if (e != 0) {
                pthread_cond_destroy(&w->wake);
            }
        }
        if (e != 0) {
            pthread_mutex_destroy(&w->mu);
        }
    }
    if (e != 0) {
        rc = MM_ENOMEM;
        goto fail;
    }
    w->sync_ready = 1;
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        log_error("store: cannot start the writer thread");
        rc = MM_ENOMEM;
        goto fail;
    }
    w->thread_started = 1;
    *out = w;
    return MM_OK;

fail:
    w->st = NULL; /* still the caller's */
    writer_free(w);
    return rc;
}

static void writer_free(struct mm_store_writer *w)
{
    if (w == NULL) {
        return;
    }
    if (w->sync_ready) {
        pthread_cond_destroy(&w->space);
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->mu);
    }
    for (size_t i = 0; w->ring != NULL && i < w->n; i++) {
        mm_alert_free(w->ring[(w->head + i) % WRITER_QUEUE_CAP]);
    }
    for (size_t i = 0; i < w->nchan; i++) {
        free(w->chan[i].name);
        mm_notify_route_free(w->chan[i].route);
    }
    for (size_t i = 0; i < w->nfiles; i++) {
        mm_notify_file_release(&w->files[i]);
    }
    free(w->chan);
    free(w->files);
    free(w->ring);
    free(w->ring_bytes);
    free(w->src);
    free(w->src_batch);
    free(w->batch);
    free(w->slots);
    for (size_t i = 0; i < w->nstate; i++) {
        mm_state_batch_free(w->state[i]);
    }
    for (size_t i = 0; i < w->nrollup; i++) {
        mm_rollup_batch_free(w->rollup[i]);
    }
    mm_buf_free(&w->json);
    free(w);
}

void mm_store_writer_stop(struct mm_store_writer *w)
{
    if (w == NULL) {
        return;
    }
    if (w->thread_started) {
        pthread_mutex_lock(&w->mu);
        w->stopping = 1;
        pthread_cond_broadcast(&w->wake);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    mm_store_close(w->st);
    w->st = NULL;
    writer_free(w);
}
