/*
 * store.h - the SQLite database: alerts with evidence, the notification
 * outbox, per-source health and counters.
 *
 * WAL mode.  One writer thread owns the write connection and commits in
 * batches (by count or every few milliseconds); readers (the CLI) open their
 * own read-only connection and never block it.  The schema is versioned with
 * PRAGMA user_version and migrated forward on open.
 *
 * Delivery: each committed alert gets one outbox row per notify channel in
 * the same transaction, so an alert that is in the database is never lost to
 * a channel.  This version delivers `file` channels (one JSON line per alert)
 * right after the commit and marks the rows sent.
 */
#ifndef MIMAMORI_STORE_H
#define MIMAMORI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "mimamori/alert.h"
#include "mimamori/config.h"
#include "mimamori/err.h"

struct mm_store;
struct mm_store_writer;
struct mm_state_batch;

/* Counters the pipeline adds to per source (by peer address or file name). */
struct mm_source_delta {
    char source[64];   /* peer address text */
    char hostname[64]; /* last syslog hostname seen, may be "" */
    char parser[24];   /* last parser that took its lines */
    int64_t first_ns, last_ns;
    uint64_t received, parsed, unparsed, malformed;
};

/* Global counters (totals since start, replaced on each write). */
struct mm_counters {
    uint64_t received, parsed, unparsed, malformed, matched, alerts;
    uint64_t dropped_queue, dropped_denied, truncated, evicted;
    uint64_t queue_depth; /* a gauge, not a total: messages waiting in the ingest queue */
};

/* db.c / migrate.c */
/* readonly: for the CLI; the file must exist.  rw: created and migrated. */
enum mm_err mm_store_open(struct mm_store **out, const char *path, int readonly);
void mm_store_close(struct mm_store *st);
int mm_store_schema_version(struct mm_store *st);

/* writer.c */
/*
 * Start the writer thread over a read-write store (which it then owns until
 * stop; on failure it stays the caller's).  cfg is borrowed for the call
 * only: the channels (cfg->notify: outbox rows for each, file channels
 * delivered), batch_max and batch_ms are copied.
 */
enum mm_err mm_store_writer_start(struct mm_store_writer **out, struct mm_store *st,
                                  const struct mm_config *cfg);
/* Hand an alert to the writer (takes ownership).  Blocks while the queue is full: alerts are never dropped. */
void mm_store_writer_put_alert(struct mm_store_writer *w, struct mm_alert *a);
/* Merge per-source counters (copied). */
void mm_store_writer_put_sources(struct mm_store_writer *w, const struct mm_source_delta *d,
                                 size_t n);
void mm_store_writer_put_counters(struct mm_store_writer *w, const struct mm_counters *c);
/* Commit everything queued, stop the thread, close the store.  Accepts NULL. */
void mm_store_writer_stop(struct mm_store_writer *w);
/*
 * Call fn(arg) on the writer thread, with the writer's lock held, after each
 * commit that added outbox rows for smtp/webhook channels (the notify
 * sender's kick: it must only set a flag).  fn NULL: nobody is told.
 */
void mm_store_writer_on_outbox(struct mm_store_writer *w, void (*fn)(void *), void *arg);
/* Alerts committed so far (for tests and status). */
uint64_t mm_store_writer_committed(struct mm_store_writer *w);
/*
 * Hand a batch of correlation state rows to the writer (takes ownership).
 * Blocks only while 16 batches wait; the writer writes each batch in its own
 * transaction, in the order given, after the alerts it took before it.
 */
void mm_store_writer_put_state(struct mm_store_writer *w, struct mm_state_batch *b);

/* state.c - correlation state rows; key and blob are the engine's, opaque here */
struct mm_state_batch;
enum mm_err mm_state_batch_new(struct mm_state_batch **out);
void mm_state_batch_free(struct mm_state_batch *b); /* accepts NULL */
/*
 * Add a row (copied).  rule_id NULL: delete every row first (a full snapshot
 * follows); blob NULL: delete this row; else insert or replace it.
 */
enum mm_err mm_state_batch_add(struct mm_state_batch *b, const char *rule_id, const void *key,
                               size_t klen, const void *blob, size_t blen, int64_t updated_ns);
