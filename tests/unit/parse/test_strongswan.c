/*
 * Tests for src/parse/strongswan.c (charon, pluto, xl2tpd): the cases in
 * tests/fixtures/parse/strongswan/.  Each case file holds bodies as they come
 * after one daemon's syslog tag, named by its "app" line; untagged.txt runs
 * with no tag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_strongswan;

static void run(const char *path)
{
    struct vc_stats st = vc_run_file(&mm_parser_strongswan, path);
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

static void test_charon(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/strongswan/cases.txt");
}

static void test_untagged(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/strongswan/untagged.txt");
}

static void test_pluto(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/strongswan/pluto.txt");
}

static void test_xl2tpd(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/strongswan/xl2tpd.txt");
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char charon[] =
        "07[IKE] <rw|3> IKE_SA rw[3] established between 192.0.2.1[gw]...203.0.113.7[alice] "
        "authentication of 'a' with EAP failed sending packet: from 192.0.2.1[500] to "
        "203.0.113.7[4500] (80 bytes) assigning virtual IP 10.0.0.1 to peer 'a'";
    static const char pluto[] = "\"rw\"[2] 203.0.113.7 #3: STATE_MAIN_R3: XAUTH: User 'a' failed";
    static const char l2tp[] = "Connection established to 203.0.113.7, 1701. LNS session is 'd'";
    assert_true(vc_prefixes_app(&mm_parser_strongswan, "charon", charon, 0) >= 0);
    assert_true(vc_prefixes(&mm_parser_strongswan, charon, 0) >= 0);
    assert_true(vc_prefixes_app(&mm_parser_strongswan, "pluto", pluto, 0) >= 0);
    assert_true(vc_prefixes_app(&mm_parser_strongswan, "xl2tpd", l2tp, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charon),  cmocka_unit_test(test_untagged),
        cmocka_unit_test(test_pluto),   cmocka_unit_test(test_xl2tpd),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
