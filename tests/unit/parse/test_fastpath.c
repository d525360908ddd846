/*
 * Tests for the per-pair fast paths of src/parse: the inline keytab lookup
 * (keytab.h), the inline key=value scanner and its key classes (kv_int.h),
 * the dotted-quad check of vu_ip_n (vendor_util.h) and FortiGate's early
 * detect exit.  Each is compared with the plain implementation it replaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/net.h"
#include "mimamori/parse.h"
#include "parse/keytab.h"
#include "parse/kv_int.h"
#include "parse/vendor_util.h"

extern const struct mm_parser mm_parser_fortigate;

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

#define KE(s, id) {s, sizeof(s) - 1, id}
static const struct mm_keytab_entry names[] = {
    KE("a", 0),        KE("ab", 1),        KE("abc", 2),          KE("abcd", 3),
    KE("srcip", 4),    KE("dstip", 5),     KE("srcport", 6),      KE("sentbyte", 7),
    KE("rcvdbyte", 8), KE("sent_pkt", 9),  KE("srcintfrole", 10), KE("analyticscksum", 11),
    KE("abcdefghijklmnopq", 12),           KE("abcdefghijklmnopr", 13),
    KE("abcdefgh", 14), KE("abcdefghi", 15), KE("dup", 16),       KE("dup", 17),
};
static struct mm_keytab tab = MM_KEYTAB_INIT(names);

/* The first entry named key[0..n), by a linear scan. */
static int keytab_ref(const char *key, size_t n)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].len == n && memcmp(names[i].name, key, n) == 0) {
            return names[i].id;
        }
    }
    return -1;
}

static void test_keytab(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char buf[32];
        size_t n = names[i].len;
        memcpy(buf, names[i].name, n); /* not the table's own pointer */
        assert_int_equal(mm_keytab_find(&tab, buf, n), keytab_ref(buf, n));
        assert_true(mm_keytab_find(&tab, buf, n) >= 0);
        /* one byte changed anywhere, or one byte more or less */
        for (size_t j = 0; j < n; j++) {
            char save = buf[j];
            buf[j] = 'Z';
            assert_int_equal(mm_keytab_find(&tab, buf, n), -1);
            buf[j] = save;
        }
        buf[n] = 'x';
        assert_int_equal(mm_keytab_find(&tab, buf, n + 1), keytab_ref(buf, n + 1));
        assert_int_equal(mm_keytab_find(&tab, buf, n - 1), keytab_ref(buf, n - 1));
    }
    assert_int_equal(mm_keytab_find(&tab, "dup", 3), 16); /* the first of equal names */
    assert_int_equal(mm_keytab_find(&tab, "", 0), -1);
    assert_int_equal(mm_keytab_ifind(&tab, "SrcIP", 5), 4);
    assert_int_equal(mm_keytab_ifind(&tab, "SrcIPx", 6), -1);
}

/* vu_ip_n must agree with mm_addr_parse, also on dotted strings its quick path reads. */
static int ip_ref(const char *p, size_t n)
{
    struct mm_addr a;
    return p != NULL && n > 0 && n <= 64 && mm_addr_parse(&a, p, n) == MM_OK;
}

static void test_ip(void **state)
{
    (void)state;
    static const char *const fixed[] = {
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3.04",
        "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "1.2.3.00", "10.0.0.1",
        "192.168.001.1", "0.0.0.00", "1234.1.1.1", "1.2.3.4%eth0", "::1", "[::1]", "::ffff:1.2.3.4",
        "1.2.3.4:80", "", ".", "....", "1", "12345678901234567890", "1.2.3.255", "1.2.3.256",
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        size_t n = strlen(fixed[i]);
        char *b = malloc(n > 0 ? n : 1);
        memcpy(b, fixed[i], n);
        assert_int_equal(vu_ip_n(b, n), ip_ref(b, n));
        free(b);
    }
    static const char alpha[] = "0123456789..0125";
    char buf[20];
    for (int t = 0; t < 200000; t++) {
        size_t n = 1 + rnd() % 17;
        for (size_t j = 0; j < n; j++) {
            buf[j] = alpha[rnd() % (sizeof(alpha) - 1)];
        }
        if (vu_ip_n(buf, n) != ip_ref(buf, n)) {
            fail_msg("vu_ip_n(\"%.*s\") != mm_addr_parse", (int)n, buf);
        }
    }
    /* every well-formed quad with some octets at the edges */
    static const char *const oct[] = {"0", "9", "10", "99", "100", "199", "255", "256", "00"};
    for (int a = 0; a < 9; a++) {
        for (int b = 0; b < 9; b++) {
            int n = snprintf(buf, sizeof(buf), "%s.%s.1.%s", oct[a], oct[b], oct[(a + b) % 9]);
            assert_int_equal(vu_ip_n(buf, (size_t)n), ip_ref(buf, (size_t)n));
        }
    }
}

