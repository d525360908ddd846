/* Tests for src/parse/paloalto.c: the cases in tests/fixtures/parse/paloalto/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_paloalto;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_paloalto, MM_FIXTURES "/parse/paloalto/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a real line: no read past the end (ASan), never OK before the action field. */
static void test_prefixes(void **state)
{
    (void)state;
    static const char line[] =
        "<14>May 20 10:15:02 pa 1,2024/05/20 10:15:02,013201001234,THREAT,url,2561,"
        "2024/05/20 10:15:02,192.168.10.21,198.51.100.80,203.0.113.5,198.51.100.80,LAN,"
        "example\\sato,,web-browsing,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,,1,1,"
        "53004,80,53918,80,0x402000,tcp,block-url,\"www.example.com/a,b?q=\"\"x\"\"\",(9999)";
    /* the action is field 30: a record cut before it is not whole */
    assert_int_equal(vc_prefixes(&mm_parser_paloalto, line, 263), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
