/*
 * queue.c - the ingest message queue: many producers (the UDP thread, the TCP
 * thread, a file reader), one consumer (the pipeline).
 *
 * Memory is one ring of `cap` bytes holding variable-size records (a 48-byte
 * header, then the message bytes, padded to 8).  A record never wraps: when it
 * does not fit before the end of the ring, a wrap marker (size 0) is left and
 * the record goes to offset 0.  Three offsets walk the ring in the same
 * direction:
 *
 *     f (first unreleased)  <=  r (next to pop)  <=  w (next to write)
 *
 * `used` is the number of bytes (records and skipped tails) between f and w,
 * so f == w is unambiguous.  Popped records stay in the ring until
 * mm_msgq_release(), which is why the consumer may keep pointers into it.
 * When the ring becomes empty the offsets go back to 0, so a lightly loaded
 * daemon touches only the first pages of the ring (low RSS).
 *
 * One mutex guards everything; the cost is amortised by batching on both sides
 * (mm_msgq_push_batch() for a recvmmsg() batch, mm_msgq_pop() of many).
 * Condition variables are signalled only when somebody waits on them.
 */
#include "mimamori/ingest.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mimamori/clock.h"

/* The stored form of a message; data follows. */
struct rec {
    uint32_t size;             /* whole record, header + data + padding; 0 = wrap marker */
    uint32_t len;              /* data bytes */
    int64_t recv_ns;
    uint8_t transport;
    uint8_t truncated;
    uint8_t pad[2];
    struct sockaddr_in6 peer;  /* large enough for sockaddr_in too */
};

#define REC_ALIGN 8u

struct mm_msgq {
    pthread_mutex_t mu;
    pthread_cond_t not_empty;  /* the consumer waits here */
    pthread_cond_t not_full;   /* blocked producers wait here */
    char *ring;                /* owned, cap bytes */
    size_t cap;                /* multiple of REC_ALIGN */
    size_t w, r, f;            /* offsets, see above */
    size_t used;               /* bytes between f and w */
    size_t nready;             /* records pushed, not popped */
    size_t npopped;            /* records popped, not released */
    int closed;
    int cons_waiting;          /* consumer blocked in pop */
    int prod_waiting;          /* producers blocked in push */
    int ok_mu, ok_ne, ok_nf;   /* which primitives were initialised, for free */
};

static size_t rec_size(size_t len)
{
    return (sizeof(struct rec) + len + (REC_ALIGN - 1)) & ~(size_t)(REC_ALIGN - 1);
}

static struct rec *rec_at(const struct mm_msgq *q, size_t off)
{
    return (struct rec *)(void *)(q->ring + off);
}

enum mm_err mm_msgq_new(struct mm_msgq **out, size_t bytes)
{
    *out = NULL;
    size_t cap = bytes & ~(size_t)(REC_ALIGN - 1);
    if (cap < rec_size(1) || cap > UINT32_MAX) {
        return MM_EINVAL;
    }
    struct mm_msgq *q = calloc(1, sizeof(*q));
    if (q == NULL) {
        return MM_ENOMEM;
    }
    q->cap = cap;
    q->ring = malloc(cap);
    if (q->ring == NULL) {
        mm_msgq_free(q);
        return MM_ENOMEM;
    }
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        mm_msgq_free(q);
        return MM_ENOMEM;
    }
    q->ok_mu = 1;
    /* timeouts must not jump with the wall clock */
    int rc = mm_cond_init_mono(&q->not_empty);
    q->ok_ne = rc == 0;
    if (rc == 0) {
        rc = mm_cond_init_mono(&q->not_full);
        q->ok_nf = rc == 0;
    }
    if (rc != 0) {
        mm_msgq_free(q);
        return MM_ENOMEM;
    }
    *out = q;
    return MM_OK;
}

void mm_msgq_free(struct mm_msgq *q)
{
    if (q == NULL) {
        return;
    }
    if (q->ok_nf) {
        pthread_cond_destroy(&q->not_full);
    }
    if (q->ok_ne) {
        pthread_cond_destroy(&q->not_empty);
    }
    if (q->ok_mu) {
        pthread_mutex_destroy(&q->mu);
    }
    free(q->ring);
    free(q);
}

/*
 * Copy one message in if it fits; lock held.  Returns 1 when stored.
 * need must be <= cap (checked by the callers).
 */
static int put_locked(struct mm_msgq *q, const struct mm_msg *m, size_t need)
{
    if (q->used == 0) {
        q->w = q->r = q->f = 0;
    }
    size_t tail = q->cap - q->w;
    size_t cost = need <= tail ? need : tail + need;
    if (q->used + cost > q->cap) {
        return 0;
    }
    if (need > tail) {
        /* tail >= REC_ALIGN because offsets are aligned and w < cap */
        rec_at(q, q->w)->size = 0;
        q->used += tail;
        q->w = 0;
    }
    struct rec *h = rec_at(q, q->w);
    h->size = (uint32_t)need;
    h->len = m->len;
    h->recv_ns = m->recv_ns;
    h->transport = m->transport;
    h->truncated = m->truncated;
    memcpy(&h->peer, &m->peer, sizeof(h->peer));
    if (m->len > 0) {
        memcpy(h + 1, m->data, m->len);
    }
    q->w += need;
    if (q->w == q->cap) {
        q->w = 0;
    }
    q->used += need;
    q->nready++;
    return 1;
}

