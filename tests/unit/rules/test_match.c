/* Tests for src/rules/match.c: modifiers, wildcards, case, cidr, numbers, keywords, null. */
#include "rules_test.h"

static struct mm_event ev;

/* Does a one-selection rule with body `sel` match the event built by the caller? */
static int m(const char *sel)
{
    char yaml[2048];
    snprintf(yaml, sizeof(yaml), T_HEAD("m") "detection:\n  s:\n%s  condition: s\n", sel);
    struct mm_ruleset *rs = t_load_ok(yaml);
    int r = t_matches(rs, &ev, "m");
    const struct mm_rule *out[4];
    assert_int_equal(mm_rules_match_all(rs, &ev, out, 4), (size_t)r);
    mm_ruleset_unref(rs);
    return r;
}

static void setup_ev(void)
{
    t_event(&ev, "Failed password for Root from 203.0.113.9 port 4242 ssh2", 0);
    t_set(&ev, "user.name", "Root");
    t_set(&ev, "source.ip", "203.0.113.9");
    t_set(&ev, "source.port", "4242");
    t_set(&ev, "destination.ip", "2001:db8::1");
    t_set(&ev, "event.action", "ssh_login");
    t_set(&ev, "url.original", "/a*b?c\\d");
    t_set(&ev, "fortinet.logid", "0100032002");
    t_set(&ev, "event.reason", "");
}

static void test_equality_and_case(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    user.name: root\n"));
    assert_true(m("    user.name: ROOT\n"));
    assert_false(m("    user.name: roo\n"));
    assert_true(m("    user.name|cased: Root\n"));
    assert_false(m("    user.name|cased: root\n"));
    assert_true(m("    user.name: [alice, root]\n"));
    assert_false(m("    user.name|all: [alice, root]\n"));
    assert_true(m("    user.name: root\n    source.port: 4242\n"));
    assert_false(m("    user.name: root\n    source.port: 4243\n"));
    assert_true(m("    source.port: '4242'\n"));
}

static void test_contains_starts_ends(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    message|contains: PASSWORD for\n"));
    assert_false(m("    message|contains|cased: PASSWORD\n"));
    assert_true(m("    message|contains|all: [failed, ssh2, '203.0']\n"));
    assert_false(m("    message|contains|all: [failed, telnet]\n"));
    assert_true(m("    message|startswith: failed pass\n"));
    assert_false(m("    message|startswith: password\n"));
    assert_true(m("    message|endswith: SSH2\n"));
    assert_false(m("    message|endswith: ssh\n"));
    assert_true(m("    event.action|startswith: [x, ssh_]\n"));
}

static void test_wildcards(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    message: failed*ssh2\n"));
    assert_true(m("    message: '*for root*'\n"));
    assert_false(m("    message: failed*ssh\n"));
    assert_true(m("    user.name: r??t\n"));
    assert_false(m("    user.name: r?t\n"));
    assert_true(m("    message|contains: 'for r*t from'\n"));
    assert_true(m("    message|startswith: 'fail?d'\n"));
    assert_true(m("    message|endswith: 'port * ssh2'\n"));
    /* escapes: \\* is a literal star, \\? a literal question mark, \\\\ a backslash */
    assert_true(m("    url.original: '/a\\*b\\?c\\\\d'\n"));
    assert_false(m("    url.original: '/a\\*bxc\\\\d'\n"));
    assert_true(m("    url.original: '/a\\*b?c*'\n"));
    /* a lone backslash before another character is literal */
    assert_true(m("    url.original|endswith: 'c\\d'\n"));
}

static void test_regex(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    message|re: 'for R..t from'\n"));
    assert_false(m("    message|re: 'for r..t from'\n")); /* re is case-sensitive */
    assert_true(m("    message|re|i: 'for r..t from'\n"));
    assert_true(m("    message|re: '^Failed .* ssh2$'\n"));
    assert_true(m("    user.name|re: '^(root|Root)$'\n"));
    assert_true(m("    message|re|s: 'Failed.port'\n") == 0);
}

static void test_regex_multiline_dotall(void **state)
{
    (void)state;
    t_event(&ev, "line one\nline two", 0);
    assert_true(m("    message|re|m: '^line two$'\n"));
    assert_false(m("    message|re: '^line two$'\n"));
    assert_true(m("    message|re|s: 'one.line'\n"));
    assert_false(m("    message|re: 'one.line'\n"));
}

