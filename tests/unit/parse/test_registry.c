/*
 * Tests for src/parse/registry.c: the parser table, contexts and pins, and
 * the choice of parser (tests/fixtures/parse/registry/cases.txt); many sources
 * (the bounded memory), random lines through every parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit/parse/line_cases.h"

static void test_table(void **state)
{
    (void)state;
    size_t n = mm_parser_count();
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++) {
        const struct mm_parser *p = mm_parser_at(i);
        assert_non_null(p);
        assert_non_null(p->name);
        assert_non_null(p->detect);
        assert_non_null(p->parse);
        assert_ptr_equal(mm_parser_find(p->name), p);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(mm_parser_at(j)->name, p->name);
        }
    }
    assert_null(mm_parser_at(n));
    assert_non_null(mm_parser_find("sshd"));
    assert_non_null(mm_parser_find("pam"));
    assert_non_null(mm_parser_find("sudo"));
    const struct mm_parser *sys = mm_parser_find("syslog");
    assert_non_null(sys);
    assert_string_equal(sys->name, "syslog");
    assert_null(mm_parser_find("nosuch"));
    assert_null(mm_parser_find(NULL));
}

static void test_ctx(void **state)
{
    (void)state;
    struct mm_parse_ctx *ctx = (struct mm_parse_ctx *)(uintptr_t)1;
    struct mm_source_pin bad[] = {{"192.0.2.0/24", "sshd", "lab"}, {"fw1", "nosuch", NULL}};
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, bad, 2), MM_ECONFIG);
    assert_null(ctx);
    struct mm_source_pin empty[] = {{"", "sshd", NULL}};
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, empty, 1), MM_EINVAL);
    /* a source with only a display name pins nothing */
    struct mm_source_pin named[] = {{"nas01", NULL, "storage"}, {"192.0.2.0/24", "", NULL}};
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, named, 2), MM_OK);
    mm_parse_ctx_free(ctx);
    /* pins are copied: the caller's strings may go */
    char match[] = "192.0.2.0/24", parser[] = "syslog";
    struct mm_source_pin ok[] = {{match, parser, NULL}};
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, ok, 1), MM_OK);
    memset(match, 'x', sizeof(match) - 1);
    memset(parser, 'x', sizeof(parser) - 1);
    static struct mm_event ev;
    const char line[] =
        "<38>Nov  2 03:12:09 h sshd[1]: Failed password for a from 192.0.2.1 port 1 ssh2";
    mm_event_reset(&ev, line, sizeof(line) - 1, 0);
    ev.source = "192.0.2.200";
    mm_parse_event(ctx, &ev, 1781179200LL * 1000000000LL);
    assert_string_equal(ev.parser, "syslog");
    mm_parse_ctx_free(ctx);
    mm_parse_ctx_free(NULL);
    /* a NULL context still reads the header and never fails */
    mm_event_reset(&ev, line, sizeof(line) - 1, 0);
    mm_parse_event(NULL, &ev, 0);
    assert_string_equal(ev.parser, "syslog");
    assert_true(ev.flags & MM_EV_HEADER_OK);
}

static void test_cases(void **state)
{
    (void)state;
    struct lc_stats st = lc_run_file(LC_FULL, MM_FIXTURES "/parse/registry/cases.txt");
    assert_true(st.cases > 0);
    assert_int_equal(st.failures, 0);
}

/* More sources than the memory holds, alternating vendors: always the right parser. */
static void test_many_sources(void **state)
{
    (void)state;
    struct mm_parse_ctx *ctx = NULL;
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, NULL, 0), MM_OK);
    static struct mm_event ev;
    static const char *const lines[] = {
        "<38>Nov  2 03:12:09 h sshd[1]: Failed password for a from 192.0.2.1 port 1 ssh2",
        "<38>Nov  2 03:12:09 h sudo: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/ls",
        "<38>Nov  2 03:12:09 h sshd[1]: pam_unix(sshd:auth): check pass; user unknown",
        "<38>Nov  2 03:12:09 h cron[1]: (root) CMD (true)",
    };
    static const char *const want[] = {"sshd", "sudo", "pam", "syslog"};
    char src[32];
    for (int round = 0; round < 3; round++) {
        for (int s = 0; s < 10000; s++) {
            snprintf(src, sizeof(src), "10.%d.%d.%d", s >> 16, (s >> 8) & 255, s & 255);
            size_t k = (size_t)(s + round) % 4;
            mm_event_reset(&ev, lines[k], strlen(lines[k]), 0);
            ev.source = src;
            mm_parse_event(ctx, &ev, 1781179200LL * 1000000000LL);
            assert_string_equal(ev.parser, want[k]);
        }
    }
    mm_parse_ctx_free(ctx);
}

static void test_random(void **state)
{
    (void)state;
    struct mm_parse_ctx *ctx = NULL;
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, NULL, 0), MM_OK);
    static struct mm_event ev;
    static const char *const words[] = {
        "<38>",
        "Nov  2 03:12:09 ",
        "h ",
        "sshd[1]: ",
        "sudo: ",
        "Failed ",
        "password ",
        "for ",
        "invalid user ",
        "from ",
        "1.2.3.4 ",
        "port ",
        "22 ",
        "ssh2",
        "pam_unix",
        "(sshd:auth): ",
        "; ",
        "rhost=",
        " user=",
        "alice : ",
        "COMMAND=",
        "TTY=",
        "[preauth]",
        "'",
        "<",
        ">",
        ":",
        "\xff",
        "date=",
        "type=",
        "\"",
        "=",
        " ",
        "%ASA-6-1: ",
        "1 ",
    };
    unsigned seed = 99;
    char buf[256];
    for (int iter = 0; iter < 50000; iter++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)((seed >> 16) % 12);
        for (int i = 0; i < parts; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *w = words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))];
            size_t wl = strlen(w);
            if (n + wl > sizeof(buf)) {
                break;
            }
            memcpy(buf + n, w, wl);
            n += wl;
        }
        char *b = malloc(n > 0 ? n : 1);
        assert_non_null(b);
        memcpy(b, buf, n);
        mm_event_reset(&ev, b, n, 0);
        ev.source = (iter & 1) ? "192.0.2.1" : NULL;
        mm_parse_event(ctx, &ev, 1781179200LL * 1000000000LL);
        assert_non_null(ev.parser);
        free(b);
    }
    mm_parse_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),  cmocka_unit_test(test_ctx),
        cmocka_unit_test(test_cases),  cmocka_unit_test(test_many_sources),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