static void wake_consumer(struct mm_msgq *q)
{
    if (q->cons_waiting) {
        pthread_cond_signal(&q->not_empty);
    }
}

enum mm_err mm_msgq_push_timed(struct mm_msgq *q, const struct mm_msg *m, int timeout_ms)
{
    size_t need = rec_size(m->len);
    if (need > q->cap) {
        return MM_EINVAL;
    }
    struct timespec dl = {0, 0};
    if (timeout_ms > 0) {
        dl = mm_mono_after_ms(timeout_ms);
    }
    enum mm_err rc = MM_OK;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->closed) {
            rc = MM_EIO;
            break;
        }
        if (put_locked(q, m, need)) {
            wake_consumer(q);
            break;
        }
        if (timeout_ms == 0) {
            rc = MM_EFULL;
            break;
        }
        q->prod_waiting++;
        int e = timeout_ms < 0 ? pthread_cond_wait(&q->not_full, &q->mu)
                               : pthread_cond_timedwait(&q->not_full, &q->mu, &dl);
        q->prod_waiting--;
        if (e == ETIMEDOUT) {
            /* one last try below would race nothing: we hold the lock */
            if (!q->closed && put_locked(q, m, need)) {
                wake_consumer(q);
            } else {
                rc = q->closed ? MM_EIO : MM_EFULL;
            }
            break;
        }
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

enum mm_err mm_msgq_push(struct mm_msgq *q, const struct mm_msg *m, int block)
{
    return mm_msgq_push_timed(q, m, block ? -1 : 0);
}

size_t mm_msgq_push_batch(struct mm_msgq *q, const struct mm_msg *m, size_t n)
{
    size_t done = 0;
    pthread_mutex_lock(&q->mu);
    if (!q->closed) {
        for (; done < n; done++) {
            size_t need = rec_size(m[done].len);
            if (need > q->cap || !put_locked(q, &m[done], need)) {
                break;
            }
        }
        if (done > 0) {
            wake_consumer(q);
        }
    }
    pthread_mutex_unlock(&q->mu);
    return done;
}

size_t mm_msgq_pop(struct mm_msgq *q, struct mm_msg *out, size_t max, int timeout_ms)
{
    size_t k = 0;
    pthread_mutex_lock(&q->mu);
    if (q->nready == 0 && !q->closed && timeout_ms != 0) {
        struct timespec dl = {0, 0};
        if (timeout_ms > 0) {
            dl = mm_mono_after_ms(timeout_ms);
        }
        while (q->nready == 0 && !q->closed) {
            q->cons_waiting = 1;
            int e = timeout_ms < 0 ? pthread_cond_wait(&q->not_empty, &q->mu)
                                   : pthread_cond_timedwait(&q->not_empty, &q->mu, &dl);
            q->cons_waiting = 0;
            if (e == ETIMEDOUT) {
                break;
            }
        }
    }
    while (k < max && q->nready > 0) {
        struct rec *h = rec_at(q, q->r);
        if (h->size == 0) {
            q->r = 0;
            h = rec_at(q, 0);
        }
        struct mm_msg *m = &out[k++];
        m->len = h->len;
        m->transport = h->transport;
        m->truncated = h->truncated;
        m->recv_ns = h->recv_ns;
        memcpy(&m->peer, &h->peer, sizeof(h->peer));
        m->data = (const char *)(h + 1);
        q->r += h->size;
        if (q->r == q->cap) {
            q->r = 0;
        }
        q->nready--;
        q->npopped++;
    }
    pthread_mutex_unlock(&q->mu);
    return k;
}

void mm_msgq_release(struct mm_msgq *q, size_t n)
{
    pthread_mutex_lock(&q->mu);
    if (n > q->npopped) {
        n = q->npopped; /* a caller bug; never free records not yet popped */
    }
    for (size_t i = 0; i < n; i++) {
        struct rec *h = rec_at(q, q->f);
        if (h->size == 0) {
            q->used -= q->cap - q->f;
            q->f = 0;
            h = rec_at(q, 0);
        }
        q->used -= h->size;
        q->f += h->size;
        if (q->f == q->cap) {
            q->f = 0;
        }
    }
    q->npopped -= n;
    if (n > 0 && q->prod_waiting > 0) {
        /* records differ in size: every waiter re-checks */
        pthread_cond_broadcast(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
}

void mm_msgq_close(struct mm_msgq *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

int mm_msgq_closed_and_empty(struct mm_msgq *q)
{
    pthread_mutex_lock(&q->mu);
    int v = q->closed && q->nready == 0;
    pthread_mutex_unlock(&q->mu);
    return v;
}

size_t mm_msgq_depth(struct mm_msgq *q)
{
    pthread_mutex_lock(&q->mu);
    size_t v = q->nready;
    pthread_mutex_unlock(&q->mu);
    return v;
}
