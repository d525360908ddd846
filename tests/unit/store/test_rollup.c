/*
 * Tests for src/store/rollup.c: events counted into hourly roll-ups (counts,
 * top talkers, sign-ins), the caps and their "(other)" rows, more hours than
 * slots, deltas across takes, the writer's upserts and the report's reads,
 * and retention (old alerts with their outbox rows, old roll-up hours).
 * Real SQLite files in a mkdtemp directory, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mimamori/event.h"
#include "mimamori/store.h"
#include "store/store_int.h"

#define H 3600000000000LL
#define T0 (1793577600LL * 1000000000LL) /* 2026-11-02T00:00:00Z, an hour boundary */

struct fx {
    char dir[64];
    char db[PATH_MAX];
    struct mm_event *ev;
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
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm-rollup-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/mimamori.db", f->dir);
    f->ev = malloc(sizeof(*f->ev));
    assert_non_null(f->ev);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f->ev);
    free(f);
    return 0;
}

/* An event at t with fields given as "name", "value" pairs, NULL-terminated. */
static struct mm_event *event(struct fx *f, int64_t t, ...)
{
    struct mm_event *ev = f->ev;
    mm_event_reset(ev, "x", 1, t);
    ev->ts_ns = t;
    va_list ap;
    va_start(ap, t);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);
        enum mm_field id = mm_field_lookup(name, strlen(name));
        assert_true(id != MM_F__COUNT);
        mm_event_set_cstr(ev, id, val);
    }
    va_end(ap);
    return ev;
}

static void deny_in(struct fx *f, struct mm_rollup *r, int64_t t, const char *src)
{
    mm_rollup_event(r,
                    event(f, t, "event.category", "network", "event.type", "denied", "event.action",
                          "deny", "source.ip", src, "destination.ip", "203.0.113.10", NULL),
                    "fw1");
}

/* Write what r has to a fresh store and return it (read-write). */
static struct mm_store *flush(struct fx *f, struct mm_rollup *r, struct mm_store *st)
{
    if (st == NULL) {
        assert_int_equal(mm_store_open(&st, f->db, 0), MM_OK);
    }
    struct mm_rollup_batch *b = mm_rollup_take(r);
    if (b != NULL) {
        assert_int_equal(mm_store_rollup_write(st, b), MM_OK);
    }
    mm_rollup_batch_free(b);
    return st;
}

static int64_t scalar(struct mm_store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return v;
}

static void test_counts_and_hours(void **state)
{
    struct fx *f = *state;
    struct mm_rollup *r = NULL;
    assert_int_equal(mm_rollup_new(&r), MM_OK);
    deny_in(f, r, T0 + 10, "198.51.100.9");
    deny_in(f, r, T0 + H - 1, "198.51.100.9");
    deny_in(f, r, T0 + H, "198.51.100.9"); /* the next hour */
    mm_rollup_event(r,
                    event(f, T0 + 5, "event.category", "network", "event.type", "allowed",
                          "event.action", "close", "source.ip", "192.168.1.10", NULL),
                    "fw1");
    assert_int_equal(mm_rollup_pending(r), 5); /* hour 0: 2 counts rows + 1 talker; hour 1: 2 */
    struct mm_store *st = flush(f, r, NULL);
    assert_int_equal(mm_rollup_pending(r), 0);
    assert_int_equal(scalar(st,
                            "SELECT count FROM rollup_counts WHERE hour_ns = 1793577600000000000"
                            " AND type = 'denied'"),
                     2);
    assert_int_equal(scalar(st,
                            "SELECT count FROM rollup_counts WHERE hour_ns = 1793581200000000000"
                            " AND type = 'denied'"),
                     1);
    assert_int_equal(scalar(st, "SELECT sum(count) FROM rollup_top WHERE kind = 'attacker'"
                                " AND value = '198.51.100.9'"),
                     3);
    /* deltas: a second take adds to the rows, it does not replace them */
    deny_in(f, r, T0 + 20, "198.51.100.9");
    flush(f, r, st);
    assert_int_equal(scalar(st,
                            "SELECT count FROM rollup_counts WHERE hour_ns = 1793577600000000000"
                            " AND type = 'denied'"),
                     3);
    struct mm_rollup_stats s;
    mm_rollup_get_stats(r, &s);
    assert_int_equal(s.events, 5);
    assert_int_equal(s.other, 0);
    mm_store_close(st);
    mm_rollup_free(r);
}

