/*
 * Tests for src/rules/alerter.c: suppression on event time, groups, evidence,
 * eviction, and the flush that hands out updated incidents (full copies, or
 * deltas in delta mode).
 */
#include "rules_test.h"

#define S(x) ((int64_t)(x) * 1000000000LL)

static struct mm_event ev;

static void fire_ev(const char *ip, int64_t ts, const char *raw)
{
    t_event(&ev, raw, ts + S(1000)); /* receive time differs from event time */
    ev.ts_ns = ts;
    if (ip != NULL) {
        t_set(&ev, "source.ip", ip);
    }
}

/* What a flush hands out. */
struct sink {
    struct mm_alert *a[16];
    size_t n;
};

static void sink_emit(void *arg, struct mm_alert *a)
{
    struct sink *s = arg;
    if (s->n < 16) {
        s->a[s->n++] = a;
    } else {
        mm_alert_free(a);
    }
}

/* Flush and return the one alert it must hand out. */
static struct mm_alert *flush_one(struct mm_alerter *al)
{
    struct sink s = {{NULL}, 0};
    assert_int_equal(mm_alerter_flush(al, sink_emit, &s), 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.a[0]->is_update, 1);
    return s.a[0];
}

static struct mm_ruleset *rules(void)
{
    return t_load_ok("title: Grouped\nid: g\nlevel: high\ntags: [attack.t1110]\n"
                     "logsource: {product: x}\nsuppress: 10m\ngroup-by: [source.ip, user.name]\n"
                     "detection:\n  s: ['x']\n  condition: s\n---\n"
                     "title: Every\nid: e\nlevel: low\nlogsource: {product: x}\n"
                     "detection:\n  s: ['x']\n  condition: s\n---\n"
                     "title: One group\nid: o\nlevel: medium\nlogsource: {product: x}\n"
                     "suppress: 1h\ndetection:\n  s: ['x']\n  condition: s\n");
}

static void test_new_then_update(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *g = mm_ruleset_rule(rs, 0);
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 100), MM_OK);

    fire_ev("203.0.113.9", S(1000), "x one");
    struct mm_alert *a1 = mm_alerter_fire(al, g, &ev);
    assert_non_null(a1);
    assert_int_equal(a1->is_update, 0);
    assert_int_equal(a1->count, 1);
    assert_true(a1->first_seen_ns == S(1000) && a1->last_seen_ns == S(1000));
    assert_true(a1->recv_ns == S(2000));
    assert_string_equal(a1->rule_id, "g");
    assert_string_equal(a1->rule_title, "Grouped");
    assert_string_equal(a1->tags_json, "[\"attack.t1110\"]");
    assert_int_equal(a1->severity, MM_SEV_HIGH);
    assert_string_equal(a1->group_key, "source.ip=203.0.113.9,user.name=");
    assert_string_equal(a1->group_json, "{\"source.ip\":\"203.0.113.9\",\"user.name\":\"\"}");
    assert_string_equal(a1->fields_json, "{\"message\":\"x one\",\"source.ip\":\"203.0.113.9\"}");
    assert_int_equal(a1->nevidence, 1);
    assert_string_equal(a1->evidence[0], "x one");

    /* within 10 minutes of the first event: an update of the same incident */
    fire_ev("203.0.113.9", S(1000 + 599), "x two");
    t_set(&ev, "event.action", "newer");
    assert_null(mm_alerter_fire(al, g, &ev)); /* absorbed into the open incident */
    assert_true(mm_alerter_dirty(al));
    struct mm_alert *a2 = flush_one(al);
    assert_false(mm_alerter_dirty(al));
    assert_true(a2->id == a1->id);
    assert_int_equal(a2->count, 2);
    assert_true(a2->first_seen_ns == S(1000));
    assert_true(a2->last_seen_ns == S(1599));
    assert_int_equal(a2->nevidence, 2);
    assert_string_equal(a2->evidence[1], "x two");
    /* "fields" stay those of the event that raised the alert */
    assert_null(strstr(a2->fields_json, "newer"));
    /* nothing changed since: the next flush hands out nothing */
    struct sink none = {{NULL}, 0};
    assert_int_equal(mm_alerter_flush(al, sink_emit, &none), 0);

    /* another group: a new alert */
    fire_ev("198.51.100.1", S(1100), "x other");
    struct mm_alert *a3 = mm_alerter_fire(al, g, &ev);
    assert_int_equal(a3->is_update, 0);
    assert_true(a3->id != a1->id);

    /* the window is anchored at the first event: 10m after it, a new incident */
    fire_ev("203.0.113.9", S(1000 + 600), "x three");
    struct mm_alert *a4 = mm_alerter_fire(al, g, &ev);
    assert_int_equal(a4->is_update, 0);
    assert_int_equal(a4->count, 1);
    assert_true(a4->id != a1->id);
    assert_true(a4->id > a3->id);

    mm_alert_free(a1);
    mm_alert_free(a2);
    mm_alert_free(a3);
    mm_alert_free(a4);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

