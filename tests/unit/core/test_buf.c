/* Tests for src/core/buf.c: growth, ceiling, JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/buf.h"

static void test_append_and_ceiling(void **state)
{
    (void)state;
    struct mm_buf b;
    mm_buf_init(&b, 10);
    assert_int_equal(mm_buf_puts(&b, "hello"), MM_OK);
    assert_int_equal(mm_buf_puts(&b, "world"), MM_OK);
    assert_string_equal(b.p, "helloworld");
    assert_int_equal(mm_buf_putc(&b, '!'), MM_EFULL);
    assert_int_equal(b.len, 10);
    mm_buf_free(&b);
}

static void test_printf_long(void **state)
{
    (void)state;
    struct mm_buf b;
    mm_buf_init(&b, 0);
    char big[600];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(mm_buf_printf(&b, "[%s]", big), MM_OK);
    assert_int_equal(b.len, sizeof(big) + 1);
    assert_int_equal(b.p[0], '[');
    assert_int_equal(b.p[b.len - 1], ']');
    mm_buf_free(&b);
}

static void test_json_escapes(void **state)
{
    (void)state;
    struct mm_buf b;
    mm_buf_init(&b, 0);
    const char in[] = "a\"b\\c\n\x01\xe6\x97\xa5\xff";
    assert_int_equal(mm_buf_json_str(&b, in, sizeof(in) - 1), MM_OK);
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\u0001\xe6\x97\xa5\\u00ff\"");
    mm_buf_free(&b);
}

static void test_json_truncated_utf8(void **state)
{
    (void)state;
    struct mm_buf b;
    mm_buf_init(&b, 0);
    /* a 3-byte sequence cut after 2 bytes: both bytes escaped, nothing read past the end */
    assert_int_equal(mm_buf_json_str(&b, "\xe6\x97", 2), MM_OK);
    assert_string_equal(b.p, "\"\\u00e6\\u0097\"");
    mm_buf_free(&b);
}

/* The escaping by the rule, byte by byte, for inputs made of the pieces below. */
static size_t json_ref(const unsigned char *p, size_t n, char *o)
{
    char *start = o;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0xe3 && i + 2 < n && p[i + 1] == 0x81 && p[i + 2] == 0x82) {
            memcpy(o, p + i, 3); /* a whole UTF-8 character: kept */
            o += 3;
            i += 2;
        } else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            *o++ = '\\';
            *o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c >= 0x80) {
            o += sprintf(o, "\\u00%02x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return (size_t)(o - start);
}

/*
 * Runs of plain bytes go 16 at a time: every length from 0 to 80 with the
 * special bytes at every offset, against the rule applied byte by byte.
 */
static void test_json_runs(void **state)
{
    (void)state;
    static const unsigned char special[] = {'"', '\\', '\n', '\t', 0x01, 0x1f, 0x7f, 0x80, 0xff, 0xe3};
    unsigned char in[96];
    char want[96 * 6 + 3];
    struct mm_buf b;
    mm_buf_init(&b, 0);
    for (size_t n = 0; n <= 80; n++) {
        for (size_t at = 0; at <= n; at++) {
            for (size_t k = 0; k < sizeof(special); k++) {
                for (size_t i = 0; i < n; i++) {
                    in[i] = (unsigned char)('a' + (i * 7 + n) % 26);
                }
                if (at < n) {
                    in[at] = special[k];
                    if (special[k] == 0xe3 && at + 2 < n) {
                        in[at + 1] = 0x81; /* あ: kept whole */
                        in[at + 2] = 0x82;
                    }
                }
                size_t wn = json_ref(in, n, want);
                mm_buf_reset(&b);
                assert_int_equal(mm_buf_puts(&b, "x"), MM_OK); /* not at the start */
                assert_int_equal(mm_buf_json_str(&b, (const char *)in, n), MM_OK);
                assert_int_equal(b.len, wn + 1);
                assert_memory_equal(b.p + 1, want, wn + 1);
            }
        }
    }
    mm_buf_free(&b);
}

static void test_grow(void **state)
{
    (void)state;
    size_t cap = 0;
    int *v = mm_grow(NULL, &cap, sizeof(*v), 4);
    assert_non_null(v);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++) {
        v[i] = i;
    }
    int *w = mm_grow(v, &cap, sizeof(*w), 4);
    assert_non_null(w);
    assert_int_equal(cap, 8);
    assert_int_equal(w[3], 3); /* the content is kept */
    /* a size that would overflow is refused; array and capacity stay as they were */
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(mm_grow(w, &huge, 2, 4));
    assert_true(huge == SIZE_MAX / 2 + 1);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_ceiling),
        cmocka_unit_test(test_printf_long),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_json_truncated_utf8),
        cmocka_unit_test(test_json_runs),
        cmocka_unit_test(test_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
