/*
 * meta.c - small facts in the `meta` table (who runs the daemon, since when)
 * and the outbox summary, for `mimamori status`.
 *
 * These run a handful of times per process (the daemon at start and at a
 * clean stop, the CLI once), so the statements are prepared per call rather
 * than added to the store's cache of hot statements.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

#include "store/sql.h"

enum mm_err mm_store_meta_set(struct mm_store *st, const char *key, const char *value)
{
    sqlite3_stmt *s = NULL;
    enum mm_err rc = MM_OK;
    if (sqlite3_prepare_v2(st->db, SQL_META_SET, -1, &s, NULL) != SQLITE_OK) {
        return mm_store_fail(st, "prepare meta set");
    }
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = mm_store_fail(st, "meta set");
    }
    sqlite3_finalize(s);
    return rc;
}

enum mm_err mm_store_meta_get(struct mm_store *st, const char *key, char *buf, size_t cap)
{
    sqlite3_stmt *s = NULL;
    enum mm_err rc = MM_ENOTFOUND;
    if (cap > 0) {
        buf[0] = '\0';
    }
    if (sqlite3_prepare_v2(st->db, SQL_META_GET, -1, &s, NULL) != SQLITE_OK) {
        return mm_store_fail(st, "prepare meta get");
    }
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        snprintf(buf, cap, "%s", v != NULL ? v : "");
        rc = MM_OK;
    } else if (r != SQLITE_DONE) {
        rc = mm_store_fail(st, "meta get");
    }
    sqlite3_finalize(s);
    return rc;
}

enum mm_err mm_store_query_outbox(struct mm_store *st, mm_outbox_cb fn, void *arg)
{
    sqlite3_stmt *s = NULL;
    enum mm_err rc = MM_OK;
    if (sqlite3_prepare_v2(st->db, SQL_OUTBOX_SUMMARY, -1, &s, NULL) != SQLITE_OK) {
        return mm_store_fail(st, "prepare outbox summary");
    }
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct mm_outbox_stat o;
        memset(&o, 0, sizeof(o));
        const char *ch = (const char *)sqlite3_column_text(s, 0);
        const char *err = (const char *)sqlite3_column_text(s, 6);
        snprintf(o.channel, sizeof(o.channel), "%s", ch != NULL ? ch : "");
        o.pending = (uint64_t)sqlite3_column_int64(s, 1);
        o.sent = (uint64_t)sqlite3_column_int64(s, 2);
        o.failed = (uint64_t)sqlite3_column_int64(s, 3);
        o.oldest_pending_ns = sqlite3_column_int64(s, 4);
        o.last_sent_ns = sqlite3_column_int64(s, 5);
        snprintf(o.last_error, sizeof(o.last_error), "%s", err != NULL ? err : "");
        if (fn(arg, &o) != 0) {
            break;
        }
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = mm_store_fail(st, "outbox summary");
    }
    sqlite3_finalize(s);
    return rc;
}