/* flush_due: an incident goes out at most once per interval; others are not held back. */
static void test_flush_due_spreads_updates(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *g = mm_ruleset_rule(rs, 0);
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 100), MM_OK);
    struct sink s = {{NULL}, 0};
    const int64_t sec = S(1);

    fire_ev("192.0.2.1", S(1000), "x a");
    struct mm_alert *a = mm_alerter_fire(al, g, &ev);
    fire_ev("192.0.2.2", S(1000), "x b");
    struct mm_alert *b = mm_alerter_fire(al, g, &ev);
    fire_ev("192.0.2.1", S(1001), "x a2");
    assert_null(mm_alerter_fire(al, g, &ev));
    /* never flushed yet: the first update goes at the first call */
    assert_int_equal(mm_alerter_flush_due(al, 10 * sec, sec, sec, sink_emit, &s), 1);
    assert_true(s.a[0]->id == a->id && s.a[0]->count == 2);

    /* a repeats again 0.5 s later, b repeats for the first time */
    fire_ev("192.0.2.1", S(1002), "x a3");
    assert_null(mm_alerter_fire(al, g, &ev));
    fire_ev("192.0.2.2", S(1002), "x b2");
    assert_null(mm_alerter_fire(al, g, &ev));
    assert_int_equal(mm_alerter_flush_due(al, 10 * sec + sec / 2, sec, sec, sink_emit, &s), 1);
    assert_true(s.a[1]->id == b->id); /* a waits: it went out 0.5 s ago */
    assert_true(mm_alerter_dirty(al));
    /* a second after its last update, a goes, with everything since */
    assert_int_equal(mm_alerter_flush_due(al, 11 * sec, sec, sec, sink_emit, &s), 1);
    assert_true(s.a[2]->id == a->id && s.a[2]->count == 3);
    assert_false(mm_alerter_dirty(al));
    /* the plain flush ignores the interval */
    fire_ev("192.0.2.2", S(1003), "x b3");
    assert_null(mm_alerter_fire(al, g, &ev));
    assert_int_equal(mm_alerter_flush(al, sink_emit, &s), 1);

    for (size_t i = 0; i < s.n; i++) {
        mm_alert_free(s.a[i]);
    }
    mm_alert_free(a);
    mm_alert_free(b);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

/*
 * flush_due paces a busy incident: 1 s after its first update, doubling while
 * it stays busy, capped; after a quiet spell it starts again at 1 s.
 */
