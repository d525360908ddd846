/* Tests for src/rules/corr_load.c: syntax, references, aliases, cycles, generate. */
#include "corr_test.h"

#define C(body) CT_BASE "title: c\nid: c\nlevel: high\ncorrelation:\n" body

static void test_errors(void **state)
{
    (void)state;
    t_load_fails(C("  type: event_sum\n  rules: [failed]\n  timespan: 1m\n"),
                 "'correlation.type' must be event_count");
    t_load_fails(C("  type: event_count\n  rules: [failed]\n  condition: {gte: 3}\n"),
                 "missing 'correlation.timespan'");
    t_load_fails(C("  type: event_count\n  rules: [nope]\n  timespan: 1m\n  condition: {gte: 3}\n"),
                 "no rule named 'nope'");
    t_load_fails(
        C("  type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {lt: 3}\n"),
        "needs a lower bound");
    t_load_fails(C("  type: event_count\n  rules: [failed]\n  timespan: 1m\n"
                   "  condition: {gt: 5, lt: 3}\n"),
                 "can never hold");
    t_load_fails(
        C("  type: value_count\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: 3}\n"),
        "needs 'field'");
    t_load_fails(C("  type: temporal_ordered\n  rules: [{not: logout}, failed, accepted]\n"
                   "  timespan: 1m\n"),
                 "must stand between two steps");
    t_load_fails(C("  type: event_count\n  rules: [{rule: failed, count: {gte: 2}}]\n"
                   "  timespan: 1m\n  condition: {gte: 3}\n"),
                 "only for temporal_ordered");
    t_load_fails(C("  type: temporal\n  rules: [failed, accepted]\n  group-by: [ip]\n"
                   "  timespan: 1m\n  aliases:\n    ip: {failed: source.ip}\n"),
                 "alias 'ip' has no field for rule 'accepted'");
    t_load_fails(C("  type: temporal\n  rules: [failed, accepted]\n  timespan: 1m\n"
                   "  bogus: 1\n"),
                 "unknown correlation key 'bogus'");
    t_load_fails(C("  type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: "
                   "3}\n") "logsource: {product: x}\n",
                 "a correlation rule has no top-level 'logsource'");
    /* a cycle through two correlations */
    t_load_fails(CT_BASE "title: a\nid: a\nname: ca\ncorrelation:\n  type: temporal\n"
                         "  rules: [cb, failed]\n  timespan: 1m\n---\n"
                         "title: b\nid: b\nname: cb\ncorrelation:\n  type: temporal\n"
                         "  rules: [ca, failed]\n  timespan: 1m\n",
                 "lead back to it");
    t_load_fails(C("  type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: "
                   "3}\n") "---\ntitle: dup\nid: c\nlevel: low\nlogsource: {product: x}\n"
                           "detection:\n  s: [x]\n  condition: s\n",
                 "duplicate rule id 'c'");
}

static void test_sigma_example_and_generate(void **state)
{
    (void)state;
    /* the failed-then-successful example of the Sigma correlation specification, by id too */
    struct mm_ruleset *rs = t_load_ok(
        CT_BASE "title: Correlation - Multiple Failed Logins Followed by Successful Login\n"
                "id: b180ead8-d58f-40b2-ae54-c8940995b9b6\nstatus: experimental\n"
                "correlation:\n  type: temporal_ordered\n  rules:\n    - multiple_failed_login\n"
                "    - id-ok\n  group-by:\n    - User\n  timespan: 10m\n"
                "falsepositives:\n  - Unlikely\nlevel: high\n---\n"
                "title: Multiple failed logons\nid: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\n"
                "name: multiple_failed_login\ncorrelation:\n  type: event_count\n"
                "  rules:\n    - failed\n  group-by:\n    - User\n  timespan: 10m\n"
                "  condition:\n    gte: 10\n");
    assert_int_equal(mm_ruleset_count(rs), 4);
    assert_int_equal(mm_ruleset_corr_count(rs), 2);
    const struct mm_rule *outer = mm_ruleset_corr(rs, 0);
    const char *const *gb = NULL;
    assert_int_equal(mm_rule_group_by(outer, &gb), 1);
    assert_string_equal(gb[0], "user.name"); /* Sigma's User is an alias of user.name */
    assert_int_equal(mm_rule_alerts(outer), 1);
    assert_int_equal(mm_rule_alerts(mm_ruleset_corr(rs, 1)), 0); /* used by the outer one */
    assert_int_equal(mm_rule_alerts(mm_ruleset_rule(rs, 0)), 0); /* failed */
    assert_int_equal(mm_rule_alerts(mm_ruleset_rule(rs, 1)), 0); /* accepted, by id */
    assert_int_equal(mm_rule_alerts(mm_ruleset_rule(rs, 2)), 1); /* admin: unused */
    assert_int_equal(mm_rule_severity(mm_ruleset_corr(rs, 1)), MM_SEV_MEDIUM); /* default */
    mm_ruleset_unref(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sigma_example_and_generate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
