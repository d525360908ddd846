/*
 * kv_int.h - the key=value scanner of kv.c as an inline function (private to
 * src/parse), for the parsers whose lines are mostly pairs: there the call
 * per pair, and the separator test a constant separator removes, cost as
 * much as the scan.  mm_kv_next() is this with the iterator's separator;
 * the syntax is described in kv.c.
 */
#ifndef MM_PARSE_KV_INT_H
#define MM_PARSE_KV_INT_H

#include <string.h>

#include "mimamori/parse.h"

/*
 * Byte classes.  KV_KEY: a key byte, [A-Za-z0-9_.:-].  KV_PLAIN: a key byte
 * vu_plausible_key accepts (all but ':'); KV_START: one that may start such
 * a key ([A-Za-z_]).  KV_BLANK: ' ' and '\t'.
 */
enum { KV_KEY = 1, KV_PLAIN = 2, KV_START = 4, KV_BLANK = 8 };

/* The class of a byte, from a table: it is read for every byte of every line. */
static inline unsigned kv_class(char ch)
{
#define D(c) [c] = KV_KEY | KV_PLAIN
#define L(c) [c] = KV_KEY | KV_PLAIN | KV_START
    /* clang-format off */
    static const unsigned char cls[256] = {
        L('_'), D('.'), D('-'), [':'] = KV_KEY,
        D('0'), D('1'), D('2'), D('3'), D('4'), D('5'), D('6'), D('7'), D('8'), D('9'),
        L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'),
        L('k'), L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'),
        L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
        L('A'), L('B'), L('C'), L('D'), L('E'), L('F'), L('G'), L('H'), L('I'), L('J'),
        L('K'), L('L'), L('M'), L('N'), L('O'), L('P'), L('Q'), L('R'), L('S'), L('T'),
        L('U'), L('V'), L('W'), L('X'), L('Y'), L('Z'),
        [' '] = KV_BLANK, ['\t'] = KV_BLANK,
    };
    /* clang-format on */
#undef D
#undef L
    return cls[(unsigned char)ch];
}

/*
 * A token ends at a blank or at the separator.  No separator ('\0') is
 * passed as ' ', a blank anyway, so that the test needs no extra branch.
 */
static inline int kv_ends_token(char ch, char stop)
{
    return (kv_class(ch) & KV_BLANK) || (stop != ' ' && ch == stop);
}

/* Move past the rest of a token: to the next blank or separator. */
static inline const char *kv_skip_token(const char *p, const char *end, char stop)
{
    while (p < end && !kv_ends_token(*p, stop)) {
        p++;
    }
    return p;
}

/* A quoted value from just after the opening quote q: its end (the closing quote or end). */
static inline const char *kv_quoted_end(const char *p, const char *end, char q, int *escaped)
{
    /* the common case: no backslash before the closing quote */
    const char *cq = memchr(p, q, (size_t)(end - p));
    if (cq != NULL && memchr(p, '\\', (size_t)(cq - p)) == NULL) {
        return cq;
    }
    while (p < end && *p != q) {
        if (*p == '\\') {
            *escaped = 1;
            p += end - p >= 2 ? 2 : 1;
            continue;
        }
        p++;
    }
    return p;
}

/*
 * mm_kv_next over *pp..end with the separator stop (' ' for blanks only);
 * advances *pp.  *keycls gets the classes all bytes of the key share (for
 * kv_plausible).
 */
static inline int kv_next(const char **pp, const char *end, char stop, struct mm_str *key,
                          struct mm_str *val, int *escaped, unsigned *keycls)
{
    const char *p = *pp;
    *escaped = 0;
    for (;;) {
        while (p < end && kv_ends_token(*p, stop)) {
            p++;
        }
        if (p >= end) {
            *pp = end;
            return 0;
        }
        const char *k = p;
        unsigned all = KV_KEY | KV_PLAIN | KV_START, c;
        while (p < end && ((c = kv_class(*p)) & KV_KEY)) {
            all &= c;
            p++;
        }
        if (p == k || (p < end && *p != '=' && !kv_ends_token(*p, stop))) {
            p = kv_skip_token(p == k ? p + 1 : p, end, stop); /* garbage: not a key */
            continue;
        }
        key->p = k;
        key->n = (uint32_t)(p - k);
        *keycls = all;
        if (p >= end || *p != '=') {
            /* a bare key */
            val->p = p;
            val->n = 0;
            *pp = p;
            return 1;
        }
        p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            const char *v = p;
            p = kv_quoted_end(p, end, q, escaped);
            val->p = v;
            val->n = (uint32_t)(p - v);
            if (p < end) {
                p++; /* the closing quote */
            }
            *pp = kv_skip_token(p, end, stop); /* junk glued to the quote is dropped */
            return 1;
        }
        const char *v = p;
        p = kv_skip_token(p, end, stop);
        val->p = v;
        val->n = (uint32_t)(p - v);
        *pp = p;
        return 1;
    }
}

/* vu_plausible_key(key) for a key of kv_next, from its classes: O(1). */
static inline int kv_plausible(struct mm_str key, unsigned keycls)
{
    return key.n <= 64 && (keycls & KV_PLAIN) && (kv_class(key.p[0]) & KV_START);
}

#endif
