/*
 * line_cases.h - data-driven tests of whole syslog lines (header, then the
 * body parser chosen by the registry), included by test_syslog.c,
 * test_registry.c and test_sshd.c.  The syntax extends vendor_cases.h:
 *
 *   # comment
 *   now 2026-11-02T12:00:00Z   sticky: the receive time (default 2026-06-15T12:00:00Z)
 *   tz Europe/Berlin           sticky: the configured zone (default UTC); the file's
 *                              cases are skipped when the zone is not installed
 *   source 192.0.2.1           sticky: ev->source ("none" = NULL, the default)
 *   pin 192.0.2.0/24 sshd      sticky: add a source pin ("pin none" clears them)
 *   line <raw line>            a case: the bytes to the end of the line
 *   linex <raw line>           the same with escapes \t \r \n \\ \0 \xHH
 *   message = text             a field (well-known or extra) has this value
 *   message =                  ... is set and empty
 *   absent host.hostname       the field is not set
 *   @ts = 2026-11-02T03:12:09.123Z   ev->ts_ns (RFC 3339, ms)
 *   @parser = sshd             ev->parser
 *   @flags = HEADER_OK,NO_YEAR the exact flag set (names without MM_EV_; "none")
 *   gap <any expectation>      known gap: expected but not produced yet;
 *                              reported, not failed
 *
 * Each line is copied into an exactly-sized heap buffer so that ASan catches
 * a read past its end.  In header mode only mm_syslog_parse_header() runs.
 */
#ifndef MM_TEST_LINE_CASES_H
#define MM_TEST_LINE_CASES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/parse.h"
#include "mimamori/tz.h"

#define LC_MAX_PINS 8

enum lc_mode { LC_HEADER, LC_FULL };

struct lc_stats {
    int cases;
    int checks;
    int failures;
    int gaps;
    int gaps_fixed;
    int skipped;
};

/* Sticky settings and the current case. */
struct lc_state {
    enum lc_mode mode;
    const char *path;
    int64_t now_ns;
    char tzname[64];
    struct mm_tz *tz;
    int tz_missing;
    char source[128];
    int has_source;
    char pin_match[LC_MAX_PINS][64];
    char pin_parser[LC_MAX_PINS][32];
    size_t npins;
    struct mm_parse_ctx *ctx;
    char *raw; /* the current case's line, exactly sized */
    size_t rawlen;
    int case_line;
    int ran;
    struct mm_event ev;
    struct lc_stats st;
};

static char *lc_trim(char *s)
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

static int lc_hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Unescape s in place; returns the length. */
static size_t lc_unescape(char *s)
{
    char *d = s;
    const char *p = s;
    while (*p != '\0') {
        if (*p != '\\' || p[1] == '\0') {
            *d++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 't':
            *d++ = '\t';
            p++;
            break;
        case 'r':
            *d++ = '\r';
            p++;
            break;
        case 'n':
            *d++ = '\n';
            p++;
            break;
        case '0':
            *d++ = '\0';
            p++;
            break;
        case 'x':
            if (lc_hex(p[1]) >= 0 && lc_hex(p[2]) >= 0) {
                *d++ = (char)(lc_hex(p[1]) * 16 + lc_hex(p[2]));
                p += 3;
                break;
            }
            /* fall through */
        default:
            *d++ = *p++;
            break;
        }
    }
    return (size_t)(d - s);
}

/* "2026-11-02T12:00:00Z" or "...12:00:00.250Z" -> ns; -1 when unreadable */
static int64_t lc_time(const char *s)
{
    struct mm_civil c = {0};
    int ms = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &c.year, &c.mon, &c.mday, &c.hour, &c.min, &c.sec,
               &ms) < 6) {
        return -1;
    }
    c.nsec = ms * 1000000;
    return mm_civil_to_epoch_ns(&c);
}

