/*
 * vendor_util.h - the value helpers every vendor parser needs (private to
 * src/parse): compare a slice with a literal, test a value's shape (digits,
 * IP address, key name), set a well-known field when the value has that
 * shape, name an IP protocol.  One implementation of each, so that the
 * parsers agree on what "a number" or "an address" is.
 *
 * All take slices (struct mm_str, p == NULL = absent) and never read outside
 * p[0..n).  Literals are NUL-terminated static strings.  Field values set
 * here are the slice itself or, for composed values (sums, lower-case
 * copies), the event's scratch area; nothing is allocated.  All are static
 * inline: a file that does not use one pays nothing.
 */
#ifndef MM_PARSE_VENDOR_UTIL_H
#define MM_PARSE_VENDOR_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mimamori/event.h"
#include "mimamori/net.h"

/* The longest all-digit value read as a number: 19 digits fit a uint64_t. */
#define VU_NUM_MAX 19

/* --- characters --- */

static inline char vu_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline int vu_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline struct mm_str vu_slice(const char *p, size_t n)
{
    struct mm_str s = {p, (uint32_t)n};
    return s;
}

/* --- compares --- */

/* s is exactly lit. */
static inline int vu_eq(struct mm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p != NULL && s.n == n && memcmp(s.p, lit, n) == 0;
}

/* s[0..n) equals lit[0..n), ASCII case-insensitive (both sides folded). */
static inline int vu_ieq_n(const char *s, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (vu_lower(s[i]) != vu_lower(lit[i])) {
            return 0;
        }
    }
    return 1;
}

/* s is lit, ASCII case-insensitive. */
static inline int vu_ieq(struct mm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p != NULL && s.n == n && vu_ieq_n(s.p, lit, n);
}

/* The offset of lit in s, ASCII case-insensitive; -1 when absent. */
static inline long vu_ifind(struct mm_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.p == NULL || s.n < n) {
        return -1;
    }
    for (size_t i = 0; i + n <= s.n; i++) {
        if (vu_ieq_n(s.p + i, lit, n)) {
            return (long)i;
        }
    }
    return -1;
}

/* s contains lit, ASCII case-insensitive. */
static inline int vu_icontains(struct mm_str s, const char *lit)
{
    return vu_ifind(s, lit) >= 0;
}

/* p[0..end) starts with lit. */
static inline int vu_starts(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return p != NULL && end - p >= (ptrdiff_t)n && memcmp(p, lit, n) == 0;
}

/* The first lit in p[0..end), or NULL. */
static inline const char *vu_find(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if (p == NULL || end - p < (ptrdiff_t)n) {
        return NULL;
    }
    return memmem(p, (size_t)(end - p), lit, n);
}

/* --- shapes --- */

/* p[0..n) is one or more decimal digits (any count). */
static inline int vu_all_digits(const char *p, size_t n)
{
    if (n == 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!vu_is_digit(p[i])) {
            return 0;
        }
    }
    return 1;
}

/* s is a number: 1..VU_NUM_MAX decimal digits. */
static inline int vu_digits(struct mm_str s)
{
    return s.p != NULL && s.n <= VU_NUM_MAX && vu_all_digits(s.p, s.n);
}

/* p[0..n) is an IPv4 or IPv6 address (mm_addr_parse, whose dotted-quad path is cheap). */
static inline int vu_ip_n(const char *p, size_t n)
{
    struct mm_addr a;
    return p != NULL && n > 0 && mm_addr_parse(&a, p, n) == MM_OK;
}

static inline int vu_ip(struct mm_str s)
{
    return vu_ip_n(s.p, s.n);
}

/* Key shape: letters, digits, '_', '-', '.'; starting with a letter or '_'; 1..64. */
static inline int vu_plausible_key(struct mm_str k)
{
    /* a table, as this runs for every byte of every key: 3 may start a key, 2 may follow */
#define VU_K(c, v) [c] = v
    /* clang-format off */
    static const unsigned char cls[256] = {
        VU_K('_', 3), VU_K('-', 2), VU_K('.', 2),
        VU_K('0', 2), VU_K('1', 2), VU_K('2', 2), VU_K('3', 2), VU_K('4', 2),
        VU_K('5', 2), VU_K('6', 2), VU_K('7', 2), VU_K('8', 2), VU_K('9', 2),
        VU_K('a', 3), VU_K('b', 3), VU_K('c', 3), VU_K('d', 3), VU_K('e', 3), VU_K('f', 3),
        VU_K('g', 3), VU_K('h', 3), VU_K('i', 3), VU_K('j', 3), VU_K('k', 3), VU_K('l', 3),
        VU_K('m', 3), VU_K('n', 3), VU_K('o', 3), VU_K('p', 3), VU_K('q', 3), VU_K('r', 3),
        VU_K('s', 3), VU_K('t', 3), VU_K('u', 3), VU_K('v', 3), VU_K('w', 3), VU_K('x', 3),
        VU_K('y', 3), VU_K('z', 3),
        VU_K('A', 3), VU_K('B', 3), VU_K('C', 3), VU_K('D', 3), VU_K('E', 3), VU_K('F', 3),
        VU_K('G', 3), VU_K('H', 3), VU_K('I', 3), VU_K('J', 3), VU_K('K', 3), VU_K('L', 3),
        VU_K('M', 3), VU_K('N', 3), VU_K('O', 3), VU_K('P', 3), VU_K('Q', 3), VU_K('R', 3),
        VU_K('S', 3), VU_K('T', 3), VU_K('U', 3), VU_K('V', 3), VU_K('W', 3), VU_K('X', 3),
        VU_K('Y', 3), VU_K('Z', 3),
    };
    /* clang-format on */
#undef VU_K
    if (k.p == NULL || k.n == 0 || k.n > 64 || cls[(unsigned char)k.p[0]] != 3) {
        return 0;
    }
    for (uint32_t i = 1; i < k.n; i++) {
        if (cls[(unsigned char)k.p[i]] == 0) {
            return 0;
        }
    }
    return 1;
}

