#include "mimamori/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* c is a decimal digit; its value in *d. */
static inline int digit(char c, unsigned *d)
{
    *d = (unsigned)(unsigned char)c - '0';
    return *d <= 9;
}

/*
 * Whether s[0..n) starts with a dotted quad that the general path below
 * would read as such, with its octets in q: four decimal octets 0..255
 * without leading zeros (inet_pton(AF_INET)), then the end of the text or
 * what the general path ends the text at, a '%' or a NUL (strchr, then
 * inet_pton of a C string).  Anything else is left to the general path.
 */
static int quad(const char *s, size_t n, uint8_t q[4])
{
    const char *p = s, *end = s + n;
    unsigned v, d;
    for (int k = 0; k < 4; k++) {
        if (k > 0 && (p >= end || *p++ != '.')) {
            return 0;
        }
        if (p >= end || !digit(*p++, &v)) {
            return 0;
        }
        /* a second and a third digit; none after a 0 (a leading zero) */
        if (v != 0 && p < end && digit(*p, &d)) {
            v = v * 10 + d;
            if (++p < end && digit(*p, &d)) {
                v = v * 10 + d;
                p++;
            }
        }
        if (v > 255 || (p < end && digit(*p, &d))) {
            return 0;
        }
        q[k] = (uint8_t)v;
    }
    return p == end || *p == '%' || *p == '\0';
}

enum mm_err mm_addr_parse(struct mm_addr *out, const char *s, size_t n)
{
    char tmp[64];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof(tmp)) {
        return MM_EINVAL;
    }
    /*
     * The common case, a dotted quad (firewall fields, list lookups), costs
     * a fraction of the copy and the two inet_pton calls; so does text with
     * no ':', which is no IPv6 address, nor IPv4 unless a dotted quad.
     */
    uint8_t q[4];
    if (quad(s, n, q)) {
        memcpy(out->a, v4mapped, 12);
        memcpy(out->a + 12, q, 4);
        return MM_OK;
    }
    if (memchr(s, ':', n) == NULL) {
        return MM_EINVAL;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    /* drop an IPv6 zone id ("fe80::1%eth0") */
    char *pct = strchr(tmp, '%');
    if (pct != NULL) {
        *pct = '\0';
    }
    struct in_addr v4;
    if (inet_pton(AF_INET, tmp, &v4) == 1) {
        memcpy(out->a, v4mapped, 12);
        memcpy(out->a + 12, &v4, 4);
        return MM_OK;
    }
    if (inet_pton(AF_INET6, tmp, out->a) == 1) {
        return MM_OK;
    }
    return MM_EINVAL;
}

void mm_addr_from_sockaddr(struct mm_addr *out, const struct sockaddr *sa)
{
    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        memcpy(out->a, v4mapped, 12);
        memcpy(out->a + 12, &in->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        memcpy(out->a, &in6->sin6_addr, 16);
    }
}

const char *mm_addr_format(const struct mm_addr *a, char *dst, size_t dstlen)
{
    if (memcmp(a->a, v4mapped, 12) == 0) {
        if (inet_ntop(AF_INET, a->a + 12, dst, (socklen_t)dstlen) == NULL) {
            snprintf(dst, dstlen, "?");
        }
    } else if (inet_ntop(AF_INET6, a->a, dst, (socklen_t)dstlen) == NULL) {
        snprintf(dst, dstlen, "?");
    }
    return dst;
}

enum mm_err mm_cidr_parse(struct mm_cidr *out, const char *s, size_t n)
{
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    enum mm_err rc = mm_addr_parse(&out->addr, s, alen);
    if (rc != MM_OK) {
        return rc;
    }
    int is4 = memcmp(out->addr.a, v4mapped, 12) == 0;
    unsigned bits = is4 ? 32 : 128;
    if (slash != NULL) {
        const char *p = slash + 1;
        const char *end = s + n;
        if (p == end || end - p > 3) {
            return MM_EINVAL;
        }
        unsigned v = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9') {
                return MM_EINVAL;
            }
            v = v * 10 + (unsigned)(*p - '0');
        }
        if (v > bits) {
            return MM_EINVAL;
        }
        bits = v;
    }
    out->bits = (uint8_t)(is4 ? bits + 96 : bits);
    /* mask the host part so that equal networks compare equal */
    for (unsigned i = 0; i < 16; i++) {
        unsigned lo = i * 8;
        if (lo >= out->bits) {
            out->addr.a[i] = 0;
        } else if (lo + 8 > out->bits) {
            out->addr.a[i] &= (uint8_t)(0xff << (8 - (out->bits - lo)));
        }
    }
    return MM_OK;
}

int mm_cidr_contains(const struct mm_cidr *c, const struct mm_addr *a)
{
    unsigned full = c->bits / 8;
    unsigned rest = c->bits % 8;
    if (memcmp(c->addr.a, a->a, full) != 0) {
        return 0;
    }
    if (rest == 0) {
        return 1;
    }
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->a[full] & mask) == c->addr.a[full];
}
