/*
 * Tests for the registry's undo (src/parse/registry.c): a parser that answers
 * NOMATCH is undone by saving only the fields the syslog header sets, not the
 * whole field array.  Whatever the registry tried first, the event it returns
 * must be the one the header and the parser that took the body make on a
 * fresh event.  The lines are the fixture bodies of every vendor, bare, behind
 * a header, cut short and spliced with another vendor's, so that parsers
 * claim bodies they then give up (counted: the test fails without any).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"

#define NOW_NS (1781179200LL * 1000000000LL)
#define MAX_BODIES 4000

static char *bodies[MAX_BODIES];
static char *apps[MAX_BODIES];
static size_t nbodies;

/* The "line" bodies of one cases.txt, each with the sticky "app" tag before it. */
static void load_cases(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return;
    }
    char buf[8192], app[64] = "";
    while (fgets(buf, sizeof(buf), f) != NULL && nbodies < MAX_BODIES) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (strncmp(buf, "app ", 4) == 0) {
            const char *a = strcmp(buf + 4, "-") == 0 ? "" : buf + 4;
            size_t n = strnlen(a, sizeof(app) - 1); /* an app name longer than 63 is cut */
            memcpy(app, a, n);
            app[n] = '\0';
        } else if (strncmp(buf, "line ", 5) == 0) {
            bodies[nbodies] = strdup(buf + 5);
            apps[nbodies] = strdup(app);
            nbodies++;
        }
    }
    fclose(f);
}

static void load_all(void)
{
    DIR *d = opendir(MM_FIXTURES "/parse");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/parse/%s/cases.txt", MM_FIXTURES, e->d_name);
        load_cases(path);
    }
    closedir(d);
}

static int str_same(struct mm_str a, struct mm_str b)
{
    if (a.p == NULL || b.p == NULL) {
        return a.p == b.p;
    }
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static int ns_same(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* The two events hold the same values (slices compared by content). */
static const char *event_diff(const struct mm_event *a, const struct mm_event *b)
{
    if (a->flags != b->flags) {
        return "flags";
    }
    if (a->ts_ns != b->ts_ns) {
        return "ts_ns";
    }
    if (!ns_same(a->parser, b->parser)) {
        return "parser";
    }
    for (size_t i = 0; i < MM_F__COUNT; i++) {
        if (!str_same(a->f[i], b->f[i])) {
            return mm_fields[i].name;
        }
    }
    if (a->nx != b->nx || a->nx_dropped != b->nx_dropped) {
        return "extra count";
    }
    for (uint32_t i = 0; i < a->nx; i++) {
        if (!ns_same(a->x[i].ns, b->x[i].ns) || !str_same(a->x[i].key, b->x[i].key) ||
            !str_same(a->x[i].val, b->x[i].val)) {
            return "an extra";
        }
    }
    return NULL;
}

static struct mm_event got, want, scratch;
static int nomatch_changed; /* parser answers that the undo had to take back */
static int nomatch_fields;  /* ... among them, ones that had set a well-known field */

/* What the header and parser p make of line on a fresh event. */
static void reference(const char *line, size_t n, const struct mm_parser *p, struct mm_event *ev)
{
    const char *body;
    size_t len;
    mm_event_reset(ev, line, n, NOW_NS);
    mm_syslog_parse_header(ev, NULL, NOW_NS, &body, &len);
    if (p == NULL) {
        ev->parser = "syslog";
        ev->flags |= MM_EV_UNPARSED;
        return;
    }
    enum mm_parse_rc rc = p->parse(ev, body, len);
    assert_int_not_equal(rc, MM_PARSE_NOMATCH);
    ev->parser = p->name;
    if (rc == MM_PARSE_MALFORMED) {
        ev->flags |= MM_EV_MALFORMED;
    }
}

/* Count the parsers that claim the body, change the event and then answer NOMATCH. */
static void count_nomatch(const char *line, size_t n)
{
    const char *body;
    size_t len;
    for (size_t i = 0; i < mm_parser_count(); i++) {
        const struct mm_parser *p = mm_parser_at(i);
        mm_event_reset(&scratch, line, n, NOW_NS);
        mm_syslog_parse_header(&scratch, NULL, NOW_NS, &body, &len);
        mm_event_reset(&want, line, n, NOW_NS);
        mm_syslog_parse_header(&want, NULL, NOW_NS, &body, &len);
        if (p->detect(&scratch, body, len) > 0 &&
            p->parse(&scratch, body, len) == MM_PARSE_NOMATCH &&
            event_diff(&scratch, &want) != NULL) {
            nomatch_changed++;
            for (size_t k = 0; k < MM_F__COUNT; k++) {
                if (!str_same(scratch.f[k], want.f[k])) {
                    nomatch_fields++;
                    break;
                }
            }
        }
    }
}

static void check_line(struct mm_parse_ctx *ctx, const char *text, size_t n)
{
    char *line = malloc(n > 0 ? n : 1); /* exactly sized: ASan sees a read past the end */
    memcpy(line, text, n);
    mm_event_reset(&got, line, n, NOW_NS);
    got.source = "192.0.2.1";
    mm_parse_event(ctx, &got, NOW_NS);
    const struct mm_parser *p = mm_parser_find(got.parser);
    assert_non_null(p);
    reference(line, n, strcmp(got.parser, "syslog") == 0 ? NULL : p, &want);
    const char *d = event_diff(&got, &want);
    if (d != NULL) {
        fail_msg("%s differs after the registry for \"%.*s\"", d, (int)n, line);
    }
    count_nomatch(line, n);
    free(line);
}

static void test_undo(void **state)
{
    (void)state;
    load_all();
    assert_true(nbodies > 100);
    struct mm_parse_ctx *ctx = NULL;
    assert_int_equal(mm_parse_ctx_new(&ctx, NULL, NULL, 0), MM_OK);
    static char line[20000];
    for (size_t i = 0; i < nbodies; i++) {
        const char *b = bodies[i];
        size_t bn = strlen(b);
        check_line(ctx, b, bn);
        int n =
            apps[i][0] != '\0'
                ? snprintf(line, sizeof(line), "<134>Nov 21 10:00:00 gw01 %s[42]: %s", apps[i], b)
                : snprintf(line, sizeof(line), "<134>Nov 21 10:00:00 gw01 %s", b);
        check_line(ctx, line, (size_t)n);
        for (size_t k = 1; k < 8; k++) {
            check_line(ctx, b, bn * k / 8); /* cut short */
        }
        /* behind the tag of another case */
        const char *oa = apps[(i * 5 + 3) % nbodies];
        n = snprintf(line, sizeof(line), "<134>Nov 21 10:00:00 gw01 %s: %s", oa[0] ? oa : "sshd",
                     b);
        check_line(ctx, line, (size_t)n);
        /* the first half of this body, the second half of another vendor's */
        const char *o = bodies[(i * 7 + 13) % nbodies];
        size_t on = strlen(o);
        n = snprintf(line, sizeof(line), "%.*s%s", (int)(bn / 2), b, o + on / 2);
        check_line(ctx, line, (size_t)n);
        n = snprintf(line, sizeof(line), "%.*s %s", (int)(on / 2), o, b);
        check_line(ctx, line, (size_t)n);
    }
    mm_parse_ctx_free(ctx);
    print_message("%zu bodies, %d parser answers taken back, %d with well-known fields\n", nbodies,
                  nomatch_changed, nomatch_fields);
    assert_true(nomatch_changed > 0);
    for (size_t i = 0; i < nbodies; i++) {
        free(bodies[i]);
        free(apps[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
