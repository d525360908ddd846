/*
 * vendor_cases.h - data-driven vendor parser tests, included by
 * tests/unit/parse/test_<vendor>.c (one cmocka executable per parser file).
 *
 * A case file (tests/fixtures/parse/<vendor>/cases.txt) is a list of cases:
 *
 *   # comment
 *   app charon                 sticky: the syslog tag the following cases came
 *                              with (log.syslog.appname and process.name are set
 *                              before detect() and parse(), as the header would);
 *                              "app -" for none again
 *   line <the message body, to the end of the line>
 *   detect >= 80               optional: detect() confidence, ">=", "<" or "="
 *   rc MALFORMED               optional: OK (default), NOMATCH or MALFORMED
 *   source.ip = 192.0.2.1      the field (well-known or extra) has this value
 *   absent user.name           the field is not set
 *   gap url.domain = x.test    known gap (sshguard tests.txt style): expected
 *                              but not produced yet; reported, not failed
 *
 * The body is copied into an exactly-sized heap buffer so that ASan catches
 * a parser reading past the line.  A case fails on any mismatch; the
 * messages name the file and line of the expectation.
 */
#ifndef MM_TEST_VENDOR_CASES_H
#define MM_TEST_VENDOR_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"

static struct mm_event vc_ev;

#define VC_APP_MAX 64

struct vc_stats {
    int cases;
    int checks;
    int failures;
    int gaps;       /* known gaps still open */
    int gaps_fixed; /* known gaps that now pass: the marker can go */
};

static const char *vc_rcname(enum mm_parse_rc rc)
{
    return rc == MM_PARSE_OK ? "OK" : rc == MM_PARSE_NOMATCH ? "NOMATCH" : "MALFORMED";
}

static char *vc_trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

/* What the syslog header sets for a tag "app:" (app "" = no tag); app must outlive ev. */
static void vc_set_app(struct mm_event *ev, const char *app)
{
    if (app != NULL && app[0] != '\0') {
        mm_event_set(ev, MM_F_SYSLOG_APPNAME, app, strlen(app));
        mm_event_set(ev, MM_F_PROCESS_NAME, app, strlen(app));
    }
}

/* The current case, run lazily when its first expectation (or the next case) comes. */
struct vc_case {
    char *body;
    size_t len;
    char app[VC_APP_MAX]; /* the tag of the case ("" = none) */
    int lineno;
    int ran;
    int detect;
    enum mm_parse_rc rc;
    int want_rc_set;
    enum mm_parse_rc want_rc;
};

static void vc_run(const struct mm_parser *p, struct vc_case *c)
{
    if (c->ran || c->body == NULL) {
        return;
    }
    mm_event_reset(&vc_ev, c->body, c->len, 0);
    vc_set_app(&vc_ev, c->app);
    c->detect = p->detect(&vc_ev, c->body, c->len);
    c->rc = p->parse(&vc_ev, c->body, c->len);
    c->ran = 1;
}

static void vc_finish(const char *path, struct vc_case *c, struct vc_stats *st)
{
    if (c->body != NULL && c->ran) {
        enum mm_parse_rc want = c->want_rc_set ? c->want_rc : MM_PARSE_OK;
        st->checks++;
        if (c->rc != want) {
            fprintf(stderr, "%s:%d: parse returned %s, want %s\n", path, c->lineno,
                    vc_rcname(c->rc), vc_rcname(want));
            st->failures++;
        }
    }
    free(c->body);
    memset(c, 0, sizeof(*c));
}

static void vc_expect(const char *path, int lineno, struct vc_case *c, char *spec, int gap,
                      struct vc_stats *st)
{
    int absent = 0;
    if (strncmp(spec, "absent ", 7) == 0) {
        absent = 1;
        spec = vc_trim(spec + 7);
    }
    char *name = spec, *want = NULL;
    if (!absent) {
        char *eqs = strstr(spec, " = ");
        if (eqs == NULL) {
            fprintf(stderr, "%s:%d: cannot read expectation '%s'\n", path, lineno, spec);
            st->failures++;
            return;
        }
        *eqs = '\0';
        want = eqs + 3;
        name = vc_trim(name);
    }
    struct mm_str got = mm_event_find(&vc_ev, name, strlen(name));
    int ok;
    if (absent) {
        ok = got.p == NULL;
    } else {
        ok = got.p != NULL && got.n == strlen(want) && memcmp(got.p, want, got.n) == 0;
    }
    st->checks++;
    if (gap) {
        if (ok) {
            fprintf(stderr, "%s:%d: known gap now passes: %s\n", path, lineno, name);
            st->gaps_fixed++;
        } else {
            st->gaps++;
        }
        return;
    }
    if (!ok) {
        if (absent) {
            fprintf(stderr, "%s:%d: %s should be absent, is '%.*s'\n", path, lineno, name,
                    (int)got.n, got.p);
        } else if (got.p == NULL) {
            fprintf(stderr, "%s:%d: %s missing, want '%s'\n", path, lineno, name, want);
        } else {
            fprintf(stderr, "%s:%d: %s = '%.*s', want '%s'\n", path, lineno, name, (int)got.n,
                    got.p, want);
        }
        st->failures++;
    }
    (void)c;
}

