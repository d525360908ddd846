/* Tests for src/parse/watchguard.c (WatchGuard Fireware): the cases in tests/fixtures/parse/watchguard/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_watchguard;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st =
        vc_run_file(&mm_parser_watchguard, MM_FIXTURES "/parse/watchguard/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] = "FVE1A2B3C4D5E (2024-03-01T10:00:00) firewall[10]: msg_id=\"3000-0148\" Allow WAN - Backup 0-External 52 tcp 20 127 192.0.2.10 203.0.113.5 51234 443 offset 8 S 832026162 win 8192 geo_dst=\"USA\" msg=\"x\" (HTTPS-proxy-00)";
    assert_true(vc_prefixes(&mm_parser_watchguard, line, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
