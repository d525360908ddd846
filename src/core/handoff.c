/*
 * handoff.c - the in-order batch ring of handoff.h.
 *
 * Three counters only grow: `published` (slots handed over), `taken` (by the
 * consumer) and `released` (given back).  Slot k of the sequence is k % n, so
 * the producer may claim while published - released < n, and the consumer may
 * take while taken < published.  Condition variables are signalled only when
 * the other side waits.
 */
#include "mimamori/handoff.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "mimamori/clock.h"

struct mm_handoff {
    pthread_mutex_t mu;
    pthread_cond_t can_claim; /* the producer waits here */
    pthread_cond_t can_take;  /* the consumer waits here */
    size_t n;
    uint64_t published, taken, released;
    int finished;
    int prod_waiting, cons_waiting;
};

enum mm_err mm_handoff_new(struct mm_handoff **out, size_t nslots)
{
    *out = NULL;
    if (nslots == 0 || nslots > 1024) {
        return MM_EINVAL;
    }
    struct mm_handoff *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return MM_ENOMEM;
    }
    h->n = nslots;
    int bad = pthread_mutex_init(&h->mu, NULL);
    if (bad == 0 && mm_cond_init_mono(&h->can_claim) != 0) {
        pthread_mutex_destroy(&h->mu);
        bad = 1;
    }
    if (bad == 0 && mm_cond_init_mono(&h->can_take) != 0) {
        pthread_cond_destroy(&h->can_claim);
        pthread_mutex_destroy(&h->mu);
        bad = 1;
    }
    if (bad != 0) {
        free(h);
        return MM_ENOMEM;
    }
    *out = h;
    return MM_OK;
}

void mm_handoff_free(struct mm_handoff *h)
{
    if (h == NULL) {
        return;
    }
    pthread_cond_destroy(&h->can_take);
    pthread_cond_destroy(&h->can_claim);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

int mm_handoff_claim(struct mm_handoff *h)
{
    pthread_mutex_lock(&h->mu);
    while (h->published - h->released >= h->n) {
        h->prod_waiting = 1;
        pthread_cond_wait(&h->can_claim, &h->mu);
        h->prod_waiting = 0;
    }
    int slot = (int)(h->published % h->n);
    pthread_mutex_unlock(&h->mu);
    return slot;
}

void mm_handoff_publish(struct mm_handoff *h, int slot)
{
    (void)slot; /* always the claimed one: slots go round in order */
    pthread_mutex_lock(&h->mu);
    h->published++;
    if (h->cons_waiting) {
        pthread_cond_signal(&h->can_take);
    }
    pthread_mutex_unlock(&h->mu);
}

void mm_handoff_finish(struct mm_handoff *h)
{
    pthread_mutex_lock(&h->mu);
    h->finished = 1;
    pthread_cond_broadcast(&h->can_take);
    pthread_mutex_unlock(&h->mu);
}

int mm_handoff_take(struct mm_handoff *h, int timeout_ms)
{
    struct timespec dl = mm_mono_after_ms(timeout_ms > 0 ? timeout_ms : 0);
    pthread_mutex_lock(&h->mu);
    int rc = MM_HANDOFF_TIMEOUT;
    for (;;) {
        if (h->taken < h->published) {
            rc = (int)(h->taken++ % h->n);
            break;
        }
        if (h->finished) {
            rc = MM_HANDOFF_DONE;
            break;
        }
        if (timeout_ms == 0) {
            break;
        }
        h->cons_waiting = 1;
        int e = timeout_ms < 0 ? pthread_cond_wait(&h->can_take, &h->mu)
                               : pthread_cond_timedwait(&h->can_take, &h->mu, &dl);
        h->cons_waiting = 0;
        if (e == ETIMEDOUT && h->taken == h->published && !h->finished) {
            break;
        }
    }
    pthread_mutex_unlock(&h->mu);
    return rc;
}

void mm_handoff_release(struct mm_handoff *h, int slot)
{
    (void)slot; /* the oldest taken: released in ring order */
    pthread_mutex_lock(&h->mu);
    if (h->released < h->taken) {
        h->released++;
    }
    if (h->prod_waiting) {
        pthread_cond_signal(&h->can_claim);
    }
    pthread_mutex_unlock(&h->mu);
}
