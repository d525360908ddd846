/* Tests for src/ingest/allow.c: IPv4, IPv6, IPv4-mapped peers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "ingest/ingest_int.h"

static struct sockaddr_storage sa4(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, ip, &in->sin_addr), 1);
    return ss;
}

static struct sockaddr_storage sa6(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
    return ss;
}

static struct mm_allow *mk(const char *const *nets, size_t n)
{
    struct mm_cidr c[8];
    memset(c, 0, sizeof(c));
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(mm_cidr_parse(&c[i], nets[i], strlen(nets[i])), MM_OK);
    }
    struct mm_allow *a = NULL;
    assert_int_equal(mm_allow_new(&a, c, n), MM_OK);
    return a;
}

#define OK(a, ss) mm_allow_check((a), (const struct sockaddr *)&(ss))

static void test_empty_allows_all(void **state)
{
    (void)state;
    struct mm_allow *a = mk(NULL, 0);
    struct sockaddr_storage p = sa4("203.0.113.9");
    struct sockaddr_storage q = sa6("2001:db8::1");
    assert_true(OK(a, p));
    assert_true(OK(a, q));
    assert_true(mm_allow_check(NULL, (const struct sockaddr *)&p));
    mm_allow_free(a);
    mm_allow_free(NULL);
}

static void test_v4(void **state)
{
    (void)state;
    const char *nets[] = {"10.0.0.0/8", "192.168.1.7"};
    struct mm_allow *a = mk(nets, 2);
    struct sockaddr_storage p;
    p = sa4("10.200.3.4");
    assert_true(OK(a, p));
    p = sa4("11.0.0.1");
    assert_false(OK(a, p));
    p = sa4("192.168.1.7");
    assert_true(OK(a, p));
    p = sa4("192.168.1.8");
    assert_false(OK(a, p));
    p = sa6("2001:db8::1");
    assert_false(OK(a, p));
    mm_allow_free(a);
}

static void test_v6(void **state)
{
    (void)state;
    const char *nets[] = {"2001:db8::/32", "::1"};
    struct mm_allow *a = mk(nets, 2);
    struct sockaddr_storage p;
    p = sa6("2001:db8:ffff::1");
    assert_true(OK(a, p));
    p = sa6("2001:db9::1");
    assert_false(OK(a, p));
    p = sa6("::1");
    assert_true(OK(a, p));
    p = sa4("127.0.0.1");
    assert_false(OK(a, p));
    mm_allow_free(a);
}

static void test_mapped(void **state)
{
    (void)state;
    const char *nets[] = {"10.0.0.0/8"};
    struct mm_allow *a = mk(nets, 1);
    struct sockaddr_storage p;
    p = sa6("::ffff:10.1.2.3");
    assert_true(OK(a, p));
    p = sa6("::ffff:11.1.2.3");
    assert_false(OK(a, p));
    /* unknown family: denied when there is a list */
    memset(&p, 0, sizeof(p));
    p.ss_family = AF_UNIX;
    assert_false(OK(a, p));
    mm_allow_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_allows_all),
        cmocka_unit_test(test_v4),
        cmocka_unit_test(test_v6),
        cmocka_unit_test(test_mapped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
