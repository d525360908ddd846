/*
 * allow.c - the peer allow-list (cfg->allowed).  An empty list allows every
 * peer.  IPv4 peers are compared as IPv4-mapped IPv6, so "10.0.0.0/8" also
 * matches ::ffff:10.1.2.3 arriving on a dual-stack socket.  A linear scan: an
 * office gateway config lists a handful of networks.
 */
#include "ingest/ingest_int.h"

#include <stdlib.h>
#include <string.h>

enum mm_err mm_allow_new(struct mm_allow **out, const struct mm_cidr *nets, size_t n)
{
    *out = NULL;
    struct mm_allow *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return MM_ENOMEM;
    }
    if (n > 0) {
        a->nets = calloc(n, sizeof(*a->nets));
        if (a->nets == NULL) {
            mm_allow_free(a);
            return MM_ENOMEM;
        }
        memcpy(a->nets, nets, n * sizeof(*nets));
        a->n = n;
    }
    *out = a;
    return MM_OK;
}

void mm_allow_free(struct mm_allow *a)
{
    if (a == NULL) {
        return;
    }
    free(a->nets);
    free(a);
}

int mm_allow_check(const struct mm_allow *a, const struct sockaddr *sa)
{
    if (a == NULL || a->n == 0) {
        return 1;
    }
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) {
        return 0;
    }
    struct mm_addr addr;
    mm_addr_from_sockaddr(&addr, sa);
    for (size_t i = 0; i < a->n; i++) {
        if (mm_cidr_contains(&a->nets[i], &addr)) {
            return 1;
        }
    }
    return 0;
}
