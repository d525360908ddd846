/*
 * kv_int.h - the key=value scanner of kv.c as an inline function (private to
 * src/parse), for the parsers whose lines are mostly pairs: there the call
 * per pair, and the separator test a constant separator removes, cost as
 * much as the scan.  mm_kv_next() is this with the iterator's separator;
 * the syntax is described in kv.c.
 */
#ifndef MM_PARSE_KV_INT_H
#define MM_PARSE_KV_INT_H

#include <stdint.h>
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

/*
 * Word-at-a-time scans (SWAR): 8 bytes per step instead of one, for the key,
 * value and quoted-value ends, which are most of a line's bytes.  Only where
 * a word's first byte is the first byte in memory (little-endian), and only
 * while 8 bytes remain before end, so that nothing past end is read.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KV_SWAR 1
#else
#define KV_SWAR 0
#endif

#define KV_ONES 0x0101010101010101ULL
#define KV_HIGH 0x8080808080808080ULL

static inline uint64_t kv_load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/*
 * The high bit of each byte of w equal to c.  Bytes above the first match
 * may be marked wrongly (a borrow runs upwards), so only the lowest mark is
 * exact, which is all the scans use.
 */
static inline uint64_t kv_bytes_eq(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (KV_ONES * c);
    return (x - KV_ONES) & ~x & KV_HIGH;
}

/*
 * The high bit of each byte of w that is not an ASCII letter; exact in every
 * byte (no carry crosses a byte).  OR 0x20 folds 'A'..'Z' onto 'a'..'z' and
 * moves no other byte into that range.
 */
static inline uint64_t kv_bytes_not_letter(uint64_t w)
{
    uint64_t x = (w | (KV_ONES * 0x20)) & ~KV_HIGH;
    uint64_t in = (KV_ONES * (127 + 'z' + 1) - x) & ~w & (x + KV_ONES * (127 - ('a' - 1)));
    return ~in & KV_HIGH;
}

/* The high bit of each byte of w below 0x21 (blanks, controls); only the lowest is exact. */
static inline uint64_t kv_bytes_low(uint64_t w)
{
    return (w - KV_ONES * 0x21) & ~w & KV_HIGH;
}

/* The index of the lowest marked byte of a non-zero mark word. */
static inline unsigned kv_first(uint64_t marks)
{
    return (unsigned)__builtin_ctzll(marks) >> 3;
}

/* Move past the rest of a token: to the next blank or separator. */
static inline const char *kv_skip_token(const char *p, const char *end, char stop)
{
#if KV_SWAR
    /* to the first byte below 0x21 (or the separator); a control byte there is stepped over */
    while (end - p >= 8) {
        uint64_t w = kv_load8(p);
        uint64_t m = kv_bytes_low(w);
        if (stop != ' ') {
            m |= kv_bytes_eq(w, (unsigned char)stop);
        }
        if (m == 0) {
            p += 8;
            continue;
        }
        p += kv_first(m);
        if (kv_ends_token(*p, stop)) {
            return p;
        }
        p++;
    }
#endif
    while (p < end && !kv_ends_token(*p, stop)) {
        p++;
    }
    return p;
}

/*
 * The end of a run of key bytes from p; *all gets the classes they share.
 * Letters (which have every class) are skipped 8 at a time.
 */
static inline const char *kv_key_end(const char *p, const char *end, unsigned *all)
{
    unsigned c;
    for (;;) {
#if KV_SWAR
        if (end - p >= 8) {
            uint64_t m = kv_bytes_not_letter(kv_load8(p));
            if (m == 0) {
                p += 8;
                continue;
            }
            p += kv_first(m);
        }
#endif
        if (p >= end || !((c = kv_class(*p)) & KV_KEY)) {
            return p;
        }
        *all &= c;
        p++;
    }
}

/* A quoted value from just after the opening quote q: its end (the closing quote or end). */
static inline const char *kv_quoted_end(const char *p, const char *end, char q, int *escaped)
{
    /* the common case: no backslash before the closing quote */
#if KV_SWAR
    while (end - p >= 8) {
        uint64_t w = kv_load8(p);
        uint64_t m = kv_bytes_eq(w, (unsigned char)q) | kv_bytes_eq(w, '\\');
        if (m != 0) {
            p += kv_first(m);
            break;
        }
        p += 8;
    }
#endif
    while (p < end && *p != q && *p != '\\') {
        p++;
    }
    /* from the first backslash on (nothing before it is a quote or a backslash) */
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
        unsigned all = KV_KEY | KV_PLAIN | KV_START;
        p = kv_key_end(p, end, &all);
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
            /* junk glued to the quote is dropped; mostly a blank follows at once */
            *pp = p >= end || kv_ends_token(*p, stop) ? p : kv_skip_token(p, end, stop);
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
