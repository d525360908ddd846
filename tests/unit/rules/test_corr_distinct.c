/* Tests for src/rules/corr_distinct.c (value_count): spray, low and slow, window, case. */
#include "corr_test.h"

#define SPRAY(span, n)                                                                             \
    CT_BASE "title: Password spray\nid: spray\nlevel: high\nsuppress: 1d\ncorrelation:\n"          \
            "  type: value_count\n  rules: [failed]\n  group-by: [source.ip]\n"                    \
            "  timespan: " span "\n  condition: {field: user.name, gte: " n "}\n"

static void send_user(struct ct *t, int64_t ts, const char *ip, const char *user)
{
    char f[128];
    snprintf(f, sizeof(f), "source.ip=%s user.name=%s", ip, user);
    ct_send(t, ts, "vpn: login failed", f);
}

static void test_spray(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SPRAY("10m", "5"), 0);
    const char *users[] = {"alice", "ALICE", "bob", "bob", "carol", "dave"};
    for (size_t i = 0; i < 6; i++) {
        send_user(&t, T0 + SEC(i), "203.0.113.9", users[i]); /* alice == ALICE */
    }
    ct_send(&t, T0 + SEC(7), "vpn: login failed", "source.ip=203.0.113.9"); /* no user: no value */
    assert_int_equal(t.n, 0);
    send_user(&t, T0 + SEC(8), "198.51.100.1", "erin"); /* another source */
    send_user(&t, T0 + SEC(9), "203.0.113.9", "erin");
    assert_int_equal(ct_new(&t, "spray"), 1);
    const struct mm_alert *a = ct_last(&t, "spray");
    assert_string_equal(a->group_key, "source.ip=203.0.113.9");
    assert_int_equal(a->count, 8); /* events that contributed, the user-less one included */
    assert_non_null(strstr(a->fields_json, "\"user.name\":\"erin\""));
    ct_free(&t);
}

static void test_low_and_slow_over_days(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SPRAY("3d", "10"), 0);
    char user[16];
    for (int i = 0; i < 9; i++) { /* one new user every 6 hours */
        snprintf(user, sizeof(user), "u%d", i);
        send_user(&t, T0 + SEC(6 * 3600 * i), "203.0.113.50", user);
        ct_tick(&t, T0 + SEC(6 * 3600 * i + 60)); /* timers must not drop a live group */
    }
    assert_int_equal(t.n, 0);
    send_user(&t, T0 + SEC(6 * 3600 * 9), "203.0.113.50", "u9");
    assert_int_equal(ct_new(&t, "spray"), 1);
    assert_true(ct_last(&t, "spray")->first_seen_ns == T0);
    ct_free(&t);
}

static void test_window_forgets_old_values(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, SPRAY("1h", "3"), 0);
    send_user(&t, T0, "192.0.2.4", "a");
    send_user(&t, T0 + SEC(1800), "192.0.2.4", "b");
    send_user(&t, T0 + SEC(3601), "192.0.2.4", "c"); /* "a" left the window */
    assert_int_equal(t.n, 0);
    send_user(&t, T0 + SEC(3700), "192.0.2.4", "a"); /* b, c, a within the hour */
    assert_int_equal(ct_new(&t, "spray"), 1);
    ct_free(&t);
}

static void test_distributed_brute_force(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t,
            CT_BASE "title: Distributed\nid: dist\nlevel: high\ncorrelation:\n"
                    "  type: value_count\n  rules: [failed]\n  group-by: [observer.name]\n"
                    "  timespan: 2d\n  field: source.ip\n  condition: {gte: 50}\n",
            0);
    char f[128];
    for (int i = 0; i < 200; i++) { /* 4 addresses, each many times: not distributed */
        snprintf(f, sizeof(f), "observer.name=gw1 source.ip=10.0.0.%d", i % 4);
        ct_send(&t, T0 + SEC(i * 60), "failed", f);
    }
    assert_int_equal(t.n, 0);
    for (int i = 0; i < 50; i++) {
        snprintf(f, sizeof(f), "observer.name=gw1 source.ip=198.18.%d.%d", i / 200, i);
        ct_send(&t, T0 + SEC(20000 + i * 1800), "failed", f);
    }
    assert_int_equal(ct_new(&t, "dist"), 1);
    ct_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spray),
        cmocka_unit_test(test_low_and_slow_over_days),
        cmocka_unit_test(test_window_forgets_old_values),
        cmocka_unit_test(test_distributed_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
