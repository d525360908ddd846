/*
 * Tests for src/rules/corr_state.c: eviction, expiry, persistence round trip,
 * rebind, evidence lines shared between correlations.
 */
#include "corr_test.h"

#define SPRAY(extra, n)                                                                            \
    CT_BASE "title: Spray\nid: spray\nlevel: high\n" extra "correlation:\n"                        \
            "  type: value_count\n  rules: [failed]\n  group-by: [source.ip]\n"                    \
            "  timespan: 3d\n  condition: {field: user.name, gte: " n "}\n---\n"                   \
            "title: Seq\nid: seq\nlevel: high\ncorrelation:\n  type: temporal_ordered\n"           \
            "  rules:\n    - rule: failed\n      count: {gte: 2}\n    - accepted\n"                \
            "  group-by: [source.ip]\n  timespan: 1h\n"

static void send_user(struct ct *t, int64_t ts, const char *ip, int user)
{
    char f[128];
    snprintf(f, sizeof(f), "source.ip=%s user.name=user%d", ip, user);
    ct_send(t, ts, "failed", f);
}

static void test_eviction_counted(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SPRAY("max-groups: 3\n", "3"), 0);
    send_user(&t, T0, "192.0.2.1", 1);
    send_user(&t, T0 + SEC(1), "192.0.2.1", 2);
    send_user(&t, T0 + SEC(2), "192.0.2.2", 1);
    send_user(&t, T0 + SEC(3), "192.0.2.3", 1);
    send_user(&t, T0 + SEC(4), "192.0.2.4", 1); /* the fourth group evicts 192.0.2.1 */
    struct mm_corr_stats st;
    mm_corr_get_stats(t.ce, &st);
    assert_int_equal(st.evicted, 1);
    assert_int_equal(st.groups, 3 + 4);         /* spray (max-groups 3) and seq (the default cap) */
    send_user(&t, T0 + SEC(5), "192.0.2.1", 3); /* its first two users were forgotten */
    assert_int_equal(ct_new(&t, "spray"), 0);
    ct_free(&t);
}

static void test_expiry_by_timer(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SPRAY("", "3"), 0);
    send_user(&t, T0, "192.0.2.1", 1);
    send_user(&t, T0 + SEC(3600), "192.0.2.2", 1);
    ct_tick(&t, T0 + SEC(3 * 86400 - 100));
    struct mm_corr_stats st;
    mm_corr_get_stats(t.ce, &st);
    assert_int_equal(st.groups, 2);        /* seq's (1 h) are gone, spray's (3 d) stay */
    ct_tick(&t, T0 + SEC(3 * 86400 + 61)); /* window + tolerance after 192.0.2.1 */
    mm_corr_get_stats(t.ce, &st);
    assert_int_equal(st.groups, 1); /* spray 192.0.2.2 stays */
    assert_true(st.expired == 3);
    ct_free(&t);
}

/* Records saved by the engine, copied (as the store would keep them). */
struct saved {
    char *rule[64];
    unsigned char *key[64], *blob[64];
    size_t klen[64], blen[64];
    size_t n;
    int cleared;
    size_t deletes;
};

static enum mm_err save_fn(void *arg, const struct mm_corr_record *r)
{
    struct saved *s = arg;
    if (r->rule_id == NULL) {
        s->cleared = 1;
        return MM_OK;
    }
    if (r->blob == NULL) {
        s->deletes++;
        return MM_OK;
    }
    assert_true(s->n < 64);
    s->rule[s->n] = strdup(r->rule_id);
    s->key[s->n] = malloc(r->klen + 1);
    s->blob[s->n] = malloc(r->blen + 1);
    memcpy(s->key[s->n], r->key, r->klen);
    memcpy(s->blob[s->n], r->blob, r->blen);
    s->klen[s->n] = r->klen;
    s->blen[s->n] = r->blen;
    s->n++;
    return MM_OK;
}

static void saved_free(struct saved *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->rule[i]);
        free(s->key[i]);
        free(s->blob[i]);
    }
    memset(s, 0, sizeof(*s));
}

static size_t restore_all(struct ct *t, const struct saved *s)
{
    size_t ok = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct mm_corr_record r = {s->rule[i], s->key[i], s->klen[i], s->blob[i], s->blen[i], 0};
        ok += mm_corr_restore(t->ce, &r, 0) == MM_OK;
    }
    return ok;
}

static void test_persistence_round_trip(void **state)
{
    (void)state;
    struct ct t;
    struct saved s;
    memset(&s, 0, sizeof(s));
    ct_init(&t, SPRAY("", "10"), 0);
    for (int i = 0; i < 5; i++) { /* half a spray over a day and a bit */
        send_user(&t, T0 + SEC(i * 7 * 3600), "203.0.113.9", i);
    }
    ct_send(&t, T0 + SEC(40 * 3600), "failed", "source.ip=198.51.100.3 user.name=x");
    assert_int_equal(mm_corr_save(t.ce, 0, save_fn, &s), MM_OK);
    assert_int_equal(s.n, 4); /* spray x2, seq x2 */
    /* nothing changed: the next save has nothing to say */
    struct saved again;
    memset(&again, 0, sizeof(again));
    assert_int_equal(mm_corr_save(t.ce, 0, save_fn, &again), MM_OK);
    assert_int_equal(again.n, 0);
    ct_free(&t);

    /* a restart: a new engine over the same rules */
    ct_init(&t, SPRAY("", "10"), 0);
    assert_int_equal(restore_all(&t, &s), 4);
    for (int i = 5; i < 9; i++) {
        send_user(&t, T0 + SEC(i * 7 * 3600), "203.0.113.9", i);
    }
    assert_int_equal(ct_new(&t, "spray"), 0);
    ct_send(&t, T0 + SEC(41 * 3600), "accepted", "source.ip=198.51.100.3"); /* 1 failure: no */
    send_user(&t, T0 + SEC(9 * 7 * 3600), "203.0.113.9", 9); /* 63 h after the first */
    assert_int_equal(ct_new(&t, "spray"), 1);
    const struct mm_alert *a = ct_last(&t, "spray");
    assert_true(a->first_seen_ns == T0);
    assert_int_equal(a->count, 10);
    assert_int_equal(a->nevidence, 5); /* first 2 from before the restart, latest 3 after */
    ct_free(&t);

    /* a changed rule (another threshold) does not take the old state */
    ct_init(&t, SPRAY("", "11"), 0);
    assert_int_equal(restore_all(&t, &s), 2); /* only seq's records */
    struct saved full;
    memset(&full, 0, sizeof(full));
    assert_int_equal(mm_corr_save(t.ce, 0, save_fn, &full), MM_OK);
    assert_int_equal(full.cleared, 1); /* after a restore the first save replaces everything */
    assert_int_equal(full.n, 2);
    saved_free(&full);
    ct_free(&t);
    saved_free(&s);
}

