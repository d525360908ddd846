/*
 * Tests for src/store/writer.c: every alert put is committed (two producer
 * threads, a queue smaller than the load is not needed: the queue blocks),
 * updates replace count and take a new seq, versions coalesced in one batch
 * keep the last, outbox rows follow each channel's min_severity, sources add
 * up, counters are replaced, seq keeps growing across a restart; delta
 * updates are merged into the stored row (and folded within a batch); the
 * queue is bounded in bytes.
 * Real SQLite files in a mkdtemp directory, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"
#include "mimamori/config.h"
#include "mimamori/store.h"

struct fx {
    char dir[64];
    char db[PATH_MAX];
    struct mm_config *cfg;
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
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm-writer-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/mimamori.db", f->dir);
    f->cfg = calloc(1, sizeof(*f->cfg));
    assert_non_null(f->cfg);
    f->cfg->database = f->db;
    f->cfg->batch_max = 1000;
    f->cfg->batch_ms = 20;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f->cfg->notify);
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
    a->group_key = strdup("source.ip=192.0.2.1");
    assert_non_null(a->rule_id);
    assert_non_null(a->rule_title);
    assert_non_null(a->group_key);
    a->severity = sev;
    a->count = count;
    a->first_seen_ns = 1000;
    a->last_seen_ns = 1000 + (int64_t)count;
    a->ts_ns = a->last_seen_ns;
    a->recv_ns = a->last_seen_ns;
    return a;
}

static int64_t sql_int(const char *db, const char *sql)
{
    sqlite3 *c = NULL;
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(c);
    return v;
}

struct producer {
    struct mm_store_writer *w;
    uint64_t first_id;
    size_t n;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (size_t i = 0; i < p->n; i++) {
        mm_store_writer_put_alert(p->w, make_alert(p->first_id + i, MM_SEV_MEDIUM, 1, 0));
    }
    return NULL;
}

/* Wait (with a deadline) until the writer has committed n alerts. */
static void wait_committed(struct mm_store_writer *w, uint64_t n)
{
    for (int i = 0; i < 1000 && mm_store_writer_committed(w) < n; i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    assert_true(mm_store_writer_committed(w) >= n);
}

/* One webhook channel "log" (low and up): its outbox rows are made, not delivered here. */
static void one_webhook_channel(struct fx *f)
{
    struct mm_notify_conf ch = {.name = "log", .type = "webhook", .min_severity = MM_SEV_LOW};
    f->cfg->notify = calloc(1, sizeof(ch));
    assert_non_null(f->cfg->notify);
    f->cfg->notify[0] = ch;
    f->cfg->nnotify = 1;
}

static void test_two_producers_all_committed(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    /* ids with the top bit set too: stored as signed, must round-trip */
    struct producer p[2] = {{w, 1, 5000}, {w, UINT64_C(0x8000000000000000), 5000}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    mm_store_writer_stop(w);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM alerts"), 10000);
    assert_int_equal(sql_int(f->db, "SELECT count(DISTINCT seq) FROM alerts"), 10000);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM alerts WHERE id < 0"), 5000);
    assert_int_equal(sql_int(f->db, "SELECT min(seq) FROM alerts"), 1);
    assert_int_equal(sql_int(f->db, "SELECT max(seq) FROM alerts"), 10000);
}

static void test_committed_counter(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    for (uint64_t i = 1; i <= 100; i++) {
        mm_store_writer_put_alert(w, make_alert(i, MM_SEV_LOW, 1, 0));
    }
    /* no fixed sleep: wait for the condition, with a deadline */
    wait_committed(w, 100);
    assert_int_equal(mm_store_writer_committed(w), 100);
    mm_store_writer_stop(w);
}

static void test_update_changes_count_and_seq(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, make_alert(42, MM_SEV_HIGH, 1, 0));
    mm_store_writer_put_alert(w, make_alert(43, MM_SEV_HIGH, 1, 0));
    wait_committed(w, 2);
    int64_t seq1 = sql_int(f->db, "SELECT seq FROM alerts WHERE id = 42");
    assert_true(seq1 > 0);

    struct mm_alert *u = make_alert(42, MM_SEV_HIGH, 7, 1);
    u->first_seen_ns = 5; /* an older event joined the incident: first_seen moves earlier */
    mm_store_writer_put_alert(w, u);
    wait_committed(w, 3);
    u = make_alert(42, MM_SEV_HIGH, 7, 1);
    u->first_seen_ns = 900; /* ...and never back later */
    mm_store_writer_put_alert(w, u);
    mm_store_writer_stop(w);

    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM alerts"), 2);
    assert_int_equal(sql_int(f->db, "SELECT count FROM alerts WHERE id = 42"), 7);
    assert_int_equal(sql_int(f->db, "SELECT last_seen_ns FROM alerts WHERE id = 42"), 1007);
    assert_int_equal(sql_int(f->db, "SELECT first_seen_ns FROM alerts WHERE id = 42"), 5);
    assert_true(sql_int(f->db, "SELECT seq FROM alerts WHERE id = 42") > seq1);
    assert_true(sql_int(f->db, "SELECT seq FROM alerts WHERE id = 42") >
                sql_int(f->db, "SELECT seq FROM alerts WHERE id = 43"));
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM alerts WHERE id = 42 AND "
                                    "json LIKE '%\"count\":7%'"),
                     1);
}

