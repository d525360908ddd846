/* Tests for src/parse/yamaha_rtx.c (YAMAHA RTX): the cases in tests/fixtures/parse/yamaha_rtx/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_yamaha_rtx;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st =
        vc_run_file(&mm_parser_yamaha_rtx, MM_FIXTURES "/parse/yamaha_rtx/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] = "PP[01] Rejected at IN(200) filter: TCP 203.0.113.5:51234 > 192.0.2.10:23";
    assert_true(vc_prefixes(&mm_parser_yamaha_rtx, line, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
