/*
 * outbox.c - the outbox as the notify sender sees it (src/notify/sender.c),
 * and `notify status`.
 *
 * The sender has its own read-write connection: the store writer keeps
 * inserting rows while the sender updates the state of the rows it
 * delivered.  Each update is one short transaction on rows only the sender
 * changes (smtp/webhook channels; the writer updates only file channels'),
 * so the two never disagree, and WAL plus busy_timeout serialises the
 * commits.  Statements are prepared once and kept.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "mimamori/log.h"
#include "mimamori/notify.h"
#include "notify/notify_int.h"
#include "store/sql.h"

enum { OB_PENDING, OB_BATCH, OB_SENT, OB_RETRY, OB_FAILED, OB_LAST_SENT, OB_WAITING, OB_COUNT };

static const char *const ob_sql[OB_COUNT] = {SQL_SENDER_PENDING, SQL_SENDER_BATCH,
                                             SQL_SENDER_SENT,    SQL_SENDER_RETRY,
                                             SQL_SENDER_FAILED,  SQL_SENDER_LAST_SENT,
                                             SQL_SENDER_WAITING};

struct mm_outbox {
    struct mm_store *st; /* owned */
    sqlite3_stmt *s[OB_COUNT];
};

enum mm_err mm_outbox_open(struct mm_outbox **out, const char *db_path)
{
    *out = NULL;
    struct mm_outbox *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        return MM_ENOMEM;
    }
    enum mm_err rc = mm_store_open(&o->st, db_path, 0);
    for (int i = 0; i < OB_COUNT && rc == MM_OK; i++) {
        if (sqlite3_prepare_v3(o->st->db, ob_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &o->s[i],
                               NULL) != SQLITE_OK) {
            rc = mm_store_fail(o->st, "outbox: prepare");
        }
    }
    if (rc != MM_OK) {
        mm_outbox_close(o);
        return rc;
    }
    *out = o;
    return MM_OK;
}

void mm_outbox_close(struct mm_outbox *o)
{
    if (o == NULL) {
        return;
    }
    for (int i = 0; i < OB_COUNT; i++) {
        sqlite3_finalize(o->s[i]);
    }
    mm_store_close(o->st);
    free(o);
}

void mm_outbox_rows_free(struct mm_outbox_row *rows, size_t n)
{
    for (size_t i = 0; rows != NULL && i < n; i++) {
        free(rows[i].json);
    }
    free(rows);
}

enum mm_err mm_outbox_pending(struct mm_outbox *o, const char *channel, size_t limit,
                              struct mm_outbox_row **rows, size_t *n)
{
    enum mm_err rc = MM_OK;
    sqlite3_stmt *s = o->s[OB_PENDING];
    *rows = NULL;
    *n = 0;
    struct mm_outbox_row *r = calloc(limit ? limit : 1, sizeof(*r));
    if (r == NULL) {
        return MM_ENOMEM;
    }
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (int64_t)limit);
    size_t k = 0;
    int step;
    while (k < limit && (step = sqlite3_step(s)) == SQLITE_ROW) {
        r[k].id = sqlite3_column_int64(s, 0);
        r[k].alert_id = sqlite3_column_int64(s, 1);
        r[k].batch_id = sqlite3_column_int64(s, 2);
        r[k].attempts = sqlite3_column_int(s, 3);
        const char *j = (const char *)sqlite3_column_text(s, 4);
        r[k].len = (size_t)sqlite3_column_bytes(s, 4);
        r[k].json = j ? strndup(j, r[k].len) : strdup("{}");
        if (r[k].json == NULL) {
            rc = MM_ENOMEM;
            break;
        }
        if (j == NULL) {
            r[k].len = 2;
        }
        k++;
    }
    if (rc == MM_OK && k < limit && step != SQLITE_DONE) {
        rc = mm_store_fail(o->st, "outbox: read pending");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != MM_OK) {
        mm_outbox_rows_free(r, k + (rc == MM_ENOMEM));
        return rc;
    }
    *rows = r;
    *n = k;
    return MM_OK;
}