static void test_coalesce_in_one_batch(void **state)
{
    struct fx *f = *state;
    f->cfg->batch_ms = 10000; /* everything lands in the batch that stop commits */
    one_webhook_channel(f);
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, make_alert(9, MM_SEV_HIGH, 1, 0));
    mm_store_writer_put_alert(w, make_alert(9, MM_SEV_HIGH, 2, 1));
    mm_store_writer_put_alert(w, make_alert(9, MM_SEV_HIGH, 3, 1));
    mm_store_writer_stop(w);
    assert_int_equal(sql_int(f->db, "SELECT count FROM alerts WHERE id = 9"), 3);
    /* the first version was new: the survivor still gets its outbox row */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE alert_id = 9"), 1);
    /* one write for three versions */
    assert_int_equal(sql_int(f->db, "SELECT seq FROM alerts WHERE id = 9"), 1);
}

static void test_outbox_min_severity(void **state)
{
    struct fx *f = *state;
    struct mm_notify_conf ch[3] = {
        {.name = "all", .type = "webhook", .min_severity = MM_SEV_INFORMATIONAL},
        {.name = "high", .type = "webhook", .min_severity = MM_SEV_HIGH},
        {.name = "crit", .type = "webhook", .min_severity = MM_SEV_CRITICAL},
    };
    f->cfg->notify = calloc(3, sizeof(ch[0]));
    assert_non_null(f->cfg->notify);
    memcpy(f->cfg->notify, ch, sizeof(ch));
    f->cfg->nnotify = 3;
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, make_alert(1, MM_SEV_LOW, 1, 0));
    mm_store_writer_put_alert(w, make_alert(2, MM_SEV_HIGH, 1, 0));
    mm_store_writer_put_alert(w, make_alert(3, MM_SEV_CRITICAL, 1, 0));
    /* updates never add rows; an update of an alert this store never saw neither */
    mm_store_writer_put_alert(w, make_alert(2, MM_SEV_HIGH, 5, 1));
    mm_store_writer_put_alert(w, make_alert(4, MM_SEV_CRITICAL, 5, 1));
    mm_store_writer_stop(w);

    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE channel = 'all'"), 3);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE channel = 'high'"), 2);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE channel = 'crit'"), 1);
    assert_int_equal(sql_int(f->db, "SELECT alert_id FROM outbox WHERE channel = 'crit'"), 3);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE state = 'pending'"), 6);

    /* a replay of the same new alert after a restart does not make a second row */
    w = start(f);
    mm_store_writer_put_alert(w, make_alert(3, MM_SEV_CRITICAL, 1, 0));
    mm_store_writer_stop(w);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox"), 6);
}

