/* Tests for src/parse/cisco_asa.c: the cases in tests/fixtures/parse/cisco_asa/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_cisco_asa;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_cisco_asa, MM_FIXTURES "/parse/cisco_asa/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a real line: no read past the end (ASan). */
static void test_prefixes(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "%ASA-6-302013: Built outbound TCP connection 9 for outside:198.51.100.1/22 "
        "(198.51.100.1/22) to inside:192.168.1.2/53496 (203.0.113.2/53496)",
        "%ASA-6-106100: access-list a permitted tcp inside/192.168.1.16(2241) -> "
        "outside/198.51.100.89(2000) hit-cnt 1 first hit",
        "%ASA-4-722051: Group <G> User <u> IP <198.51.100.90> IPv4 Address <10.0.0.2> assigned",
        "%ASA-5-111008: User 'admin' executed the 'write memory' command.",
        "%ASA-6-305011: Built dynamic TCP translation from inside:192.168.1.44(LOCAL\\x)/1 to o",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        assert_int_equal(vc_prefixes(&mm_parser_cisco_asa, lines[i], 0), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
