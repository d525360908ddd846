/* Tests for src/rules/examples.c: rule examples through the real parser and match path. */
#include "rules_test.h"

#include "mimamori/parse.h"

static size_t check(const char *path, struct mm_diag *d)
{
    struct mm_diag ld;
    mm_diag_init(&ld);
    struct mm_ruleset *rs = NULL;
    enum mm_err rc = mm_ruleset_load(&rs, &path, 1, &ld);
    mm_diag_print(&ld, stderr);
    assert_int_equal(rc, MM_OK);
    mm_diag_free(&ld);
    struct mm_parse_ctx *ctx = NULL;
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, NULL, 0), MM_OK);
    size_t n = mm_ruleset_check_examples(rs, ctx, d);
    mm_parse_ctx_free(ctx);
    mm_ruleset_unref(rs);
    return n;
}

static void test_failures_point_at_the_example(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    assert_int_equal(check(MM_FIXTURES "/rules/examples.yml", &d), 2);
    assert_true(t_diag_has(&d, "examples.yml:12:7: example 2 of rule ex-1 should match but did not"));
    assert_true(t_diag_has(&d, "examples.yml:15:7: example 2 of rule ex-1 should not match but did"));
    assert_int_equal(mm_diag_errors(&d), 2);
    mm_diag_free(&d);
}

static void test_default_linux_rules(void **state)
{
    (void)state;
    struct mm_diag d;
    mm_diag_init(&d);
    size_t n = check(MM_SOURCE_DIR "/rules/linux", &d);
    mm_diag_print(&d, stderr);
    assert_int_equal(n, 0);
    mm_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failures_point_at_the_example),
        cmocka_unit_test(test_default_linux_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
