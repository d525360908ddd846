/*
 * corr_sequence.c - Sigma temporal (all named rules seen per group within
 * the window, any order) and temporal_ordered (in the order listed).
 *
 * temporal: per step the newest time it was seen; the condition counts the
 * steps seen within `timespan` of the newest event (default: all of them).
 *
 * temporal_ordered keeps, per step i, start[i]: the latest possible start
 * time of a chain that has completed steps 0..i in order (latest, so that
 * the chain has the best chance to fit the window).  An event of step i
 * extends a chain that completed the previous step within the window.
 * mimamori extensions:
 *  - a step with `count: {gte: N}` needs N events: for the first step the
 *    newest N times are kept (a sliding window, like event_count) and the
 *    chain starts at the oldest of them; for a later step N events must
 *    follow the completed previous step;
 *  - a `not:` step between two steps: its event abandons the chains that
 *    completed the step before it (e.g. a logout between success and the
 *    configuration change).
 * One event is offered to the steps of a sequence in descending order, so
 * that it cannot complete two steps at once.
 */
#include "corr_int.h"

#include <string.h>

/* ---- temporal ---- */

static size_t t_kd_size(const struct corr *co)
{
    return co->nsteps * sizeof(int64_t);
}

static void t_init(const struct corr *co, struct cgroup *g)
{
    int64_t *last = (int64_t *)(void *)g->kd;
    for (size_t i = 0; i < co->nsteps; i++) {
        last[i] = CORR_TS_NONE;
    }
}

static int t_feed(struct corr_hit *h)
{
    const struct corr *co = h->co;
    int64_t *last = (int64_t *)(void *)h->g->kd;
    if (last[h->step] == CORR_TS_NONE || h->ts > last[h->step]) {
        last[h->step] = h->ts;
    }
    int64_t lo = h->g->last_ns - co->timespan_ns;
    uint64_t seen = 0;
    for (size_t i = 0; i < co->nsteps; i++) {
        seen += last[i] != CORR_TS_NONE && last[i] > lo;
    }
    return seen >= co->cond.lo && seen <= co->cond.hi;
}

const struct corr_kind mm_corr_kind_temporal = {t_kd_size, t_init, t_feed, 0};

/* ---- temporal_ordered ---- */

struct olay {
    int64_t *start;
    uint32_t *cnt;
    struct tsring *ring;
};

static size_t ring_off(const struct corr *co)
{
    return (co->nsteps * (sizeof(int64_t) + sizeof(uint32_t)) + 7) & ~(size_t)7;
}

static struct olay lay(const struct corr *co, struct cgroup *g)
{
    struct olay l;
    l.start = (int64_t *)(void *)g->kd;
    l.cnt = (uint32_t *)(void *)(g->kd + co->nsteps * sizeof(int64_t));
    l.ring = (struct tsring *)(void *)(g->kd + ring_off(co));
    return l;
}

static size_t o_kd_size(const struct corr *co)
{
    return ring_off(co) + mm_corr_ring_size(co->nsteps > 0 ? co->steps[0].count.lo : 1);
}

static void o_init(const struct corr *co, struct cgroup *g)
{
    struct olay l = lay(co, g);
    for (size_t i = 0; i < co->nsteps; i++) {
        l.start[i] = CORR_TS_NONE;
        l.cnt[i] = 0;
    }
    l.ring->n = l.ring->head = 0;
}

/* The nearest step before i that is not a `not:` step; SIZE_MAX when none. */
static size_t prev_real(const struct corr *co, size_t i)
{
    while (i-- > 0) {
        if (!co->steps[i].forbid) {
            return i;
        }
    }
    return SIZE_MAX;
}

static int o_feed(struct corr_hit *h)
{
    const struct corr *co = h->co;
    const struct corr_step *st = &co->steps[h->step];
    struct olay l = lay(co, h->g);
    int64_t lo = h->ts - co->timespan_ns;
    size_t i = h->step;
    size_t p = prev_real(co, i);
    if (st->forbid) {
        if (p != SIZE_MAX) {
            l.start[p] = CORR_TS_NONE;
        }
        for (size_t q = i + 1; q < co->nsteps; q++) {
            if (!co->steps[q].forbid) {
                l.cnt[q] = 0;
                break;
            }
        }
        return 0;
    }
    if (p == SIZE_MAX) {
        if (st->count.lo <= 1) {
            if (l.start[i] == CORR_TS_NONE || h->ts > l.start[i]) {
                l.start[i] = h->ts;
            }
        } else {
            uint32_t cap = (uint32_t)st->count.lo;
            mm_corr_ring_add(l.ring, cap, h->ts, h->g->last_ns - co->timespan_ns);
            int64_t oldest = mm_corr_ring_oldest(l.ring, cap);
            if (l.ring->n >= cap && (l.start[i] == CORR_TS_NONE || oldest > l.start[i])) {
                l.start[i] = oldest;
            }
        }
    } else {
        if (l.start[p] == CORR_TS_NONE || l.start[p] <= lo || h->ts < l.start[p]) {
            return 0; /* no chain under way that this event can extend */
        }
        if (l.cnt[i] < UINT32_MAX) {
            l.cnt[i]++;
        }
        if (l.cnt[i] >= st->count.lo && (l.start[i] == CORR_TS_NONE || l.start[p] > l.start[i])) {
            l.start[i] = l.start[p];
        }
    }
    if (l.start[i] == CORR_TS_NONE || l.start[i] <= lo) {
        return 0;
    }
    uint64_t ordinal = 0;
    for (size_t k = 0; k <= i; k++) {
        ordinal += !co->steps[k].forbid;
    }
    return ordinal >= co->cond.lo && ordinal <= co->cond.hi;
}

const struct corr_kind mm_corr_kind_ordered = {o_kd_size, o_init, o_feed, 0};
