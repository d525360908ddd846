/*
 * state.c - correlation state in the database (table corr_state, schema
 * version 3).  The rules module's engine hands the pipeline records (rule id,
 * key, blob); the pipeline copies them into a batch, the writer thread
 * applies the batch in its own transaction.  At start the daemon reads every
 * row back before the pipeline runs.  Keys and blobs are opaque here.
 *
 * A batch owns one byte arena and a row array, so building it costs a few
 * reallocations however many rows it holds.  The pipeline hands a large save
 * over in batches of a few hundred KiB (mm_state_batch_set_more), so that a
 * flood's thousands of changed groups never sit in memory at once.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "mimamori/buf.h"
#include "mimamori/log.h"
#include "store/sql.h"

enum row_op { ROW_PUT, ROW_DEL, ROW_CLEAR };

struct row {
    enum row_op op;
    size_t rid, key, blob; /* offsets into the arena */
    size_t ridlen, klen, blen;
    int64_t updated_ns;
};

struct mm_state_batch {
    struct mm_buf arena;
    struct row *rows;
    size_t n, cap;
    int more; /* the save goes on in the next batch */
};

enum { SNAP_NONE, SNAP_GOING, SNAP_BROKEN }; /* st->corr_snap */

enum mm_err mm_state_batch_new(struct mm_state_batch **out)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL) {
        return MM_ENOMEM;
    }
    mm_buf_init(&(*out)->arena, (size_t)1 << 30);
    return MM_OK;
}

void mm_state_batch_free(struct mm_state_batch *b)
{
    if (b == NULL) {
        return;
    }
    mm_buf_free(&b->arena);
    free(b->rows);
    free(b);
}

size_t mm_state_batch_rows(const struct mm_state_batch *b)
{
    return b->n;
}

size_t mm_state_batch_bytes(const struct mm_state_batch *b)
{
    return b->arena.len + b->n * sizeof(struct row);
}

void mm_state_batch_set_more(struct mm_state_batch *b)
{
    b->more = 1;
}

enum mm_err mm_state_batch_add(struct mm_state_batch *b, const char *rule_id, const void *key,
                               size_t klen, const void *blob, size_t blen, int64_t updated_ns)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct row *nr = realloc(b->rows, cap * sizeof(*nr));
        if (nr == NULL) {
            return MM_ENOMEM;
        }
        b->rows = nr;
        b->cap = cap;
    }
    struct row *r = &b->rows[b->n];
    memset(r, 0, sizeof(*r));
    r->op = rule_id == NULL ? ROW_CLEAR : blob == NULL ? ROW_DEL : ROW_PUT;
    r->updated_ns = updated_ns;
    enum mm_err rc = MM_OK;
    if (r->op != ROW_CLEAR) {
        r->rid = b->arena.len;
        r->ridlen = strlen(rule_id);
        rc = mm_buf_append(&b->arena, rule_id, r->ridlen);
        r->key = b->arena.len;
        r->klen = klen;
        rc = rc == MM_OK && klen > 0 ? mm_buf_append(&b->arena, key, klen) : rc;
        r->blob = b->arena.len;
        r->blen = blen;
        rc = rc == MM_OK && blob != NULL && blen > 0 ? mm_buf_append(&b->arena, blob, blen) : rc;
    }
    if (rc == MM_OK) {
        b->n++;
    }
    return rc;
}

static int step_done(struct mm_store *st, sqlite3_stmt *s, const char *what)
{
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (r != SQLITE_DONE) {
        mm_store_fail(st, what);
        return 0;
    }
    return 1;
}

/*
 * A "delete every row" row: at once when the snapshot is in this batch alone,
 * else start remembering the keys written (SQL_CORR_SNAP_*).
 */
static int snap_begin(struct mm_store *st, const struct mm_state_batch *b, int *snap)
{
    *snap = b->more ? SNAP_GOING : SNAP_NONE;
    return mm_store_exec(st, b->more ? SQL_CORR_SNAP_BEGIN : SQL_CORR_CLEAR) == MM_OK;
}

static int put_row(struct mm_store *st, sqlite3_stmt *s, const char *a, const struct row *r)
{
    sqlite3_bind_text(s, 1, a + r->rid, (int)r->ridlen, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, a + r->key, (int)r->klen, SQLITE_STATIC);
    if (r->op == ROW_PUT) {
        sqlite3_bind_blob(s, 3, a + r->blob, (int)r->blen, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, r->updated_ns);
    }
    return step_done(st, s, "correlation state");
}

