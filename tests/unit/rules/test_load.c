/* Tests for src/rules/load.c, ruleset.c, compile.c: loading, metadata and errors. */
#include "rules_test.h"

static void test_bad_yaml(void **state)
{
    (void)state;
    t_load_fails("title: x\nid: [1, 2\n", "t.yml:");
}

static void test_missing_title(void **state)
{
    (void)state;
    t_load_fails("id: a\nlevel: low\nlogsource: {product: x}\n"
                 "detection:\n  s: {a: b}\n  condition: s\n",
                 "t.yml:1:1: missing required key 'title'");
}

static void test_unknown_modifier(void **state)
{
    (void)state;
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    user.name|contians: x\n  condition: s\n",
                 "t.yml:7:15: unknown modifier 'contians'");
}

static void test_unsupported_base64(void **state)
{
    (void)state;
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    message|base64offset|contains: x\n"
                             "  condition: s\n",
                 "t.yml:7:13: modifier 'base64offset' is not supported");
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    message|expand: '%x%'\n  condition: s\n",
                 "modifier 'expand' is not supported");
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    message|windash: '-x'\n  condition: s\n",
                 "modifier 'windash' is not supported");
}

static void test_unknown_selection(void **state)
{
    (void)state;
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    a: b\n  condition: s and nope\n",
                 "t.yml:8:20: unknown selection 'nope'");
    /* quoted condition: the column counts the quote */
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    a: b\n  condition: 's or x'\n",
                 "t.yml:8:20: unknown selection 'x'");
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    a: b\n  condition: 1 of t*\n",
                 "no selection matches 't*'");
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    a: b\n  condition: s | count() > 5\n",
                 "aggregations");
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    a: b\n  condition: (s\n",
                 "unbalanced '('");
    t_load_fails(T_HEAD("a") "detection:\n  s:\n    a: b\n  condition: s s\n", "unexpected 's'");
}

static void test_bad_level(void **state)
{
    (void)state;
    t_load_fails("title: t\nid: a\nlevel: severe\nlogsource: {product: x}\n"
                 "detection:\n  s: {a: b}\n  condition: s\n",
                 "t.yml:3:8: 'level' must be");
    t_load_fails("title: t\nid: a\nlogsource: {product: x}\n"
                 "detection:\n  s: {a: b}\n  condition: s\n",
                 "missing required key 'level'");
}

static void test_correlation(void **state)
{
    (void)state;
    /* correlation rules load (tests/unit/rules/test_corr_*.c); a broken one says where */
    t_load_fails("title: t\nid: a\nlevel: high\ncorrelation:\n  type: event_count\n",
                 "t.yml:5:3: missing 'correlation.rules'");
    t_load_fails(T_HEAD("a") "generate: true\ndetection:\n  s: {a: b}\n  condition: s\n",
                 "t.yml:5:1: 'generate' is only for correlation rules");
}

static void test_unknown_key(void **state)
{
    (void)state;
    t_load_fails(T_HEAD("a") "detecton: {}\n", "t.yml:5:1: unknown key 'detecton'");
    /* x- keys and Sigma metadata are fine */
    struct mm_ruleset *rs = t_load_ok(T_HEAD("a") "x-owner: me\nauthor: me\ndate: 2024-01-01\n"
                                                  "references: [http://x]\nfalsepositives: [none]\n"
                                                  "status: test\nfields: [a]\nlicense: MIT\n"
                                                  "detection:\n  s: {a: b}\n  condition: s\n");
    mm_ruleset_unref(rs);
}

static void test_duplicate_key(void **state)
{
    (void)state;
    t_load_fails(T_HEAD("a") "title: again\ndetection:\n  s: {a: b}\n  condition: s\n",
                 "t.yml:5:1: duplicate key 'title'");
}

static void test_duplicate_id(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    const char *p = MM_FIXTURES "/rules/bad_many.yml";
    assert_int_not_equal(mm_ruleset_load(&rs, &p, 1, &d), MM_OK);
    assert_null(rs);
    /* every error is reported: the missing title and the duplicate id */
    assert_true(t_diag_has(&d, "bad_many.yml:9:1: missing required key 'title'"));
    assert_true(t_diag_has(&d, "bad_many.yml:16:1: duplicate rule id 'dup-1' (first used at"));
    assert_int_equal(mm_diag_errors(&d), 2);
    mm_diag_free(&d);
}

static void test_several_errors_positions(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    const char *y = T_HEAD("a") "suppress: 5x\n"
                                "detection:\n"
                                "  s:\n"
                                "    a|gt: abc\n"
                                "    b|cidr: 10.0.0.0/99\n"
                                "    c|re: '(unclosed'\n"
                                "    d|exists: maybe\n"
                                "    e|i: x\n"
                                "    f|contains|startswith: x\n"
                                "  condition: s\n";
    assert_null(t_load(y, &d));
    assert_true(t_diag_has(&d, "t.yml:5:11: 'suppress' must be a duration"));
    assert_true(t_diag_has(&d, "t.yml:8:11: 'abc' is not a number"));
    assert_true(t_diag_has(&d, "t.yml:9:13: '10.0.0.0/99' is not a CIDR prefix"));
    assert_true(t_diag_has(&d, "t.yml:10:"));
    assert_true(t_diag_has(&d, "bad regular expression"));
    assert_true(t_diag_has(&d, "t.yml:11:15: 'exists' takes true or false"));
    assert_true(t_diag_has(&d, "t.yml:12:7: modifier 'i' only applies after 're'"));
    assert_true(t_diag_has(&d, "cannot be combined with 'contains'"));
    mm_diag_free(&d);
}

