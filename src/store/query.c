/*
 * query.c - reading the database for the CLI (`alerts`, `status`).
 *
 * Meant for a read-only store opened by mm_store_open(..., 1): in WAL mode a
 * reader sees the last committed state and neither waits for nor delays the
 * writer.  Each call is one statement, hence one consistent snapshot, and the
 * statement is reset before return so no read transaction outlives the call.
 * Strings handed to callbacks are borrowed from SQLite, valid during the call.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include "mimamori/log.h"

enum mm_err mm_store_query_alerts(struct mm_store *st, const struct mm_alert_query *q,
                                  mm_alert_cb fn, void *arg, int64_t *last_seq)
{
    enum mm_err rc = MM_OK;
    int64_t last = q->after_seq;
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_ALERTS_QUERY);
    if (s == NULL) {
        return MM_EDB;
    }
    sqlite3_bind_int64(s, 1, q->since_ns);
    sqlite3_bind_int(s, 2, q->min_severity);
    sqlite3_bind_int64(s, 3, q->after_seq);
    /* LIMIT -1 is no limit; a huge size_t is no limit too */
    sqlite3_bind_int64(s, 4,
                       (q->limit == 0 || q->limit > (size_t)INT64_MAX) ? -1 : (int64_t)q->limit);
    sqlite3_bind_int64(s, 5, q->until_ns);
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct mm_alert a;
        memset(&a, 0, sizeof(a));
        int64_t seq = sqlite3_column_int64(s, 0);
        a.id = (uint64_t)sqlite3_column_int64(s, 1);
        a.is_update = 0;
        /* the callback gets a const alert: casting the borrowed text is safe */
        a.rule_id = (char *)sqlite3_column_text(s, 2);
        a.rule_title = (char *)sqlite3_column_text(s, 3);
        a.severity = (enum mm_severity)sqlite3_column_int(s, 4);
        a.count = (uint64_t)sqlite3_column_int64(s, 5);
        a.first_seen_ns = sqlite3_column_int64(s, 6);
        a.last_seen_ns = sqlite3_column_int64(s, 7);
        a.ts_ns = sqlite3_column_int64(s, 8);
        a.recv_ns = sqlite3_column_int64(s, 9);
        a.group_key = (char *)sqlite3_column_text(s, 10);
        const char *json = (const char *)sqlite3_column_text(s, 11);
        last = seq;
        if (fn(arg, seq, &a, json != NULL ? json : "{}") != 0) {
            break;
        }
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = mm_store_fail(st, "query alerts");
    }
    sqlite3_reset(s);
    if (last_seq != NULL) {
        *last_seq = last;
    }
    return rc;
}

/* Copy SQLite text into a fixed field, cut to fit. */
static void copy_text(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
    const char *t = (const char *)sqlite3_column_text(s, col);
    snprintf(dst, cap, "%s", t != NULL ? t : "");
}

enum mm_err mm_store_query_sources(struct mm_store *st, mm_source_cb fn, void *arg)
{
    enum mm_err rc = MM_OK;
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_SOURCES_QUERY);
    if (s == NULL) {
        return MM_EDB;
    }
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct mm_source_delta d;
        memset(&d, 0, sizeof(d));
        copy_text(d.source, sizeof(d.source), s, 0);
        copy_text(d.hostname, sizeof(d.hostname), s, 1);
        copy_text(d.parser, sizeof(d.parser), s, 2);
        d.first_ns = sqlite3_column_int64(s, 3);
        d.last_ns = sqlite3_column_int64(s, 4);
        d.received = (uint64_t)sqlite3_column_int64(s, 5);
        d.parsed = (uint64_t)sqlite3_column_int64(s, 6);
        d.unparsed = (uint64_t)sqlite3_column_int64(s, 7);
        d.malformed = (uint64_t)sqlite3_column_int64(s, 8);
        if (fn(arg, &d) != 0) {
            break;
        }
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = mm_store_fail(st, "query sources");
    }
    sqlite3_reset(s);
    return rc;
}

enum mm_err mm_store_query_counters(struct mm_store *st, struct mm_counters *out,
                                    int64_t *updated_ns)
{
    enum mm_err rc = MM_OK;
    int64_t updated = 0;
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_COUNTERS_QUERY);
    if (s == NULL) {
        return MM_EDB;
    }
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (name == NULL) {
            continue;
        }
        for (size_t i = 0; i < mm_store_ncounter_fields; i++) {
            const struct mm_counter_field *f = &mm_store_counter_fields[i];
            if (strcmp(f->name, name) == 0) {
                uint64_t v = (uint64_t)sqlite3_column_int64(s, 1);
                memcpy((char *)out + f->offset, &v, sizeof(v));
                break;
            }
        }
        int64_t u = sqlite3_column_int64(s, 2);
        updated = u > updated ? u : updated;
    }
    if (r != SQLITE_DONE) {
        rc = mm_store_fail(st, "query counters");
    }
    sqlite3_reset(s);
    if (updated_ns != NULL) {
        *updated_ns = updated;
    }
    return rc;
}