static void test_talkers_and_logins(void **state)
{
    struct fx *f = *state;
    struct mm_rollup *r = NULL;
    assert_int_equal(mm_rollup_new(&r), MM_OK);
    /* an office PC blocked going to a domain: blocked host and destination, no attacker */
    mm_rollup_event(r,
                    event(f, T0, "event.category", "web", "event.type", "denied", "source.ip",
                          "192.168.1.57", "destination.ip", "198.51.100.140", "url.domain",
                          "bad.example", NULL),
                    "fw1");
    /* a VPN sign-in failure from outside: an attacker and a vpn login */
    mm_rollup_event(r,
                    event(f, T0, "event.category", "authentication", "event.type", "start",
                          "event.outcome", "failure", "event.action", "ssl-login-fail",
                          "vpn.tunnel.type", "ssl-web", "user.name", "tanaka", "source.ip",
                          "203.0.113.5", "source.geo.country_iso_code", "NL", NULL),
                    "fw1");
    /* a tunnel that came up: a vpn success without an outcome */
    mm_rollup_event(r,
                    event(f, T0, "event.category", "network", "event.type", "start", "event.action",
                          "tunnel-up", "vpn.tunnel.type", "ssl-tunnel", "user.name", "suzuki",
                          "source.ip", "198.51.100.77", NULL),
                    "fw1");
    /* an administrator sign-in from the office */
    mm_rollup_event(r,
                    event(f, T0, "event.category", "authentication", "event.type", "start",
                          "event.outcome", "success", "event.action", "login", "user.name", "admin",
                          "source.ip", "192.168.1.5", NULL),
                    "fw1");
    struct mm_store *st = flush(f, r, NULL);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_top WHERE kind = 'blocked_host'"
                                " AND value = '192.168.1.57'"),
                     1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_top WHERE kind = 'blocked_dest'"
                                " AND value = 'bad.example'"),
                     1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_top WHERE kind = 'attacker'"
                                " AND value = '203.0.113.5' AND country = 'NL'"),
                     1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_top WHERE value LIKE '192.168.%'"
                                " AND kind = 'attacker'"),
                     0);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_login WHERE kind = 'vpn' AND"
                                " user = 'tanaka' AND outcome = 'failure' AND country = 'NL'"),
                     1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_login WHERE kind = 'vpn' AND"
                                " user = 'suzuki' AND outcome = 'success'"),
                     1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_login WHERE kind = 'admin' AND"
                                " user = 'admin' AND source_ip = '192.168.1.5'"),
                     1);
    mm_store_close(st);
    mm_rollup_free(r);
}

static void test_caps_and_other(void **state)
{
    struct fx *f = *state;
    struct mm_rollup *r = NULL;
    assert_int_equal(mm_rollup_new(&r), MM_OK);
    char ip[32];
    for (int i = 0; i < MM_ROLLUP_CAP_TOP + 50; i++) {
        snprintf(ip, sizeof(ip), "198.51.%d.%d", i / 200, i % 200 + 1);
        deny_in(f, r, T0 + i, ip);
    }
    struct mm_rollup_stats s;
    mm_rollup_get_stats(r, &s);
    assert_int_equal(s.other, 50);
    struct mm_store *st = flush(f, r, NULL);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_top WHERE kind = 'attacker'"),
                     MM_ROLLUP_CAP_TOP + 1);
    assert_int_equal(scalar(st, "SELECT count FROM rollup_top WHERE value = '(other)'"), 50);
    /* the cap holds for the hour across takes: a new address still goes to "(other)" */
    deny_in(f, r, T0 + 999, "192.0.2.1");
    flush(f, r, st);
    assert_int_equal(scalar(st, "SELECT count FROM rollup_top WHERE value = '(other)'"), 51);
    /* a known address keeps its own row */
    deny_in(f, r, T0 + 999, "198.51.0.1");
    flush(f, r, st);
    assert_int_equal(scalar(st, "SELECT count FROM rollup_top WHERE value = '198.51.0.1'"), 2);
    mm_store_close(st);
    mm_rollup_free(r);
}