static void test_several_docs_and_metadata(void **state)
{
    (void)state;
    struct mm_ruleset *rs =
        t_load_ok("title: First\nid: r1\nname: first_rule\nlevel: high\n"
                  "description: do this\ntags: [attack.t1110, 'a\"b']\n"
                  "logsource: {product: linux}\nsuppress: 5m\ngroup-by: [src_ip, user.name]\n"
                  "detection:\n  s: {a: b}\n  condition: s\n"
                  "---\n"
                  "title: Second\nid: r2\nlevel: informational\nlogsource: {product: linux}\n"
                  "detection:\n  s: {a: b}\n  condition: s\n");
    assert_int_equal(mm_ruleset_count(rs), 2);
    const struct mm_rule *r = mm_ruleset_rule(rs, 0);
    assert_string_equal(mm_rule_id(r), "r1");
    assert_string_equal(mm_rule_name(r), "first_rule");
    assert_string_equal(mm_rule_title(r), "First");
    assert_string_equal(mm_rule_description(r), "do this");
    assert_int_equal(mm_rule_severity(r), MM_SEV_HIGH);
    assert_string_equal(mm_rule_tags_json(r), "[\"attack.t1110\",\"a\\\"b\"]");
    assert_true(mm_rule_suppress_ns(r) == 300LL * 1000000000LL);
    const char *const *gb = NULL;
    assert_int_equal(mm_rule_group_by(r, &gb), 2);
    assert_string_equal(gb[0], "source.ip"); /* alias resolved */
    assert_string_equal(gb[1], "user.name");
    assert_string_equal(mm_rule_file(r), "t.yml");
    assert_int_equal(mm_rule_line(r), 1);
    const struct mm_rule *r2 = mm_ruleset_rule(rs, 1);
    assert_int_equal(mm_rule_line(r2), 14);
    assert_null(mm_rule_name(r2));
    assert_string_equal(mm_rule_tags_json(r2), "[]");
    assert_int_equal(mm_rule_suppress_ns(r2), 0);
    assert_int_equal(mm_rule_group_by(r2, &gb), 0);
    assert_null(mm_ruleset_rule(rs, 2));
    mm_ruleset_ref(rs);
    mm_ruleset_unref(rs);
    mm_ruleset_unref(rs);
}

static void test_directory(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    const char *p = MM_FIXTURES "/rules/dir";
    assert_int_equal(mm_ruleset_load(&rs, &p, 1, &d), MM_OK);
    assert_int_equal(mm_diag_errors(&d), 0);
    assert_int_equal(mm_ruleset_count(rs), 4);
    /* name order: a.yml (two docs), b.yaml, sub/c.yml; notes.txt skipped */
    assert_string_equal(mm_rule_id(mm_ruleset_rule(rs, 0)), "a-1");
    assert_string_equal(mm_rule_id(mm_ruleset_rule(rs, 1)), "a-2");
    assert_string_equal(mm_rule_id(mm_ruleset_rule(rs, 2)), "b-1");
    assert_string_equal(mm_rule_id(mm_ruleset_rule(rs, 3)), "c-1");
    mm_ruleset_unref(rs);
    mm_diag_free(&d);
}

static void test_missing_path(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    const char *p = MM_FIXTURES "/rules/does-not-exist.yml";
    assert_int_not_equal(mm_ruleset_load(&rs, &p, 1, &d), MM_OK);
    assert_true(t_diag_has(&d, "does-not-exist.yml: cannot open"));
    mm_diag_free(&d);
}

static void test_default_rules_load(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = NULL;
    const char *p = MM_SOURCE_DIR "/rules";
    enum mm_err rc = mm_ruleset_load(&rs, &p, 1, &d);
    mm_diag_print(&d, stderr);
    assert_int_equal(rc, MM_OK);
    assert_true(mm_ruleset_count(rs) >= 5);
    mm_ruleset_unref(rs);
    mm_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_yaml),
        cmocka_unit_test(test_missing_title),
        cmocka_unit_test(test_unknown_modifier),
        cmocka_unit_test(test_unsupported_base64),
        cmocka_unit_test(test_unknown_selection),
        cmocka_unit_test(test_bad_level),
        cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_duplicate_id),
        cmocka_unit_test(test_several_errors_positions),
        cmocka_unit_test(test_several_docs_and_metadata),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_missing_path),
        cmocka_unit_test(test_default_rules_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
