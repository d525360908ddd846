/* Tests for src/rules/corr_sequence.c: temporal, temporal_ordered, counts, not, chains, aliases. */
#include "corr_test.h"

#define INTRUSION(steps)                                                                           \
    CT_BASE "title: Intrusion\nid: intr\nlevel: critical\ncorrelation:\n"                          \
            "  type: temporal_ordered\n  rules:\n" steps "  group-by: [user.name]\n"               \
            "  timespan: 30m\n"

#define STEPS3 "    - rule: failed\n      count: {gte: 3}\n    - accepted\n    - admin_created\n"

static void test_ordered_with_count(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, INTRUSION(STEPS3), 0);
    ct_send(&t, T0, "failed", "user.name=root");
    ct_send(&t, T0 + SEC(10), "failed", "user.name=root");
    ct_send(&t, T0 + SEC(20), "accepted", "user.name=root"); /* only 2 failures before */
    ct_send(&t, T0 + SEC(30), "admin-created", "user.name=root");
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(40), "failed", "user.name=root");
    ct_send(&t, T0 + SEC(50), "admin-created", "user.name=root"); /* out of order */
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(60), "accepted", "user.name=bob"); /* another user */
    ct_send(&t, T0 + SEC(70), "accepted", "user.name=root");
    ct_send(&t, T0 + SEC(80), "admin-created", "user.name=root");
    assert_int_equal(ct_new(&t, "intr"), 1);
    const struct mm_alert *a = ct_last(&t, "intr");
    assert_int_equal(a->severity, MM_SEV_CRITICAL);
    assert_string_equal(a->group_key, "user.name=root");
    assert_int_equal(a->count, 8); /* every event of the group (root) since the start */
    assert_int_equal(a->nevidence, 5);
    assert_string_equal(a->evidence[4], "admin-created");
    ct_free(&t);
}

static void test_ordered_window(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, INTRUSION(STEPS3), 0);
    for (int i = 0; i < 3; i++) {
        ct_send(&t, T0 + SEC(i), "failed", "user.name=root");
    }
    ct_send(&t, T0 + SEC(600), "accepted", "user.name=root");
    ct_send(&t, T0 + SEC(1801), "admin-created", "user.name=root"); /* 30 min after the start */
    assert_int_equal(t.n, 0);
    /* newer failures start a later chain: the latest start is kept */
    for (int i = 0; i < 3; i++) {
        ct_send(&t, T0 + SEC(1900 + i), "failed", "user.name=root");
    }
    ct_send(&t, T0 + SEC(2000), "accepted", "user.name=root");
    ct_send(&t, T0 + SEC(3000), "admin-created", "user.name=root");
    assert_int_equal(ct_new(&t, "intr"), 1);
    ct_free(&t);
}

static void test_not_step(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t,
            INTRUSION("    - rule: failed\n      count: {gte: 2}\n    - accepted\n"
                      "    - not: logout\n    - admin_created\n"),
            0);
    ct_send(&t, T0, "failed", "user.name=root");
    ct_send(&t, T0 + SEC(1), "failed", "user.name=root");
    ct_send(&t, T0 + SEC(2), "accepted", "user.name=root");
    ct_send(&t, T0 + SEC(3), "logout", "user.name=root");
    ct_send(&t, T0 + SEC(4), "admin-created", "user.name=root");
    assert_int_equal(ct_new(&t, "intr"), 0);
    ct_send(&t, T0 + SEC(5), "accepted", "user.name=root"); /* the failures still count */
    ct_send(&t, T0 + SEC(6), "admin-created", "user.name=root");
    assert_int_equal(ct_new(&t, "intr"), 1);
    assert_int_equal(ct_new(&t, "id-logout"), 1); /* a `not:` rule keeps its own alerts */
    ct_free(&t);
}

static void test_temporal_any_order(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t,
            CT_BASE "title: Both\nid: both\nlevel: medium\ncorrelation:\n  type: temporal\n"
                    "  rules: [accepted, admin_created, logout]\n  group-by: [host.hostname]\n"
                    "  timespan: 5m\n  condition: {gte: 2}\n",
            0);
    ct_send(&t, T0, "admin-created", "host.hostname=h1");
    ct_send(&t, T0 + SEC(301), "accepted", "host.hostname=h1"); /* too late */
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(400), "admin-created", "host.hostname=h1");
    assert_int_equal(ct_new(&t, "both"), 1);
    ct_free(&t);
}

/* The Sigma specification's example: a correlation chained on a correlation. */
static void test_sigma_chain(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t,
            CT_BASE "title: Many failed\nid: many\nname: many_failed\ncorrelation:\n"
                    "  type: event_count\n  rules: [failed]\n  group-by: [user.name]\n"
                    "  timespan: 10m\n  condition: {gte: 3}\n---\n"
                    "title: Failed then ok\nid: then\nlevel: high\ncorrelation:\n"
                    "  type: temporal_ordered\n  rules: [many_failed, accepted]\n"
                    "  group-by: [user.name]\n  timespan: 10m\n",
            0);
    ct_send(&t, T0, "accepted", "user.name=u");
    for (int i = 0; i < 3; i++) {
        ct_send(&t, T0 + SEC(1 + i), "failed", "user.name=u");
    }
    assert_int_equal(t.n, 0); /* the inner correlation is silent (generate defaults to false) */
    ct_send(&t, T0 + SEC(9), "accepted", "user.name=u");
    assert_int_equal(ct_new(&t, "then"), 1);
    assert_int_equal(ct_new(&t, "many"), 0);
    assert_int_equal(ct_new(&t, "id-ok"), 0);
    ct_free(&t);
}

static void test_aliases(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t,
            CT_BASE
            "title: Alias\nid: al\nlevel: high\ncorrelation:\n  type: temporal_ordered\n"
            "  rules: [failed, accepted]\n  group-by: [peer]\n  timespan: 1m\n"
            "  aliases:\n    peer:\n      failed: source.ip\n      accepted: destination.ip\n",
            0);
    ct_send(&t, T0, "failed", "source.ip=192.0.2.1 destination.ip=10.0.0.1");
    ct_send(&t, T0 + SEC(1), "accepted", "source.ip=10.0.0.1 destination.ip=192.0.2.9");
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(2), "accepted", "source.ip=10.0.0.1 destination.ip=192.0.2.1");
    assert_int_equal(ct_new(&t, "al"), 1);
    assert_string_equal(ct_last(&t, "al")->group_json, "{\"peer\":\"192.0.2.1\"}");
    ct_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordered_with_count), cmocka_unit_test(test_ordered_window),
        cmocka_unit_test(test_not_step),           cmocka_unit_test(test_temporal_any_order),
        cmocka_unit_test(test_sigma_chain),        cmocka_unit_test(test_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
