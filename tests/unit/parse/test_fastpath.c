/*
 * Tests for the per-pair fast paths of src/parse: the inline keytab lookup
 * (keytab.h), the inline key=value scanner, its key classes and its
 * word-at-a-time scans (kv_int.h), the dotted-quad check of vu_ip_n and the
 * one-pass vu_set_sum (vendor_util.h), FortiGate's early detect exit and the
 * syslog header's cache of the local date (syslog_int.h).
 * Each is compared with the plain implementation it replaces.
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
#include "parse/syslog_int.h"
#include "parse/vendor_util.h"
#include "mimamori/tz.h"

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
        unsigned cls = 0; /* set by kv_next when it returns 1 */
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

/* The byte-at-a-time scanner kv_next replaced (its word scans must find the same ends). */
static const char *ref_skip_token(const char *p, const char *end, char stop)
{
    while (p < end && !kv_ends_token(*p, stop)) {
        p++;
    }
    return p;
}

static const char *ref_quoted_end(const char *p, const char *end, char q, int *escaped)
{
    while (p < end && *p != q) {
        if (*p == '\\') {
            *escaped = 1;
            p += end - p >= 2 ? 2 : 1;
            continue;
        }
        p++;
    }
    return p;
}

static int ref_kv_next(const char **pp, const char *end, char stop, struct mm_str *key,
                       struct mm_str *val, int *escaped, unsigned *keycls)
{
    const char *p = *pp;
    *escaped = 0;
    for (;;) {
        while (p < end && kv_ends_token(*p, stop)) {
            p++;
        }
        if (p >= end) {
            *pp = end;
            return 0;
        }
        const char *k = p;
        unsigned all = KV_KEY | KV_PLAIN | KV_START, c;
        while (p < end && ((c = kv_class(*p)) & KV_KEY)) {
            all &= c;
            p++;
        }
        if (p == k || (p < end && *p != '=' && !kv_ends_token(*p, stop))) {
            p = ref_skip_token(p == k ? p + 1 : p, end, stop);
            continue;
        }
        key->p = k;
        key->n = (uint32_t)(p - k);
        *keycls = all;
        if (p >= end || *p != '=') {
            val->p = p;
            val->n = 0;
            *pp = p;
            return 1;
        }
        p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            const char *v = p;
            p = ref_quoted_end(p, end, q, escaped);
            val->p = v;
            val->n = (uint32_t)(p - v);
            if (p < end) {
                p++;
            }
            *pp = ref_skip_token(p, end, stop);
            return 1;
        }
        const char *v = p;
        p = ref_skip_token(p, end, stop);
        val->p = v;
        val->n = (uint32_t)(p - v);
        *pp = p;
        return 1;
    }
}

/* Every pair of body[0..n) the same from kv_next and the byte-at-a-time scanner. */
static void kv_same(const char *body, size_t n, char stop)
{
    const char *p1 = body, *p2 = body, *end = body + n;
    struct mm_str k1 = {NULL, 0}, v1 = {NULL, 0}, k2 = {NULL, 0}, v2 = {NULL, 0};
    int e1, e2, r1, r2;
    unsigned c1 = 0, c2 = 0;
    do {
        r1 = kv_next(&p1, end, stop, &k1, &v1, &e1, &c1);
        r2 = ref_kv_next(&p2, end, stop, &k2, &v2, &e2, &c2);
        if (r1 != r2 || p1 != p2 ||
            (r1 && (k1.p != k2.p || k1.n != k2.n || v1.p != v2.p || v1.n != v2.n || e1 != e2 ||
                    c1 != c2))) {
            fail_msg("kv_next differs at offset %td of \"%.*s\" (stop '%c')", p2 - body, (int)n,
                     body, stop);
        }
    } while (r1);
}

/*
 * Long random bodies (the word scans run while 8 bytes remain), from
 * alphabets weighted to long keys, long values and long quoted values, with
 * upper-case letters, bytes >= 0x80, control bytes, NULs, tabs and escapes.
 */
static void test_kv_words(void **state)
{
    (void)state;
    static const char *const alphas[] = {
        "abcxyzABCXYZ`{@[_= \t\"\\",
        "abcdefgh=\"'\\ ",
        "srcip=1.2.3.4 ",
        "aZ09_.:-=, \t\x01\x1f\x20\x21\x7f\x80\xe1\xff\"'\\",
        "aaaaaaaaaaaaaaaa= \"",
        "a=\"\\\\\\\"x ",
    };
    char body[200];
    for (int t = 0; t < 200000; t++) {
        const char *alpha = alphas[t % 6];
        size_t na = strlen(alpha) + (t % 6 == 3); /* with the NUL */
        size_t n = rnd() % sizeof(body);
        for (size_t j = 0; j < n; j++) {
            body[j] = alpha[rnd() % na];
        }
        char *b = malloc(n > 0 ? n : 1); /* exactly sized: ASan sees a read past the end */
        memcpy(b, body, n);
        kv_same(b, n, ' ');
        kv_same(b, n, ',');
        kv_same(b, n, '=');
        kv_same(b, n, '\t');
        free(b);
    }
    /* every key length around the word size, before '=', a blank, junk or the end */
    static const char *const tails[] = {"=v ", "=\"q q\" x", " y",   "%z",    "",
                                        "=",   "=\"",        ":k=1", "\xc3=1"};
    char line[64];
    for (size_t kl = 1; kl < 30; kl++) {
        for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
            for (int up = 0; up < 2; up++) {
                size_t n = 0;
                for (size_t j = 0; j < kl; j++) {
                    line[n++] = (char)((up && j % 3 == 1 ? 'A' : 'a') + (int)(j % 26));
                }
                memcpy(line + n, tails[t], strlen(tails[t]));
                n += strlen(tails[t]);
                char *b = malloc(n);
                memcpy(b, line, n);
                kv_same(b, n, ' ');
                free(b);
            }
        }
    }
}

