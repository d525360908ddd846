#include "parse/keytab.h"

void mm_keytab_build(struct mm_keytab *t)
{
    pthread_mutex_lock(&t->mu);
    if (!atomic_load_explicit(&t->ready, memory_order_relaxed)) {
        size_t n = t->n < MM_KEYTAB_SLOTS / 2 ? t->n : MM_KEYTAB_SLOTS / 2;
        for (size_t i = 0; i < n; i++) {
            const struct mm_keytab_entry *e = &t->entries[i];
            uint32_t h = mm_keytab_hash(e->name, e->len) & (MM_KEYTAB_SLOTS - 1);
            while (t->slot[h] != 0) {
                h = (h + 1) & (MM_KEYTAB_SLOTS - 1);
            }
            t->slot[h] = (uint16_t)(i + 1);
        }
        atomic_store_explicit(&t->ready, 1, memory_order_release);
    }
    pthread_mutex_unlock(&t->mu);
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
