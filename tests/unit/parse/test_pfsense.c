/* Tests for src/parse/pfsense.c: the cases in tests/fixtures/parse/pfsense/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_pfsense;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_pfsense, MM_FIXTURES "/parse/pfsense/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a real line: no read past the end (ASan), never OK before the addresses. */
static void test_prefixes(void **state)
{
    (void)state;
    static const char line[] =
        "146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,192.168.12.50,"
        "198.51.100.53,49724,853,0,S,1891286705,,64240,,mss";
    /* before the destination address the record is not whole */
    assert_int_equal(vc_prefixes(&mm_parser_pfsense, line, 85), 0);
    static const char gui[] =
        "/index.php: webConfigurator authentication error for user 'admin' from: 198.51.100.1";
    assert_int_equal(vc_prefixes(&mm_parser_pfsense, gui, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
