/* Tests for src/parse/leef.c (IBM LEEF 1.0 / 2.0): the cases in tests/fixtures/parse/leef/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_leef;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_leef, MM_FIXTURES "/parse/leef/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* "host LEEF:1.0|..." read by the syslog header as tag "LEEF": the body starts at the version. */
static void test_tag(void **state)
{
    (void)state;
    static const char body[] = "1.0|Example|Firewall|1|5|src=192.0.2.1\tdst=192.0.2.2";
    size_t n = sizeof(body) - 1;
    char *b = malloc(n);
    assert_non_null(b);
    memcpy(b, body, n);
    mm_event_reset(&vc_ev, b, n, 0);
    assert_int_equal(mm_parser_leef.detect(&vc_ev, b, n), 0);
    mm_event_set(&vc_ev, MM_F_SYSLOG_APPNAME, "LEEF", 4);
    assert_true(mm_parser_leef.detect(&vc_ev, b, n) >= 90);
    assert_int_equal(mm_parser_leef.parse(&vc_ev, b, n), MM_PARSE_OK);
    struct mm_str d = mm_event_get(&vc_ev, MM_F_DESTINATION_IP);
    assert_int_equal(d.n, 9);
    assert_memory_equal(d.p, "192.0.2.2", 9);
    free(b);
}

/* Every prefix of a line: no read past the end (ASan), no crash; a cut header is not OK. */
static void test_truncations(void **state)
{
    (void)state;
    static const char l1[] = "x LEEF:2.0|Ex|Pr|1.0|7|xa6|src=192.0.2.8\xc2\xa6" "dst=192.0.2.5";
    static const char l2[] = "LEEF:1.0|Ex|Pr|1.0|7|src=192.0.2.8 usrName=a b dst=192.0.2.5";
    assert_int_equal(vc_prefixes(&mm_parser_leef, l1, 20), 0);
    assert_int_equal(vc_prefixes(&mm_parser_leef, l2, 20), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_tag),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