size_t mm_state_batch_rows(const struct mm_state_batch *b);
size_t mm_state_batch_bytes(const struct mm_state_batch *b); /* keys and blobs held */
/*
 * The save goes on in the next batch, so that a large one is handed over in
 * pieces.  A full snapshot in pieces keeps the old rows until its last piece
 * (the first batch without "more"): then the rows it did not write go, so a
 * crash in between leaves old and new rows, never a half-empty table.
 */
void mm_state_batch_set_more(struct mm_state_batch *b);
/* Apply a batch in one transaction (the writer thread; tests). */
enum mm_err mm_store_state_write(struct mm_store *st, const struct mm_state_batch *b);
/* Call fn for every saved row (at start, before the writer runs); fn's error stops the walk. */
typedef enum mm_err (*mm_store_state_fn)(void *arg, const char *rule_id, const void *key,
                                         size_t klen, const void *blob, size_t blen,
                                         int64_t updated_ns);
enum mm_err mm_store_state_load(struct mm_store *st, mm_store_state_fn fn, void *arg);

/* query.c - for the CLI */
struct mm_alert_query {
    int64_t since_ns;      /* 0 = no lower bound (on last_seen) */
    int min_severity;      /* enum mm_severity */
    int64_t after_seq;     /* only rows changed after this sequence number (for --follow) */
    size_t limit;          /* 0 = no limit: the newest `limit` rows otherwise */
    int64_t until_ns;      /* 0 = no upper bound; else only incidents with first_seen < until */
};
/*
 * Call fn for each matching alert, oldest first.  seq is a monotonic change
 * number (an update of an incident gets a new one, so --follow sees it).
 */
typedef int (*mm_alert_cb)(void *arg, int64_t seq, const struct mm_alert *a, const char *json);
/*
 * fn returns non-zero to stop.  The alert has id, rule_id, rule_title,
 * severity, count, ts/first/last_seen, recv and group_key (borrowed, valid
 * during the call); the other members are NULL/0: json has everything.
 * last_seq (may be NULL): the seq of the last row passed to fn, or
 * q->after_seq when there was none.
 */
enum mm_err mm_store_query_alerts(struct mm_store *st, const struct mm_alert_query *q,
                                  mm_alert_cb fn, void *arg, int64_t *last_seq);
/*
 * Per-source totals, by source name.  The row reuses struct mm_source_delta:
 * first_ns/last_ns are first/last seen, the counters are totals.  fn returns
 * non-zero to stop.
 */
typedef int (*mm_source_cb)(void *arg, const struct mm_source_delta *s);
enum mm_err mm_store_query_sources(struct mm_store *st, mm_source_cb fn, void *arg);
/* The last counters written (all 0 if none); updated_ns (may be NULL): when, 0 if never. */
enum mm_err mm_store_query_counters(struct mm_store *st, struct mm_counters *out,
                                    int64_t *updated_ns);

/* meta.c - facts about the running daemon in the `meta` table, and the outbox summary */
/* Well-known meta keys: written by `mimamori run` at start and at a clean stop. */
#define MM_META_DAEMON_PID "daemon.pid"
#define MM_META_DAEMON_STARTED "daemon.started_ns"
#define MM_META_DAEMON_STOPPED "daemon.stopped_ns"
/* Insert or replace one key (read-write store; not while a writer thread owns it). */
enum mm_err mm_store_meta_set(struct mm_store *st, const char *key, const char *value);
/* Copy the value into buf (cut to fit, NUL-terminated); MM_ENOTFOUND when absent. */
enum mm_err mm_store_meta_get(struct mm_store *st, const char *key, char *buf, size_t cap);
/* Outbox rows per channel, for `mimamori status`. */
struct mm_outbox_stat {
    char channel[64];
    uint64_t pending, sent, failed;
    int64_t oldest_pending_ns; /* created_ns of the oldest pending row, 0 if none */
    int64_t last_sent_ns;      /* 0 if none */
    char last_error[200];      /* of the newest row that has one ("" if none) */
};
typedef int (*mm_outbox_cb)(void *arg, const struct mm_outbox_stat *s);
enum mm_err mm_store_query_outbox(struct mm_store *st, mm_outbox_cb fn, void *arg);