static void lc_fail(struct lc_state *s, int lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lc_fail(struct lc_state *s, int lineno, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", s->path, lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    s->st.failures++;
}

static int lc_ctx(struct lc_state *s)
{
    if (s->ctx != NULL || s->mode != LC_FULL) {
        return 0;
    }
    struct mm_source_pin pins[LC_MAX_PINS];
    for (size_t i = 0; i < s->npins; i++) {
        pins[i].match = s->pin_match[i];
        pins[i].parser = s->pin_parser[i];
        pins[i].name = NULL;
    }
    return mm_parse_ctx_new(&s->ctx, s->tz, pins, s->npins) == MM_OK ? 0 : -1;
}

static void lc_run(struct lc_state *s)
{
    if (s->ran || s->raw == NULL || s->tz_missing) {
        return;
    }
    s->ran = 1;
    mm_event_reset(&s->ev, s->raw, s->rawlen, s->now_ns);
    s->ev.source = s->has_source ? s->source : NULL;
    if (s->mode == LC_HEADER) {
        const char *body;
        size_t len;
        mm_syslog_parse_header(&s->ev, s->tz, s->now_ns, &body, &len);
        if (body < s->raw || body + len > s->raw + s->rawlen) {
            lc_fail(s, s->case_line, "body outside the line");
        }
        return;
    }
    if (lc_ctx(s) != 0) {
        lc_fail(s, s->case_line, "cannot make a parse context");
        return;
    }
    mm_parse_event(s->ctx, &s->ev, s->now_ns);
}

static void lc_flags(uint32_t f, char *dst, size_t n)
{
    static const char *const names[] = {"HEADER_OK", "UNPARSED", "MALFORMED", "TRUNCATED",
                                        "NO_YEAR"};
    dst[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (f & (1u << i)) {
            if (dst[0] != '\0') {
                strncat(dst, ",", n - strlen(dst) - 1);
            }
            strncat(dst, names[i], n - strlen(dst) - 1);
        }
    }
    if (dst[0] == '\0') {
        snprintf(dst, n, "none");
    }
}

static void lc_expect(struct lc_state *s, int lineno, char *spec, int gap)
{
    int absent = 0;
    char got_buf[64];
    if (strncmp(spec, "absent ", 7) == 0) {
        absent = 1;
        spec = lc_trim(spec + 7);
    }
    char *name = spec, *want = NULL;
    if (!absent) {
        char *eqs = strstr(spec, " = ");
        size_t sl = strlen(spec);
        if (eqs != NULL) {
            *eqs = '\0';
            want = eqs + 3;
        } else if (sl >= 2 && strcmp(spec + sl - 2, " =") == 0) {
            spec[sl - 2] = '\0'; /* "message =": the empty value */
            want = spec + sl - 1;
            want[0] = '\0';
        } else {
            lc_fail(s, lineno, "cannot read expectation '%s'", spec);
            return;
        }
        name = lc_trim(name);
    }
    struct mm_str got;
    if (strcmp(name, "@ts") == 0) {
        got.p = mm_time_format(s->ev.ts_ns, got_buf, sizeof(got_buf));
        got.n = (uint32_t)strlen(got_buf);
    } else if (strcmp(name, "@parser") == 0) {
        got.p = s->ev.parser;
        got.n = got.p != NULL ? (uint32_t)strlen(got.p) : 0;
    } else if (strcmp(name, "@flags") == 0) {
        lc_flags(s->ev.flags, got_buf, sizeof(got_buf));
        got.p = got_buf;
        got.n = (uint32_t)strlen(got_buf);
    } else {
        got = mm_event_find(&s->ev, name, strlen(name));
    }
    int ok = absent ? got.p == NULL
                    : got.p != NULL && got.n == strlen(want) && memcmp(got.p, want, got.n) == 0;
    s->st.checks++;
    if (gap) {
        if (ok) {
            fprintf(stderr, "%s:%d: known gap now passes: %s\n", s->path, lineno, name);
            s->st.gaps_fixed++;
        } else {
            s->st.gaps++;
        }
        return;
    }
    if (ok) {
        return;
    }
    if (absent) {
        fprintf(stderr, "%s:%d: %s should be absent, is '%.*s'\n", s->path, lineno, name,
                (int)got.n, got.p);
    } else if (got.p == NULL) {
        fprintf(stderr, "%s:%d: %s missing, want '%s'\n", s->path, lineno, name, want);
    } else {
        fprintf(stderr, "%s:%d: %s = '%.*s', want '%s'\n", s->path, lineno, name, (int)got.n, got.p,
                want);
    }
    s->st.failures++;
}

static void lc_set_tz(struct lc_state *s, const char *name)
{
    mm_tz_free(s->tz);
    s->tz = NULL;
    mm_parse_ctx_free(s->ctx);
    s->ctx = NULL;
    snprintf(s->tzname, sizeof(s->tzname), "%s", name);
    s->tz_missing = mm_tz_load(&s->tz, name) != MM_OK;
    if (s->tz_missing) {
        fprintf(stderr, "%s: zone %s not installed: its cases are skipped\n", s->path, name);
    }
}

/* Run every case of path; the stats say how it went (failures == 0 is a pass). */
static struct lc_stats lc_run_file(enum lc_mode mode, const char *path)
{
    static struct lc_state s; /* an event is large: not on the stack */
    memset(&s, 0, sizeof(s));
    s.mode = mode;
    s.path = path;
    s.now_ns = lc_time("2026-06-15T12:00:00Z");
    lc_set_tz(&s, "UTC");
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        s.st.failures = 1;
        return s.st;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        int esc = strncmp(line, "linex ", 6) == 0;
        if (esc || strncmp(line, "line ", 5) == 0) {
            lc_run(&s);
            free(s.raw);
            char *text = line + (esc ? 6 : 5);
            size_t len = esc ? lc_unescape(text) : (size_t)n - 5;
            s.raw = malloc(len > 0 ? len : 1);
            if (s.raw == NULL) {
                s.st.failures++;
                break;
            }
            memcpy(s.raw, text, len);
            s.rawlen = len;
            s.case_line = lineno;
            s.ran = 0;
            if (s.tz_missing) {
                s.st.skipped++;
            } else {
                s.st.cases++;
            }
            continue;
        }
        char *t = lc_trim(line);
        if (*t == '\0' || *t == '#') {
            continue;
        }
        if (strncmp(t, "now ", 4) == 0) {
            lc_run(&s);
            s.now_ns = lc_time(lc_trim(t + 4));
            if (s.now_ns < 0) {
                lc_fail(&s, lineno, "bad time '%s'", t + 4);
            }
        } else if (strncmp(t, "tz ", 3) == 0) {
            lc_run(&s);
            lc_set_tz(&s, lc_trim(t + 3));
        } else if (strncmp(t, "source ", 7) == 0) {
            lc_run(&s);
            char *v = lc_trim(t + 7);
            s.has_source = strcmp(v, "none") != 0;
            snprintf(s.source, sizeof(s.source), "%s", v);
        } else if (strncmp(t, "pin ", 4) == 0) {
            lc_run(&s);
            mm_parse_ctx_free(s.ctx);
            s.ctx = NULL;
            char m[64], p[32];
            if (strcmp(lc_trim(t + 4), "none") == 0) {
                s.npins = 0;
            } else if (s.npins < LC_MAX_PINS && sscanf(t + 4, "%63s %31s", m, p) == 2) {
                memcpy(s.pin_match[s.npins], m, sizeof(m));
                memcpy(s.pin_parser[s.npins], p, sizeof(p));
                s.npins++;
            } else {
                lc_fail(&s, lineno, "bad pin '%s'", t + 4);
            }
        } else if (s.raw == NULL) {
            lc_fail(&s, lineno, "expectation before any 'line'");
        } else if (s.tz_missing) {
            continue;
        } else {
            lc_run(&s);
            if (strncmp(t, "gap ", 4) == 0) {
                lc_expect(&s, lineno, lc_trim(t + 4), 1);
            } else {
                lc_expect(&s, lineno, t, 0);
            }
        }
    }
    lc_run(&s);
    free(s.raw);
    free(line);
    fclose(f);
    mm_parse_ctx_free(s.ctx);
    mm_tz_free(s.tz);
    fprintf(stderr,
            "%s: %d cases, %d checks, %d failures, %d known gaps, %d gaps fixed, %d skipped\n",
            path, s.st.cases, s.st.checks, s.st.failures, s.st.gaps, s.st.gaps_fixed, s.st.skipped);
    return s.st;
}

#endif