/* vu_set_sum against the decimal sum done the plain way. */
static void sum_same(struct mm_event *ev, const char *a, const char *b)
{
    struct mm_str sa = vu_slice(a, strlen(a)), sb = vu_slice(b, strlen(b));
    char want[32] = "";
    if (vu_digits(sa) && vu_digits(sb) && sa.n <= 18 && sb.n <= 18) {
        snprintf(want, sizeof(want), "%llu", (unsigned long long)(vu_to_u64(sa) + vu_to_u64(sb)));
    }
    mm_event_reset(ev, "", 0, 0);
    vu_set_sum(ev, MM_F_NETWORK_BYTES, sa, sb);
    struct mm_str got = ev->f[MM_F_NETWORK_BYTES];
    if (want[0] == '\0') {
        if (got.p != NULL) {
            fail_msg("vu_set_sum(%s, %s) set %.*s", a, b, (int)got.n, got.p);
        }
        return;
    }
    if (got.p == NULL || got.n != strlen(want) || memcmp(got.p, want, got.n) != 0) {
        fail_msg("vu_set_sum(%s, %s) = %.*s, not %s", a, b, got.p ? (int)got.n : 0,
                 got.p ? got.p : "", want);
    }
    assert_int_equal(ev->scratch_used, got.n);
}

static void test_sum(void **state)
{
    (void)state;
    static struct mm_event ev;
    static const char *const fixed[] = {
        "0", "1", "9", "10", "99", "100", "999", "12345", "999999999999999999",
        "1000000000000000000", "123456789012345678", "", "1a", "a1", "-1", "+1", " 1", "1 ",
        "00", "007", "18446744073709551615", "1234567890123456789",
    };
    size_t nf = sizeof(fixed) / sizeof(fixed[0]);
    for (size_t i = 0; i < nf; i++) {
        for (size_t j = 0; j < nf; j++) {
            sum_same(&ev, fixed[i], fixed[j]);
        }
    }
    char a[24], b[24];
    for (int t = 0; t < 100000; t++) {
        uint64_t x = ((uint64_t)rnd() << 32 | rnd()) % 1000000000000000000ULL;
        uint64_t y = ((uint64_t)rnd() << 32 | rnd()) >> (rnd() % 64);
        y %= 1000000000000000000ULL;
        snprintf(a, sizeof(a), "%llu", (unsigned long long)(x >> (rnd() % 60)));
        snprintf(b, sizeof(b), "%llu", (unsigned long long)y);
        sum_same(&ev, a, b);
    }
    /* no scratch left: nothing is set */
    mm_event_reset(&ev, "", 0, 0);
    ev.scratch_used = MM_EVENT_SCRATCH - 1;
    vu_set_sum(&ev, MM_F_NETWORK_BYTES, vu_slice("5", 1), vu_slice("5", 1));
    assert_null(ev.f[MM_F_NETWORK_BYTES].p);
}

/*
 * Year-less timestamps read with the header's cache (zone offset per hour,
 * local date per day) get the times they get without it, while the receive
 * time runs over new years, in zones with half-hour offsets and summer time.
 */
static void test_header_cache(void **state)
{
    (void)state;
    static const char *const zones[] = {
        "UTC",          "Asia/Tokyo", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe",
        "Europe/Berlin"};
    static const char *const lines[] = {
        "<38>Jan  1 00:10:00 h sshd[1]: x", "<38>Dec 31 23:50:00 h sshd[1]: x",
        "<38>Nov 21 10:00:00 h sshd[1]: x", "<38>Mar 29 02:30:00 h sshd[1]: x",
        "<38>Oct 25 02:30:00 h sshd[1]: x", "<38>Feb 29 12:00:00 h sshd[1]: x",
    };
    static struct mm_event a, b;
    int zones_run = 0;
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        struct mm_tz *tz = NULL;
        if (mm_tz_load(&tz, zones[z]) != MM_OK) {
            continue; /* zone not installed here */
        }
        zones_run++;
        struct mm_tzcache tc;
        memset(&tc, 0, sizeof(tc));
        /* around three new years and two summer-time changes, in 7-minute steps */
        static const int64_t starts[] = {1798675200LL, 1830211200LL, 1861920000LL, 1774742400LL,
                                         1792972800LL};
        for (size_t st = 0; st < sizeof(starts) / sizeof(starts[0]); st++) {
            for (int64_t k = -300; k < 300; k++) {
                int64_t now = (starts[st] + k * 420) * 1000000000LL + 123;
                const char *line = lines[(size_t)(k + 300) % 6];
                const char *b1, *b2;
                size_t n1, n2;
                mm_event_reset(&a, line, strlen(line), now);
                mm_event_reset(&b, line, strlen(line), now);
                mm_syslog_header(&a, tz, &tc, now, &b1, &n1);
                mm_syslog_header(&b, tz, NULL, now, &b2, &n2);
                if (a.ts_ns != b.ts_ns || a.flags != b.flags || n1 != n2) {
                    fail_msg("%s at %lld in %s: %lld with the cache, %lld without", line,
                             (long long)now, zones[z], (long long)a.ts_ns, (long long)b.ts_ns);
                }
            }
        }
        mm_tz_free(tz);
    }
    assert_true(zones_run > 0);
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
        cmocka_unit_test(test_kv_words),
        cmocka_unit_test(test_sum),
        cmocka_unit_test(test_header_cache),
        cmocka_unit_test(test_fortigate_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