/*
 * rollup.c - hourly roll-ups for the report (docs/database.md "Roll-ups").
 *
 * The pipeline thread owns a struct mm_rollup and counts every event into it
 * (mm_rollup_event: the hour of the event's own time, its source, category,
 * type, outcome and action; the top talkers of the hour; VPN and
 * administration sign-ins).  Every minute, at stop, and when many rows wait,
 * it takes the deltas as a batch (mm_rollup_take) and hands the batch to the
 * writer (mm_store_writer_put_rollup), which adds them to the roll-up tables
 * in a transaction of their own.  Memory is bounded: at most
 * MM_ROLLUP_HOURS hours are kept at once (the least recently used is handed
 * over and forgotten), and each hour has caps per table; what does not fit
 * is counted in an "(other)" row.
 */
struct mm_rollup;
struct mm_rollup_batch;
struct mm_event;

#define MM_ROLLUP_HOURS 4         /* hours aggregated at once */
#define MM_ROLLUP_CAP_COUNTS 2048 /* (source, category, type, outcome, action) rows per hour */
#define MM_ROLLUP_CAP_TOP 100     /* values per kind of top talker per hour */
#define MM_ROLLUP_CAP_LOGIN 200   /* sign-in rows per hour */
#define MM_ROLLUP_OTHER "(other)" /* the value that takes what is over a cap */

struct mm_rollup_stats {
    uint64_t events;  /* events counted */
    uint64_t other;   /* counted into an "(other)" row because a cap was reached */
    uint64_t dropped; /* not counted at all (an hour's table was completely full) */
    uint64_t evicted; /* hours handed over early because more than MM_ROLLUP_HOURS were busy */
};

enum mm_err mm_rollup_new(struct mm_rollup **out);
void mm_rollup_free(struct mm_rollup *r); /* accepts NULL */
/* Count one parsed event; source (borrowed) names the device: the sources table's key. */
void mm_rollup_event(struct mm_rollup *r, const struct mm_event *ev, const char *source);
/* Rows changed since the last take (a take is due when this grows large). */
size_t mm_rollup_pending(const struct mm_rollup *r);
/* The changes since the last take (owned by the caller); NULL when none or out of memory. */
struct mm_rollup_batch *mm_rollup_take(struct mm_rollup *r);
void mm_rollup_get_stats(const struct mm_rollup *r, struct mm_rollup_stats *out);
void mm_rollup_batch_free(struct mm_rollup_batch *b); /* accepts NULL */
size_t mm_rollup_batch_rows(const struct mm_rollup_batch *b);
/* Add a batch to the roll-up tables in one transaction (the writer thread; tests). */
enum mm_err mm_store_rollup_write(struct mm_store *st, const struct mm_rollup_batch *b);
/*
 * Hand a batch to the writer (takes ownership); blocks only while
 * 16 batches wait.  Written in its own transaction.
 */
void mm_store_writer_put_rollup(struct mm_store_writer *w, struct mm_rollup_batch *b);

/*
 * Retention: delete alerts whose last event is older than alerts_before
 * (their outbox rows go with them) and roll-up hours before rollups_before
 * (0 = keep), in small transactions, at most max_batches of them.  *more
 * (may be NULL) is set when something is left for the next run.
 */
struct mm_prune_stats {
    uint64_t alerts, rollup_rows;
};
enum mm_err mm_store_prune(struct mm_store *st, int64_t alerts_before_ns, int64_t rollups_before_ns,
                           unsigned max_batches, struct mm_prune_stats *out, int *more);

/* The report's reads (named statements of sql.h); [since, until) in ns. */
enum mm_report_query {
    MM_RQ_HOURS,      /* hour_ns, source, events, denied, allowed */
    MM_RQ_TOP,        /* kind, value, country, events, hours, distinct values of the kind */
    MM_RQ_COUNTRIES,  /* country, events, addresses */
    MM_RQ_TOP_TOTALS, /* kind, distinct values, events */
    MM_RQ_LOGINS,     /* kind, user, from, country, outcome, count, first, last, addresses, ip */
    MM_RQ_ALERTS,     /* rule_id, title, severity, count, first, last, group_key, description */
    MM_RQ_SOURCES     /* source, hostname, first_seen, last_seen (all sources) */
};
#define MM_RQ_MAXCOL 10
/*
 * One call per row: num[i] is column i as an integer, txt[i] as text ("" for
 * NULL; borrowed for the call).  fn returns non-zero to stop.
 */
typedef int (*mm_report_row_cb)(void *arg, int ncol, const int64_t *num, const char *const *txt);
enum mm_err mm_store_report_rows(struct mm_store *st, enum mm_report_query q, int64_t since_ns,
                                 int64_t until_ns, mm_report_row_cb fn, void *arg);

#endif
