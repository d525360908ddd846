/*
 * test_format.c - src/cli/format.c: escaping log text for a terminal, column
 * widths of UTF-8, cells, relative times, grouped numbers and sizes.
 * format.c belongs to the mimamori executable, so it is compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format.c"

#define S 1000000000LL

static void test_escape(void **state)
{
    (void)state;
    char b[128];
    assert_string_equal(mm_fmt_escape("user=root", b, sizeof(b)), "user=root");
    /* an escape sequence from a log line must not reach the terminal */
    assert_string_equal(mm_fmt_escape("a\033[2Jb\r\n", b, sizeof(b)), "a\\x1b[2Jb\\x0d\\x0a");
    /* valid UTF-8 stays readable, invalid bytes and C1 controls do not */
    assert_string_equal(mm_fmt_escape("\xe5\xb1\xb1\xe7\x94\xb0", b, sizeof(b)),
                        "\xe5\xb1\xb1\xe7\x94\xb0");
    assert_string_equal(mm_fmt_escape("x\xff\xc2\x9by", b, sizeof(b)), "x\\xff\\xc2\\x9by");
    /* a bidirectional override could reorder what the operator reads */
    assert_string_equal(mm_fmt_escape("\xe2\x80\xae", b, sizeof(b)), "\\xe2\\x80\\xae");
    /* cut, never overflowing, on a whole character */
    char small[6];
    assert_string_equal(mm_fmt_escape("\033\033", small, sizeof(small)), "\\x1b");
}

static void test_width_and_cell(void **state)
{
    (void)state;
    assert_int_equal(mm_fmt_width("abc"), 3);
    assert_int_equal(mm_fmt_width("\xe5\xb1\xb1\xe7\x94\xb0"), 4); /* 山田: two wide */
    assert_int_equal(mm_fmt_width("e\xcc\x81"), 1);                /* e + combining acute */
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    mm_fmt_cell(f, "abc", 5, 0);
    mm_fmt_cell(f, "abc", 5, 1);
    mm_fmt_cell(f, "abcdefgh", 5, 0);
    mm_fmt_cell(f, "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa", 5, 0); /* 山田太 (6 columns) */
    fclose(f);
    assert_string_equal(p, "abc    abcabcd\xe2\x80\xa6\xe5\xb1\xb1\xe7\x94\xb0\xe2\x80\xa6");
    free(p);
}

static void test_times_and_numbers(void **state)
{
    (void)state;
    char b[32];
    int64_t now = 1800000000 * S;
    mm_fmt_ago(now, now, b, sizeof(b));
    assert_string_equal(b, "just now");
    mm_fmt_ago(now, now - 42 * S, b, sizeof(b));
    assert_string_equal(b, "42s ago");
    mm_fmt_ago(now, now - 3 * 60 * S - 5 * S, b, sizeof(b));
    assert_string_equal(b, "3m ago");
    mm_fmt_ago(now, now - (2 * 3600 + 12 * 60) * S, b, sizeof(b));
    assert_string_equal(b, "2h ago");
    mm_fmt_ago(now, now - 5 * 86400 * S, b, sizeof(b));
    assert_string_equal(b, "5d ago");
    mm_fmt_ago(now, now + 180 * S, b, sizeof(b));
    assert_string_equal(b, "in 3m");
    mm_fmt_ago(now, 0, b, sizeof(b));
    assert_string_equal(b, "never");
    mm_fmt_span((3 * 3600 + 12 * 60) * S, b, sizeof(b));
    assert_string_equal(b, "3h 12m");
    mm_fmt_span((2 * 86400 + 4 * 3600) * S, b, sizeof(b));
    assert_string_equal(b, "2d 4h");
    mm_fmt_count(0, b, sizeof(b));
    assert_string_equal(b, "0");
    mm_fmt_count(1234567, b, sizeof(b));
    assert_string_equal(b, "1,234,567");
    mm_fmt_count(100, b, sizeof(b));
    assert_string_equal(b, "100");
    mm_fmt_bytes(812, b, sizeof(b));
    assert_string_equal(b, "812 B");
    mm_fmt_bytes(12900000, b, sizeof(b));
    assert_string_equal(b, "12.3 MiB");
}

static void test_no_color(void **state)
{
    (void)state;
    setenv("NO_COLOR", "1", 1);
    assert_int_equal(mm_fmt_use_color(1), 0);
    unsetenv("NO_COLOR");
    /* the test's stdout is not a terminal under ctest */
    assert_int_equal(mm_fmt_use_color(1), isatty(1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_width_and_cell),
        cmocka_unit_test(test_times_and_numbers),
        cmocka_unit_test(test_no_color),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
