/*
 * store_int.h - private to src/store and the outbox consumers in src/notify.
 *
 * A struct mm_store is one SQLite connection.  It is used by one thread at a
 * time (opened with SQLITE_OPEN_NOMUTEX): the writer thread for the read-write
 * store, the CLI for a read-only one.  Statements are prepared on first use
 * and kept until mm_store_close(), so the hot path never parses SQL.
 */
#ifndef MM_STORE_INT_H
#define MM_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "mimamori/err.h"
#include "mimamori/store.h"

/* The statements of sql.h that are prepared once (db.c maps them to SQL). */
enum mm_store_stmt {
    MM_STMT_SEQ_MAX,
    MM_STMT_ALERT_UPSERT,
    MM_STMT_ALERT_JSON,
    MM_STMT_OUTBOX_ADD,
    MM_STMT_SOURCE_UPSERT,
    MM_STMT_COUNTER_SET,
    MM_STMT_OUTBOX_PENDING,
    MM_STMT_OUTBOX_SENT,
    MM_STMT_OUTBOX_FAILED,
    MM_STMT_ALERTS_QUERY,
    MM_STMT_SOURCES_QUERY,
    MM_STMT_COUNTERS_QUERY,
    MM_STMT_ROLLUP_COUNTS_ADD,
    MM_STMT_ROLLUP_TOP_ADD,
    MM_STMT_ROLLUP_LOGIN_ADD,
    MM_STMT_COUNT
};

struct mm_store {
    sqlite3 *db; /* owned */
    char *path;  /* owned copy, for messages */
    int readonly;
    int version;                       /* PRAGMA user_version after open */
    sqlite3_stmt *stmt[MM_STMT_COUNT]; /* prepared on first use, NULL before */
    int corr_snap; /* state.c: a full snapshot in several batches is under way (2: one failed) */
};

/* One named global counter: name in the counters table <-> field of mm_counters. */
struct mm_counter_field {
    const char *name;
    size_t offset; /* offsetof(struct mm_counters, field), a uint64_t */
};
extern const struct mm_counter_field mm_store_counter_fields[];
extern const size_t mm_store_ncounter_fields;

/* db.c */
/* The statement, reset and unbound, ready to bind; NULL on error (logged). Borrowed. */
sqlite3_stmt *mm_store_stmt(struct mm_store *st, enum mm_store_stmt id);
/* Run SQL without results; logs the SQLite message on failure. */
enum mm_err mm_store_exec(struct mm_store *st, const char *sql);
/* Log "what: path: sqlite message" at warning level and return MM_EDB. */
enum mm_err mm_store_fail(struct mm_store *st, const char *what);
/* Wall-clock and monotonic time in nanoseconds. */
int64_t mm_store_now_ns(void);
int64_t mm_store_mono_ns(void);

/* migrate.c */
/* The schema version this build writes and understands. */
int mm_store_migrate_latest(void);
/* Bring a read-write store to the latest version (each step in a transaction). */
enum mm_err mm_store_migrate(struct mm_store *st);

#endif
