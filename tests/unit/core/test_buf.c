/* Tests for src/core/buf.c: growth, ceiling, JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
        cmocka_unit_test(test_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
