/* Tests for src/ingest/framing.c: RFC 6587 octet counting and LF framing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "mimamori/ingest.h"

/* Collected messages: "text|T" per message (T = truncated flag), joined by '\n'. */
struct sink {
    char out[65536];
    size_t len;
    size_t n;
    size_t ntrunc;
};

static void collect(void *arg, const char *data, size_t len, int truncated)
{
    struct sink *s = arg;
    assert_true(s->len + len + 4 < sizeof(s->out));
    memcpy(s->out + s->len, data, len);
    s->len += len;
    s->out[s->len++] = '|';
    s->out[s->len++] = truncated ? 'T' : '-';
    s->out[s->len++] = '\n';
    s->out[s->len] = '\0';
    s->n++;
    s->ntrunc += truncated != 0;
}

/* Frame in with chunks of `chunk` bytes (0 = all at once); returns framing errors. */
static size_t run(const char *in, size_t n, size_t max, size_t chunk, struct sink *s)
{
    struct mm_framer f;
    assert_int_equal(mm_framer_init(&f, max), MM_OK);
    memset(s, 0, sizeof(*s));
    size_t errs = 0;
    if (chunk == 0) {
        chunk = n > 0 ? n : 1;
    }
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        errs += mm_framer_feed(&f, in + off, k, collect, s);
    }
    mm_framer_finish(&f, collect, s);
    mm_framer_free(&f);
    return errs;
}

/* Same result for every chunk size and for a split at every byte position. */
static void check_all_splits(const char *in, size_t n, size_t max, const char *want,
                             size_t want_errs)
{
    struct sink s, t;
    assert_int_equal(run(in, n, max, 0, &s), want_errs);
    assert_string_equal(s.out, want);
    for (size_t chunk = 1; chunk <= n; chunk++) {
        assert_int_equal(run(in, n, max, chunk, &t), want_errs);
        assert_string_equal(t.out, want);
    }
    /* two pieces, split at every position */
    for (size_t cut = 0; cut <= n; cut++) {
        struct mm_framer f;
        assert_int_equal(mm_framer_init(&f, max), MM_OK);
        memset(&t, 0, sizeof(t));
        size_t errs = mm_framer_feed(&f, in, cut, collect, &t);
        errs += mm_framer_feed(&f, in + cut, n - cut, collect, &t);
        mm_framer_finish(&f, collect, &t);
        mm_framer_free(&f);
        assert_int_equal(errs, want_errs);
        assert_string_equal(t.out, want);
    }
}

#define CHECK(in, max, want, errs) check_all_splits((in), sizeof(in) - 1, (max), (want), (errs))

static void test_octet_counting(void **state)
{
    (void)state;
    CHECK("5 hello11 <13>abc def", 100, "hello|-\n<13>abc def|-\n", 0);
    /* LF inside a counted frame is data; a trailing LF in the frame is trimmed */
    CHECK("6 a\nb\nc\n\n3 xyz\n", 100, "a\nb\nc|-\nxyz|-\n", 0);
    /* zero-length frame is skipped */
    CHECK("0 4 abcd", 100, "abcd|-\n", 0);
}

static void test_lf_and_crlf(void **state)
{
    (void)state;
    CHECK("<13>one\n<13>two\r\n\n\r\n<13>three", 100, "<13>one|-\n<13>two|-\n<13>three|-\n", 0);
    /* CR elsewhere is data */
    CHECK("a\rb\n", 100, "a\rb|-\n", 0);
}

static void test_mixed(void **state)
{
    (void)state;
    CHECK("<1>lf\n6 <2>oct<3>lf2\n3 end", 100, "<1>lf|-\n<2>oct|-\n<3>lf2|-\nend|-\n", 0);
}

static void test_nul_framing(void **state)
{
    (void)state;
    static const char in[] = "<13>a\0<13>b\0\0<13>c\n";
    check_all_splits(in, sizeof(in) - 1, 100, "<13>a|-\n<13>b|-\n<13>c|-\n", 0);
}

static void test_truncation(void **state)
{
    (void)state;
    /* LF: exactly max is fine, max+1 is cut, the rest of the line dropped */
    CHECK("a2345678\na23456789\nabcdefghijkl\nok\n", 8,
          "a2345678|-\na2345678|T\nabcdefgh|T\nok|-\n", 0);
    /* exactly max followed by CR LF is not truncated */
    CHECK("a2345678\r\nx\n", 8, "a2345678|-\nx|-\n", 0);
    /* a line that starts with a digit is taken for an octet count, then for a line */
    CHECK("2024-01-01 x\nok\n", 100, "2024-01-01 x|-\nok|-\n", 1);
    CHECK("12345678901234\nok\n", 8, "12345678|T\nok|-\n", 1);
    /* octet counting: a 20-byte frame with max 8, then the next frame */
    CHECK("20 abcdefghijklmnopqrst3 xyz", 8, "abcdefgh|T\nxyz|-\n", 0);
    /* a very long line, far beyond the buffer */
    char big[3000];
    memset(big, 'q', sizeof(big));
    big[sizeof(big) - 2] = '\n';
    big[sizeof(big) - 1] = 'z';
    struct sink s;
    assert_int_equal(run(big, sizeof(big), 100, 7, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ntrunc, 1);
    assert_int_equal(strlen(s.out), 100 + 3 + 4);
    /* unterminated over-long tail at EOF */
    CHECK("abcdefghij", 8, "abcdefgh|T\n", 0);
    CHECK("abcdefghi", 8, "abcdefgh|T\n", 0);
}

static void test_bad_counts_resync(void **state)
{
    (void)state;
    /* more than 9 digits: counted, and the frame is read as a line */
    CHECK("1234567890 abc\n<13>next\n", 100, "1234567890 abc|-\n<13>next|-\n", 1);
    /* non-digit after digits */
    CHECK("12x junk\n5 hello", 100, "12x junk|-\nhello|-\n", 1);
    /* bad count at EOF */
    CHECK("12x", 100, "12x|-\n", 1);
    /* a count cut by EOF is delivered flagged */
    CHECK("10 abc", 100, "abc|T\n", 0);
    /* digits only at EOF: a line */
    CHECK("2024", 100, "2024|-\n", 0);
    /* two errors in a row */
    CHECK("1a\n2b\n3 abc", 100, "1a|-\n2b|-\nabc|-\n", 2);
}

static void test_bounded_buffer(void **state)
{
    (void)state;
    struct mm_framer f;
    assert_int_equal(mm_framer_init(&f, 64), MM_OK);
    struct sink s;
    memset(&s, 0, sizeof(s));
    char junk[1000];
    memset(junk, 'j', sizeof(junk));
    for (int i = 0; i < 50; i++) {
        mm_framer_feed(&f, junk, sizeof(junk), collect, &s);
        assert_true(f.len <= 64 + 16);
        s.len = 0;
    }
    mm_framer_free(&f);
    assert_int_equal(mm_framer_init(&f, 0), MM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_octet_counting), cmocka_unit_test(test_lf_and_crlf),
        cmocka_unit_test(test_mixed),          cmocka_unit_test(test_nul_framing),
        cmocka_unit_test(test_truncation),     cmocka_unit_test(test_bad_counts_resync),
        cmocka_unit_test(test_bounded_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
