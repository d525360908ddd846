#include "parse/keytab.h"

#include <string.h>

static uint32_t key_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    }
    return h;
}

static void build(struct mm_keytab *t)
{
    pthread_mutex_lock(&t->mu);
    if (!atomic_load_explicit(&t->ready, memory_order_relaxed)) {
        size_t n = t->n < MM_KEYTAB_SLOTS / 2 ? t->n : MM_KEYTAB_SLOTS / 2;
        for (size_t i = 0; i < n; i++) {
            uint32_t h = key_hash(t->entries[i].name, t->entries[i].len) & (MM_KEYTAB_SLOTS - 1);
            while (t->slot[h] != 0) {
                h = (h + 1) & (MM_KEYTAB_SLOTS - 1);
            }
            t->slot[h] = (uint16_t)(i + 1);
        }
        atomic_store_explicit(&t->ready, 1, memory_order_release);
    }
    pthread_mutex_unlock(&t->mu);
}

int mm_keytab_find(struct mm_keytab *t, const char *key, size_t n)
{
    if (!atomic_load_explicit(&t->ready, memory_order_acquire)) {
        build(t);
    }
    uint32_t h = key_hash(key, n) & (MM_KEYTAB_SLOTS - 1);
    while (t->slot[h] != 0) {
        const struct mm_keytab_entry *e = &t->entries[t->slot[h] - 1];
        if (e->len == n && memcmp(e->name, key, n) == 0) {
            return e->id;
        }
        h = (h + 1) & (MM_KEYTAB_SLOTS - 1);
    }
    return -1;
}

int mm_keytab_ifind(struct mm_keytab *t, const char *key, size_t n)
{
    char low[UINT8_MAX]; /* no name is longer (entry lengths are uint8_t) */
    if (n > sizeof(low)) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return mm_keytab_find(t, low, n);
}
