/* Tests for src/parse/fortigate.c: the cases in tests/fixtures/parse/fortigate/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_fortigate;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_fortigate, MM_FIXTURES "/parse/fortigate/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a real line: no read past the end (ASan), never OK without type=. */
static void test_prefixes(void **state)
{
    (void)state;
    static const char line[] =
        "date=2024-05-13 time=11:45:04 devname=\"FGT60F\" devid=\"FGT60FTK20001234\" "
        "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" srcip=192.0.2.1 "
        "srcport=1234 dstip=198.51.100.1 dstport=443 proto=6 action=\"deny\" msg=\"a \\\"b\\\"\"";
    /* up to "type=" the line is no FortiGate record yet */
    assert_int_equal(vc_prefixes(&mm_parser_fortigate, line, 88), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
