/*
 * kv.c - key=value bodies, shared by the vendor parsers:
 *
 *   k=v k2="quoted \"v\" with spaces" k3='single' flag k4=
 *
 * Keys are [A-Za-z0-9_.:-]+.  An unquoted value runs to the next blank or
 * separator; a quoted one to its closing quote, a backslash escaping the next
 * byte (an unterminated quote runs to the end).  A bare key ("flag") yields an
 * empty value; any other token without '=' ("%$#", "\"x\"") is skipped, so
 * garbage between pairs costs nothing but time.  Nothing is allocated: keys
 * and values are slices of the body; mm_kv_unescape() writes to the event's
 * scratch area.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "parse/kv_int.h"

void mm_kv_init(struct mm_kv_iter *it, const char *p, size_t len, char sep)
{
    it->p = p;
    it->end = p + len;
    it->sep = sep;
}

int mm_kv_next(struct mm_kv_iter *it, struct mm_str *key, struct mm_str *val, int *escaped)
{
    unsigned keycls;
    return kv_next(&it->p, it->end, it->sep != '\0' ? it->sep : ' ', key, val, escaped, &keycls);
}

/*
 * Only \" \' and \\ are unescaped: other backslashes are kept as they are, so
 * an unescaped Windows path ("C:\Users\x") survives.
 */
struct mm_str mm_kv_unescape(struct mm_event *ev, struct mm_str v)
{
    if (v.p == NULL || memchr(v.p, '\\', v.n) == NULL) {
        return v;
    }
    char *d = mm_event_alloc(ev, v.n);
    if (d == NULL) {
        return v; /* scratch is full: the raw text is better than nothing */
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < v.n; i++) {
        char ch = v.p[i];
        if (ch == '\\' && i + 1 < v.n &&
            (v.p[i + 1] == '"' || v.p[i + 1] == '\'' || v.p[i + 1] == '\\')) {
            ch = v.p[++i];
        }
        d[n++] = ch;
    }
    /* give back what the escapes saved (d is the last allocation) */
    ev->scratch_used -= v.n - n;
    struct mm_str r = {d, n};
    return r;
}

size_t mm_kv_parse(struct mm_event *ev, const char *ns, const char *body, size_t len, char sep)
{
    struct mm_kv_iter it;
    struct mm_str k, v;
    int esc;
    size_t count = 0;
    mm_kv_init(&it, body, len, sep);
    while (mm_kv_next(&it, &k, &v, &esc)) {
        if (esc) {
            v = mm_kv_unescape(ev, v);
        }
        (void)mm_event_add(ev, ns, k.p, k.n, v.p, v.n);
        count++;
    }
    return count;
}
