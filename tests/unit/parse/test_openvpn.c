/*
 * Tests for src/parse/openvpn.c (OpenVPN server lines): the cases in
 * tests/fixtures/parse/openvpn/.  cases.txt holds bodies as they come after the
 * syslog tag "openvpn[pid]:" (its "app openvpn" line sets that tag);
 * untagged.txt holds bodies with no tag (relays that drop it, OpenVPN's own
 * log file), run as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_openvpn;

static void run(const char *path)
{
    struct vc_stats st = vc_run_file(&mm_parser_openvpn, path);
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

static void test_cases(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/openvpn/cases.txt");
}

static void test_untagged(void **state)
{
    (void)state;
    run(MM_FIXTURES "/parse/openvpn/untagged.txt");
}

/* Every prefix of a line: no read past the end (ASan), no crash. */
static void test_truncations(void **state)
{
    (void)state;
    static const char line[] =
        "alice/198.51.100.7:51234 [alice] Peer Connection Initiated with "
        "[AF_INET]198.51.100.7:51234 MULTI_sva: pool returned IPv4=10.8.0.6, IPv6=x VERIFY "
        "ERROR: depth=0, error=x: CN=a user 'b' SIGTERM[soft,x] received, client-instance exiting";
    static const char line2[] = "[OVPN 0] OUT: 'Mon Oct 21 21:07:09 2019 192.0.2.1:28288 "
                                "peer info: IV_VER=2 LDAP DN \"CN=x,DC=y\"'";
    assert_true(vc_prefixes_app(&mm_parser_openvpn, "openvpn", line, 0) >= 0);
    assert_true(vc_prefixes(&mm_parser_openvpn, line, 0) >= 0);
    assert_true(vc_prefixes_app(&mm_parser_openvpn, "openvpn", line2, 0) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_untagged),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
