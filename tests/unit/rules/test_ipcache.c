/*
 * Tests for src/rules/ipcache.c: the per-event address cache never outlives
 * its event (a reused buffer with new text is parsed again), and cidr keys
 * find what mm_cidr_contains finds.  Parsing is mm_addr_parse's, whose
 * dotted-quad path tests/unit/core/test_net.c checks.
 */
#include "rules_test.h"

static uint32_t rnd_state = 4242;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

/* One buffer reused for two events: the second must not see the first's address. */
static void test_cache_per_event(void **state)
{
    (void)state;
    struct mm_ruleset *rs = t_load_ok(
        T_HEAD("c1") "detection:\n  s: {source.ip|cidr: 10.0.0.0/8}\n  condition: s\n---\n" T_HEAD(
            "c2") "detection:\n  s: {source.ip|cidr: 192.168.0.0/16}\n"
                  "  f: {source.ip|cidr: 192.168.9.0/24}\n  condition: s and not f\n");
    assert_int_equal(rs->disp.ncs, 1);
    static struct mm_event ev;
    char buf[32];
    strcpy(buf, "10.1.2.3");
    t_event(&ev, "x", 0);
    mm_event_set(&ev, MM_F_SOURCE_IP, buf, strlen(buf));
    assert_true(t_matches(rs, &ev, "c1"));
    assert_false(t_matches(rs, &ev, "c2"));
    strcpy(buf, "192.168.1.3"); /* same pointer, new text */
    t_event(&ev, "x", 0);
    mm_event_set(&ev, MM_F_SOURCE_IP, buf, strlen(buf));
    assert_false(t_matches(rs, &ev, "c1"));
    assert_true(t_matches(rs, &ev, "c2"));
    strcpy(buf, "192.168.9.3"); /* same length too */
    t_event(&ev, "x", 0);
    mm_event_set(&ev, MM_F_SOURCE_IP, buf, strlen(buf));
    assert_false(t_matches(rs, &ev, "c2"));
    mm_ruleset_unref(rs);
}

/* Random prefixes and addresses: the index agrees with mm_cidr_contains. */
static void test_cidr_index(void **state)
{
    (void)state;
    enum { NR = 120 };
    char pfx[NR][48];
    struct mm_buf y;
    mm_buf_init(&y, 0);
    for (int i = 0; i < NR; i++) {
        if (rnd(3) == 0) {
            snprintf(pfx[i], sizeof(pfx[i]), "2001:db8:%x::/%u", rnd(4), 32 + rnd(40));
        } else {
            snprintf(pfx[i], sizeof(pfx[i]), "10.%u.%u.0/%u", rnd(3), rnd(3), rnd(33));
        }
        assert_int_equal(mm_buf_printf(&y,
                                       "%sid: r%d\ntitle: r\nlevel: low\n"
                                       "logsource: {product: acme}\n"
                                       "detection:\n  s: {source.ip|cidr: '%s'}\n"
                                       "  condition: s\n",
                                       i ? "---\n" : "", i, pfx[i]),
                         MM_OK);
    }
    struct mm_ruleset *rs = t_load_ok(y.p);
    mm_buf_free(&y);
    static struct mm_event ev;
    for (int e = 0; e < 2000; e++) {
        char ip[64];
        if (rnd(3) == 0) {
            snprintf(ip, sizeof(ip), "2001:db8:%x::%x", rnd(4), rnd(9));
        } else {
            snprintf(ip, sizeof(ip), "10.%u.%u.%u", rnd(3), rnd(3), rnd(256));
        }
        t_event(&ev, "x", 0);
        mm_event_set(&ev, MM_F_SOURCE_IP, ip, strlen(ip));
        const struct mm_rule *out[NR];
        size_t n = mm_ruleset_match(rs, &ev, out, NR);
        struct mm_addr a;
        assert_int_equal(mm_addr_parse(&a, ip, strlen(ip)), MM_OK);
        size_t k = 0;
        for (int i = 0; i < NR; i++) {
            struct mm_cidr c;
            assert_int_equal(mm_cidr_parse(&c, pfx[i], strlen(pfx[i])), MM_OK);
            if (mm_cidr_contains(&c, &a)) {
                assert_true(k < n);
                assert_ptr_equal(out[k], mm_ruleset_rule(rs, (size_t)i));
                k++;
            }
        }
        assert_int_equal(k, n);
    }
    mm_ruleset_unref(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_per_event),
        cmocka_unit_test(test_cidr_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
