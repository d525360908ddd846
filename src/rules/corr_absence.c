/*
 * corr_absence.c - mimamori `absence`: a group (a log source, observer.name,
 * host...) that has sent events of the named rules falls silent for longer
 * than `timespan`.
 *
 * An event only records when the group was last heard: its receive time in
 * the daemon (so that a gateway with a wrong clock is still judged by when
 * its lines arrive), its event time in replay.  The timer (mm_corr_tick)
 * raises one alert per silence; the next event re-arms the group.  After a
 * restart the silence is counted from the restart.
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
    struct cgroup *g = h->g;
    int64_t t = h->ce->live ? h->ev->recv_ns : h->ts;
    if (g->seen_ns == CORR_TS_NONE || t > g->seen_ns) {
        g->seen_ns = t;
    }
    g->fired = 0; /* heard (again): the next silence is a new one (evidence was reset) */
    return 0;
}

const struct corr_kind mm_corr_kind_absence = {kd_size, init, feed, 0};
