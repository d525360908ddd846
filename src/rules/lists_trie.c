/*
 * lists_trie.c - the lookup structures behind |in_list: an IP set of merged
 * address ranges (binary search) and a string set that also answers "is
 * this domain or one of its parents listed" (one hash probe per label).
 *
 * Both are built once when the ruleset is built and read-only afterwards,
 * so the hot path allocates nothing and takes no locks.  Cost per lookup:
 * IP O(log ranges), domain O(labels), string O(1).
 */
#include "lists_int.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_MAX (UINT32_MAX - 1u) /* offsets are 32-bit */

/* ---- IP set ---- */

enum mm_err mm_ipset_add(struct ipset *s, const struct mm_cidr *c)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        struct iprange *nr = realloc(s->r, nc * sizeof(*nr));
        if (nr == NULL) {
            return MM_ENOMEM;
        }
        s->r = nr;
        s->cap = nc;
    }
    struct iprange *r = &s->r[s->n++];
    memcpy(r->lo, c->addr.a, 16);
    memcpy(r->hi, c->addr.a, 16);
    for (unsigned bit = c->bits; bit < 128; bit++) {
        r->hi[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
    }
    return MM_OK;
}

enum mm_err mm_ipset_add_range(struct ipset *s, const struct mm_addr *lo, const struct mm_addr *hi)
{
    struct mm_cidr c;
    memcpy(&c.addr, lo, sizeof(c.addr));
    c.bits = 128;
    enum mm_err rc = mm_ipset_add(s, &c);
    if (rc == MM_OK) {
        memcpy(s->r[s->n - 1].hi, hi->a, 16);
    }
    return rc;
}

static int cmp_range(const void *a, const void *b)
{
    const struct iprange *x = a, *y = b;
    int c = memcmp(x->lo, y->lo, 16);
    return c != 0 ? c : memcmp(y->hi, x->hi, 16); /* wider first */
}

/* a + 1 == b, in 128-bit big-endian arithmetic */
static int adjacent(const uint8_t *a, const uint8_t *b)
{
    uint8_t t[16];
    memcpy(t, a, 16);
    for (int i = 15; i >= 0; i--) {
        if (++t[i] != 0) {
            break;
        }
        if (i == 0) {
            return 0; /* a was the last address */
        }
    }
    return memcmp(t, b, 16) == 0;
}

enum mm_err mm_ipset_finish(struct ipset *s)
{
    if (s->n == 0) {
        return MM_OK;
    }
    qsort(s->r, s->n, sizeof(*s->r), cmp_range);
    size_t o = 0;
    for (size_t i = 1; i < s->n; i++) {
        struct iprange *cur = &s->r[o];
        const struct iprange *nx = &s->r[i];
        if (memcmp(nx->lo, cur->hi, 16) <= 0 || adjacent(cur->hi, nx->lo)) {
            if (memcmp(nx->hi, cur->hi, 16) > 0) {
                memcpy(cur->hi, nx->hi, 16);
            }
            continue;
        }
        s->r[++o] = *nx;
    }
    s->n = o + 1;
    struct iprange *shrunk = realloc(s->r, s->n * sizeof(*s->r));
    if (shrunk != NULL) {
        s->r = shrunk;
        s->cap = s->n;
    }
    if (s->n > UINT32_MAX - 1) {
        return MM_EFULL;
    }
    free(s->v4idx);
    s->v4idx = malloc(65537 * sizeof(*s->v4idx));
    if (s->v4idx == NULL) {
        return MM_ENOMEM;
    }
    /* bucket k = ::ffff:K.K.0.0 - ::ffff:K.K.255.255: first range whose hi reaches it,
     * end = first range whose lo is past it (ranges are sorted and disjoint) */
    uint8_t b[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
    size_t i = 0;
    for (uint32_t k = 0; k <= 65536; k++) {
        if (k == 65536) {
            memset(b + 12, 0xff, 4);
            /* past the last bucket: the first range beyond ::ffff:255.255.255.255 */
            while (i < s->n && memcmp(s->r[i].lo, b, 16) <= 0) {
                i++;
            }
        } else {
            b[12] = (uint8_t)(k >> 8);
            b[13] = (uint8_t)k;
            while (i < s->n && memcmp(s->r[i].hi, b, 16) < 0) {
                i++;
            }
        }
        s->v4idx[k] = (uint32_t)i;
    }
    return MM_OK;
}

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int mm_ipset_has(const struct ipset *s, const struct mm_addr *a)
{
    size_t lo = 0, hi = s->n;
    if (s->v4idx != NULL && memcmp(a->a, v4mapped, 12) == 0) {
        uint32_t k = ((uint32_t)a->a[12] << 8) | a->a[13];
        lo = s->v4idx[k];
        hi = k + 1 < 65536 ? s->v4idx[k + 1] + 1 : s->v4idx[65536];
        hi = hi > s->n ? s->n : hi;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct iprange *r = &s->r[mid];
        if (memcmp(a->a, r->lo, 16) < 0) {
            hi = mid;
        } else if (memcmp(a->a, r->hi, 16) > 0) {
            lo = mid + 1;
        } else {
            return 1;
        }
    }
    return 0;
}

void mm_ipset_free(struct ipset *s)
{
    free(s->v4idx);
    s->v4idx = NULL;
    free(s->r);
    s->r = NULL;
    s->n = s->cap = 0;
}

/* ---- string set ---- */

static inline unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* FNV-1a, folded unless cased; never 0 (0 marks an empty slot). */
static uint64_t hash_str(const char *p, size_t n, int cased)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= cased ? (unsigned char)p[i] : fold((unsigned char)p[i]);
        h *= 0x100000001b3ULL;
    }
    return h ? h : 1;
}

