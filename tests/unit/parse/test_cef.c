/* Tests for src/parse/cef.c (ArcSight CEF): the cases in tests/fixtures/parse/cef/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_cef;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st = vc_run_file(&mm_parser_cef, MM_FIXTURES "/parse/cef/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* Every prefix of a line: no read past the end (ASan), no crash; a record cut in its header is not OK. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] =
        "host CEF:0|Ex\\|ample|Fire\\\\wall|2.1|100|Connection denied|5|src=192.0.2.10 "
        "msg=a\\=b \\n c\\\\ d cs1Label=Rule Name cs1=x request=https://h.example/p?q rt=1543270652000";
    assert_int_equal(vc_prefixes(&mm_parser_cef, line, 54), 0);
}

/* \n and \r in an extension value become the control characters. */
static void test_newline_escape(void **state)
{
    (void)state;
    static const char line[] = "CEF:0|V|P|1|1|N|1|msg=one\\ntwo\\r \\\\ x dst=192.0.2.2";
    size_t n = strlen(line);
    char *b = malloc(n);
    assert_non_null(b);
    memcpy(b, line, n);
    mm_event_reset(&vc_ev, b, n, 0);
    assert_int_equal(mm_parser_cef.parse(&vc_ev, b, n), MM_PARSE_OK);
    struct mm_str m = mm_event_find(&vc_ev, "cef.msg", 7);
    assert_int_equal(m.n, 12);
    assert_memory_equal(m.p, "one\ntwo\r \\ x", 12);
    free(b);
}

/* A record with more pairs than the label table holds: extras are capped, no overflow. */
static void test_many_pairs(void **state)
{
    (void)state;
    static char line[8192];
    size_t n = (size_t)snprintf(line, sizeof(line), "CEF:0|V|P|1|1|N|1|");
    for (int i = 0; i < 300 && n + 16 < sizeof(line); i++) {
        n += (size_t)snprintf(line + n, sizeof(line) - n, "k%d=v%d ", i, i);
    }
    char *b = malloc(n);
    assert_non_null(b);
    memcpy(b, line, n);
    mm_event_reset(&vc_ev, b, n, 0);
    assert_int_equal(mm_parser_cef.parse(&vc_ev, b, n), MM_PARSE_OK);
    assert_true(vc_ev.nx_dropped > 0);
    free(b);
}

/* rt= in milliseconds: a 13-digit value past 2262 is no time (no signed overflow, UBSan). */
static void test_rt_out_of_range(void **state)
{
    (void)state;
    static const char ok[] = "CEF:0|V|P|1|1|N|1|rt=1543270652000";
    static const char big[] = "CEF:0|V|P|1|1|N|1|rt=9543274652000";
    char b[64];
    memcpy(b, ok, sizeof(ok) - 1);
    mm_event_reset(&vc_ev, b, sizeof(ok) - 1, 7);
    assert_int_equal(mm_parser_cef.parse(&vc_ev, b, sizeof(ok) - 1), MM_PARSE_OK);
    assert_true(vc_ev.ts_ns == 1543270652000LL * 1000000);
    memcpy(b, big, sizeof(big) - 1);
    mm_event_reset(&vc_ev, b, sizeof(big) - 1, 7);
    assert_int_equal(mm_parser_cef.parse(&vc_ev, b, sizeof(big) - 1), MM_PARSE_OK);
    assert_true(vc_ev.ts_ns == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_newline_escape),
        cmocka_unit_test(test_many_pairs),
        cmocka_unit_test(test_rt_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
