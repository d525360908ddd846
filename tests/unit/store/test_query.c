/*
 * Tests for src/store/query.c: the alert listing filters (since, min
 * severity, after_seq, limit = the newest rows still oldest first), last_seq,
 * an update seen again by --follow, sources and counters; and a read-only
 * reader running queries in a loop while the writer commits does not stop it.
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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mimamori/alert.h"
#include "mimamori/config.h"
#include "mimamori/store.h"

#define NALERTS 10

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

static struct mm_alert *make_alert(uint64_t id, enum mm_severity sev, int64_t last_seen,
                                   uint64_t count, int is_update)
{
    struct mm_alert *a = calloc(1, sizeof(*a));
    assert_non_null(a);
    char title[64], group[64];
    snprintf(title, sizeof(title), "alert-%llu", (unsigned long long)id);
    snprintf(group, sizeof(group), "source.ip=192.0.2.%llu", (unsigned long long)id);
    a->id = id;
    a->is_update = is_update;
    a->rule_id = strdup("rule-q");
    a->rule_title = strdup(title);
    a->group_key = strdup(group);
    assert_non_null(a->rule_id);
    assert_non_null(a->rule_title);
    assert_non_null(a->group_key);
    a->severity = sev;
    a->count = count;
    a->first_seen_ns = 1;
    a->last_seen_ns = last_seen;
    a->ts_ns = last_seen;
    a->recv_ns = last_seen + 1;
    return a;
}

static struct mm_store_writer *start(struct fx *f)
{
    struct mm_store *st = NULL;
    struct mm_store_writer *w = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    assert_int_equal(mm_store_writer_start(&w, st, f->cfg), MM_OK);
    return w;
}

/* Alert i (1..NALERTS): severity (i-1) % 5, last_seen i * 1000, seq i. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm-query-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/mimamori.db", f->dir);
    f->cfg = calloc(1, sizeof(*f->cfg));
    assert_non_null(f->cfg);
    f->cfg->database = f->db;
    f->cfg->batch_max = 1000;
    f->cfg->batch_ms = 10;
    struct mm_store_writer *w = start(f);
    for (uint64_t i = 1; i <= NALERTS; i++) {
        mm_store_writer_put_alert(
            w, make_alert(i, (enum mm_severity)((i - 1) % 5), (int64_t)i * 1000, i, 0));
    }
    mm_store_writer_stop(w);
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

struct seen {
    size_t n;
    uint64_t ids[64];
    int64_t seqs[64];
    size_t stop_after; /* 0 = never */
};

static int collect(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    struct seen *s = arg;
    char title[64];
    snprintf(title, sizeof(title), "alert-%llu", (unsigned long long)a->id);
    assert_string_equal(a->rule_title, title);
    assert_string_equal(a->rule_id, "rule-q");
    assert_int_equal(a->severity, (a->id - 1) % 5);
    assert_int_equal(a->recv_ns, a->last_seen_ns + 1);
    assert_int_equal(a->first_seen_ns, 1);
    assert_non_null(a->group_key);
    assert_true(json[0] == '{');
    if (s->n < 64) {
        s->ids[s->n] = a->id;
        s->seqs[s->n] = seq;
    }
    s->n++;
    return s->stop_after != 0 && s->n == s->stop_after;
}

static struct mm_store *open_ro(struct fx *f)
{
    struct mm_store *st = NULL;
    assert_int_equal(mm_store_open(&st, f->db, 1), MM_OK);
    return st;
}

static void run(struct mm_store *st, const struct mm_alert_query *q, struct seen *s, int64_t *last)
{
    memset(s->ids, 0, sizeof(s->ids));
    s->n = 0;
    assert_int_equal(mm_store_query_alerts(st, q, collect, s, last), MM_OK);
    for (size_t i = 1; i < s->n && i < 64; i++) {
        assert_true(s->seqs[i] > s->seqs[i - 1]); /* oldest first */
    }
}

static void test_all_oldest_first(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = open_ro(f);
    struct mm_alert_query q = {0};
    struct seen s = {0};
    int64_t last = -1;
    run(st, &q, &s, &last);
    assert_int_equal(s.n, NALERTS);
    for (size_t i = 0; i < NALERTS; i++) {
        assert_int_equal(s.ids[i], i + 1);
        assert_int_equal(s.seqs[i], i + 1);
    }
    assert_int_equal(last, NALERTS);
    mm_store_close(st);
}

static void test_filters(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = open_ro(f);
    struct seen s = {0};
    int64_t last = -1;

    struct mm_alert_query since = {.since_ns = 5000};
    run(st, &since, &s, &last);
    assert_int_equal(s.n, 6);
    assert_int_equal(s.ids[0], 5);

    struct mm_alert_query high = {.min_severity = MM_SEV_HIGH};
    run(st, &high, &s, &last);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.ids[0], 4);
    assert_int_equal(s.ids[1], 5);
    assert_int_equal(s.ids[2], 9);
    assert_int_equal(s.ids[3], 10);

    struct mm_alert_query after = {.after_seq = 7};
    run(st, &after, &s, &last);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ids[0], 8);
    assert_int_equal(last, 10);

    struct mm_alert_query none = {.after_seq = 10};
    last = -1;
    run(st, &none, &s, &last);
    assert_int_equal(s.n, 0);
    assert_int_equal(last, 10); /* --follow keeps its place */

    mm_store_close(st);
}

