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
/* Alerts committed so far (for tests and status). */
uint64_t mm_store_writer_committed(struct mm_store_writer *w);

/* query.c - for the CLI */
struct mm_alert_query {
    int64_t since_ns;      /* 0 = no lower bound (on last_seen) */
    int min_severity;      /* enum mm_severity */
    int64_t after_seq;     /* only rows changed after this sequence number (for --follow) */
    size_t limit;          /* 0 = no limit: the newest `limit` rows otherwise */
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

#endif
