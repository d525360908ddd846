/* Tests for src/parse/sonicwall.c: the cases in tests/fixtures/parse/sonicwall/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_sonicwall;

static void test_cases(void **state)
{
    (void)state;
    struct vc_stats st =
        vc_run_file(&mm_parser_sonicwall, MM_FIXTURES "/parse/sonicwall/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/*
 * Every prefix of a line with every kind of value (quoted, single-quoted,
 * escaped, endpoints with empty parts, IPv6): no read past the end (ASan),
 * never OK before m= (the first line prefix that is a whole SonicOS record).
 */
static void test_prefixes(void **state)
{
    (void)state;
    static const char line[] =
        "id=firewall sn=C0EAE4000001 time=\"2026-11-02 03:12:09 UTC\" fw=203.0.113.1 pri=6 "
        "c=1024 m=537 msg=\"Connection \\\"Closed\\\"\" appName='General HTTPS' "
        "src=192.168.1.20:51234:X0:pc01 srcV6=2001:db8::1 dst=[2001:db8::2]:443:X1 "
        "natSrc=203.0.113.1:40001 dst=::LAN:h proto=tcp/https sent=1 rcvd=2 cdur=3 "
        "rule=\"5 (LAN->WAN)\" dstname=example.com arg=/a?b note=\"Source: 192.0.2.1, 1\"";
    /* "id=firewall ... c=1024 m=5" is 90 bytes: shorter, there is no m= digit nor msg= */
    assert_int_equal(vc_prefixes(&mm_parser_sonicwall, line, 90), 0);
}

/* The NAT note and the endpoint split stop at the end of a value cut short. */
static void test_short_values(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "id=firewall sn=1 m=1197 msg=\"NAT Mapping\" note=\"Source:",
        "id=firewall sn=1 m=1197 msg=\"NAT Mapping\" note=\"Source: 192.0.2.1,",
        "id=firewall sn=1 m=98 src=[ dst=[2001:db8::1 natSrc=[::1]",
        "id=firewall sn=1 m=98 src=: dst=:: natDst=::: rule=\"(\" rule=\"(a->\"",
        "id=firewall sn=1 m=609 msg=\"IPS Prevention Alert:\" fw_action=drop",
        "id=firewall sn=1 m=809 msg=\"Gateway Anti-Virus Alert: blocked\"",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        assert_int_equal(vc_prefixes(&mm_parser_sonicwall, lines[i], 0), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_short_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
