/*
 * Tests for mm_addr_parse's dotted-quad fast path (src/core/net.c): it must
 * give what the general path (copy, cut at '%', inet_pton for IPv4 then
 * IPv6) gave before it, for every string: the result code and the address.
 * The reference below is that general path, as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/net.h"

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static enum mm_err ref_addr_parse(struct mm_addr *out, const char *s, size_t n)
{
    char tmp[64];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof(tmp)) {
        return MM_EINVAL;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *pct = strchr(tmp, '%');
    if (pct != NULL) {
        *pct = '\0';
    }
    struct in_addr v4;
    if (inet_pton(AF_INET, tmp, &v4) == 1) {
        memcpy(out->a, v4mapped, 12);
        memcpy(out->a + 12, &v4, 4);
        return MM_OK;
    }
    if (inet_pton(AF_INET6, tmp, out->a) == 1) {
        return MM_OK;
    }
    return MM_EINVAL;
}

/* Both parses of s[0..n), from an exactly-sized copy (ASan sees a read past n). */
static int same(const char *s, size_t n)
{
    char *b = malloc(n > 0 ? n : 1);
    memcpy(b, s, n);
    struct mm_addr a, r;
    memset(&a, 0xa5, sizeof(a));
    memset(&r, 0xa5, sizeof(r));
    enum mm_err ea = mm_addr_parse(&a, b, n);
    enum mm_err er = ref_addr_parse(&r, b, n);
    free(b);
    return ea == er && memcmp(&a, &r, sizeof(a)) == 0;
}

static void check(const char *s, size_t n)
{
    if (!same(s, n)) {
        fail_msg("mm_addr_parse(\"%.*s\", %zu) differs from the general path", (int)n, s, n);
    }
}

static void test_fixed(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "1.2.3.4",
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.04",
        "1.2.3",
        "1.2.3.4.",
        ".1.2.3.4",
        "1..2.3",
        "1.2.3.4.5",
        "1.2.3.00",
        "10.0.0.1",
        "192.168.001.1",
        "0.0.0.00",
        "1234.1.1.1",
        "1.2.3.4%eth0",
        "1.2.3.4%",
        "%1.2.3.4",
        "::1",
        "[::1]",
        "[1.2.3.4]",
        "[1.2.3.4",
        "1.2.3.4]",
        "::ffff:1.2.3.4",
        "1.2.3.4:80",
        "fe80::1%eth0",
        "2001:db8::1",
        "1::",
        "1.2.3.4a",
        "a1.2.3.4",
        " 1.2.3.4",
        "1.2.3.4 ",
        "",
        ".",
        "....",
        "1",
        "12345678901234567890",
        "1.2.3.255",
        "1.2.3.256",
        "4294967296.1.1.1",
        "99999999999999999999.1.2.3",
        "1.2.3.4294967297",
        "[]",
        "[",
        "]",
        "1.2.3.4\n",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check(cases[i], strlen(cases[i]));
    }
    /* a NUL ends the text for inet_pton */
    check("1.2.3.4\0x", 9);
    check("1.2.3\0.4", 8);
    check("\0"
          "1.2.3.4",
          8);
    check("::1\0zz", 6);
    /* the 64-byte limit holds also when a '%' would cut the text short */
    char buf[80];
    for (size_t n = 60; n < 70; n++) {
        memset(buf, 'z', sizeof(buf));
        memcpy(buf, "1.2.3.4%", 8);
        check(buf, n);
        memset(buf, '1', sizeof(buf));
        check(buf, n);
    }
    struct mm_addr a;
    assert_int_equal(mm_addr_parse(&a, "192.0.2.1", 9), MM_OK);
    static const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    assert_memory_equal(a.a, want, 16);
}

/* Every string of up to 6 bytes over an alphabet that reaches every branch. */
static void test_exhaustive_short(void **state)
{
    (void)state;
    static const char alpha[] = {'0', '1', '2', '5', '9', '.', '%', '\0', ':', 'a', '[', ']'};
    const size_t na = sizeof(alpha);
    char s[6];
    for (size_t n = 0; n <= 6; n++) {
        size_t total = 1;
        for (size_t i = 0; i < n; i++) {
            total *= na;
        }
        for (size_t k = 0; k < total; k++) {
            size_t x = k;
            for (size_t i = 0; i < n; i++) {
                s[i] = alpha[x % na];
                x /= na;
            }
            check(s, n);
        }
    }
}

/* Each octet position through 0..999 and the zero-led spellings, others fixed. */
static void test_octets(void **state)
{
    (void)state;
    char oct[1100][5];
    size_t no = 0;
    for (int v = 0; v < 1000; v++) {
        snprintf(oct[no++], sizeof(oct[0]), "%d", v);
    }
    static const char *const odd[] = {"00",   "000",   "0000", "01",   "001",  "010",
                                      "0255", "00255", "2550", "1000", "9999", ""};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        snprintf(oct[no++], sizeof(oct[0]), "%s", odd[i]);
    }
    static const char *const fill[] = {"0", "10", "255", "256", "01"};
    char buf[64];
    for (int pos = 0; pos < 4; pos++) {
        for (size_t o = 0; o < no; o++) {
            for (size_t f = 0; f < sizeof(fill) / sizeof(fill[0]); f++) {
                const char *part[4] = {fill[f], fill[(f + 1) % 5], fill[f], "1"};
                part[pos] = oct[o];
                int n =
                    snprintf(buf, sizeof(buf), "%s.%s.%s.%s", part[0], part[1], part[2], part[3]);
                check(buf, (size_t)n);
            }
        }
    }
}

static uint32_t rnd_state = 4711;

static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* Random quads, some damaged, and random strings of up to 70 bytes. */
static void test_random(void **state)
{
    (void)state;
    char buf[80];
    for (int t = 0; t < 300000; t++) {
        int n = snprintf(buf, sizeof(buf), "%u.%u.%u.%u", rnd() % 300, rnd() % 300, rnd() % 300,
                         rnd() % 300);
        if (t % 3 == 1) {
            buf[rnd() % (unsigned)n] = "0.%:a\0x["[rnd() % 8];
        } else if (t % 3 == 2) {
            buf[n++] = "%.0:]"[rnd() % 5];
        }
        check(buf, (size_t)n);
    }
    static const char alpha[] = "0123456789..::abcdefABCDEF%[]x \0";
    for (int t = 0; t < 300000; t++) {
        size_t n = rnd() % 71;
        for (size_t i = 0; i < n; i++) {
            buf[i] = alpha[rnd() % (sizeof(alpha) - 1)];
        }
        check(buf, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_exhaustive_short),
        cmocka_unit_test(test_octets),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