static void test_flush_due_backs_off(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *g = mm_ruleset_rule(rs, 0);
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 100), MM_OK);
    struct sink s = {{NULL}, 0};
    const int64_t tick = S(1) / 10;
    struct mm_alert *a = NULL;
    int64_t ev_s = 5000;

    fire_ev("192.0.2.7", S(ev_s), "x");
    a = mm_alerter_fire(al, g, &ev);
    assert_non_null(a);
    /* a repeat in every tick for 40 s; note when updates go out */
    int64_t out_at[16];
    size_t nout = 0;
    for (int64_t t = 1; t <= 400; t++) {
        fire_ev("192.0.2.7", S(ev_s) + t, "x again");
        assert_null(mm_alerter_fire(al, g, &ev));
        size_t got = mm_alerter_flush_due(al, t * tick, S(1), S(8), sink_emit, &s);
        assert_true(got <= 1);
        if (got == 1 && nout < 16) {
            out_at[nout++] = t;
        }
    }
    /* intervals 1, 2, 4, 8, then 8 s at most (the first update goes at once) */
    assert_true(nout >= 7);
    assert_int_equal(out_at[0], 1);
    assert_int_equal(out_at[1] - out_at[0], 10);
    assert_int_equal(out_at[2] - out_at[1], 20);
    assert_int_equal(out_at[3] - out_at[2], 40);
    assert_int_equal(out_at[4] - out_at[3], 80);
    assert_int_equal(out_at[5] - out_at[4], 80);
    assert_int_equal(out_at[6] - out_at[5], 80);
    /* the last update's count covers every repeat up to it */
    assert_int_equal(s.a[s.n - 1]->count, (uint64_t)out_at[nout - 1] + 1);

    /* quiet for a minute, then busy again: back to 1 s */
    int64_t t0 = 400 + 600;
    mm_alerter_flush(al, sink_emit, &s); /* what the loop left dirty */
    size_t before = s.n;
    fire_ev("192.0.2.7", S(ev_s) + t0, "x later");
    assert_null(mm_alerter_fire(al, g, &ev));
    assert_int_equal(mm_alerter_flush_due(al, t0 * tick, S(1), S(8), sink_emit, &s), 1);
    fire_ev("192.0.2.7", S(ev_s) + t0 + 1, "x later again");
    assert_null(mm_alerter_fire(al, g, &ev));
    assert_int_equal(mm_alerter_flush_due(al, (t0 + 9) * tick, S(1), S(8), sink_emit, &s), 0);
    assert_int_equal(mm_alerter_flush_due(al, (t0 + 10) * tick, S(1), S(8), sink_emit, &s), 1);
    assert_int_equal(s.n, before + 2);

    for (size_t i = 0; i < s.n; i++) {
        mm_alert_free(s.a[i]);
    }
    mm_alert_free(a);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

static void test_no_suppress_and_no_group(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 10), MM_OK);
    const struct mm_rule *every = mm_ruleset_rule(rs, 1);
    const struct mm_rule *one = mm_ruleset_rule(rs, 2);
    uint64_t last = 0;
    for (int i = 0; i < 3; i++) {
        fire_ev("203.0.113.9", S(100 + i), "x");
        struct mm_alert *a = mm_alerter_fire(al, every, &ev);
        assert_int_equal(a->is_update, 0);
        assert_int_equal(a->count, 1);
        assert_true(a->id > last);
        last = a->id;
        assert_string_equal(a->group_json, "{}");
        assert_string_equal(a->group_key, "");
        mm_alert_free(a);
    }
    /* no group-by: one incident per rule, whatever the source */
    fire_ev("203.0.113.9", S(100), "x");
    struct mm_alert *a = mm_alerter_fire(al, one, &ev);
    fire_ev("198.51.100.2", S(200), "x");
    assert_null(mm_alerter_fire(al, one, &ev));
    struct mm_alert *b = flush_one(al);
    assert_true(a->id == b->id);
    assert_int_equal(b->count, 2);
    mm_alert_free(a);
    mm_alert_free(b);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

static void test_evidence_first_and_last(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 10), MM_OK);
    const struct mm_rule *one = mm_ruleset_rule(rs, 2);
    static char lines[20][16];
    for (int i = 0; i < 20; i++) {
        snprintf(lines[i], sizeof(lines[i]), "x line %d", i);
        fire_ev(NULL, S(10 + i), lines[i]);
        struct mm_alert *f = mm_alerter_fire(al, one, &ev);
        if (i == 0) {
            assert_non_null(f);
            mm_alert_free(f);
        } else {
            assert_null(f);
        }
    }
    struct mm_alert *a = flush_one(al);
    assert_int_equal(a->count, 20);
    assert_int_equal(a->nevidence, 10);
    assert_int_equal(a->evidence_seen, 20);
    for (int i = 0; i < 5; i++) {
        assert_string_equal(a->evidence[i], lines[i]);
        assert_string_equal(a->evidence[5 + i], lines[15 + i]);
    }
    mm_alert_free(a);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