static void vc_detect(const char *path, int lineno, struct vc_case *c, char *spec,
                      struct vc_stats *st)
{
    char op[3] = {0};
    int want = 0;
    if (sscanf(spec, "%2s %d", op, &want) != 2) {
        fprintf(stderr, "%s:%d: cannot read detect '%s'\n", path, lineno, spec);
        st->failures++;
        return;
    }
    int ok = strcmp(op, ">=") == 0 ? c->detect >= want
             : strcmp(op, "<") == 0 ? c->detect < want
             : strcmp(op, "=") == 0 ? c->detect == want
                                    : 0;
    st->checks++;
    if (!ok) {
        fprintf(stderr, "%s:%d: detect returned %d, want %s %d\n", path, lineno, c->detect, op,
                want);
        st->failures++;
    }
}

/* Run every case of path against p; returns the stats (failures == 0 is a pass). */
static struct vc_stats vc_run_file(const struct mm_parser *p, const char *path)
{
    struct vc_stats st = {0};
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        st.failures = 1;
        return st;
    }
    struct vc_case c = {0};
    char app[VC_APP_MAX] = ""; /* the sticky "app" directive */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (strncmp(line, "line ", 5) == 0) {
            vc_run(p, &c);
            vc_finish(path, &c, &st);
            c.len = (size_t)n - 5;
            c.body = malloc(c.len > 0 ? c.len : 1);
            if (c.body == NULL) {
                st.failures++;
                break;
            }
            memcpy(c.body, line + 5, c.len);
            memcpy(c.app, app, sizeof(c.app));
            c.lineno = lineno;
            st.cases++;
            continue;
        }
        char *s = vc_trim(line);
        if (*s == '\0' || *s == '#') {
            continue;
        }
        if (strncmp(s, "app ", 4) == 0) {
            char *w = vc_trim(s + 4);
            if (strlen(w) >= sizeof(app)) {
                fprintf(stderr, "%s:%d: app name too long\n", path, lineno);
                st.failures++;
            } else {
                snprintf(app, sizeof(app), "%s", strcmp(w, "-") == 0 ? "" : w);
            }
            continue;
        }
        if (c.body == NULL) {
            fprintf(stderr, "%s:%d: expectation before any 'line'\n", path, lineno);
            st.failures++;
            continue;
        }
        if (strncmp(s, "rc ", 3) == 0) {
            char *w = vc_trim(s + 3);
            c.want_rc_set = 1;
            c.want_rc = strcmp(w, "NOMATCH") == 0     ? MM_PARSE_NOMATCH
                        : strcmp(w, "MALFORMED") == 0 ? MM_PARSE_MALFORMED
                                                      : MM_PARSE_OK;
            continue;
        }
        vc_run(p, &c);
        if (strncmp(s, "detect ", 7) == 0) {
            vc_detect(path, lineno, &c, vc_trim(s + 7), &st);
        } else if (strncmp(s, "gap ", 4) == 0) {
            vc_expect(path, lineno, &c, vc_trim(s + 4), 1, &st);
        } else {
            vc_expect(path, lineno, &c, s, 0, &st);
        }
    }
    vc_run(p, &c);
    vc_finish(path, &c, &st);
    free(line);
    fclose(f);
    fprintf(stderr, "%s: %d cases, %d checks, %d failures, %d known gaps, %d gaps fixed\n", path,
            st.cases, st.checks, st.failures, st.gaps, st.gaps_fixed);
    return st;
}

/*
 * Parse every prefix of line (after the tag app, NULL for none), each in an
 * exactly-sized buffer (ASan catches a read past it).  Returns how many prefixes shorter than ok_from came back
 * MM_PARSE_OK (a record cut that short must not pass as whole); 0 skips that.
 */
static int vc_prefixes_app(const struct mm_parser *p, const char *app, const char *line,
                           size_t ok_from)
{
    size_t len = strlen(line);
    int early_ok = 0;
    for (size_t n = 0; n <= len; n++) {
        char *b = malloc(n > 0 ? n : 1);
        if (b == NULL) {
            return -1;
        }
        memcpy(b, line, n);
        mm_event_reset(&vc_ev, b, n, 0);
        vc_set_app(&vc_ev, app);
        (void)p->detect(&vc_ev, b, n);
        enum mm_parse_rc rc = p->parse(&vc_ev, b, n);
        if (n < ok_from && rc == MM_PARSE_OK) {
            fprintf(stderr, "prefix of %zu bytes parsed as OK\n", n);
            early_ok++;
        }
        free(b);
    }
    return early_ok;
}

/* The same with no syslog tag. */
static int vc_prefixes(const struct mm_parser *p, const char *line, size_t ok_from)
{
    return vc_prefixes_app(p, NULL, line, ok_from);
}

#endif
