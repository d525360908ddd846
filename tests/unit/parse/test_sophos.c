/* Tests for src/parse/sophos.c: the cases in tests/fixtures/parse/sophos/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_sophos;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_sophos, MM_FIXTURES "/parse/sophos/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a real line: no read past the end (ASan). */
static void test_prefixes(void **state)
{
    (void)state;
    static const char line[] =
        "device=\"SFW\" date=2024-05-18 time=14:38:45 device_name=\"XG135\" log_id=010101600001 "
        "log_type=\"Firewall\" log_subtype=\"Denied\" src_ip=198.51.100.9 dst_ip=203.0.113.2 "
        "protocol=\"UDP\" src_port=5060 dst_port=5060 message=\"a \\\"quoted\\\" word\"";
    assert_int_equal(vc_prefixes(&mm_parser_sophos, line, 0), 0);
    static const char utm[] = "id=\"2001\" severity=\"info\" sys=\"SecureNet\" sub=\"packetfilter\" "
                              "name=\"Packet dropped\" action=\"drop\" srcip=\"198.51.100.7\"";
    assert_int_equal(vc_prefixes(&mm_parser_sophos, utm, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