static void test_eviction(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *g = mm_ruleset_rule(rs, 0);
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 3), MM_OK);
    char ip[32];
    struct mm_alert *first = NULL;
    for (int i = 0; i < 5; i++) {
        snprintf(ip, sizeof(ip), "10.0.0.%d", i);
        fire_ev(ip, S(100 + i), "x");
        struct mm_alert *a = mm_alerter_fire(al, g, &ev);
        assert_int_equal(a->is_update, 0);
        if (i == 0) {
            first = a;
        } else {
            mm_alert_free(a);
        }
    }
    assert_int_equal(mm_alerter_evictions(al), 2);
    /* 10.0.0.0 was evicted (oldest): its next match is a new alert */
    fire_ev("10.0.0.0", S(110), "x");
    struct mm_alert *a = mm_alerter_fire(al, g, &ev);
    assert_int_equal(a->is_update, 0);
    assert_true(a->id != first->id);
    mm_alert_free(a);
    assert_int_equal(mm_alerter_evictions(al), 3);
    /* 10.0.0.4 is still there */
    fire_ev("10.0.0.4", S(111), "x");
    assert_null(mm_alerter_fire(al, g, &ev));
    a = flush_one(al);
    assert_int_equal(a->count, 2);
    mm_alert_free(a);
    /* a recently updated group is not the one evicted */
    fire_ev("10.0.0.9", S(112), "x");
    mm_alert_free(mm_alerter_fire(al, g, &ev));
    fire_ev("10.0.0.4", S(113), "x");
    assert_null(mm_alerter_fire(al, g, &ev));
    a = flush_one(al);
    assert_int_equal(a->count, 3);
    mm_alert_free(a);
    mm_alert_free(first);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

static void test_out_of_order_events(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *one = mm_ruleset_rule(rs, 2);
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 0), MM_OK);
    fire_ev(NULL, S(500), "x");
    struct mm_alert *a = mm_alerter_fire(al, one, &ev);
    fire_ev(NULL, S(400), "x"); /* earlier event, e.g. from a slower relay */
    assert_null(mm_alerter_fire(al, one, &ev));
    struct mm_alert *b = flush_one(al);
    assert_true(b->first_seen_ns == S(400));
    assert_true(b->last_seen_ns == S(500));
    mm_alert_free(a);
    mm_alert_free(b);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

/* An incident that leaves the table with unflushed repeats is still reported once. */
static void test_retired_incidents_are_flushed(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *g = mm_ruleset_rule(rs, 0);
    struct mm_alerter *al = NULL;
    assert_int_equal(mm_alerter_new(&al, 1), MM_OK);

    /* window closes while dirty */
    fire_ev("203.0.113.1", S(1000), "x a");
    struct mm_alert *a = mm_alerter_fire(al, g, &ev);
    fire_ev("203.0.113.1", S(1001), "x b");
    assert_null(mm_alerter_fire(al, g, &ev));
    fire_ev("203.0.113.1", S(1000 + 700), "x c"); /* past 10 minutes: a new incident */
    struct mm_alert *n = mm_alerter_fire(al, g, &ev);
    assert_non_null(n);
    assert_true(n->id != a->id);
    struct mm_alert *old = flush_one(al);
    assert_true(old->id == a->id);
    assert_int_equal(old->count, 2);
    mm_alert_free(old);

    /* evicted while dirty (the table holds one group) */
    fire_ev("203.0.113.1", S(1000 + 701), "x d");
    assert_null(mm_alerter_fire(al, g, &ev));
    fire_ev("198.51.100.7", S(1000 + 702), "x e");
    struct mm_alert *other = mm_alerter_fire(al, g, &ev);
    assert_non_null(other);
    assert_int_equal(mm_alerter_evictions(al), 1);
    old = flush_one(al);
    assert_true(old->id == n->id);
    assert_int_equal(old->count, 2);

    mm_alert_free(old);
    mm_alert_free(other);
    mm_alert_free(n);
    mm_alert_free(a);
    mm_alerter_free(al);
    mm_ruleset_unref(rs);
}

