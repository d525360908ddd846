/*
 * keytab.h - constant-time lookup of a vendor's key names (private to
 * src/parse).  A parser declares a static table of {name, id} and a
 * struct mm_keytab around it; the hash index is built on first use (thread
 * safe) so a key costs one hash and usually one compare, not a scan of the
 * whole table.
 */
#ifndef MIMAMORI_PARSE_KEYTAB_H
#define MIMAMORI_PARSE_KEYTAB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MM_KEYTAB_SLOTS 512 /* power of two; tables hold at most half as many keys */

struct mm_keytab_entry {
    const char *name;
    uint8_t len;
    int16_t id;
};

struct mm_keytab {
    const struct mm_keytab_entry *entries;
    size_t n;
    _Atomic int ready;
    pthread_mutex_t mu;
    uint16_t slot[MM_KEYTAB_SLOTS]; /* entry index + 1; 0 = empty */
};

#define MM_KEYTAB_INIT(arr)                                                                        \
    {                                                                                              \
        (arr), sizeof(arr) / sizeof((arr)[0]), 0, PTHREAD_MUTEX_INITIALIZER, { 0 }                 \
    }

/* keytab.c */
/* Build the hash index (once; mm_keytab_find calls it). */
void mm_keytab_build(struct mm_keytab *t);
/* The same as mm_keytab_find, ignoring ASCII case; the table's names are lower-case. */
int mm_keytab_ifind(struct mm_keytab *t, const char *key, size_t n);

/*
 * The hash reads the length and three bytes (first, middle, last), not every
 * byte: a lookup runs for every pair of every line and the names of a table
 * mostly differ there already.  Names that collide cost one more probe.
 */
static inline uint32_t mm_keytab_hash(const char *p, size_t n)
{
    if (n == 0) {
        return 0;
    }
    uint32_t h = (uint32_t)n * 0x9e3779b1u;
    h ^= (uint32_t)(unsigned char)p[0] | (uint32_t)(unsigned char)p[n / 2] << 8 |
         (uint32_t)(unsigned char)p[n - 1] << 16;
    h *= 0x85ebca6bu;
    return h ^ (h >> 16);
}

/*
 * a[0..n) == b[0..n) by word compares (overlapping at the tail): names are a
 * few bytes, and a memcmp call costs more than the compare.
 */
static inline int mm_keytab_same(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) {
                return 0;
            }
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v) {
            return 0;
        }
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* The id of key[0..n), or -1.  Inline: it runs for every pair of every line. */
static inline int mm_keytab_find(struct mm_keytab *t, const char *key, size_t n)
{
    if (!atomic_load_explicit(&t->ready, memory_order_acquire)) {
        mm_keytab_build(t);
    }
    uint32_t h = mm_keytab_hash(key, n) & (MM_KEYTAB_SLOTS - 1);
    while (t->slot[h] != 0) {
        const struct mm_keytab_entry *e = &t->entries[t->slot[h] - 1];
        if (e->len == n && mm_keytab_same(e->name, key, n)) {
            return e->id;
        }
        h = (h + 1) & (MM_KEYTAB_SLOTS - 1);
    }
    return -1;
}

#endif
