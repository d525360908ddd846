/*
 * Tests for src/store/migrate.c and db.c: a fresh database gets the latest
 * schema, re-opening changes nothing, a newer or foreign database is refused.
 * Real SQLite files in a mkdtemp directory, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimamori/store.h"
#include "store/store_int.h"

struct fx {
    char dir[64];
    char db[PATH_MAX];
};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm-migrate-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    /* one directory level that does not exist yet: the store creates it */
    snprintf(f->db, sizeof(f->db), "%s/lib/mimamori.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* One integer from a query on a plain connection; -1 if none. */
static int64_t sql_int(const char *db, const char *sql)
{
    sqlite3 *c = NULL;
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(c);
    return v;
}

static void sql_exec(const char *db, const char *sql)
{
    sqlite3 *c = NULL;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(c);
}

#define SCHEMA_OBJECTS "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"

static void test_fresh_database(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    assert_int_equal(mm_store_schema_version(st), mm_store_migrate_latest());
    mm_store_close(st);

    assert_int_equal(sql_int(f->db, "PRAGMA user_version"), mm_store_migrate_latest());
    const char *tables[] = {"alerts", "outbox", "sources", "counters", "meta"};
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char q[128];
        snprintf(q, sizeof(q),
                 "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'", tables[i]);
        assert_int_equal(sql_int(f->db, q), 1);
    }
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sqlite_master WHERE type='index' AND "
                                    "name IN ('alerts_seq','alerts_last_seen','alerts_severity')"),
                     3);
    /* WAL is a property of the file: it stays on for every later connection */
    sqlite3 *c = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open(f->db, &c), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    sqlite3_close(c);
}

static void test_reopen_changes_nothing(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    mm_store_close(st);
    int64_t objects = sql_int(f->db, SCHEMA_OBJECTS);
    int64_t schema_cookie = sql_int(f->db, "PRAGMA schema_version");
    sql_exec(f->db, "INSERT INTO meta(key, value) VALUES ('probe', 'x')");

    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    assert_int_equal(mm_store_schema_version(st), mm_store_migrate_latest());
    mm_store_close(st);
    assert_int_equal(sql_int(f->db, "PRAGMA user_version"), mm_store_migrate_latest());
    assert_int_equal(sql_int(f->db, SCHEMA_OBJECTS), objects);
    assert_int_equal(sql_int(f->db, "PRAGMA schema_version"), schema_cookie);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM meta WHERE key = 'probe'"), 1);

    /* and read-only opens it too */
    assert_int_equal(mm_store_open(&st, f->db, 1), MM_OK);
    assert_int_equal(mm_store_schema_version(st), mm_store_migrate_latest());
    mm_store_close(st);
}

static void test_newer_database_refused(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    mm_store_close(st);
    sql_exec(f->db, "PRAGMA user_version = 99");

    st = (struct mm_store *)&st; /* must be reset to NULL on failure */
    assert_int_equal(mm_store_open(&st, f->db, 1), MM_EDB);
    assert_null(st);
    /* the daemon does not touch it either */
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_EDB);
    assert_null(st);
    assert_int_equal(sql_int(f->db, "PRAGMA user_version"), 99);
}

static void test_readonly_needs_file(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 1), MM_ENOTFOUND);
    assert_null(st);
    assert_int_equal(access(f->db, F_OK), -1); /* and did not create it */
}

static void test_readonly_refuses_foreign(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    char other[PATH_MAX];
    snprintf(other, sizeof(other), "%s/other.db", f->dir);
    sql_exec(other, "CREATE TABLE t(x)"); /* a SQLite file, user_version 0 */
    assert_int_equal(mm_store_open(&st, other, 1), MM_EDB);
    assert_null(st);
}

static void test_parent_must_exist(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = NULL;
    char deep[PATH_MAX];
    /* only the last directory is created, like mkdir without -p */
    snprintf(deep, sizeof(deep), "%s/a/b/mimamori.db", f->dir);
    assert_int_not_equal(mm_store_open(&st, deep, 0), MM_OK);
    assert_null(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_needs_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_refuses_foreign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parent_must_exist, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