static void test_cidr(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    source.ip|cidr: 203.0.113.0/24\n"));
    assert_false(m("    source.ip|cidr: 198.51.100.0/24\n"));
    assert_true(m("    source.ip|cidr: [10.0.0.0/8, 203.0.0.0/8]\n"));
    assert_true(m("    destination.ip|cidr: '2001:db8::/32'\n"));
    assert_false(m("    destination.ip|cidr: '2001:db9::/32'\n"));
    assert_false(m("    user.name|cidr: 0.0.0.0/0\n")); /* not an address */
}

static void test_numbers(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    source.port|gt: 4000\n"));
    assert_false(m("    source.port|gt: 4242\n"));
    assert_true(m("    source.port|gte: 4242\n"));
    assert_true(m("    source.port|lt: 10000\n"));
    assert_false(m("    source.port|lt: 4242\n"));
    assert_true(m("    source.port|lte: 4242.0\n"));
    assert_false(m("    user.name|gt: 1\n")); /* not a number */
    /* numeric, not lexical: 10000 > 9 */
    t_set(&ev, "destination.port", "10000");
    assert_true(m("    destination.port|gt: 9\n"));
}

static void test_null_and_exists(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    host.hostname: null\n"));
    assert_true(m("    event.reason: null\n")); /* empty counts as null */
    assert_false(m("    user.name: null\n"));
    assert_true(m("    user.name: [null, root]\n"));
    assert_true(m("    host.hostname|exists: false\n"));
    assert_true(m("    user.name|exists: true\n"));
    assert_false(m("    user.name|exists: false\n"));
    assert_true(m("    event.reason: ''\n"));
    assert_false(m("    host.hostname: ''\n"));
}

static void test_keywords(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    - 'password for root'\n    - nothing\n"));
    assert_false(m("    - nothing\n    - 'password for bob'\n"));
    assert_true(m("    - 'for * from'\n"));
    char yaml[512];
    snprintf(yaml, sizeof(yaml), T_HEAD("k") "detection:\n  kw: 'Failed password'\n"
                                             "  condition: kw\n");
    struct mm_ruleset *rs = t_load_ok(yaml);
    assert_true(t_matches(rs, &ev, "k"));
    mm_ruleset_unref(rs);
    /* |all on a keyword map */
    assert_true(m("    '|all': [failed, ssh2]\n"));
    assert_false(m("    '|all': [failed, telnet]\n"));
    /* no message: the raw line */
    mm_event_reset(&ev, "raw only line", 13, 0);
    assert_true(m("    - 'only'\n"));
}

static void test_aliases_and_extras(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    src_ip: 203.0.113.9\n"));
    assert_true(m("    dst_ip: '2001:db8::1'\n"));
    assert_true(m("    src_port: 4242\n"));
    assert_true(m("    username: root\n"));
    assert_true(m("    User: root\n"));
    assert_true(m("    action: ssh_login\n"));
    assert_true(m("    fortinet.logid: '0100032002'\n"));
    assert_false(m("    fortinet.logid: '0100032001'\n"));
    assert_true(m("    fortinet.logid|startswith: '01000'\n"));
    assert_false(m("    fortinet.nothere|exists: true\n"));
    t_set(&ev, "host.hostname", "gw1");
    assert_true(m("    Computer: GW1\n"));
    t_set(&ev, "network.transport", "tcp");
    assert_true(m("    proto: tcp\n"));
    t_set(&ev, "dns.question.name", "evil.example");
    assert_true(m("    query|endswith: .example\n"));
}

static void test_list_of_maps(void **state)
{
    (void)state;
    setup_ev();
    assert_true(m("    - user.name: alice\n    - source.port: 4242\n"));
    assert_false(m("    - user.name: alice\n    - source.port: 1\n"));
    assert_true(m("    - user.name: alice\n      source.port: 4242\n    - user.name: root\n"));
}