static enum mm_err step_each(struct mm_outbox *o, sqlite3_stmt *s, const char *what)
{
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return r == SQLITE_DONE ? MM_OK : mm_store_fail(o->st, what);
}

enum mm_err mm_outbox_set_batch(struct mm_outbox *o, const struct mm_outbox_row *rows, size_t n,
                                int64_t batch_id, const char *key)
{
    enum mm_err rc = mm_store_exec(o->st, SQL_BEGIN);
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        sqlite3_stmt *s = o->s[OB_BATCH];
        sqlite3_bind_int64(s, 1, rows[i].id);
        sqlite3_bind_int64(s, 2, batch_id);
        sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
        rc = step_each(o, s, "outbox: form digest");
    }
    if (rc == MM_OK) {
        rc = mm_store_exec(o->st, SQL_COMMIT);
    }
    if (rc != MM_OK) {
        sqlite3_exec(o->st->db, SQL_ROLLBACK, NULL, NULL, NULL);
    }
    return rc;
}

enum mm_err mm_outbox_record(struct mm_outbox *o, const char *channel,
                             const struct mm_outbox_row *rows, size_t n, enum mm_send outcome,
                             const char *key, const char *why, int64_t now_ns, int64_t next_try_ns)
{
    enum mm_err rc = mm_store_exec(o->st, SQL_BEGIN);
    if (rc == MM_OK && outcome == MM_SEND_RETRY) {
        /* the whole channel waits: say so on every pending row, for `notify status` */
        sqlite3_stmt *s = o->s[OB_WAITING];
        sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, why, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, next_try_ns);
        rc = step_each(o, s, "outbox: record back-off");
    }
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        sqlite3_stmt *s;
        switch (outcome) {
        case MM_SEND_OK:
            s = o->s[OB_SENT];
            sqlite3_bind_int64(s, 4, now_ns);
            break;
        case MM_SEND_RETRY:
            s = o->s[OB_RETRY];
            sqlite3_bind_int64(s, 4, next_try_ns);
            break;
        default:
            s = o->s[OB_FAILED];
            break;
        }
        sqlite3_bind_int64(s, 1, rows[i].id);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, why, -1, SQLITE_STATIC);
        rc = step_each(o, s, "outbox: record delivery");
    }
    if (rc == MM_OK) {
        rc = mm_store_exec(o->st, SQL_COMMIT);
    }
    if (rc != MM_OK) {
        sqlite3_exec(o->st->db, SQL_ROLLBACK, NULL, NULL, NULL);
    }
    return rc;
}

int64_t mm_outbox_last_sent(struct mm_outbox *o, const char *channel)
{
    sqlite3_stmt *s = o->s[OB_LAST_SENT];
    int64_t v = 0;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return v;
}

enum mm_err mm_notify_status(struct mm_store *st, mm_notify_status_cb fn, void *arg)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, SQL_OUTBOX_STATUS, -1, &s, NULL) != SQLITE_OK) {
        return mm_store_fail(st, "outbox status");
    }
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        struct mm_notify_state_count c;
        memset(&c, 0, sizeof(c));
        c.channel = (const char *)sqlite3_column_text(s, 0);
        c.state = (const char *)sqlite3_column_text(s, 1);
        c.count = sqlite3_column_int64(s, 2);
        c.last_sent_ns = sqlite3_column_int64(s, 3);
        c.next_try_ns = sqlite3_column_int64(s, 4);
        c.last_error = (const char *)sqlite3_column_text(s, 5);
        if (c.channel == NULL || c.state == NULL) {
            continue;
        }
        if (fn(arg, &c) != 0) {
            break;
        }
    }
    enum mm_err rc = (r == SQLITE_ROW || r == SQLITE_DONE) ? MM_OK : mm_store_fail(st, "outbox status");
    sqlite3_finalize(s);
    return rc;
}
