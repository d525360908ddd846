/* Tests for src/parse/json.c (JSON bodies): the cases in tests/fixtures/parse/json/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_json;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st =
        vc_run_file(&mm_parser_json, MM_FIXTURES "/parse/json/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] = "{\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"a\":{\"b\":[1,{\"c\":null}],\"u\":\"\\ud83d\\ude00\\n\"},\"n\":-1.5e+3,\"t\":true}";
    assert_true(vc_prefixes(&mm_parser_json, line, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