/* Decimal value of an all-digit slice (callers check vu_digits first). */
static inline uint64_t vu_to_u64(struct mm_str s)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    return v;
}

/* --- setting fields --- */

/* f = s when s is present and not empty. */
static inline void vu_set(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (s.p != NULL && s.n > 0) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

/* f = s when s is an IP address. */
static inline void vu_set_ip(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (vu_ip(s)) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

/* f = s when s is a number (vu_digits). */
static inline void vu_set_num(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (vu_digits(s)) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

/* *v = the value of s when s is 1..max decimal digits (max <= 19); else 0 is returned. */
static inline int vu_u64_max(struct mm_str s, size_t max, uint64_t *v)
{
    if (s.p == NULL || s.n == 0 || s.n > max) {
        return 0;
    }
    uint64_t r = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
        if (d > 9) {
            return 0;
        }
        r = r * 10 + d;
    }
    *v = r;
    return 1;
}

/*
 * f = the decimal sum a + b, in scratch; only when both are numbers of at most 18 digits.
 * One pass over each number and the digits written in place two at a time:
 * this runs twice for every FortiGate traffic line.
 */
static inline void vu_set_sum(struct mm_event *ev, enum mm_field f, struct mm_str a,
                              struct mm_str b)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    uint64_t x, y;
    if (!vu_u64_max(a, 18, &x) || !vu_u64_max(b, 18, &y)) {
        return;
    }
    uint64_t v = x + y;
    size_t n = 1;
    for (uint64_t t = v; t >= 10; t /= 10) {
        n++;
    }
    char *d = mm_event_alloc(ev, n);
    if (d == NULL) {
        return;
    }
    char *w = d + n;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        w -= 2;
        memcpy(w, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        w -= 2;
        memcpy(w, pairs + 2 * v, 2);
    } else {
        *--w = (char)('0' + v);
    }
    mm_event_set(ev, f, d, n);
}

/* f = a lower-case copy of s in scratch, when s is 1..max bytes. */
static inline void vu_set_lower(struct mm_event *ev, enum mm_field f, struct mm_str s, size_t max)
{
    if (s.p == NULL || s.n == 0 || s.n > max) {
        return;
    }
    char *d = mm_event_alloc(ev, s.n);
    if (d == NULL) {
        return;
    }
    for (uint32_t i = 0; i < s.n; i++) {
        d[i] = vu_lower(s.p[i]);
    }
    mm_event_set(ev, f, d, s.n);
}

/* --- IP protocols --- */

/*
 * IANA protocol numbers and the words vendors write for them, with the ECS
 * network.transport name.  Words are matched ignoring case.
 */
struct vu_proto {
    const char *num, *word, *name;
};

/* The entry whose number (by_word 0) or word (by_word 1) is s, or NULL. */
static inline const struct vu_proto *vu_proto_find(struct mm_str s, int by_word)
{
    static const struct vu_proto t[] = {
        {"6", "tcp", "tcp"},   {"17", "udp", "udp"},    {"1", "icmp", "icmp"},
        {"58", "icmpv6", "ipv6-icmp"}, {"47", "gre", "gre"}, {"50", "esp", "esp"},
        {"51", "ah", "ah"},    {"132", "sctp", "sctp"}, {"2", "igmp", "igmp"},
        {"89", "ospf", "ospf"},  {"136", "udplite", "udplite"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (by_word ? vu_ieq(s, t[i].word) : vu_eq(s, t[i].num)) {
            return &t[i];
        }
    }
    return NULL;
}

/* The transport name of an IANA protocol number ("6" -> "tcp"), or NULL. */
static inline const char *vu_proto_name(struct mm_str s)
{
    const struct vu_proto *e = vu_proto_find(s, 0);
    return e != NULL ? e->name : NULL;
}

/* The transport name of a protocol word ("TCP", "icmp6", "ICMPv6", "ipv6-icmp"), or NULL. */
static inline const char *vu_proto_word(struct mm_str s)
{
    if (vu_ieq(s, "icmp6") || vu_ieq(s, "ipv6-icmp")) {
        return "ipv6-icmp";
    }
    const struct vu_proto *e = vu_proto_find(s, 1);
    return e != NULL ? e->name : NULL;
}

/* A number or a word. */
static inline const char *vu_transport(struct mm_str s)
{
    const char *t = vu_proto_name(s);
    return t != NULL ? t : vu_proto_word(s);
}

/* --- key=value signatures --- */

/*
 * The offset of key (e.g. "sn=") at the start of body or right after a blank
 * or tab; len when absent.  The detect() test "does this key stand at a
 * token start".  memmem skips ahead by the key's length on a miss, which
 * measured cheaper than one hand-written pass testing several keys per token
 * (callgrind, docs/performance.md), so detects call this per key and test
 * the rarest key first.
 */
static inline size_t vu_find_key(const char *body, size_t len, const char *key)
{
    size_t kn = strlen(key);
    const char *p = body;
    const char *end = body + len;
    while ((size_t)(end - p) >= kn) {
        const char *hit = memmem(p, (size_t)(end - p), key, kn);
        if (hit == NULL) {
            break;
        }
        if (hit == body || hit[-1] == ' ' || hit[-1] == '\t') {
            return (size_t)(hit - body);
        }
        p = hit + 1;
    }
    return len;
}

static inline int vu_has_key(const char *body, size_t len, const char *key)
{
    return vu_find_key(body, len, key) < len;
}

#endif