/*
 * Delta mode (the daemon): the new alert goes out whole, each flush hands out
 * only what changed since the previous one; folded in order onto the first
 * alert (as the store writer does) the result is the full alert's JSON.
 */
static void test_delta_mode(void **state)
{
    (void)state;
    struct mm_ruleset *rs = rules();
    const struct mm_rule *g = mm_ruleset_rule(rs, 0);
    struct mm_alerter *full = NULL, *al = NULL;
    assert_int_equal(mm_alerter_new(&full, 10), MM_OK);
    assert_int_equal(mm_alerter_new(&al, 10), MM_OK);
    mm_alerter_set_delta(al, 1);
    static char lines[30][24];
    struct mm_alert *whole = NULL, *sum = NULL, *ref = NULL;
    for (int i = 0; i < 30; i++) {
        snprintf(lines[i], sizeof(lines[i]), "x line %d", i);
        fire_ev("203.0.113.9", S(1000 + i), lines[i]);
        struct mm_alert *a = mm_alerter_fire(al, g, &ev);
        struct mm_alert *b = mm_alerter_fire(full, g, &ev);
        if (i == 0) {
            assert_non_null(a);
            assert_int_equal(a->delta, 0);
            assert_non_null(a->fields_json);
            sum = a;
            whole = b;
        } else {
            assert_null(a);
            assert_null(b);
        }
        if (i == 0 || i == 3 || i == 4 || i == 29) {
            continue;
        }
        if (i % 7 == 0) {
            struct mm_alert *d = flush_one(al);
            assert_int_equal(d->delta, 1);
            assert_null(d->fields_json);
            assert_null(d->rule_id);
            assert_true(d->id == sum->id);
            assert_int_equal(d->count, (uint64_t)i + 1);
            assert_true(d->nevidence <= 7); /* only the lines since the last flush */
            mm_alert_fold(sum, d);
            mm_alert_free(sum);
            sum = d;
        }
    }
    struct mm_alert *d = flush_one(al);
    assert_int_equal(d->nevidence, 1); /* line 29: 22..28 went at the flush of line 28 */
    mm_alert_fold(sum, d);
    mm_alert_free(sum);
    ref = flush_one(full);
    ref->id = d->id;               /* two alerters, two ids: the rest must be the same */
    assert_int_equal(d->delta, 0); /* folded onto the full first version */
    assert_int_equal(d->count, 30);
    struct mm_buf x, y;
    mm_buf_init(&x, 0);
    mm_buf_init(&y, 0);
    assert_int_equal(mm_alert_to_json(ref, &x), MM_OK);
    assert_int_equal(mm_alert_to_json(d, &y), MM_OK);
    assert_string_equal(x.p, y.p);

    /* a retired incident goes out as a delta too */
    fire_ev("203.0.113.9", S(1000 + 40), "x late");
    assert_null(mm_alerter_fire(al, g, &ev));
    fire_ev("203.0.113.9", S(1000 + 700), "x next window");
    struct mm_alert *n = mm_alerter_fire(al, g, &ev);
    assert_non_null(n);
    struct mm_alert *old = flush_one(al);
    assert_int_equal(old->delta, 1);
    assert_true(old->id == d->id);
    assert_int_equal(old->count, 31);
    assert_int_equal(old->nevidence, 1);
    assert_string_equal(old->evidence[0], "x late");

    mm_buf_free(&x);
    mm_buf_free(&y);
    mm_alert_free(old);
    mm_alert_free(n);
    mm_alert_free(d);
    mm_alert_free(ref);
    mm_alert_free(whole);
    mm_alerter_free(al);
    mm_alerter_free(full);
    mm_ruleset_unref(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_then_update),
        cmocka_unit_test(test_flush_due_spreads_updates),
        cmocka_unit_test(test_flush_due_backs_off),
        cmocka_unit_test(test_no_suppress_and_no_group),
        cmocka_unit_test(test_evidence_first_and_last),
        cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_out_of_order_events),
        cmocka_unit_test(test_retired_incidents_are_flushed),
        cmocka_unit_test(test_delta_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
