/*
 * Tests for src/notify/file.c driven by the store writer: each alert becomes
 * exactly one JSON line per file channel, honouring min_severity; a channel
 * that cannot be written keeps its rows pending, and they are delivered once
 * by a later writer (restart) or by a retry of the running one.
 * Real SQLite files and output files in a mkdtemp directory, removed afterwards.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/alert.h"
#include "mimamori/config.h"
#include "mimamori/store.h"

#define MAX_LINES 256

struct fx {
    char dir[64];
    char db[PATH_MAX];
    char outdir[128];
    char out[PATH_MAX];
    struct mm_config *cfg;
    struct mm_notify_conf ch[2];
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
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm-outbox-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/mimamori.db", f->dir);
    snprintf(f->outdir, sizeof(f->outdir), "%s/out", f->dir);
    snprintf(f->out, sizeof(f->out), "%s/alerts.jsonl", f->outdir);
    f->cfg = calloc(1, sizeof(*f->cfg));
    assert_non_null(f->cfg);
    f->cfg->database = f->db;
    f->cfg->batch_max = 100;
    f->cfg->batch_ms = 10;
    f->ch[0] = (struct mm_notify_conf){
        .name = "jsonl", .type = "file", .path = f->out, .min_severity = MM_SEV_INFORMATIONAL};
    f->cfg->notify = f->ch;
    f->cfg->nnotify = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f->cfg);
    free(f);
    return 0;
}

static struct mm_store_writer *start(struct fx *f)
{
    struct mm_store *st = NULL;
    struct mm_store_writer *w = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    assert_int_equal(mm_store_writer_start(&w, st, f->cfg), MM_OK);
    return w;
}

static struct mm_alert *make_alert(uint64_t id, enum mm_severity sev, uint64_t count, int is_update)
{
    struct mm_alert *a = calloc(1, sizeof(*a));
    assert_non_null(a);
    char title[64];
    snprintf(title, sizeof(title), "alert-%llu", (unsigned long long)id);
    a->id = id;
    a->is_update = is_update;
    a->rule_id = strdup("rule-1");
    a->rule_title = strdup(title);
    a->group_key = strdup("");
    assert_non_null(a->rule_id);
    assert_non_null(a->rule_title);
    assert_non_null(a->group_key);
    a->severity = sev;
    a->count = count;
    a->first_seen_ns = 1000;
    a->last_seen_ns = 1000 + (int64_t)count;
    a->ts_ns = a->last_seen_ns;
    return a;
}

static int64_t sql_int(const char *db, const char *sql)
{
    sqlite3 *c = NULL;
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(c, 5000);
    assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(c);
    return v;
}

/*
 * Read the output file and count, for each id 1..nids, the lines naming
 * "alert-<id>" (the test alerts' titles).  Returns the number of lines.
 */
static size_t count_lines(const char *path, unsigned *per_id, size_t nids)
{
    memset(per_id, 0, nids * sizeof(*per_id));
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        return 0;
    }
    char line[8192];
    size_t n = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        assert_non_null(strchr(line, '\n')); /* whole lines only */
        assert_int_equal(line[0], '{');
        n++;
        for (size_t id = 1; id < nids; id++) {
            char needle[32];
            snprintf(needle, sizeof(needle), "\"alert-%zu\"", id);
            if (strstr(line, needle) != NULL) {
                per_id[id]++;
            }
        }
    }
    fclose(fp);
    return n;
}