static void test_limit_newest_rows(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = open_ro(f);
    struct seen s = {0};
    int64_t last = -1;

    struct mm_alert_query q = {.limit = 3};
    run(st, &q, &s, &last);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ids[0], 8);
    assert_int_equal(s.ids[2], 10);
    assert_int_equal(last, 10);

    /* limit applies after the filters */
    struct mm_alert_query low2 = {.min_severity = MM_SEV_LOW, .limit = 2};
    run(st, &low2, &s, &last);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ids[0], 9);
    assert_int_equal(s.ids[1], 10);

    struct mm_alert_query big = {.limit = 1000};
    run(st, &big, &s, &last);
    assert_int_equal(s.n, NALERTS);

    /* the callback may stop early; last_seq is the last row it got */
    struct mm_alert_query all = {0};
    s.stop_after = 2;
    run(st, &all, &s, &last);
    assert_int_equal(s.n, 2);
    assert_int_equal(last, 2);
    mm_store_close(st);
}

static void test_update_seen_by_follow(void **state)
{
    struct fx *f = *state;
    struct mm_store_writer *w = start(f);
    mm_store_writer_put_alert(w, make_alert(3, MM_SEV_HIGH - 1, 9000, 99, 1));
    mm_store_writer_stop(w);

    struct mm_store *st = open_ro(f);
    struct seen s = {0};
    int64_t last = -1;
    struct mm_alert_query q = {.after_seq = NALERTS};
    run(st, &q, &s, &last);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ids[0], 3);
    assert_int_equal(last, NALERTS + 1);
    /* and the full listing still has each incident once */
    struct mm_alert_query all = {0};
    run(st, &all, &s, &last);
    assert_int_equal(s.n, NALERTS);
    assert_int_equal(s.ids[NALERTS - 1], 3);
    mm_store_close(st);
}

static int source_cb(void *arg, const struct mm_source_delta *d)
{
    struct mm_source_delta *out = arg;
    *out = *d;
    return 0;
}

static void test_sources_and_counters(void **state)
{
    struct fx *f = *state;
    struct mm_store *st = open_ro(f);
    struct mm_counters c;
    int64_t updated = -1;
    assert_int_equal(mm_store_query_counters(st, &c, &updated), MM_OK);
    assert_int_equal(c.received, 0);
    assert_int_equal(updated, 0);
    mm_store_close(st);

    struct mm_store_writer *w = start(f);
    struct mm_source_delta d;
    memset(&d, 0, sizeof(d));
    snprintf(d.source, sizeof(d.source), "198.51.100.7");
    snprintf(d.parser, sizeof(d.parser), "asa");
    d.first_ns = 10;
    d.last_ns = 20;
    d.received = 3;
    d.malformed = 1;
    mm_store_writer_put_sources(w, &d, 1);
    struct mm_counters in = {.received = 3, .malformed = 1, .evicted = 4};
    mm_store_writer_put_counters(w, &in);
    mm_store_writer_stop(w);

    st = open_ro(f);
    struct mm_source_delta got;
    memset(&got, 0, sizeof(got));
    assert_int_equal(mm_store_query_sources(st, source_cb, &got), MM_OK);
    assert_string_equal(got.source, "198.51.100.7");
    assert_string_equal(got.parser, "asa");
    assert_string_equal(got.hostname, "");
    assert_int_equal(got.first_ns, 10);
    assert_int_equal(got.last_ns, 20);
    assert_int_equal(got.received, 3);
    assert_int_equal(got.malformed, 1);
    assert_int_equal(mm_store_query_counters(st, &c, &updated), MM_OK);
    assert_int_equal(c.received, 3);
    assert_int_equal(c.malformed, 1);
    assert_int_equal(c.evicted, 4);
    assert_int_equal(c.alerts, 0);
    assert_true(updated > 0);
    mm_store_close(st);
}

struct reader {
    const char *db;
    atomic_int stop;
    size_t queries;
    size_t errors;
    size_t max_seen;
};

static int slow_count(void *arg, int64_t seq, const struct mm_alert *a, const char *json)
{
    (void)seq, (void)a, (void)json;
    size_t *n = arg;
    (*n)++;
    if (*n % 64 == 0) {
        /* hold the read transaction open a while, as a slow terminal would */
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void *read_loop(void *arg)
{
    struct reader *r = arg;
    struct mm_store *st = NULL;
    if (mm_store_open(&st, r->db, 1) != MM_OK) {
        r->errors++;
        return NULL;
    }
    while (!atomic_load(&r->stop)) {
        struct mm_alert_query q = {.limit = 500};
        size_t n = 0;
        if (mm_store_query_alerts(st, &q, slow_count, &n, NULL) != MM_OK) {
            r->errors++;
        }
        struct mm_alert_query all = {.min_severity = MM_SEV_CRITICAL};
        if (mm_store_query_alerts(st, &all, slow_count, &n, NULL) != MM_OK) {
            r->errors++;
        }
        r->max_seen = n > r->max_seen ? n : r->max_seen;
        r->queries++;
    }
    mm_store_close(st);
    return NULL;
}

static void test_reader_does_not_block_writer(void **state)
{
    struct fx *f = *state;
    f->cfg->batch_max = 500;
    struct mm_store_writer *w = start(f);
    struct reader r = {.db = f->db};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, read_loop, &r), 0);
    const uint64_t n = 20000;
    for (uint64_t i = 0; i < n; i++) {
        mm_store_writer_put_alert(w, make_alert(100 + i, MM_SEV_CRITICAL, 5, 1, 0));
    }
    /* the writer finishes while the reader keeps reading */
    for (int i = 0; i < 3000 && mm_store_writer_committed(w) < n; i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(mm_store_writer_committed(w), n);
    atomic_store(&r.stop, 1);
    pthread_join(t, NULL);
    mm_store_writer_stop(w);
    assert_int_equal(r.errors, 0);
    assert_true(r.queries > 0);
    assert_true(r.max_seen > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_oldest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_newest_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_seen_by_follow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sources_and_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_does_not_block_writer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
