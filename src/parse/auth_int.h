/*
 * auth_int.h - small matching helpers shared by the Unix authentication
 * parsers (sshd.c, pam.c, sudo.c).  A cursor walks a body with explicit
 * bounds; every helper either matches and advances, or leaves the cursor
 * where it was and returns 0.  All are static inline: nothing here is
 * exported, and a file that does not use one pays nothing.
 */
#ifndef MM_PARSE_AUTH_INT_H
#define MM_PARSE_AUTH_INT_H

#include <string.h>

#include "mimamori/parse.h"

struct cur {
    const char *p, *end;
};

/* A static string literal as (pointer, length). */
#define AUTH_LIT(s) (s), (sizeof(s) - 1)
/* Set a well-known field to a static string literal. */
#define AUTH_SET(ev, id, s) mm_event_set((ev), (id), (s), sizeof(s) - 1)

static inline size_t cur_left(const struct cur *c)
{
    return (size_t)(c->end - c->p);
}

/* The literal s[0..n) at the cursor: advance past it. */
static inline int cur_lit(struct cur *c, const char *s, size_t n)
{
    if (cur_left(c) < n || memcmp(c->p, s, n) != 0) {
        return 0;
    }
    c->p += n;
    return 1;
}

/* The literal at the cursor, ASCII case-insensitive. */
static inline int cur_ilit(struct cur *c, const char *s, size_t n)
{
    if (cur_left(c) < n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char a = c->p[i], b = s[i];
        if (a >= 'A' && a <= 'Z') {
            a = (char)(a + 32);
        }
        if (b >= 'A' && b <= 'Z') {
            b = (char)(b + 32);
        }
        if (a != b) {
            return 0;
        }
    }
    c->p += n;
    return 1;
}

/* The first occurrence of s[0..n) at or after the cursor, or NULL. */
static inline const char *cur_find(const struct cur *c, const char *s, size_t n)
{
    return memmem(c->p, cur_left(c), s, n);
}

/* Capture up to the first s[0..n) (not empty), advance past it. */
static inline int cur_until(struct cur *c, const char *s, size_t n, struct mm_str *out)
{
    const char *f = cur_find(c, s, n);
    if (f == NULL || f == c->p) {
        return 0;
    }
    out->p = c->p;
    out->n = (uint32_t)(f - c->p);
    c->p = f + n;
    return 1;
}

/* Capture up to the last s[0..n) in the rest (not empty), advance past it. */
static inline int cur_until_last(struct cur *c, const char *s, size_t n, struct mm_str *out)
{
    const char *last = NULL;
    struct cur t = *c;
    const char *f;
    while ((f = cur_find(&t, s, n)) != NULL) {
        last = f;
        t.p = f + 1;
    }
    if (last == NULL || last == c->p) {
        return 0;
    }
    out->p = c->p;
    out->n = (uint32_t)(last - c->p);
    c->p = last + n;
    return 1;
}

/* A token up to the next space (or the end); not empty. */
static inline int cur_word(struct cur *c, struct mm_str *out)
{
    const char *sp = memchr(c->p, ' ', cur_left(c));
    const char *e = sp != NULL ? sp : c->end;
    if (e == c->p) {
        return 0;
    }
    out->p = c->p;
    out->n = (uint32_t)(e - c->p);
    c->p = e;
    return 1;
}

/* Decimal digits (1..10); the slice. */
static inline int cur_num(struct cur *c, struct mm_str *out)
{
    const char *q = c->p;
    while (q < c->end && q - c->p < 10 && *q >= '0' && *q <= '9') {
        q++;
    }
    if (q == c->p) {
        return 0;
    }
    out->p = c->p;
    out->n = (uint32_t)(q - c->p);
    c->p = q;
    return 1;
}

