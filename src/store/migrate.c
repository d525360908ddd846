/*
 * migrate.c - schema versions, PRAGMA user_version.
 *
 * Each step takes the database from version n-1 to n in one IMMEDIATE
 * transaction that also sets user_version, so a crash or a second process
 * starting at the same time leaves either the old or the new schema, never
 * half of one (the version is read again inside the transaction).  Steps are
 * only ever appended: a released step is never edited.  A database newer than
 * this build is refused rather than touched.
 */
#include "store/store_int.h"

#include <stdio.h>

#include "mimamori/log.h"
#include "store/sql.h"

struct migration {
    int version;     /* user_version after the step */
    const char *sql; /* the step, several statements */
};

static const struct migration steps[] = {
    {1, MIGRATE_V1},
    {2, MIGRATE_V2_NOTIFY},
    {3, MIGRATE_V3_CORR},
    {4, MIGRATE_V4_ROLLUP},
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

int mm_store_migrate_latest(void)
{
    return steps[NSTEPS - 1].version;
}

static int user_version(struct mm_store *st)
{
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, SQL_USER_VERSION_GET, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
    return v;
}

/* Apply one step unless another process already did; the caller holds no transaction. */
static enum mm_err apply(struct mm_store *st, const struct migration *m)
{
    enum mm_err rc = mm_store_exec(st, SQL_BEGIN);
    if (rc != MM_OK) {
        return rc;
    }
    int v = user_version(st);
    if (v < 0) {
        rc = mm_store_fail(st, "cannot read the schema version");
        goto fail;
    }
    if (v >= m->version) {
        return mm_store_exec(st, SQL_COMMIT);
    }
    rc = mm_store_exec(st, m->sql);
    if (rc != MM_OK) {
        goto fail;
    }
    char set[64];
    snprintf(set, sizeof(set), "PRAGMA user_version = %d;", m->version);
    rc = mm_store_exec(st, set);
    if (rc != MM_OK) {
        goto fail;
    }
    rc = mm_store_exec(st, SQL_COMMIT);
    if (rc != MM_OK) {
        goto fail;
    }
    log_info("database %s: schema version %d", st->path, m->version);
    return MM_OK;

fail:
    sqlite3_exec(st->db, SQL_ROLLBACK, NULL, NULL, NULL);
    return rc;
}

enum mm_err mm_store_migrate(struct mm_store *st)
{
    int v = user_version(st);
    if (v < 0) {
        return mm_store_fail(st, "cannot read the schema version");
    }
    if (v > mm_store_migrate_latest()) {
        log_error("database %s: database is from a newer mimamori (schema %d, this build knows "
                  "up to %d)",
                  st->path, v, mm_store_migrate_latest());
        return MM_EDB;
    }
    for (size_t i = 0; i < NSTEPS; i++) {
        if (steps[i].version <= v) {
            continue;
        }
        enum mm_err rc = apply(st, &steps[i]);
        if (rc != MM_OK) {
            return rc;
        }
    }
    return MM_OK;
}
