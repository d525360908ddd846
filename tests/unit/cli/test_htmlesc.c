/*
 * test_htmlesc.c - src/cli/htmlesc.c: log text made safe for the HTML of the
 * digest and the report.  htmlesc.c belongs to the mimamori executable, so it
 * is compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/htmlesc.c"

/* The escaped text of s, owned by the caller. */
static char *escaped(const char *s, int keep_newline)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    assert_non_null(f);
    mm_cli_html_escape(f, s, keep_newline);
    assert_int_equal(fclose(f), 0);
    return p;
}

static void check(const char *s, int keep_newline, const char *want)
{
    char *got = escaped(s, keep_newline);
    assert_string_equal(got, want);
    free(got);
}

static void test_markup(void **state)
{
    (void)state;
    check("user=root", 0, "user=root");
    check("<script>alert('x')</script>", 0, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    check("a&b \"q\"", 1, "a&amp;b &quot;q&quot;");
    /* UTF-8 passes through */
    check("\xe5\xb1\xb1\xe7\x94\xb0", 0, "\xe5\xb1\xb1\xe7\x94\xb0");
}

static void test_controls(void **state)
{
    (void)state;
    /* tab kept; other controls replaced; newline only where asked for */
    check("a\tb\033c\rd", 0, "a\tb&#xfffd;c&#xfffd;d");
    check("a\nb", 0, "a&#xfffd;b");
    check("a\nb\033", 1, "a\nb&#xfffd;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
