/* Tests for src/rules/corr_newvalue.c: first seen per group, learning, forgetting, caps. */
#include "corr_test.h"

#define NEWIP(extra)                                                                               \
    CT_BASE "title: New address\nid: newip\nlevel: medium\n" extra "correlation:\n"                \
            "  type: new_value\n  rules: [accepted]\n  group-by: [user.name]\n"                    \
            "  field: source.ip\n"

static void login(struct ct *t, int64_t ts, const char *user, const char *ip)
{
    char f[128];
    snprintf(f, sizeof(f), "user.name=%s source.ip=%s", user, ip);
    ct_send(t, ts, "accepted", f);
}

static void test_first_seen(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, NEWIP(""), 0);
    login(&t, T0, "alice", "10.0.0.1");
    assert_int_equal(ct_new(&t, "newip"), 1); /* no learning: the very first is new */
    login(&t, T0 + SEC(10), "alice", "10.0.0.1");
    login(&t, T0 + SEC(20), "bob", "10.0.0.1"); /* new for bob */
    assert_int_equal(ct_new(&t, "newip"), 2);
    login(&t, T0 + SEC(30), "alice", "203.0.113.66");
    assert_int_equal(ct_new(&t, "newip"), 3);
    const struct mm_alert *a = ct_last(&t, "newip");
    assert_int_equal(a->nevidence, 1); /* the line with the new value */
    assert_string_equal(a->group_key, "user.name=alice");
    ct_free(&t);
}

static void test_learning_and_cap(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, NEWIP("max-values: 2\n") "  learning: 1d\n", 0);
    login(&t, T0, "alice", "10.0.0.1");
    login(&t, T0 + SEC(3600), "alice", "10.0.0.2");
    assert_int_equal(t.n, 0); /* learning */
    login(&t, T0 + SEC(86400), "alice", "10.0.0.2");
    assert_int_equal(t.n, 0);
    login(&t, T0 + SEC(86401), "alice", "10.0.0.3"); /* new; forgets 10.0.0.1 (cap 2) */
    assert_int_equal(ct_new(&t, "newip"), 1);
    login(&t, T0 + SEC(86402), "alice", "10.0.0.1");
    assert_int_equal(ct_new(&t, "newip"), 2);
    ct_free(&t);
}

static void test_forget_after_timespan(void **state)
{
    (void)state;
    struct ct t;
    ct_init(&t, NEWIP("") "  timespan: 30d\n", 0);
    login(&t, T0, "alice", "10.0.0.1");
    login(&t, T0 + SEC(86400 * 29), "alice", "10.0.0.2");
    login(&t, T0 + SEC(86400 * 31), "alice", "10.0.0.1"); /* not seen for 31 days: new again */
    assert_int_equal(ct_new(&t, "newip"), 3);
    ct_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_seen),
        cmocka_unit_test(test_learning_and_cap),
        cmocka_unit_test(test_forget_after_timespan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
