/*
 * corr_count.c - Sigma event_count: at least N events of the named rules per
 * group within a sliding window on event time.
 *
 * State: the times of the newest N events, ascending (a ring of exactly N
 * slots, N = the condition's lower bound).  The condition holds when the
 * ring is full and the oldest kept time is within `timespan` of the newest:
 * exact, O(1) per in-order event, 8 bytes per counted event.  An upper bound
 * (lte, lt, eq) cannot be exceeded: the window is forgotten when it fires.
 */
#include "corr_int.h"

static size_t kd_size(const struct corr *co)
{
    return mm_corr_ring_size(co->cond.lo);
}

static void init(const struct corr *co, struct cgroup *g)
{
    (void)co;
    (void)g;
}

static int feed(struct corr_hit *h)
{
    const struct corr *co = h->co;
    struct tsring *r = (struct tsring *)(void *)h->g->kd;
    uint32_t cap = (uint32_t)co->cond.lo;
    mm_corr_ring_add(r, cap, h->ts, h->g->last_ns - co->timespan_ns);
    return r->n >= co->cond.lo && r->n <= co->cond.hi;
}

const struct corr_kind mm_corr_kind_count = {kd_size, init, feed, 0};