static int wait_for(const char *db, const char *sql, int64_t want)
{
    for (int i = 0; i < 1000; i++) { /* 10 s */
        if (sql_int(db, sql) == want) {
            return 1;
        }
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void test_one_line_per_alert(void **state)
{
    struct fx *f = *state;
    unsigned per_id[MAX_LINES];
    assert_int_equal(mkdir(f->outdir, 0755), 0);
    struct mm_store_writer *w = start(f);
    for (uint64_t i = 1; i <= 50; i++) {
        mm_store_writer_put_alert(w, make_alert(i, MM_SEV_MEDIUM, 1, 0));
    }
    /* updates of delivered alerts: no new lines */
    assert_true(wait_for(f->db, "SELECT count(*) FROM outbox WHERE state = 'sent'", 50));
    for (uint64_t i = 1; i <= 50; i++) {
        mm_store_writer_put_alert(w, make_alert(i, MM_SEV_MEDIUM, 2, 1));
    }
    mm_store_writer_stop(w);

    assert_int_equal(count_lines(f->out, per_id, MAX_LINES), 50);
    for (size_t id = 1; id <= 50; id++) {
        assert_int_equal(per_id[id], 1);
    }
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE state = 'sent' AND "
                                    "sent_ns > 0 AND attempts = 1"),
                     50);

    /* a restart with nothing pending writes nothing */
    w = start(f);
    mm_store_writer_stop(w);
    assert_int_equal(count_lines(f->out, per_id, MAX_LINES), 50);
}

static void test_min_severity_and_two_channels(void **state)
{
    struct fx *f = *state;
    unsigned per_id[MAX_LINES];
    char high[PATH_MAX];
    snprintf(high, sizeof(high), "%s/high.jsonl", f->outdir);
    f->ch[1] = (struct mm_notify_conf){
        .name = "high", .type = "file", .path = high, .min_severity = MM_SEV_HIGH};
    f->cfg->nnotify = 2;
    assert_int_equal(mkdir(f->outdir, 0755), 0);
    struct mm_store_writer *w = start(f);
    for (uint64_t i = 1; i <= 10; i++) {
        mm_store_writer_put_alert(w, make_alert(i, i % 2 ? MM_SEV_LOW : MM_SEV_CRITICAL, 1, 0));
    }
    mm_store_writer_stop(w);
    assert_int_equal(count_lines(f->out, per_id, MAX_LINES), 10);
    assert_int_equal(count_lines(high, per_id, MAX_LINES), 5);
    for (size_t id = 1; id <= 10; id++) {
        assert_int_equal(per_id[id], id % 2 ? 0 : 1);
    }
}

static void test_pending_across_restart(void **state)
{
    struct fx *f = *state;
    unsigned per_id[MAX_LINES];
    /* the channel's directory does not exist yet: nothing can be written */
    struct mm_store_writer *w = start(f);
    for (uint64_t i = 1; i <= 20; i++) {
        mm_store_writer_put_alert(w, make_alert(i, MM_SEV_HIGH, 1, 0));
    }
    mm_store_writer_stop(w);
    assert_int_equal(access(f->out, F_OK), -1);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE state = 'pending'"), 20);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE attempts >= 1 AND "
                                    "last_error IS NOT NULL"),
                     20);

    /* the admin creates it; the next start delivers what was left, once */
    assert_int_equal(mkdir(f->outdir, 0755), 0);
    w = start(f);
    mm_store_writer_put_alert(w, make_alert(21, MM_SEV_HIGH, 1, 0));
    mm_store_writer_stop(w);
    assert_int_equal(count_lines(f->out, per_id, MAX_LINES), 21);
    for (size_t id = 1; id <= 21; id++) {
        assert_int_equal(per_id[id], 1);
    }
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 21);

    w = start(f);
    mm_store_writer_stop(w);
    assert_int_equal(count_lines(f->out, per_id, MAX_LINES), 21);
}

static void test_retry_while_running(void **state)
{
    struct fx *f = *state;
    unsigned per_id[MAX_LINES];
    struct mm_store_writer *w = start(f);
    for (uint64_t i = 1; i <= 5; i++) {
        mm_store_writer_put_alert(w, make_alert(i, MM_SEV_HIGH, 1, 0));
    }
    assert_true(wait_for(f->db, "SELECT count(*) FROM outbox WHERE attempts >= 1", 5));
    assert_int_equal(mkdir(f->outdir, 0755), 0);
    /* the back-off retry (1 s after the first failure) delivers without new alerts */
    assert_true(wait_for(f->db, "SELECT count(*) FROM outbox WHERE state = 'sent'", 5));
    mm_store_writer_stop(w);
    assert_int_equal(count_lines(f->out, per_id, MAX_LINES), 5);
    for (size_t id = 1; id <= 5; id++) {
        assert_int_equal(per_id[id], 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_line_per_alert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_min_severity_and_two_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_across_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_while_running, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
