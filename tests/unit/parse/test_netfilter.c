/* Tests for src/parse/netfilter.c (netfilter LOG): the cases in tests/fixtures/parse/netfilter/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_netfilter;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st =
        vc_run_file(&mm_parser_netfilter, MM_FIXTURES "/parse/netfilter/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] = "[UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.23 DST=192.0.2.10 LEN=60 TTL=51 DF PROTO=TCP SPT=51234 DPT=22 SYN";
    assert_true(vc_prefixes(&mm_parser_netfilter, line, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
