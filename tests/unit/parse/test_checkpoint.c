/* Tests for src/parse/checkpoint.c (Check Point): the cases in tests/fixtures/parse/checkpoint/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_checkpoint;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st =
        vc_run_file(&mm_parser_checkpoint, MM_FIXTURES "/parse/checkpoint/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] = "CheckPoint 1930 - [action:\"Accept\"; ike::\"a \\\" b\"; src:\"192.0.2.1\"; dst:\"198.51.100.1\"; proto:\"6\"; s_port:\"1\"; service:\"443\"]";
    assert_true(vc_prefixes(&mm_parser_checkpoint, line, 0) >= 0);
    static const char legacy[] = "time=1 action=drop orig=192.0.2.1 i/f_dir=inbound product=VPN-1 & FireWall-1 src=\"192.0.2.9\" s_port=1 dst=192.0.2.10 service=23 proto=tcp";
    assert_true(vc_prefixes(&mm_parser_checkpoint, legacy, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
