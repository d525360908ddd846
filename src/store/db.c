/*
 * db.c - opening the database: directory, connection flags, pragmas, schema
 * version check; and the prepared-statement cache shared by the store files.
 *
 * Read-write: WAL (readers never block the writer, the writer never blocks
 * readers), synchronous=NORMAL (a commit is durable once the WAL is synced at
 * checkpoint; a power cut loses at most the last transactions, never corrupts),
 * foreign keys on, then migrations.  Read-only: the file must already exist
 * and carry a schema version this build understands.
 */
#include "store/store_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/log.h"
#include "store/sql.h"

#define DB_BUSY_TIMEOUT_MS 5000

static const char *const stmt_sql[MM_STMT_COUNT] = {
    [MM_STMT_SEQ_MAX] = SQL_SEQ_MAX,
    [MM_STMT_ALERT_UPSERT] = SQL_ALERT_UPSERT,
    [MM_STMT_ALERT_JSON] = SQL_ALERT_JSON,
    [MM_STMT_OUTBOX_ADD] = SQL_OUTBOX_ADD,
    [MM_STMT_SOURCE_UPSERT] = SQL_SOURCE_UPSERT,
    [MM_STMT_COUNTER_SET] = SQL_COUNTER_SET,
    [MM_STMT_OUTBOX_PENDING] = SQL_OUTBOX_PENDING,
    [MM_STMT_OUTBOX_SENT] = SQL_OUTBOX_SENT,
    [MM_STMT_OUTBOX_FAILED] = SQL_OUTBOX_FAILED,
    [MM_STMT_ALERTS_QUERY] = SQL_ALERTS_QUERY,
    [MM_STMT_SOURCES_QUERY] = SQL_SOURCES_QUERY,
    [MM_STMT_COUNTERS_QUERY] = SQL_COUNTERS_QUERY,
    [MM_STMT_ROLLUP_COUNTS_ADD] = SQL_ROLLUP_COUNTS_ADD,
    [MM_STMT_ROLLUP_TOP_ADD] = SQL_ROLLUP_TOP_ADD,
    [MM_STMT_ROLLUP_LOGIN_ADD] = SQL_ROLLUP_LOGIN_ADD,
};

#define COUNTER_FIELD(f)                                                                           \
    {                                                                                              \
#f, offsetof(struct mm_counters, f)                                                        \
    }
const struct mm_counter_field mm_store_counter_fields[] = {
    COUNTER_FIELD(received),      COUNTER_FIELD(parsed),         COUNTER_FIELD(unparsed),
    COUNTER_FIELD(malformed),     COUNTER_FIELD(matched),        COUNTER_FIELD(alerts),
    COUNTER_FIELD(dropped_queue), COUNTER_FIELD(dropped_denied), COUNTER_FIELD(truncated),
    COUNTER_FIELD(evicted),       COUNTER_FIELD(queue_depth),
};
const size_t mm_store_ncounter_fields =
    sizeof(mm_store_counter_fields) / sizeof(mm_store_counter_fields[0]);

int64_t mm_store_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mm_store_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

enum mm_err mm_store_fail(struct mm_store *st, const char *what)
{
    log_warnx("database %s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
    return MM_EDB;
}

enum mm_err mm_store_exec(struct mm_store *st, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_warnx("database %s: %s", st->path, msg != NULL ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return MM_EDB;
    }
    return MM_OK;
}

sqlite3_stmt *mm_store_stmt(struct mm_store *st, enum mm_store_stmt id)
{
    sqlite3_stmt *s = st->stmt[id];
    if (s != NULL) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
        SQLITE_OK) {
        mm_store_fail(st, "prepare");
        return NULL;
    }
    st->stmt[id] = s;
    return s;
}

/* The single integer a PRAGMA returns; -1 on error. */
static int pragma_int(struct mm_store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
    return v;
}

/*
 * Create the directory that will hold path if it is missing (the last
 * component only: /var/lib/mimamori under an existing /var/lib).
 */
