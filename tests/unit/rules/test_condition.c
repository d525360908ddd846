/* Tests for src/rules/condition.c: grammar, precedence, 1 of / all of. */
#include "rules_test.h"

/*
 * Selections a, b, c, sel_x, sel_y, _hidden each test one field "f.<name>"
 * for the value "1"; events set the fields named in `on`.
 */
static int eval_cond(const char *cond, const char *on)
{
    char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             T_HEAD("c") "detection:\n"
                         "  a: {f.a: '1'}\n  b: {f.b: '1'}\n  c: {f.c: '1'}\n"
                         "  sel_x: {f.sel_x: '1'}\n  sel_y: {f.sel_y: '1'}\n"
                         "  _hidden: {f._hidden: '1'}\n"
                         "  condition: %s\n",
             cond);
    struct mm_ruleset *rs = t_load_ok(yaml);
    static struct mm_event ev;
    t_event(&ev, "x", 0);
    static char keep[8][32];
    int k = 0;
    const char *p = on;
    while (*p != '\0' && k < 8) {
        size_t n = strcspn(p, ",");
        snprintf(keep[k], sizeof(keep[k]), "f.%.*s", (int)n, p);
        t_set(&ev, keep[k], "1");
        k++;
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    int m = t_matches(rs, &ev, "c");
    /* the brute-force path agrees */
    const struct mm_rule *out[4];
    assert_int_equal(mm_rules_match_all(rs, &ev, out, 4), (size_t)m);
    mm_ruleset_unref(rs);
    return m;
}

static void test_basic(void **state)
{
    (void)state;
    assert_true(eval_cond("a", "a"));
    assert_false(eval_cond("a", "b"));
    assert_true(eval_cond("a and b", "a,b"));
    assert_false(eval_cond("a and b", "a"));
    assert_true(eval_cond("a or b", "b"));
    assert_false(eval_cond("a or b", "c"));
    assert_true(eval_cond("not a", "b"));
    assert_false(eval_cond("not a", "a"));
    assert_true(eval_cond("not not a", "a"));
}

static void test_precedence(void **state)
{
    (void)state;
    /* a or b and c == a or (b and c) */
    assert_true(eval_cond("a or b and c", "a"));
    assert_false(eval_cond("a or b and c", "b"));
    assert_true(eval_cond("a or b and c", "b,c"));
    /* (a or b) and c */
    assert_false(eval_cond("(a or b) and c", "a"));
    assert_true(eval_cond("(a or b) and c", "a,c"));
    /* not binds tighter than and */
    assert_true(eval_cond("not a and b", "b"));
    assert_false(eval_cond("not a and b", "a,b"));
    assert_true(eval_cond("not (a and b)", "a"));
    assert_false(eval_cond("not (a and b)", "a,b"));
    assert_true(eval_cond("a and not b or c", "c"));
    assert_true(eval_cond("a and not b or c", "a"));
    assert_false(eval_cond("a and not b or c", "a,b"));
    assert_true(eval_cond("((a))", "a"));
}

static void test_quantifiers(void **state)
{
    (void)state;
    assert_true(eval_cond("1 of sel_*", "sel_y"));
    assert_false(eval_cond("1 of sel_*", "a"));
    assert_true(eval_cond("all of sel_*", "sel_x,sel_y"));
    assert_false(eval_cond("all of sel_*", "sel_x"));
    assert_true(eval_cond("1 of them", "c"));
    assert_false(eval_cond("1 of them", "_hidden")); /* '_' names are not in them */
    assert_true(eval_cond("all of them", "a,b,c,sel_x,sel_y"));
    assert_false(eval_cond("all of them", "a,b,c,sel_x"));
    assert_true(eval_cond("any of sel_*", "sel_x"));
    assert_true(eval_cond("a and 1 of sel_*", "a,sel_x"));
    assert_false(eval_cond("a and not 1 of sel_*", "a,sel_x"));
    assert_true(eval_cond("all of sel_* or c", "c"));
    assert_true(eval_cond("1 of *", "_hidden")); /* a pattern can name them */
}

static void test_list_of_conditions(void **state)
{
    (void)state;
    struct mm_ruleset *rs = t_load_ok(T_HEAD("l") "detection:\n  a: {f.a: '1'}\n  b: {f.b: '1'}\n"
                                                  "  condition:\n    - a\n    - b\n");
    static struct mm_event ev;
    t_event(&ev, "x", 0);
    t_set(&ev, "f.b", "1");
    assert_true(t_matches(rs, &ev, "l"));
    mm_ruleset_unref(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_quantifiers),
        cmocka_unit_test(test_list_of_conditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
