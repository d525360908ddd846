/*
 * Tests for src/parse/strongswan.c (charon, pluto, xl2tpd): the cases in
 * tests/fixtures/parse/strongswan/.  Each case file holds bodies as they come
 * after one daemon's syslog tag, so it runs through a wrapper that sets that
 * appname first; untagged.txt runs with no tag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/vendor_cases.h"

extern const struct mm_parser mm_parser_strongswan;

static struct mm_event tagged_ev;
static const char *tag = "charon";

static int tagged_detect(const struct mm_event *ev, const char *body, size_t len)
{
    tagged_ev = *ev;
    mm_event_set(&tagged_ev, MM_F_SYSLOG_APPNAME, tag, strlen(tag));
    return mm_parser_strongswan.detect(&tagged_ev, body, len);
}

static enum mm_parse_rc tagged_parse(struct mm_event *ev, const char *body, size_t len)
{
    mm_event_set(ev, MM_F_SYSLOG_APPNAME, tag, strlen(tag));
    return mm_parser_strongswan.parse(ev, body, len);
}

static const struct mm_parser tagged = {"strongswan", tagged_detect, tagged_parse};

static void run(const char *t, const struct mm_parser *p, const char *path)
{
    tag = t;
    struct vc_stats st = vc_run_file(p, path);
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

static void test_charon(void **state)
{
    (void)state;
    run("charon", &tagged, MM_FIXTURES "/parse/strongswan/cases.txt");
}

static void test_untagged(void **state)
{
    (void)state;
    run("charon", &mm_parser_strongswan, MM_FIXTURES "/parse/strongswan/untagged.txt");
}

static void test_pluto(void **state)
{
    (void)state;
    run("pluto", &tagged, MM_FIXTURES "/parse/strongswan/pluto.txt");
}

static void test_xl2tpd(void **state)
{
    (void)state;
    run("xl2tpd", &tagged, MM_FIXTURES "/parse/strongswan/xl2tpd.txt");
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
    tag = "charon";
    assert_true(vc_prefixes(&tagged, charon, 0) >= 0);
    assert_true(vc_prefixes(&mm_parser_strongswan, charon, 0) >= 0);
    tag = "pluto";
    assert_true(vc_prefixes(&tagged, pluto, 0) >= 0);
    tag = "xl2tpd";
    assert_true(vc_prefixes(&tagged, l2tp, 0) >= 0);
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
