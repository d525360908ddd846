/*
 * keytab.h - constant-time lookup of a vendor's key names (private to
 * src/parse).  A parser declares a static table of {name, id} and a
 * struct mm_keytab around it; the hash index is built on first use (thread
 * safe) so a key costs one hash and usually one memcmp, not a scan of the
 * whole table.
 */
#ifndef MIMAMORI_PARSE_KEYTAB_H
#define MIMAMORI_PARSE_KEYTAB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

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
/* The id of key[0..n), or -1. */
int mm_keytab_find(struct mm_keytab *t, const char *key, size_t n);
/* The same, ignoring ASCII case; the table's names are lower-case. */
int mm_keytab_ifind(struct mm_keytab *t, const char *key, size_t n);

#endif
