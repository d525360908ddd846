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

/* [A-Za-z0-9_.:-] as a table: this loop runs for every byte of every key */
#define K1(c) [c] = 1
static const unsigned char key_chars[256] = {
    K1('_'), K1('.'), K1(':'), K1('-'),
    K1('0'), K1('1'), K1('2'), K1('3'), K1('4'), K1('5'), K1('6'), K1('7'), K1('8'), K1('9'),
    K1('a'), K1('b'), K1('c'), K1('d'), K1('e'), K1('f'), K1('g'), K1('h'), K1('i'), K1('j'),
    K1('k'), K1('l'), K1('m'), K1('n'), K1('o'), K1('p'), K1('q'), K1('r'), K1('s'), K1('t'),
    K1('u'), K1('v'), K1('w'), K1('x'), K1('y'), K1('z'),
    K1('A'), K1('B'), K1('C'), K1('D'), K1('E'), K1('F'), K1('G'), K1('H'), K1('I'), K1('J'),
    K1('K'), K1('L'), K1('M'), K1('N'), K1('O'), K1('P'), K1('Q'), K1('R'), K1('S'), K1('T'),
    K1('U'), K1('V'), K1('W'), K1('X'), K1('Y'), K1('Z'),
};
#undef K1

static int key_char(unsigned char ch)
{
    return key_chars[ch];
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

void mm_kv_init(struct mm_kv_iter *it, const char *p, size_t len, char sep)
{
    it->p = p;
    it->end = p + len;
    it->sep = sep;
}

/* Move past the rest of a token: to the next blank or separator. */
static const char *skip_token(const char *p, const char *end, char sep)
{
    while (p < end && !is_blank(*p) && (sep == '\0' || *p != sep)) {
        p++;
    }
    return p;
}

int mm_kv_next(struct mm_kv_iter *it, struct mm_str *key, struct mm_str *val, int *escaped)
{
    const char *p = it->p, *end = it->end;
    char sep = it->sep;
    *escaped = 0;
    for (;;) {
        while (p < end && (is_blank(*p) || (sep != '\0' && *p == sep))) {
            p++;
        }
        if (p >= end) {
            it->p = end;
            return 0;
        }
        const char *k = p;
        while (p < end && key_char((unsigned char)*p)) {
            p++;
        }
        if (p == k || (p < end && *p != '=' && !is_blank(*p) && (sep == '\0' || *p != sep))) {
            p = skip_token(p == k ? p + 1 : p, end, sep); /* garbage: not a key */
            continue;
        }
        key->p = k;
        key->n = (uint32_t)(p - k);
        if (p >= end || *p != '=') {
            /* a bare key */
            val->p = p;
            val->n = 0;
            it->p = p;
            return 1;
        }
        p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            const char *v = p;
            /* the common case: no backslash before the closing quote */
            const char *cq = memchr(p, q, (size_t)(end - p));
            if (cq != NULL && memchr(p, '\\', (size_t)(cq - p)) == NULL) {
                p = cq;
            }
            while (p < end && *p != q) {
                if (*p == '\\') {
                    *escaped = 1;
                    p += end - p >= 2 ? 2 : 1;
                    continue;
                }
                p++;
            }
            if (p > end) {
                p = end;
            }
            val->p = v;
            val->n = (uint32_t)(p - v);
            if (p < end) {
                p++; /* the closing quote */
            }
            it->p = skip_token(p, end, sep); /* junk glued to the quote is dropped */
            return 1;
        }
        const char *v = p;
        p = skip_token(p, end, sep);
        val->p = v;
        val->n = (uint32_t)(p - v);
        it->p = p;
        return 1;
    }
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