static void test_removed_groups_are_deleted(void **state)
{
    (void)state;
    struct ct t;
    struct saved s;
    memset(&s, 0, sizeof(s));
    ct_init(&t, SPRAY("max-groups: 1\n", "10"), 0);
    send_user(&t, T0, "192.0.2.1", 1);
    assert_int_equal(mm_corr_save(t.ce, 0, save_fn, &s), MM_OK);
    saved_free(&s);
    send_user(&t, T0 + SEC(1), "192.0.2.2", 1); /* evicts the saved group */
    assert_int_equal(mm_corr_save(t.ce, 0, save_fn, &s), MM_OK);
    assert_int_equal(s.deletes, 1); /* spray's group of 192.0.2.1 (seq has room) */
    assert_int_equal(s.n, 2);
    saved_free(&s);
    ct_free(&t);
}

static void test_rebind_keeps_unchanged_rules(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SPRAY("", "3"), 0);
    send_user(&t, T0, "192.0.2.1", 1);
    send_user(&t, T0 + SEC(1), "192.0.2.1", 2);
    /* a reload: the same spray rule, seq changed */
    struct mm_ruleset *rs2 = t_load_ok(SPRAY("", "3") "  condition: {gte: 1}\n");
    mm_corr_feed(t.ce, rs2, &t.ev, NULL, 0, t.al, ct_emit, &t); /* rebinds */
    struct mm_corr_stats st;
    mm_corr_get_stats(t.ce, &st);
    assert_int_equal(st.groups, 1);
    mm_ruleset_unref(t.rs);
    t.rs = rs2;
    send_user(&t, T0 + SEC(2), "192.0.2.1", 3);
    assert_int_equal(ct_new(&t, "spray"), 1);
    ct_free(&t);
}

/*
 * One event feeding two correlations: its evidence line is shared by both
 * groups (one copy, counted references); each alert still carries it, and
 * groups that fire, restart or go keep the others' lines intact (ASan checks
 * the counting).
 */
#define TWO_COUNTS                                                                                 \
    CT_BASE "title: Three\nid: three\nlevel: high\ncorrelation:\n  type: event_count\n"            \
            "  rules: [failed]\n  group-by: [source.ip]\n  timespan: 60s\n"                        \
            "  condition: {gte: 3}\n---\n"                                                         \
            "title: Five\nid: five\nlevel: high\nmax-groups: 1\ncorrelation:\n"                    \
            "  type: event_count\n  rules: [failed]\n  group-by: [source.ip]\n"                    \
            "  timespan: 60s\n  condition: {gte: 5}\n"

static void test_shared_evidence_lines(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, TWO_COUNTS, 0);
    char raw[32];
    for (int i = 0; i < 7; i++) {
        snprintf(raw, sizeof(raw), "failed #%d", i);
        ct_send(&t, T0 + SEC(i), raw, "source.ip=192.0.2.1");
    }
    assert_int_equal(ct_new(&t, "three"), 2); /* #2 and #5 */
    assert_int_equal(ct_new(&t, "five"), 1);  /* #4 */
    const struct mm_alert *a = ct_last(&t, "five");
    assert_int_equal(a->nevidence, 5);
    assert_string_equal(a->evidence[0], "failed #0");
    assert_string_equal(a->evidence[4], "failed #4");
    a = ct_last(&t, "three");
    assert_int_equal(a->nevidence, 3);
    assert_string_equal(a->evidence[0], "failed #3");
    assert_string_equal(a->evidence[2], "failed #5");
    /* another address evicts five's group (max-groups 1); three's lines stay */
    ct_send(&t, T0 + SEC(8), "failed other", "source.ip=192.0.2.2");
    struct mm_corr_stats st;
    mm_corr_get_stats(t.ce, &st);
    assert_int_equal(st.evicted, 1);
    ct_send(&t, T0 + SEC(9), "failed #9", "source.ip=192.0.2.1");
    ct_send(&t, T0 + SEC(10), "failed #10", "source.ip=192.0.2.1");
    a = ct_last(&t, "three");
    assert_int_equal(ct_new(&t, "three"), 3);
    assert_string_equal(a->evidence[0], "failed #6");
    assert_string_equal(a->evidence[2], "failed #10");
    ct_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eviction_counted),
        cmocka_unit_test(test_expiry_by_timer),
        cmocka_unit_test(test_persistence_round_trip),
        cmocka_unit_test(test_removed_groups_are_deleted),
        cmocka_unit_test(test_rebind_keeps_unchanged_rules),
        cmocka_unit_test(test_shared_evidence_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