static void test_sources_and_counters(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    struct mm_source_delta d[2];
    memset(d, 0, sizeof(d));
    snprintf(d[0].source, sizeof(d[0].source), "192.0.2.1");
    snprintf(d[0].hostname, sizeof(d[0].hostname), "FGT60F");
    snprintf(d[0].parser, sizeof(d[0].parser), "fortigate");
    d[0].first_ns = 200;
    d[0].last_ns = 300;
    d[0].received = 10;
    d[0].parsed = 8;
    d[0].unparsed = 1;
    d[0].malformed = 1;
    d[1] = d[0];
    d[1].hostname[0] = '\0'; /* keeps the known hostname */
    d[1].first_ns = 100;
    d[1].last_ns = 250;
    mm_store_writer_put_sources(w, d, 2);
    struct mm_counters c = {.received = 5, .alerts = 2};
    mm_store_writer_put_counters(w, &c);
    c.received = 50;
    c.alerts = 3;
    mm_store_writer_put_counters(w, &c);
    mm_store_writer_stop(w);

    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sources"), 1);
    assert_int_equal(sql_int(f->db, "SELECT received FROM sources"), 20);
    assert_int_equal(sql_int(f->db, "SELECT parsed + unparsed + malformed FROM sources"), 20);
    assert_int_equal(sql_int(f->db, "SELECT first_seen_ns FROM sources"), 100);
    assert_int_equal(sql_int(f->db, "SELECT last_seen_ns FROM sources"), 300);
    assert_int_equal(sql_int(f->db, "SELECT hostname = 'FGT60F' FROM sources"), 1);
    assert_int_equal(sql_int(f->db, "SELECT value FROM counters WHERE name = 'received'"), 50);
    assert_int_equal(sql_int(f->db, "SELECT value FROM counters WHERE name = 'alerts'"), 3);
    /* one row per member of struct mm_counters (the ten totals and queue_depth) */
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM counters"), 11);
}

static void test_seq_grows_across_restart(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, make_alert(1, MM_SEV_LOW, 1, 0));
    mm_store_writer_put_alert(w, make_alert(2, MM_SEV_LOW, 1, 0));
    mm_store_writer_stop(w);
    w = start(f);
    mm_store_writer_put_alert(w, make_alert(1, MM_SEV_LOW, 2, 1));
    mm_store_writer_stop(w);
    assert_int_equal(sql_int(f->db, "SELECT seq FROM alerts WHERE id = 1"), 3);
}

static void test_stop_accepts_null_and_readonly_refused(void **state)
{
    struct fx *f = *state;
    mm_store_writer_stop(NULL);
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    mm_store_close(st);
    assert_int_equal(mm_store_open(&st, f->db, 1), MM_OK);
    struct mm_store_writer *w = (struct mm_store_writer *)&w;
    assert_int_equal(mm_store_writer_start(&w, st, f->cfg), MM_EINVAL);
    assert_null(w);
    mm_store_close(st); /* still ours after a failed start */
}

