/* Tests for src/rules/corr_absence.c: silence on event time (replay) and receive time (live). */
#include "corr_test.h"

#define SILENT                                                                                     \
    CT_BASE "title: Source silent\nid: silent\nlevel: medium\ncorrelation:\n  type: absence\n"     \
            "  rules: [failed, accepted]\n  group-by: [observer.name]\n  timespan: 10m\n"

static void test_silence_on_event_time(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SILENT, 0);
    for (int i = 0; i <= 10; i++) {
        ct_send(&t, T0 + SEC(60 * i), "accepted line", "observer.name=camera1");
        ct_send(&t, T0 + SEC(60 * i), "accepted line", "observer.name=gw");
    }
    ct_tick(&t, T0 + SEC(600 + 600)); /* exactly 10 minutes: not yet */
    assert_int_equal(t.n, 0);
    ct_send(&t, T0 + SEC(1201), "accepted line", "observer.name=gw");
    ct_tick(&t, T0 + SEC(1201));
    assert_int_equal(ct_new(&t, "silent"), 1);
    const struct mm_alert *a = ct_last(&t, "silent");
    assert_string_equal(a->group_key, "observer.name=camera1");
    assert_non_null(strstr(a->fields_json, "\"observer.name\":\"camera1\""));
    assert_true(a->first_seen_ns == T0 + SEC(600)); /* last heard */
    assert_int_equal(a->count, 1);
    assert_true(a->ts_ns == T0 + SEC(1201));
    assert_int_equal(a->nevidence, 5);
    ct_tick(&t, T0 + SEC(5000)); /* one alert per silence; gw falls silent now */
    assert_int_equal(ct_new(&t, "silent"), 2);
    assert_string_equal(ct_last(&t, "silent")->group_key, "observer.name=gw");
    /* the camera comes back, then falls silent again: a second alert for it */
    ct_send(&t, T0 + SEC(6000), "accepted line", "observer.name=camera1");
    ct_tick(&t, T0 + SEC(6000 + 601));
    assert_int_equal(ct_new(&t, "silent"), 3);
    ct_free(&t);
}

static void test_silence_on_receive_time_live(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SILENT, 1);
    /* the gateway's clock is a day behind: live absence goes by receive time */
    t.recv = T0 + SEC(5);
    ct_send(&t, T0 - SEC(86400), "accepted", "observer.name=gw");
    ct_tick(&t, T0 + SEC(5 + 600));
    assert_int_equal(t.n, 0);
    ct_tick(&t, T0 + SEC(5 + 601));
    assert_int_equal(ct_new(&t, "silent"), 1);
    ct_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silence_on_event_time),
        cmocka_unit_test(test_silence_on_receive_time_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