static void test_more_hours_than_slots(void **state)
{
    struct fx *f = *state;
    struct mm_rollup *r = NULL;
    assert_int_equal(mm_rollup_new(&r), MM_OK);
    /* an import crossing 10 hours before any take: nothing is lost */
    for (int h = 0; h < 10; h++) {
        for (int i = 0; i < 3; i++) {
            deny_in(f, r, T0 + h * H + i, "198.51.100.9");
        }
    }
    struct mm_rollup_stats s;
    mm_rollup_get_stats(r, &s);
    assert_int_equal(s.evicted, 10 - MM_ROLLUP_HOURS);
    struct mm_store *st = flush(f, r, NULL);
    assert_int_equal(scalar(st, "SELECT count(DISTINCT hour_ns) FROM rollup_counts"), 10);
    assert_int_equal(scalar(st, "SELECT sum(count) FROM rollup_counts"), 30);
    /* a late line for an hour that was handed over: added to its row */
    deny_in(f, r, T0 + 5, "198.51.100.9");
    flush(f, r, st);
    assert_int_equal(scalar(st, "SELECT count FROM rollup_counts WHERE hour_ns = "
                                "1793577600000000000"),
                     4);
    mm_store_close(st);
    mm_rollup_free(r);
}

struct rows {
    int n;
    int64_t events;
};

static int count_rows(void *arg, int ncol, const int64_t *num, const char *const *txt)
{
    struct rows *x = arg;
    (void)txt;
    assert_true(ncol >= 3);
    x->n++;
    x->events += num[2];
    return 0;
}

static void test_report_reads(void **state)
{
    struct fx *f = *state;
    struct mm_rollup *r = NULL;
    assert_int_equal(mm_rollup_new(&r), MM_OK);
    for (int h = 0; h < 48; h++) {
        deny_in(f, r, T0 + h * H, "198.51.100.9");
    }
    struct mm_store *st = flush(f, r, NULL);
    mm_store_close(st);
    assert_int_equal(mm_store_open(&st, f->db, 1), MM_OK);
    struct rows x = {0, 0};
    /* [since, until): the first day only */
    assert_int_equal(mm_store_report_rows(st, MM_RQ_HOURS, T0, T0 + 24 * H, count_rows, &x), MM_OK);
    assert_int_equal(x.n, 24);
    assert_int_equal(x.events, 24);
    mm_store_close(st);
    mm_rollup_free(r);
}

static void test_retention(void **state)
{
    struct fx *f = *state;
    struct mm_rollup *r = NULL;
    assert_int_equal(mm_rollup_new(&r), MM_OK);
    for (int d = 0; d < 3; d++) {
        deny_in(f, r, T0 + d * 24 * H, "198.51.100.9");
    }
    struct mm_store *st = flush(f, r, NULL);
    /* an old alert with an outbox row, and a new one */
    assert_int_equal(
        mm_store_exec(st,
                      "INSERT INTO alerts(id, seq, rule_id, title, severity, count, first_seen_ns,"
                      " last_seen_ns, ts_ns, recv_ns, group_key, json) VALUES"
                      " (1, 1, 'r', 't', 1, 1, 10, 10, 10, 10, '', '{}'),"
                      " (2, 2, 'r', 't', 1, 1, 9000000000000000000, 9000000000000000000, "
                      "9000000000000000000, 9000000000000000000, '', '{}');"
                      "INSERT INTO outbox(alert_id, channel, created_ns) VALUES (1, 'mail', 10),"
                      " (2, 'mail', 10);"),
        MM_OK);
    struct mm_prune_stats ps;
    int more = 1;
    /* roll-ups before day 2 go, one day per transaction */
    assert_int_equal(mm_store_prune(st, 1000, T0 + 2 * 24 * H, 100, &ps, &more), MM_OK);
    assert_int_equal(more, 0);
    assert_int_equal(ps.alerts, 1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM alerts"), 1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM outbox"), 1); /* the cascade */
    assert_int_equal(scalar(st, "SELECT count(DISTINCT hour_ns) FROM rollup_counts"), 1);
    assert_int_equal(scalar(st, "SELECT count(*) FROM rollup_top"), 1);
    /* a budget of one transaction leaves work for the next run */
    mm_rollup_event(r, event(f, T0 + 5 * 24 * H, "event.category", "network", NULL), "fw1");
    flush(f, r, st);
    assert_int_equal(mm_store_prune(st, 0, T0 + 9 * 24 * H, 1, &ps, &more), MM_OK);
    assert_int_equal(more, 1);
    mm_store_close(st);
    mm_rollup_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_and_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_talkers_and_logins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caps_and_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_more_hours_than_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