/* The stored JSON of alert id (malloc'd), NULL when there is no row. */
static char *sql_json(const char *db, uint64_t id)
{
    sqlite3 *c = NULL;
    sqlite3_stmt *s = NULL;
    char *v = NULL;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(c, "SELECT json FROM alerts WHERE id = ?1", -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, (int64_t)id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = strdup((const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    sqlite3_close(c);
    return v;
}

static struct mm_alert *with_lines(struct mm_alert *a, int from, int to)
{
    char line[32];
    for (int i = from; i < to; i++) {
        int n = snprintf(line, sizeof(line), "line \"%d\"", i);
        assert_int_equal(mm_alert_add_evidence(a, line, (size_t)n), MM_OK);
    }
    a->fields_json =
        a->fields_json != NULL ? a->fields_json : strdup("{\"source.ip\":\"192.0.2.1\"}");
    return a;
}

/* A delta update of id: no strings, the lines from..to only. */
static struct mm_alert *make_delta(uint64_t id, uint64_t count, int from, int to)
{
    struct mm_alert *d = make_alert(id, MM_SEV_HIGH, count, 1);
    free(d->rule_id);
    free(d->rule_title);
    free(d->group_key);
    d->rule_id = d->rule_title = d->group_key = NULL;
    d->delta = 1;
    with_lines(d, from, to);
    free(d->fields_json);
    d->fields_json = NULL;
    return d;
}

/* What the row must hold: one alert that saw every line. */
static char *expected_json(uint64_t id, uint64_t count, int nlines)
{
    struct mm_alert *ref = with_lines(make_alert(id, MM_SEV_HIGH, count, 1), 0, nlines);
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_alert_to_json(ref, &b), MM_OK);
    mm_alert_free(ref);
    return mm_buf_steal(&b);
}

static void test_delta_merged_into_row(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, with_lines(make_alert(50, MM_SEV_HIGH, 1, 0), 0, 1));
    wait_committed(w, 1);
    mm_store_writer_put_alert(w, make_delta(50, 4, 1, 4));
    wait_committed(w, 2);
    mm_store_writer_put_alert(w, make_delta(50, 20, 4, 20)); /* 16 lines: first 5, last 5 */
    /* a delta whose row is gone (deleted meanwhile) is skipped, not made up */
    mm_store_writer_put_alert(w, make_delta(51, 2, 0, 1));
    mm_store_writer_stop(w);
    char *want = expected_json(50, 20, 20);
    char *got = sql_json(f->db, 50);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_null(sql_json(f->db, 51));
    assert_int_equal(sql_int(f->db, "SELECT count FROM alerts WHERE id = 50"), 20);
    assert_string_equal(strstr(got, "\"evidence\":"),
                        "\"evidence\":[\"line \\\"0\\\"\",\"line \\\"1\\\"\",\"line \\\"2\\\"\","
                        "\"line \\\"3\\\"\",\"line \\\"4\\\"\",\"line \\\"15\\\"\",\"line "
                        "\\\"16\\\"\",\"line \\\"17\\\"\",\"line \\\"18\\\"\",\"line "
                        "\\\"19\\\"\"]}");
    free(want);
    free(got);
}

/* A new alert and its deltas in one batch: folded, written once, still notified. */
static void test_delta_coalesced_with_new(void **state)
{
    struct fx *f = *state;
    f->cfg->batch_ms = 10000; /* everything lands in the batch that stop commits */
    one_webhook_channel(f);
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, with_lines(make_alert(60, MM_SEV_HIGH, 2, 0), 0, 2));
    mm_store_writer_put_alert(w, make_delta(60, 9, 2, 9));
    mm_store_writer_put_alert(w, make_delta(60, 13, 9, 13));
    mm_store_writer_stop(w);
    char *want = expected_json(60, 13, 13);
    char *got = sql_json(f->db, 60);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM outbox WHERE alert_id = 60"), 1);
    assert_int_equal(sql_int(f->db, "SELECT seq FROM alerts WHERE id = 60"), 1);
    free(want);
    free(got);
}

struct big_producer {
    struct mm_store_writer *w;
    size_t n;
};

static void *produce_big(void *arg)
{
    struct big_producer *p = arg;
    char *fields = malloc(256 * 1024);
    assert_non_null(fields);
    memset(fields, 'f', 256 * 1024 - 1);
    fields[256 * 1024 - 1] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        struct mm_alert *a = make_alert(1000 + i, MM_SEV_LOW, 1, 0);
        a->fields_json = strdup(fields); /* not JSON: the row keeps it as text, fine here */
        assert_non_null(a->fields_json);
        mm_store_writer_put_alert(p->w, a);
    }
    free(fields);
    return NULL;
}

/* Alerts larger than the queue's byte bound: the producer waits, nothing is lost. */
static void test_queue_bounded_in_bytes(void **state)
{
    struct fx *f = *state;
    f->cfg->batch_ms = 5000; /* a full queue must wake the writer, not its timer */
    struct mm_store_writer *w = start(f);
    struct big_producer p = {w, 64}; /* 16 MiB in all */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce_big, &p), 0);
    pthread_join(t, NULL);
    mm_store_writer_stop(w);
    assert_int_equal(sql_int(f->db, "SELECT count(*) FROM alerts"), 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_producers_all_committed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_committed_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_changes_count_and_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coalesce_in_one_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox_min_severity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sources_and_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seq_grows_across_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delta_merged_into_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delta_coalesced_with_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_bounded_in_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_accepts_null_and_readonly_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