static void test_named_captures(void **state)
{
    (void)state;
    t_event(&ev, "Failed password for admin from 198.51.100.7 port 2222 ssh2", 0);
    t_set(&ev, "user.name", "from-parser");
    struct mm_ruleset *rs = t_load_ok(
        T_HEAD("cap") "detection:\n  s:\n"
                      "    message|re: 'for (?<user_name>\\S+) from (?<source_ip>\\S+) "
                      "port (?<src_port_x>\\d+)'\n"
                      "  condition: s\n"
                      "---\n" T_HEAD("nocap") "detection:\n  s:\n"
                      "    message|re: '(?<never>zzz)|port'\n"
                      "  t: {user.name: nobody}\n"
                      "  condition: s and t\n");
    assert_true(t_matches(rs, &ev, "cap"));
    /* source.ip was absent: set from the capture */
    struct mm_str v = mm_event_find(&ev, "source.ip", 9);
    assert_int_equal(v.n, 12);
    assert_memory_equal(v.p, "198.51.100.7", 12);
    /* user.name was set by the parser: kept */
    v = mm_event_find(&ev, "user.name", 9);
    assert_memory_equal(v.p, "from-parser", 11);
    /* not an ECS name: an extra named like the group */
    v = mm_event_find(&ev, "src_port_x", 10);
    assert_int_equal(v.n, 4);
    assert_memory_equal(v.p, "2222", 4);
    /* a rule that did not match adds nothing */
    assert_null(mm_event_find(&ev, "never", 5).p);
    mm_ruleset_unref(rs);
}

static void test_match_order_and_max(void **state)
{
    (void)state;
    setup_ev();
    struct mm_ruleset *rs = t_load_ok(T_HEAD("r1") "detection:\n  s: {user.name: root}\n  condition: s\n"
                                      "---\n" T_HEAD("r2") "detection:\n  s: ['ssh2']\n  condition: s\n"
                                      "---\n" T_HEAD("r3") "detection:\n  s: {user.name: bob}\n  condition: s\n"
                                      "---\n" T_HEAD("r4") "detection:\n  s: {source.port|gt: 1}\n  condition: s\n");
    const struct mm_rule *out[4];
    assert_int_equal(mm_ruleset_match(rs, &ev, out, 4), 3);
    assert_string_equal(mm_rule_id(out[0]), "r1");
    assert_string_equal(mm_rule_id(out[1]), "r2");
    assert_string_equal(mm_rule_id(out[2]), "r4");
    assert_int_equal(mm_ruleset_match(rs, &ev, out, 1), 1);
    assert_string_equal(mm_rule_id(out[0]), "r1");
    mm_ruleset_unref(rs);
}

static void test_logsource_gate(void **state)
{
    (void)state;
    setup_ev();
    struct mm_ruleset *rs = t_load_ok(
        "title: t\nid: fg\nlevel: low\nlogsource: {product: fortigate}\n"
        "detection:\n  s: {user.name: root}\n  condition: s\n---\n"
        "title: t\nid: ssh\nlevel: low\nlogsource: {product: linux, service: sshd}\n"
        "detection:\n  s: {user.name: root}\n  condition: s\n---\n"
        "title: t\nid: auth\nlevel: low\nlogsource: {category: authentication}\n"
        "detection:\n  s: ['password']\n  condition: s\n---\n"
        "title: t\nid: unk\nlevel: low\nlogsource: {product: acme, service: thing}\n"
        "detection:\n  s: {user.name: root}\n  condition: s\n");
    assert_false(t_matches(rs, &ev, "fg"));
    assert_false(t_matches(rs, &ev, "ssh"));
    assert_false(t_matches(rs, &ev, "auth"));
    assert_true(t_matches(rs, &ev, "unk")); /* unmapped logsource: every event */
    ev.parser = "fortigate";
    assert_true(t_matches(rs, &ev, "fg"));
    ev.parser = "syslog";
    t_set(&ev, "observer.vendor", "Fortinet");
    assert_true(t_matches(rs, &ev, "fg"));
    t_set(&ev, "process.name", "sshd");
    assert_true(t_matches(rs, &ev, "ssh"));
    t_set(&ev, "event.category", "network,authentication");
    assert_true(t_matches(rs, &ev, "auth"));
    mm_ruleset_unref(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equality_and_case),
        cmocka_unit_test(test_contains_starts_ends),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_regex_multiline_dotall),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_null_and_exists),
        cmocka_unit_test(test_keywords),
        cmocka_unit_test(test_aliases_and_extras),
        cmocka_unit_test(test_list_of_maps),
        cmocka_unit_test(test_named_captures),
        cmocka_unit_test(test_match_order_and_max),
        cmocka_unit_test(test_logsource_gate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