static enum mm_err make_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash == path) {
        return MM_OK; /* current directory or / */
    }
    size_t n = (size_t)(slash - path);
    char dir[PATH_MAX];
    if (n >= sizeof(dir)) {
        log_error("database %s: path too long", path);
        return MM_EINVAL;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (mkdir(dir, 0750) == 0) {
        log_info("created directory %s", dir);
        return MM_OK;
    }
    if (errno == EEXIST) {
        return MM_OK;
    }
    log_warn("database %s: cannot create directory %s", path, dir);
    return MM_EIO;
}

/* Read-write connections: WAL, pragmas, migrations. */
static enum mm_err setup_rw(struct mm_store *st)
{
    enum mm_err rc;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, SQL_PRAGMA_WAL, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return mm_store_fail(st, "cannot set WAL mode");
    }
    const char *mode = (const char *)sqlite3_column_text(s, 0);
    if (mode == NULL || strcmp(mode, "wal") != 0) {
        /* e.g. a file system without shared memory: works, but readers block the writer */
        log_warnx("database %s: journal mode is %s, not wal", st->path, mode ? mode : "?");
    }
    sqlite3_finalize(s);
    rc = mm_store_exec(st, SQL_PRAGMA_SYNC SQL_PRAGMA_FK SQL_PRAGMA_TUNE_RW);
    if (rc != MM_OK) {
        return rc;
    }
    return mm_store_migrate(st);
}

/* Read-only connections: refuse what we cannot read. */
static enum mm_err check_ro(struct mm_store *st)
{
    if (st->version < 0) {
        return mm_store_fail(st, "cannot read the schema version");
    }
    if (st->version == 0) {
        log_error("database %s: not a mimamori database (no schema; start `mimamori run` once)",
                  st->path);
        return MM_EDB;
    }
    if (st->version > mm_store_migrate_latest()) {
        log_error("database %s: database is from a newer mimamori (schema %d, this build knows "
                  "up to %d)",
                  st->path, st->version, mm_store_migrate_latest());
        return MM_EDB;
    }
    return MM_OK;
}

enum mm_err mm_store_open(struct mm_store **out, const char *path, int readonly)
{
    enum mm_err rc;
    struct mm_store *st = NULL;
    int flags = SQLITE_OPEN_NOMUTEX; /* one thread per connection */

    *out = NULL;
    if (path == NULL || path[0] == '\0') {
        log_error("database: no path configured");
        return MM_EINVAL;
    }
    st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return MM_ENOMEM;
    }
    st->readonly = readonly;
    st->version = -1;
    st->path = strdup(path);
    if (st->path == NULL) {
        rc = MM_ENOMEM;
        goto fail;
    }
    if (readonly) {
        struct stat sb;
        if (stat(path, &sb) != 0) {
            log_error("database %s does not exist: %s (has `mimamori run` been started?)", path,
                      strerror(errno));
            rc = MM_ENOTFOUND;
            goto fail;
        }
        flags |= SQLITE_OPEN_READONLY;
    } else {
        rc = make_parent(path);
        if (rc != MM_OK) {
            goto fail;
        }
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    }
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        if (st->db == NULL) {
            rc = MM_ENOMEM;
            goto fail;
        }
        rc = mm_store_fail(st, "cannot open");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, DB_BUSY_TIMEOUT_MS);

    rc = readonly ? MM_OK : setup_rw(st);
    if (rc != MM_OK) {
        goto fail;
    }
    st->version = pragma_int(st, SQL_USER_VERSION_GET);
    if (readonly) {
        rc = check_ro(st);
        if (rc != MM_OK) {
            goto fail;
        }
    }
    *out = st;
    return MM_OK;

fail:
    mm_store_close(st);
    return rc;
}

void mm_store_close(struct mm_store *st)
{
    if (st == NULL) {
        return;
    }
    for (size_t i = 0; i < MM_STMT_COUNT; i++) {
        sqlite3_finalize(st->stmt[i]);
    }
    if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK) {
        log_warnx("database %s: close: %s", st->path, sqlite3_errmsg(st->db));
    }
    free(st->path);
    free(st);
}

int mm_store_schema_version(struct mm_store *st)
{
    return st->version;
}
