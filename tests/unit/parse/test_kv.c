/* Tests for src/parse/kv.c: the key=value iterator, unescaping, extras. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"

static struct mm_event ev;

/* Iterate body (copied to an exact-size buffer) and write "k=[v]{e} " for each pair. */
static void pairs(const char *body, char sep, char *out, size_t outlen)
{
    size_t n = strlen(body);
    char *b = malloc(n > 0 ? n : 1);
    assert_non_null(b);
    memcpy(b, body, n);
    struct mm_kv_iter it;
    struct mm_str k, v;
    int esc;
    size_t used = 0;
    out[0] = '\0';
    mm_kv_init(&it, b, n, sep);
    while (mm_kv_next(&it, &k, &v, &esc)) {
        assert_true(k.p >= b && k.p + k.n <= b + n);
        assert_true(v.p >= b && v.p + v.n <= b + n);
        int w = snprintf(out + used, outlen - used, "%.*s=[%.*s]%s ", (int)k.n, k.p, (int)v.n, v.p,
                         esc ? "e" : "");
        assert_true(w > 0 && (size_t)w < outlen - used);
        used += (size_t)w;
    }
    free(b);
}

static void test_iter(void **state)
{
    (void)state;
    char out[512];
    pairs("a=1 b=two  c=\"x y\" d='q r' e= f", '\0', out, sizeof(out));
    assert_string_equal(out, "a=[1] b=[two] c=[x y] d=[q r] e=[] f=[] ");
    pairs("msg=\"say \\\"hi\\\"\" k.v:w-x_y=1", '\0', out, sizeof(out));
    assert_string_equal(out, "msg=[say \\\"hi\\\"]e k.v:w-x_y=[1] ");
    /* separators, tabs */
    pairs("a=1,b=2,\tc=\"3,4\",d", ',', out, sizeof(out));
    assert_string_equal(out, "a=[1] b=[2] c=[3,4] d=[] ");
    /* garbage is skipped */
    pairs("%$# a=1 \"junk here\" b!c=2 =x d=4", '\0', out, sizeof(out));
    assert_string_equal(out, "a=[1] d=[4] ");
    /* junk glued to a closing quote is dropped */
    pairs("a=\"1\"xyz b=2", '\0', out, sizeof(out));
    assert_string_equal(out, "a=[1] b=[2] ");
    /* unterminated quote runs to the end; a trailing backslash does not read past it */
    pairs("a=\"open b=2", '\0', out, sizeof(out));
    assert_string_equal(out, "a=[open b=2] ");
    pairs("a=\"x\\", '\0', out, sizeof(out));
    assert_string_equal(out, "a=[x\\]e ");
    pairs("", '\0', out, sizeof(out));
    assert_string_equal(out, "");
    pairs("   ", ',', out, sizeof(out));
    assert_string_equal(out, "");
    /* time values keep their colons */
    pairs("time=12:00:01 date=2026-11-02", '\0', out, sizeof(out));
    assert_string_equal(out, "time=[12:00:01] date=[2026-11-02] ");
}

static void test_unescape(void **state)
{
    (void)state;
    mm_event_reset(&ev, "", 0, 0);
    const char raw[] = "say \\\"hi\\\" C:\\Users \\\\ \\'";
    struct mm_str v = {raw, sizeof(raw) - 1};
    struct mm_str u = mm_kv_unescape(&ev, v);
    assert_int_equal(u.n, strlen("say \"hi\" C:\\Users \\ '"));
    assert_memory_equal(u.p, "say \"hi\" C:\\Users \\ '", u.n);
    assert_int_equal(ev.scratch_used, u.n);
    /* nothing to unescape: the same slice, no scratch */
    struct mm_str plain = {"abc", 3};
    struct mm_str same = mm_kv_unescape(&ev, plain);
    assert_ptr_equal(same.p, plain.p);
    /* scratch full: the raw slice */
    ev.scratch_used = MM_EVENT_SCRATCH - 2;
    struct mm_str full = mm_kv_unescape(&ev, v);
    assert_ptr_equal(full.p, raw);
}

static void test_parse(void **state)
{
    (void)state;
    const char body[] = "logid=\"0100032001\" user=\"a\\\"b\" srcip=192.0.2.1 flag";
    mm_event_reset(&ev, body, sizeof(body) - 1, 0);
    assert_int_equal(mm_kv_parse(&ev, "fortinet", body, sizeof(body) - 1, '\0'), 4);
    struct mm_str v = mm_event_find(&ev, "fortinet.logid", 14);
    assert_int_equal(v.n, 10);
    assert_memory_equal(v.p, "0100032001", 10);
    v = mm_event_find(&ev, "fortinet.user", 13);
    assert_int_equal(v.n, 3);
    assert_memory_equal(v.p, "a\"b", 3);
    v = mm_event_find(&ev, "fortinet.flag", 13);
    assert_non_null(v.p);
    assert_int_equal(v.n, 0);
    /* no namespace: the key is the full name */
    mm_event_reset(&ev, body, sizeof(body) - 1, 0);
    mm_kv_parse(&ev, NULL, body, sizeof(body) - 1, '\0');
    v = mm_event_find(&ev, "srcip", 5);
    assert_int_equal(v.n, 9);
}

static void test_many(void **state)
{
    (void)state;
    /* more pairs than extras: counted, dropped, no overflow */
    static char body[4000];
    size_t n = 0;
    for (int i = 0; i < 300; i++) {
        n += (size_t)snprintf(body + n, sizeof(body) - n, "k%d=%d ", i, i);
    }
    mm_event_reset(&ev, body, n, 0);
    assert_int_equal(mm_kv_parse(&ev, "x", body, n, '\0'), 300);
    assert_int_equal(ev.nx, MM_EVENT_MAX_EXTRA);
    assert_int_equal(ev.nx_dropped, 300 - MM_EVENT_MAX_EXTRA);
}

static void test_random(void **state)
{
    (void)state;
    static const char alphabet[] = "ab=\"'\\ ,\t:x9";
    unsigned seed = 7;
    char buf[48];
    char out[4096];
    for (int iter = 0; iter < 100000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % (sizeof(buf) - 1);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        buf[n] = '\0';
        pairs(buf, (iter & 1) ? ',' : '\0', out, sizeof(out));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iter), cmocka_unit_test(test_unescape), cmocka_unit_test(test_parse),
        cmocka_unit_test(test_many), cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
