/* Tests for src/rules/corr_count.c (event_count) and the engine paths it uses. */
#include "corr_test.h"

#define BRUTE(extra)                                                                               \
    CT_BASE "title: Brute force\nid: brute\nlevel: high\n" extra "correlation:\n"                  \
            "  type: event_count\n  rules: [failed]\n  group-by: [source.ip]\n"                    \
            "  timespan: 60s\n  condition: {gte: 5}\n"

static void test_threshold_per_group(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, BRUTE(""), 0);
    for (int i = 0; i < 4; i++) {
        ct_send(&t, T0 + SEC(i), "sshd: failed password", "source.ip=192.0.2.1");
        ct_send(&t, T0 + SEC(i), "sshd: failed password", "source.ip=192.0.2.2");
    }
    assert_int_equal(t.n, 0); /* the base rule is used by a correlation: silent (Sigma) */
    ct_send(&t, T0 + SEC(4), "sshd: failed password #5", "source.ip=192.0.2.1");
    assert_int_equal(ct_new(&t, "brute"), 1);
    const struct mm_alert *a = ct_last(&t, "brute");
    assert_int_equal(a->count, 5);
    assert_int_equal(a->severity, MM_SEV_HIGH);
    assert_string_equal(a->group_key, "source.ip=192.0.2.1");
    assert_true(a->first_seen_ns == T0 && a->last_seen_ns == T0 + SEC(4));
    assert_int_equal(a->nevidence, 5);
    assert_string_equal(a->evidence[4], "sshd: failed password #5");
    /* the other address reaches 5 on its own */
    ct_send(&t, T0 + SEC(5), "sshd: failed password", "source.ip=192.0.2.2");
    assert_int_equal(ct_new(&t, "brute"), 2);
    assert_int_equal(ct_new(&t, "id-failed"), 0);
    ct_free(&t);
}

static void test_sliding_window_and_reset(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, BRUTE(""), 0);
    /* 20 s apart: never 5 within 60 s */
    for (int i = 0; i < 10; i++) {
        ct_send(&t, T0 + SEC(20 * i), "failed", "source.ip=198.51.100.7");
    }
    assert_int_equal(t.n, 0);
    /* 12 s apart: 5 within 48 s fires; the window restarts after an alert */
    int64_t b = T0 + SEC(1000);
    for (int i = 0; i < 10; i++) {
        ct_send(&t, b + SEC(12 * i), "failed", "source.ip=198.51.100.7");
    }
    assert_int_equal(ct_new(&t, "brute"), 2); /* no suppress: each full window is an alert */
    ct_free(&t);
}

static void test_suppress_merges_repeats(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, BRUTE("suppress: 1h\n"), 0);
    for (int i = 0; i < 15; i++) {
        ct_send(&t, T0 + SEC(i), "failed", "source.ip=198.51.100.7");
    }
    assert_int_equal(ct_new(&t, "brute"), 1);
    const struct mm_alert *a = ct_last(&t, "brute");
    assert_int_equal(a->is_update, 1);
    assert_int_equal(a->count, 15); /* three firings of 5 events, one incident */
    assert_true(a->first_seen_ns == T0);
    ct_free(&t);
}

static void test_late_events(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, BRUTE(""), 0);
    ct_send(&t, T0 + SEC(100), "failed", "source.ip=203.0.113.5");
    ct_send(&t, T0 + SEC(30), "failed late", "source.ip=203.0.113.5"); /* 70 s late: ignored */
    struct mm_corr_stats st;
    mm_corr_get_stats(t.ce, &st);
    assert_int_equal(st.late, 1);
    /* within the 60 s tolerance: counted, in order */
    ct_send(&t, T0 + SEC(50), "failed", "source.ip=203.0.113.5");
    ct_send(&t, T0 + SEC(60), "failed", "source.ip=203.0.113.5");
    ct_send(&t, T0 + SEC(45), "failed", "source.ip=203.0.113.5"); /* 55 s window: 45..100 */
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(101), "failed", "source.ip=203.0.113.5");
    /* 45, 50, 60, 100, 101: 56 s apart */
    assert_int_equal(ct_new(&t, "brute"), 1);
    assert_true(ct_last(&t, "brute")->first_seen_ns == T0 + SEC(45));
    ct_free(&t);
}

static void test_generate_true_keeps_base_alerts(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, BRUTE("generate: true\n"), 0);
    for (int i = 0; i < 5; i++) {
        ct_send(&t, T0 + SEC(i), "failed", "source.ip=192.0.2.9");
    }
    assert_int_equal(ct_new(&t, "id-failed"), 5);
    assert_int_equal(ct_new(&t, "brute"), 1);
    assert_int_equal(mm_rule_alerts(mm_ruleset_rule(t.rs, 1)), 1); /* not referenced */
    ct_free(&t);
}

static void test_no_group_by_and_range(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t,
            CT_BASE "title: Range\nid: r\nlevel: low\ncorrelation:\n  type: event_count\n"
                    "  rules: [failed, accepted]\n  timespan: 1h\n  condition: {gt: 2, lte: 10}\n",
            0);
    ct_send(&t, T0, "failed", "source.ip=192.0.2.1");
    ct_send(&t, T0 + SEC(1), "accepted", "source.ip=192.0.2.2");
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(2), "failed", "source.ip=192.0.2.3");
    assert_int_equal(ct_new(&t, "r"), 1);
    assert_string_equal(ct_last(&t, "r")->group_key, "");
    ct_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold_per_group),
        cmocka_unit_test(test_sliding_window_and_reset),
        cmocka_unit_test(test_suppress_merges_repeats),
        cmocka_unit_test(test_late_events),
        cmocka_unit_test(test_generate_true_keeps_base_alerts),
        cmocka_unit_test(test_no_group_by_and_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
