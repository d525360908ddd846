/*
 * Tests for src/parse/syslog.c: the header cases in
 * tests/fixtures/parse/syslog/cases.txt, then every prefix of a few lines
 * and random bytes (in exactly-sized buffers, for ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/line_cases.h"

static void test_cases(void **state)
{
    (void)state;
    struct lc_stats st = lc_run_file(LC_HEADER, MM_FIXTURES "/parse/syslog/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

static struct mm_event ev;

static void header_of(const char *src, size_t n, const struct mm_tz *tz)
{
    char *b = malloc(n > 0 ? n : 1);
    assert_non_null(b);
    memcpy(b, src, n);
    mm_event_reset(&ev, b, n, 1000);
    const char *body = NULL;
    size_t len = 0;
    mm_syslog_parse_header(&ev, tz, 1781179200LL * 1000000000LL, &body, &len);
    assert_true(body >= b && body + len <= b + n);
    struct mm_str m = mm_event_get(&ev, MM_F_MESSAGE);
    assert_ptr_equal(m.p, body);
    for (int i = 0; i < MM_F__COUNT; i++) {
        struct mm_str f = ev.f[i];
        if (f.p == NULL) {
            continue;
        }
        /* every value is a slice of the line, of scratch, or a static string */
        int in_line = f.p >= b && f.p + f.n <= b + n;
        int in_scratch = f.p >= ev.scratch && f.p + f.n <= ev.scratch + sizeof(ev.scratch);
        assert_true(in_line || in_scratch || i == MM_F_SYSLOG_FACILITY ||
                    i == MM_F_SYSLOG_SEVERITY);
    }
    free(b);
}

static void test_prefixes(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"]\" eventID=\"1011\"] "
        "\xEF\xBB\xBF"
        "An application event",
        "<13>Nov  2 03:12:09 host sshd[123]: Accepted publickey for alice",
        "<166>Nov 02 2026 03:12:09 asa1 : %ASA-6-302013: Built",
        "<13>2026-11-02T03:12:09.123456789+09:00 host app[7]: msg",
        "<30>2021:05:19-16:37:28 fw-1 httpproxy[123]: id=\"0001\"",
        "<191>Jan 24 11:28:30.407: %LINK-3-UPDOWN: Interface",
        "<13>myapp[42]: hello",
    };
    struct mm_tz *tz = NULL;
    if (mm_tz_load(&tz, "Europe/Berlin") != MM_OK) {
        assert_int_equal(mm_tz_load(&tz, "UTC"), MM_OK);
    }
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        size_t n = strlen(lines[i]);
        for (size_t k = 0; k <= n; k++) {
            header_of(lines[i], k, tz);
            header_of(lines[i] + n - k, k, tz); /* suffixes too */
        }
    }
    mm_tz_free(tz);
}

static void test_random(void **state)
{
    (void)state;
    /* bytes biased towards header syntax */
    static const char alphabet[] = "<>0123456789 :-T.Z+[]\"\\=JanNovDec\xef\xbb\xbf\xff";
    unsigned seed = 12345;
    char buf[64];
    for (int iter = 0; iter < 200000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % sizeof(buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        header_of(buf, n, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