/* A snapshot's key, remembered so that its last batch keeps the row. */
static int snap_key(struct mm_store *st, sqlite3_stmt **key, const char *a, const struct row *r)
{
    if (*key == NULL && sqlite3_prepare_v2(st->db, SQL_CORR_SNAP_KEY, -1, key, NULL) != SQLITE_OK) {
        mm_store_fail(st, "prepare correlation snapshot");
        return 0;
    }
    sqlite3_bind_text(*key, 1, a + r->rid, (int)r->ridlen, SQLITE_STATIC);
    sqlite3_bind_blob(*key, 2, a + r->key, (int)r->klen, SQLITE_STATIC);
    return step_done(st, *key, "correlation snapshot");
}

static int write_rows(struct mm_store *st, const struct mm_state_batch *b, sqlite3_stmt *put,
                      sqlite3_stmt *del, int *snap)
{
    sqlite3_stmt *key = NULL;
    const char *a = b->arena.p != NULL ? b->arena.p : "";
    int ok = 1;
    for (size_t i = 0; i < b->n && ok; i++) {
        const struct row *r = &b->rows[i];
        if (r->op == ROW_CLEAR) {
            ok = snap_begin(st, b, snap);
            continue;
        }
        ok = put_row(st, r->op == ROW_PUT ? put : del, a, r);
        if (ok && r->op == ROW_PUT && *snap == SNAP_GOING) {
            ok = snap_key(st, &key, a, r);
        }
    }
    if (ok && *snap != SNAP_NONE && !b->more) {
        /* the snapshot's last batch: what it did not write goes (not after a failed piece) */
        ok = *snap == SNAP_BROKEN || mm_store_exec(st, SQL_CORR_SNAP_END) == MM_OK;
        *snap = SNAP_NONE;
    }
    sqlite3_finalize(key);
    return ok;
}

enum mm_err mm_store_state_write(struct mm_store *st, const struct mm_state_batch *b)
{
    sqlite3_stmt *put = NULL, *del = NULL;
    enum mm_err rc = MM_EDB;
    int snap = st->corr_snap;
    if (sqlite3_prepare_v2(st->db, SQL_CORR_UPSERT, -1, &put, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, SQL_CORR_DELETE, -1, &del, NULL) != SQLITE_OK) {
        mm_store_fail(st, "prepare correlation state");
        goto out;
    }
    if (mm_store_exec(st, SQL_BEGIN) != MM_OK) {
        goto out;
    }
    if (!write_rows(st, b, put, del, &snap)) {
        sqlite3_exec(st->db, SQL_ROLLBACK, NULL, NULL, NULL);
        goto out;
    }
    rc = mm_store_exec(st, SQL_COMMIT);
    if (rc != MM_OK) {
        sqlite3_exec(st->db, SQL_ROLLBACK, NULL, NULL, NULL);
    }
out:
    /* a lost piece: the snapshot's end must not delete the rows that piece had */
    st->corr_snap = rc == MM_OK ? snap : (b->more && snap != SNAP_NONE ? SNAP_BROKEN : SNAP_NONE);
    sqlite3_finalize(put);
    sqlite3_finalize(del);
    return rc;
}

enum mm_err mm_store_state_load(struct mm_store *st, mm_store_state_fn fn, void *arg)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, SQL_CORR_LOAD, -1, &s, NULL) != SQLITE_OK) {
        return mm_store_fail(st, "read correlation state");
    }
    enum mm_err rc = MM_OK;
    int r = SQLITE_DONE;
    while (rc == MM_OK && (r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *rid = (const char *)sqlite3_column_text(s, 0);
        const void *key = sqlite3_column_blob(s, 1);
        size_t klen = (size_t)sqlite3_column_bytes(s, 1);
        const void *blob = sqlite3_column_blob(s, 2);
        size_t blen = (size_t)sqlite3_column_bytes(s, 2);
        if (rid == NULL) {
            continue;
        }
        rc = fn(arg, rid, key != NULL ? key : "", klen, blob != NULL ? blob : "", blen,
                sqlite3_column_int64(s, 3));
    }
    if (rc == MM_OK && r != SQLITE_DONE) {
        rc = mm_store_fail(st, "read correlation state");
    }
    sqlite3_finalize(s);
    return rc;
}
