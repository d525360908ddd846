/*
 * corr_newvalue.c - mimamori `new_value`: the first time a value of `field`
 * is seen in a group (user.name logging in from a new source.ip or country;
 * an internal host talking to a destination.port it never used).
 *
 * State: per group a set of value hashes (ASCII case-insensitive) with the
 * time each was last seen, at most max-values (default 1024; the least
 * recently seen value is forgotten first, so a forgotten value may alert
 * again).  With `timespan`, values not seen for that long are forgotten, and
 * so are whole groups.  With `learning: 7d`, the first 7 days after the
 * rule's first event (event time, persisted) only learn.  Unlike the window
 * kinds, an alert does not clear the set: it is the memory.
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
    if (h->t->meta_first_ns == 0) {
        h->t->meta_first_ns = h->ts;
        h->t->meta_dirty = 1;
    }
    if (co->timespan_ns > 0) {
        mm_corr_vset_expire(&h->g->vs, h->g->last_ns - co->timespan_ns);
    }
    int isnew = mm_corr_vset_touch(h->ce, &h->g->vs, mm_corr_value_hash(v.p, v.n), h->ts,
                                   (uint32_t)co->max_values);
    if (isnew <= 0) {
        return 0;
    }
    if (co->learning_ns > 0 && h->ts - h->t->meta_first_ns < co->learning_ns) {
        return 0;
    }
    return 1;
}

const struct corr_kind mm_corr_kind_newvalue = {kd_size, init, feed, 1};