/* The rest, without trailing blanks. */
static inline struct mm_str cur_rest(const struct cur *c)
{
    const char *e = c->end;
    while (e > c->p && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    struct mm_str s = {c->p, (uint32_t)(e - c->p)};
    return s;
}

/* Does the rest end with s[0..n)?  If so, cut it off. */
static inline int cur_chop(struct cur *c, const char *s, size_t n)
{
    if (cur_left(c) < n || memcmp(c->end - n, s, n) != 0) {
        return 0;
    }
    c->end -= n;
    return 1;
}

/* Only the characters of an IP address (IPv4, IPv6, v4-mapped), at least one '.' or ':'. */
static inline int auth_ipish(const char *p, size_t n)
{
    int sep = 0, hexletter = 0;
    if (n == 0 || n > 45) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == '.' || ch == ':') {
            sep = 1;
        } else if ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')) {
            hexletter = 1;
        } else if (ch < '0' || ch > '9') {
            return 0;
        }
    }
    /* "be.ef" is a name; letters need IPv6 colons */
    return sep && (!hexletter || memchr(p, ':', n) != NULL);
}

/*
 * Set source.ip from an address token: a "%zone" and a "::ffff:" prefix on an
 * IPv4 address are dropped, brackets too.  A token that is not an address is
 * kept as the extra "source.domain".  Returns 1 when source.ip was set.
 */
static inline int auth_set_ip(struct mm_event *ev, const char *p, size_t n)
{
    if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
        p++;
        n -= 2;
    }
    const char *pct = memchr(p, '%', n);
    if (pct != NULL) {
        n = (size_t)(pct - p);
    }
    if (n > 7 && (memcmp(p, "::ffff:", 7) == 0 || memcmp(p, "::FFFF:", 7) == 0) &&
        memchr(p + 7, '.', n - 7) != NULL) {
        p += 7;
        n -= 7;
    }
    if (auth_ipish(p, n)) {
        mm_event_set(ev, MM_F_SOURCE_IP, p, n);
        return 1;
    }
    if (n > 0) {
        (void)mm_event_add(ev, NULL, AUTH_LIT("source.domain"), p, n);
    }
    return 0;
}

/* "addr:port" (dropbear): the port is after the last ':' when the rest is an address. */
static inline void auth_set_ip_colon_port(struct mm_event *ev, const char *p, size_t n)
{
    const char *colon = n > 0 ? memrchr(p, ':', n) : NULL;
    if (colon != NULL && colon + 1 < p + n) {
        const char *q = colon + 1;
        int digits = 1;
        for (; q < p + n; q++) {
            if (*q < '0' || *q > '9') {
                digits = 0;
                break;
            }
        }
        size_t an = (size_t)(colon - p);
        /* "1.2.3.4:22", "::ffff:1.2.3.4:22", "[::1]:22"; a bare IPv6 address has no port */
        int bracketed = an >= 2 && p[0] == '[' && p[an - 1] == ']';
        if (digits && p + n - colon - 1 <= 5 &&
            (bracketed || memchr(p, ':', an) == NULL || memchr(p, '.', an) != NULL)) {
            mm_event_set(ev, MM_F_SOURCE_PORT, colon + 1, (size_t)(p + n - colon - 1));
            n = an;
        }
    }
    auth_set_ip(ev, p, n);
}

/* event.kind, action, category, type, outcome of a recognised message (static; NULL = unset). */
static inline void auth_set_ecs(struct mm_event *ev, const char *action, const char *category,
                                const char *type, const char *outcome)
{
    AUTH_SET(ev, MM_F_EVENT_KIND, "event");
    if (action != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, action);
    }
    if (category != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, category);
    }
    if (type != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    }
    if (outcome != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, outcome);
    }
}

/* Is the appname one of the names in list (NULL-terminated)? */
static inline int auth_app_is(const struct mm_event *ev, const char *const *list)
{
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    if (app.p == NULL) {
        return 0;
    }
    for (; *list != NULL; list++) {
        size_t n = strlen(*list);
        if (n == app.n && memcmp(app.p, *list, n) == 0) {
            return 1;
        }
    }
    return 0;
}

#endif
