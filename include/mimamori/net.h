/*
 * net.h - IP addresses and CIDR prefixes, shared by the ingest allow-list and
 * the `cidr` rule modifier.  IPv4 is stored as IPv4-mapped IPv6 so one
 * comparison serves both families.
 */
#ifndef MIMAMORI_NET_H
#define MIMAMORI_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mimamori/err.h"

struct mm_addr {
    uint8_t a[16]; /* IPv6, or IPv4-mapped (::ffff:a.b.c.d) */
};

struct mm_cidr {
    struct mm_addr addr; /* masked to bits */
    uint8_t bits;        /* 0..128 (IPv4 prefixes are stored as 96 + n) */
};

/* net.c */
/* Parse a textual address (not NUL-terminated); accepts IPv4, IPv6, [v6]. */
enum mm_err mm_addr_parse(struct mm_addr *out, const char *s, size_t n);
void mm_addr_from_sockaddr(struct mm_addr *out, const struct sockaddr *sa);
/* "a.b.c.d" for IPv4-mapped, RFC 5952 text otherwise; dst >= 46 bytes */
const char *mm_addr_format(const struct mm_addr *a, char *dst, size_t dstlen);
/* "10.0.0.0/8", "2001:db8::/32", a bare address means a full-length prefix */
enum mm_err mm_cidr_parse(struct mm_cidr *out, const char *s, size_t n);
int mm_cidr_contains(const struct mm_cidr *c, const struct mm_addr *a);

#endif