static int same(const struct strset *s, const struct sslot *e, const char *p, size_t n)
{
    if (e->len != n) {
        return 0;
    }
    const char *q = s->arena + e->off;
    if (s->cased) {
        return memcmp(q, p, n) == 0;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)q[i] != fold((unsigned char)p[i])) {
            return 0;
        }
    }
    return 1;
}

static struct sslot *probe(const struct strset *s, const char *p, size_t n, uint64_t h)
{
    size_t mask = s->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct sslot *e = &s->tab[i];
        if (e->hash == 0 || (e->hash == h && same(s, e, p, n))) {
            return e;
        }
    }
}

static enum mm_err grow(struct strset *s)
{
    size_t nc = s->cap ? s->cap * 2 : 1024;
    struct sslot *nt = calloc(nc, sizeof(*nt));
    if (nt == NULL) {
        return MM_ENOMEM;
    }
    struct sslot *old = s->tab;
    size_t oc = s->cap;
    s->tab = nt;
    s->cap = nc;
    for (size_t i = 0; i < oc; i++) {
        if (old[i].hash != 0) {
            size_t mask = nc - 1;
            size_t j = (size_t)old[i].hash & mask;
            while (nt[j].hash != 0) {
                j = (j + 1) & mask;
            }
            nt[j] = old[i];
        }
    }
    free(old);
    return MM_OK;
}

enum mm_err mm_strset_add(struct strset *s, const char *p, size_t n, uint32_t flags)
{
    if ((s->used + 1) * 4 >= s->cap * 3) {
        enum mm_err rc = grow(s);
        if (rc != MM_OK) {
            return rc;
        }
    }
    uint64_t h = hash_str(p, n, s->cased);
    struct sslot *e = probe(s, p, n, h);
    if (e->hash != 0) {
        e->flags |= flags;
        return MM_OK;
    }
    if (n > ARENA_MAX - s->alen) {
        return MM_EFULL;
    }
    if (s->alen + n > s->acap) {
        size_t na = s->acap ? s->acap : 4096;
        while (na < s->alen + n) {
            na *= 2;
        }
        char *a = realloc(s->arena, na);
        if (a == NULL) {
            return MM_ENOMEM;
        }
        s->arena = a;
        s->acap = na;
    }
    char *dst = s->arena + s->alen;
    for (size_t i = 0; i < n; i++) {
        dst[i] = s->cased ? p[i] : (char)fold((unsigned char)p[i]);
    }
    e->hash = h;
    e->off = (uint32_t)s->alen;
    e->len = (uint32_t)n;
    e->flags = flags;
    s->alen += n;
    s->used++;
    return MM_OK;
}

uint32_t mm_strset_get(const struct strset *s, const char *p, size_t n)
{
    if (s->used == 0) {
        return 0;
    }
    const struct sslot *e = probe(s, p, n, hash_str(p, n, s->cased));
    return e->hash != 0 ? e->flags : 0;
}

int mm_strset_has_domain(const struct strset *s, const char *p, size_t n)
{
    while (n > 0 && p[n - 1] == '.') {
        n--; /* the root: "bad.example." is "bad.example" */
    }
    if (n == 0 || s->used == 0) {
        return 0;
    }
    if (mm_strset_get(s, p, n) & SS_SELF) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '.' && i + 1 < n && (mm_strset_get(s, p + i + 1, n - i - 1) & SS_SUBS)) {
            return 1;
        }
    }
    return 0;
}

void mm_strset_free(struct strset *s)
{
    free(s->tab);
    free(s->arena);
    memset(s, 0, sizeof(*s));
}