/* kv_next + kv_plausible against mm_kv_next + vu_plausible_key on random bodies. */
static void test_kv_classes(void **state)
{
    (void)state;
    static const char alpha[] = "ab_Z09.:-= \t\"'\\,x%";
    char body[64];
    for (int t = 0; t < 100000; t++) {
        size_t n = rnd() % sizeof(body);
        for (size_t j = 0; j < n; j++) {
            body[j] = alpha[rnd() % (sizeof(alpha) - 1)];
        }
        char sep = (t & 1) ? ',' : '\0';
        struct mm_kv_iter it;
        mm_kv_init(&it, body, n, sep);
        const char *p = body;
        struct mm_str k1, v1, k2, v2;
        int e1, e2, r1, r2;
        unsigned cls;
        do {
            r1 = mm_kv_next(&it, &k1, &v1, &e1);
            r2 = kv_next(&p, body + n, sep != '\0' ? sep : ' ', &k2, &v2, &e2, &cls);
            assert_int_equal(r1, r2);
            if (r1) {
                assert_ptr_equal(k1.p, k2.p);
                assert_int_equal(k1.n, k2.n);
                assert_ptr_equal(v1.p, v2.p);
                assert_int_equal(v1.n, v2.n);
                assert_int_equal(e1, e2);
                assert_int_equal(kv_plausible(k2, cls), vu_plausible_key(k1));
            }
            assert_ptr_equal(it.p, p);
        } while (r1);
    }
    /* a key longer than 64 is not plausible */
    char lk[80];
    memset(lk, 'k', sizeof(lk));
    lk[70] = '=';
    const char *p = lk;
    struct mm_str k, v;
    int e;
    unsigned cls;
    assert_int_equal(kv_next(&p, lk + sizeof(lk), ' ', &k, &v, &e, &cls), 1);
    assert_int_equal(k.n, 70);
    assert_false(kv_plausible(k, cls));
}

/* FortiGate's detect stops testing tokens once decided, but a Sophos key later still counts. */
static int fg_detect(const char *s)
{
    size_t n = strlen(s);
    char *b = malloc(n);
    memcpy(b, s, n);
    int r = mm_parser_fortigate.detect(NULL, b, n);
    free(b);
    return r;
}

static void test_fortigate_detect(void **state)
{
    (void)state;
    const char *head = "date=2024-05-13 devid=FGT60F logid=\"0000000013\" type=\"traffic\"";
    char line[800];
    snprintf(line, sizeof(line), "%s subtype=\"forward\" srcip=1.2.3.4", head);
    assert_int_equal(fg_detect(line), 95);
    snprintf(line, sizeof(line), "%s a_b=1 log_type=\"Firewall\"", head);
    assert_int_equal(fg_detect(line), 0);
    snprintf(line, sizeof(line), "%s log_component=\"x\" b=1", head);
    assert_int_equal(fg_detect(line), 0);
    snprintf(line, sizeof(line), "%s xlog_type=1 msg=\"a log_type\" log_typ", head);
    assert_int_equal(fg_detect(line), 95);
    snprintf(line, sizeof(line), "%s msg=\"x log_type=y\"", head);
    assert_int_equal(fg_detect(line), 0); /* a token start inside a quoted value counts too */
    /* past the 640-byte span a Sophos key is not seen */
    int n = snprintf(line, sizeof(line), "%s pad=\"", head);
    while (n < 640) {
        line[n++] = 'x';
    }
    snprintf(line + n, sizeof(line) - (size_t)n, "\" log_type=1");
    assert_int_equal(fg_detect(line), 95);
    /* ... and one cut by the span end is not a key */
    n = snprintf(line, sizeof(line), "%s pad=\"", head);
    while (n < 640 - 10) {
        line[n++] = 'x';
    }
    snprintf(line + n, sizeof(line) - (size_t)n, "\" log_type=1");
    assert_int_equal(fg_detect(line), 95);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keytab),
        cmocka_unit_test(test_ip),
        cmocka_unit_test(test_kv_classes),
        cmocka_unit_test(test_fortigate_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
