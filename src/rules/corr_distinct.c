/*
 * corr_distinct.c - Sigma value_count: at least N distinct values of `field`
 * per group within a sliding window on event time (password spray: many
 * user.name from one source.ip; distributed brute force: many source.ip
 * against one observer; scans: many destination.port from one source).
 *
 * State: a set of 64-bit value hashes with the time each was last seen,
 * exact up to N entries (N = the condition's lower bound; the window is
 * forgotten when it fires, so the set never needs more).  Values are compared
 * ASCII case-insensitively; an event without the field does not count.
 * Entries older than the window are dropped before counting, so a
 * low-and-slow spray over days costs 16 bytes per value in the window.
 */
#include "corr_int.h"

static size_t kd_size(const struct corr *co)
{
    (void)co;
    return 0;
}

static void init(const struct corr *co, struct cgroup *g)
{
    (void)co;
    (void)g;
}

static int feed(struct corr_hit *h)
{
    const struct corr *co = h->co;
    struct mm_str v = mm_rules_fref_get(&co->field, h->ev);
    if (v.p == NULL || v.n == 0) {
        return 0;
    }
    struct vset *vs = &h->g->vs;
    mm_corr_vset_expire(vs, h->g->last_ns - co->timespan_ns);
    uint32_t cap = (uint32_t)co->cond.lo;
    if (h->ts <= h->g->last_ns - co->timespan_ns) {
        return 0; /* a late event already outside the window */
    }
    if (mm_corr_vset_touch(h->ce, vs, mm_corr_value_hash(v.p, v.n), h->ts, cap) < 0) {
        return 0;
    }
    return vs->n >= co->cond.lo && vs->n <= co->cond.hi;
}

const struct corr_kind mm_corr_kind_distinct = {kd_size, init, feed, 0};
