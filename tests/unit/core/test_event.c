/* Tests for src/core/event.c: extras by name (mm_xfield_is, mm_event_find), mm_event_add. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mimamori/event.h"

static struct mm_event ev;

/* The compare as first written: measure the namespace, then compare all. */
static int xfield_ref(const struct mm_xfield *x, const char *name, size_t n)
{
    if (x->ns == NULL) {
        return x->key.n == n && memcmp(x->key.p, name, n) == 0;
    }
    size_t nl = strlen(x->ns);
    return n == nl + 1 + x->key.n && memcmp(name, x->ns, nl) == 0 && name[nl] == '.' &&
           memcmp(name + nl + 1, x->key.p, x->key.n) == 0;
}

static void test_xfield_is(void **state)
{
    (void)state;
    static const char *const nss[] = {NULL, "", "fortinet", "f", "fortinetx", "cef"};
    static const char *const keys[] = {"", "logid", "type", "x", "fortinet.logid", "a.b"};
    static const char *const queries[] = {
        "fortinet.logid", "fortinet.type", "logid", ".logid", "f.logid", "fortinetx.logid",
        "fortinet.logi", "fortinet.logidx", "fortinet.", "fortinet", "", ".", "x", "cef.x",
        "fortinet.fortinet.logid", "a.b", "cef.a.b", "fortinet,logid", "fortinet.x",
        "fortinetxlogid",
    };
    for (size_t i = 0; i < sizeof(nss) / sizeof(nss[0]); i++) {
        for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
            struct mm_xfield x = {nss[i], {keys[j], (uint32_t)strlen(keys[j])}, {"v", 1}};
            for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
                size_t n = strlen(queries[q]);
                if (mm_xfield_is(&x, queries[q], n) != xfield_ref(&x, queries[q], n)) {
                    fail_msg("ns %s key %s name %s", nss[i] ? nss[i] : "(null)", keys[j],
                             queries[q]);
                }
            }
        }
    }
    /* a name holding a NUL where the namespace ends: no read past the namespace */
    struct mm_xfield x = {"ab", {"k", 1}, {"v", 1}};
    assert_false(mm_xfield_is(&x, "ab\0x.k", 6));
    assert_true(mm_xfield_is(&x, "ab.k", 4));
}

static void test_add_find(void **state)
{
    (void)state;
    static const char raw[] = "raw";
    mm_event_reset(&ev, raw, 3, 0);
    assert_int_equal(mm_event_add(&ev, "fortinet", "logid", 5, "13", 2), MM_OK);
    assert_int_equal(mm_event_add(&ev, NULL, "source.ip", 9, "192.0.2.1", 9), MM_OK);
    assert_int_equal(mm_event_add(&ev, NULL, "source.ip", 9, "192.0.2.2", 9), MM_OK);
    assert_int_equal(mm_event_add(&ev, NULL, "custom.name", 11, "c", 1), MM_OK);
    assert_int_equal(ev.nx, 2); /* the well-known name went to its slot, once */
    struct mm_str s = mm_event_find(&ev, "source.ip", 9);
    assert_int_equal(s.n, 9);
    assert_memory_equal(s.p, "192.0.2.1", 9);
    s = mm_event_find(&ev, "fortinet.logid", 14);
    assert_int_equal(s.n, 2);
    assert_memory_equal(s.p, "13", 2);
    s = mm_event_find(&ev, "custom.name", 11);
    assert_int_equal(s.n, 1);
    assert_null(mm_event_find(&ev, "fortinet.logi", 13).p);
    mm_event_set_cstr(&ev, MM_F_EVENT_KIND, "event");
    assert_int_equal(ev.f[MM_F_EVENT_KIND].n, 5);
    /* the list is bounded */
    for (int i = 0; i < MM_EVENT_MAX_EXTRA + 5; i++) {
        mm_event_add(&ev, "x", "k", 1, "v", 1);
    }
    assert_int_equal(ev.nx, MM_EVENT_MAX_EXTRA);
    assert_int_equal(ev.nx_dropped, 7);
    assert_int_equal(mm_event_add(&ev, NULL, "other", 5, "v", 1), MM_EFULL);
    assert_int_equal(ev.nx_dropped, 8);
}

/* Every well-known field set: the keys written from the compile-time table are the names. */
static void test_json_fields_keys(void **state)
{
    (void)state;
    static char raw[] = "x";
    mm_event_reset(&ev, raw, 1, 0);
    for (int i = 0; i < MM_F__COUNT; i++) {
        ev.f[i].p = "v";
        ev.f[i].n = 1;
    }
    struct mm_buf got, want;
    mm_buf_init(&got, 0);
    mm_buf_init(&want, 0);
    assert_int_equal(mm_event_json_fields(&ev, &got), MM_OK);
    for (int i = 0; i < MM_F__COUNT; i++) {
        if (i > 0) {
            assert_int_equal(mm_buf_putc(&want, ','), MM_OK);
        }
        assert_int_equal(mm_buf_json_str(&want, mm_fields[i].name, mm_fields[i].namelen), MM_OK);
        assert_int_equal(mm_buf_puts(&want, ":\"v\""), MM_OK);
    }
    assert_string_equal(got.p, want.p);
    mm_buf_free(&got);
    mm_buf_free(&want);
    mm_event_reset(&ev, raw, 1, 0);
}

/* The reference: what mm_time_format printed before it wrote the digits itself. */
static void time_ref(int64_t ns, char *dst, size_t dstlen)
{
    time_t s = (time_t)(ns / 1000000000);
    int64_t rem = ns % 1000000000;
    if (rem < 0) {
        rem += 1000000000;
        s--;
    }
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(dst, dstlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(rem / 1000000));
}

static void test_time_format(void **state)
{
    (void)state;
    char got[64], want[64];
    assert_string_equal(mm_time_format(0, got, sizeof(got)), "1970-01-01T00:00:00.000Z");
    assert_string_equal(mm_time_format(1772531999123456789LL, got, sizeof(got)),
                        "2026-03-03T09:59:59.123Z");
    assert_string_equal(mm_time_format(-1, got, sizeof(got)), "1969-12-31T23:59:59.999Z");
    /* leap days, ends of years, before 1970, the last second of int64 ns (2262), and a
     * pseudo-random sweep of 1900..2261 */
    static const int64_t fixed[] = {951782400LL,  951868799LL,  4107542399LL, 4107542400LL,
                                    -2208988800LL, 9223372035LL, 1709164800LL, 68169600LL};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        int64_t ns = fixed[i] * 1000000000LL + 999999999LL;
        time_ref(ns, want, sizeof(want));
        assert_string_equal(mm_time_format(ns, got, sizeof(got)), want);
    }
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* 1900 .. 2261: as unsigned, then into the signed range */
        int64_t ns = (int64_t)((x % 11400000000000000000ULL) - 2208988800000000000ULL);
        time_ref(ns, want, sizeof(want));
        mm_time_format(ns, got, sizeof(got));
        if (strcmp(got, want) != 0) {
            fail_msg("%lld: %s, want %s", (long long)ns, got, want);
        }
    }
    /* a short buffer is cut as snprintf cuts */
    assert_string_equal(mm_time_format(0, got, 11), "1970-01-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xfield_is),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_json_fields_keys),
        cmocka_unit_test(test_add_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
