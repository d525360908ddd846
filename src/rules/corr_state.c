/*
 * corr_state.c - the correlation engine: tables of groups per correlation
 * rule, evidence, value sets, bounds and eviction, the timer, persistence
 * encoding, and the feed that turns base-rule matches into correlation
 * alerts.  The kinds (corr_count.c ...) only keep their window state.
 *
 * Per event the cost is: for each matched rule, for each correlation step
 * that uses it, build the group key into a scratch buffer, one hash lookup,
 * the kind's update.  Rules no correlation uses cost one branch.
 *
 * Time: windows are on event time (ev->ts_ns).  An event older than its
 * group's newest event minus the tolerance (60 s) is ignored and counted as
 * late; within the tolerance it is placed in order.  A fired correlation
 * forgets its window (the next alert needs the condition to hold again);
 * the alerter's suppress merges repeats into one incident.
 *
 * Persistence: each group is one record (rule id, key, blob).  Blob layout,
 * version 1, host byte order:
 *   u8 version, u8 type, u8 fired, u8 0, u64 shape,
 *   i64 first_ns, i64 last_ns, i64 seen_ns, u64 nevents,
 *   u8 nlines, then nlines x (u32 len, bytes) in order (first lines, then latest),
 *   u32 kd_size, kd bytes, u32 nvalues, nvalues x (u64 hash, i64 ts).
 * A rule's own record (key = one byte 0xff) holds its learning start.
 */
#include "corr_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define META_KEY 0xffu
#define BLOB_VERSION 1u

static const struct corr_kind *const kinds[] = {
    [CORR_EVENT_COUNT] = &mm_corr_kind_count, [CORR_VALUE_COUNT] = &mm_corr_kind_distinct,
    [CORR_TEMPORAL] = &mm_corr_kind_temporal, [CORR_TEMPORAL_ORDERED] = &mm_corr_kind_ordered,
    [CORR_ABSENCE] = &mm_corr_kind_absence,   [CORR_NEW_VALUE] = &mm_corr_kind_newvalue,
};

const struct corr_kind *mm_corr_kind(enum corr_type t)
{
    return kinds[t];
}

size_t mm_ruleset_corr_count(const struct mm_ruleset *rs)
{
    return rs->ncorrs;
}

const struct mm_rule *mm_ruleset_corr(const struct mm_ruleset *rs, size_t i)
{
    return i < rs->ncorrs ? rs->corrs[i] : NULL;
}

int mm_rule_alerts(const struct mm_rule *r)
{
    return !r->silent;
}

/* ---- hashing, value sets, rings ---- */

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ULL;
    }
    return h;
}

static uint64_t fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

uint64_t mm_corr_value_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        c = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        h = (h ^ c) * 1099511628211ULL;
    }
    h = fmix(h);
    return h != 0 ? h : 1;
}

static void vset_put(struct vset *vs, uint64_t h, int64_t ts)
{
    uint32_t m = vs->cap - 1;
    for (uint32_t i = (uint32_t)h & m;; i = (i + 1) & m) {
        if (vs->s[i].h == 0) {
            vs->s[i].h = h;
            vs->s[i].ts = ts;
            vs->n++;
            return;
        }
    }
}

static void vset_del_at(struct vset *vs, uint32_t i)
{
    uint32_t m = vs->cap - 1;
    vs->s[i].h = 0;
    vs->n--;
    /* backward shift: move later members of the cluster into the hole when allowed */
    for (uint32_t j = (i + 1) & m; vs->s[j].h != 0; j = (j + 1) & m) {
        uint32_t home = (uint32_t)vs->s[j].h & m;
        int movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            vs->s[i] = vs->s[j];
            vs->s[j].h = 0;
            i = j;
        }
    }
}

int mm_corr_vset_touch(struct mm_corr *ce, struct vset *vs, uint64_t h, int64_t ts, uint32_t cap)
{
    if (vs->s != NULL) {
        uint32_t m = vs->cap - 1;
        for (uint32_t i = (uint32_t)h & m; vs->s[i].h != 0; i = (i + 1) & m) {
            if (vs->s[i].h == h) {
                if (ts > vs->s[i].ts) {
                    vs->s[i].ts = ts;
                }
                return 0;
            }
        }
    }
    if (vs->n >= cap && vs->n > 0) {
        uint32_t old = 0;
        int64_t ots = INT64_MAX;
        for (uint32_t i = 0; i < vs->cap; i++) {
            if (vs->s[i].h != 0 && vs->s[i].ts < ots) {
                ots = vs->s[i].ts;
                old = i;
            }
        }
        vset_del_at(vs, old);
    }
    /* load factor at most 1/2; capacity grows by doubling up to what cap needs */
    if (vs->s == NULL || (vs->n + 1) * 2 > vs->cap) {
        uint32_t ncap = vs->cap ? vs->cap * 2 : 8;
        struct vslot *ns = calloc(ncap, sizeof(*ns));
        if (ns == NULL) {
            return -1;
        }
        struct vset old = *vs;
        vs->s = ns;
        vs->cap = ncap;
        vs->n = 0;
        for (uint32_t i = 0; i < old.cap; i++) {
            if (old.s[i].h != 0) {
                vset_put(vs, old.s[i].h, old.s[i].ts);
            }
        }
        free(old.s);
        ce->st.bytes += (uint64_t)(ncap - old.cap) * sizeof(*ns);
    }
    vset_put(vs, h, ts);
    return 1;
}

void mm_corr_vset_expire(struct vset *vs, int64_t cutoff)
{
    for (uint32_t i = 0; vs->s != NULL && i < vs->cap;) {
        if (vs->s[i].h != 0 && vs->s[i].ts <= cutoff) {
            vset_del_at(vs, i); /* a later member may have moved into i: look again */
        } else {
            i++;
        }
    }
}

void mm_corr_vset_clear(struct vset *vs)
{
    if (vs->s != NULL) {
        memset(vs->s, 0, vs->cap * sizeof(*vs->s));
    }
    vs->n = 0;
}

size_t mm_corr_ring_size(uint64_t cap)
{
    return sizeof(struct tsring) + (size_t)cap * sizeof(int64_t);
}

void mm_corr_ring_add(struct tsring *r, uint32_t cap, int64_t t, int64_t cutoff)
{
    /* drop what left the window */
    while (r->n > 0 && r->ts[r->head] <= cutoff) {
        r->head = (r->head + 1) % cap;
        r->n--;
    }
    if (t <= cutoff) {
        return;
    }
    if (r->n == cap) {
        if (t < r->ts[r->head]) {
            return; /* older than every kept time of a full ring */
        }
        r->head = (r->head + 1) % cap;
        r->n--;
    }
    /* insert in order from the newest end (late events move a few slots) */
    uint32_t i = r->n;
    while (i > 0) {
        uint32_t prev = (r->head + i - 1) % cap;
        if (r->ts[prev] <= t) {
            break;
        }
        r->ts[(r->head + i) % cap] = r->ts[prev];
        i--;
    }
    r->ts[(r->head + i) % cap] = t;
    r->n++;
}

int64_t mm_corr_ring_oldest(const struct tsring *r, uint32_t cap)
{
    (void)cap;
    return r->n > 0 ? r->ts[r->head] : CORR_TS_NONE;
}

/* ---- evidence ---- */

/*
 * Evidence lines are shared: one event feeding several correlations (a
 * blocked connection counts for "repeatedly blocked", "many destinations",
 * "scanning") is one copy with a reference count, not one per group.  A
 * cline's p points at a shared line's text; cap is its charge in st.bytes.
 * One thread owns the engine, so the count needs no atomics.
 */
struct sline {
    uint32_t refs;
    char p[];
};

/* The line of the event being fed (mm_corr_feed), shared by the groups it enters. */
static _Thread_local struct sline *feed_line;

static struct sline *sline_of(char *p)
{
    return (struct sline *)(p - offsetof(struct sline, p));
}

static struct sline *sline_new(const char *p, size_t n)
{
    struct sline *s = malloc(sizeof(*s) + n);
    if (s != NULL) {
        s->refs = 1;
        memcpy(s->p, p, n);
    }
    return s;
}

static void sline_unref(struct sline *s)
{
    if (s != NULL && --s->refs == 0) {
        free(s);
    }
}

static void line_drop(struct mm_corr *ce, struct cline *l)
{
    if (l->p != NULL) {
        ce->st.bytes -= l->cap;
        sline_unref(sline_of(l->p));
    }
    l->p = NULL;
    l->n = l->cap = 0;
}

/* l takes a reference to s (n bytes of text). */
static void line_set(struct mm_corr *ce, struct cline *l, struct sline *s, size_t n)
{
    line_drop(ce, l);
    if (s == NULL) {
        return; /* out of memory: the group stays, this line is lost */
    }
    s->refs++;
    l->p = s->p;
    l->n = (uint32_t)n;
    l->cap = (uint32_t)(sizeof(*s) + n);
    ce->st.bytes += l->cap;
}

/* Forget every line (a window that fired or restarted). */
static void evidence_clear(struct mm_corr *ce, struct cgroup *g)
{
    for (size_t i = 0; i < CORR_NEV; i++) {
        line_drop(ce, &g->ev[i]);
    }
    g->nfirst = g->nlast = g->lastpos = 0;
}

static void evidence_add(struct mm_corr *ce, struct cgroup *g, struct sline *s, size_t n)
{
    if (g->nfirst < CORR_EV_FIRST) {
        line_set(ce, &g->ev[g->nfirst++], s, n);
        return;
    }
    line_set(ce, &g->ev[CORR_EV_FIRST + g->lastpos], s, n);
    g->lastpos = (uint8_t)((g->lastpos + 1) % CORR_EV_LAST);
    if (g->nlast < CORR_EV_LAST) {
        g->nlast++;
    }
}

/* A line of its own (restore): the group holds the only reference. */
static void evidence_add_copy(struct mm_corr *ce, struct cgroup *g, const char *p, size_t n)
{
    struct sline *s = sline_new(p, n);
    evidence_add(ce, g, s, n);
    sline_unref(s);
}

/* The event's line, made once per mm_corr_feed and shared. */
static void evidence_add_event(struct mm_corr *ce, struct cgroup *g, const struct mm_event *ev)
{
    size_t n = ev->raw != NULL ? ev->rawlen : 0;
    n = n < CORR_EV_LINE ? n : CORR_EV_LINE;
    if (feed_line == NULL) {
        feed_line = sline_new(ev->raw != NULL ? ev->raw : "", n);
    }
    evidence_add(ce, g, feed_line, n);
}

/* ---- groups and tables ---- */

static void group_free(struct mm_corr *ce, struct ctable *t, struct cgroup *g)
{
    evidence_clear(ce, g);
    ce->st.bytes -= (uint64_t)g->vs.cap * sizeof(struct vslot);
    ce->st.bytes -= sizeof(*g) + g->klen + t->kd_size;
    free(g->vs.s);
    free(g);
}

static void lru_unlink(struct ctable *t, struct cgroup *g)
{
    if (g->older != NULL) {
        g->older->newer = g->newer;
    } else {
        t->oldest = g->newer;
    }
    if (g->newer != NULL) {
        g->newer->older = g->older;
    } else {
        t->newest = g->older;
    }
    g->older = g->newer = NULL;
}

static void lru_push(struct ctable *t, struct cgroup *g)
{
    g->older = t->newest;
    g->newer = NULL;
    if (t->newest != NULL) {
        t->newest->newer = g;
    } else {
        t->oldest = g;
    }
    t->newest = g;
}

static void remember_del(struct mm_corr *ce, struct ctable *t, struct cgroup *g)
{
    if (!g->saved || ce->full) {
        return;
    }
    if (ce->ndels == CORR_MAX_DELS) {
        ce->full = 1; /* too many to list: the next save replaces everything */
        return;
    }
    struct cdel *d = &ce->dels[ce->ndels];
    d->rule_id = strdup(t->rule_id);
    d->key = malloc(g->klen ? g->klen : 1);
    if (d->rule_id == NULL || d->key == NULL) {
        free(d->rule_id);
        free(d->key);
        ce->full = 1;
        return;
    }
    memcpy(d->key, g->key, g->klen);
    d->klen = g->klen;
    ce->ndels++;
}

/* Take g out of t and free it. */
static void group_remove(struct mm_corr *ce, struct ctable *t, struct cgroup *g)
{
    struct cgroup **pp = &t->buckets[g->hash & (t->nbuckets - 1)];
    while (*pp != NULL && *pp != g) {
        pp = &(*pp)->hnext;
    }
    if (*pp == g) {
        *pp = g->hnext;
    }
    lru_unlink(t, g);
    t->n--;
    ce->st.groups--;
    remember_del(ce, t, g);
    group_free(ce, t, g);
}

static void table_free(struct mm_corr *ce, struct ctable *t)
{
    if (t == NULL) {
        return;
    }
    struct cgroup *g = t->oldest;
    while (g != NULL) {
        struct cgroup *n = g->newer;
        group_free(ce, t, g);
        ce->st.groups--;
        g = n;
    }
    free(t->buckets);
    free(t->rule_id);
    free(t);
}

static struct ctable *table_new(const struct mm_rule *r)
{
    struct ctable *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    const struct corr *co = r->corr;
    t->rule_id = strdup(r->id);
    t->shape = co->shape;
    t->rule = r;
    t->kd_size = kinds[co->type]->kd_size(co);
    size_t nb = 16;
    while (nb < co->max_groups && nb < (1u << 20)) {
        nb *= 2;
    }
    t->nbuckets = nb;
    t->buckets = calloc(nb, sizeof(*t->buckets));
    if (t->rule_id == NULL || t->buckets == NULL) {
        free(t->rule_id);
        free(t->buckets);
        free(t);
        return NULL;
    }
    return t;
}

static uint64_t key_hash(const struct mm_corr *ce, const unsigned char *k, size_t n)
{
    return fmix(fnv(1469598103934665603ULL ^ ce->seed, k, n));
}

static struct cgroup *lookup(struct ctable *t, uint64_t h, const unsigned char *k, size_t n)
{
    for (struct cgroup *g = t->buckets[h & (t->nbuckets - 1)]; g != NULL; g = g->hnext) {
        if (g->hash == h && g->klen == n && memcmp(g->key, k, n) == 0) {
            return g;
        }
    }
    return NULL;
}

/* A new group for key k (evicting the least recently updated one at the cap). */
static struct cgroup *group_new(struct mm_corr *ce, struct ctable *t, uint64_t h,
                                const unsigned char *k, size_t n)
{
    const struct corr *co = t->rule->corr;
    while (t->n >= co->max_groups && t->oldest != NULL) {
        group_remove(ce, t, t->oldest);
        ce->st.evicted++;
    }
    size_t kd_off = (sizeof(struct cgroup) + n + 7) & ~(size_t)7;
    struct cgroup *g = calloc(1, kd_off + t->kd_size);
    if (g == NULL) {
        return NULL;
    }
    g->hash = h;
    g->klen = (uint32_t)n;
    memcpy(g->key, k, n);
    g->kd = (unsigned char *)g + kd_off;
    g->first_ns = CORR_TS_NONE;
    g->last_ns = CORR_TS_NONE;
    g->seen_ns = CORR_TS_NONE;
    kinds[co->type]->init(co, g);
    struct cgroup **b = &t->buckets[h & (t->nbuckets - 1)];
    g->hnext = *b;
    *b = g;
    lru_push(t, g);
    t->n++;
    ce->st.groups++;
    ce->st.bytes += sizeof(*g) + n + t->kd_size;
    return g;
}

/* The group's evidence in order: first lines, then the latest oldest first. */
static size_t evidence_get(const struct cgroup *g, struct mm_str *out)
{
    size_t k = 0;
    for (size_t i = 0; i < g->nfirst; i++) {
        out[k].p = g->ev[i].p;
        out[k++].n = g->ev[i].n;
    }
    size_t start = g->nlast < CORR_EV_LAST ? 0 : g->lastpos;
    for (size_t i = 0; i < g->nlast; i++) {
        const struct cline *l = &g->ev[CORR_EV_FIRST + (start + i) % CORR_EV_LAST];
        out[k].p = l->p;
        out[k++].n = l->n;
    }
    return k;
}

/* Split a key back into group values (they point into the key). */
static void key_values(const struct cgroup *g, size_t ngroup, struct mm_str *vals)
{
    size_t off = 0;
    for (size_t i = 0; i < ngroup; i++) {
        uint32_t n = 0;
        if (off + sizeof(n) <= g->klen) {
            memcpy(&n, g->key + off, sizeof(n));
            off += sizeof(n);
        }
        if (off + n > g->klen) {
            n = 0;
        }
        vals[i].p = (const char *)g->key + off;
        vals[i].n = n;
        off += n;
    }
}

/* ---- engine ---- */

enum mm_err mm_corr_new(struct mm_corr **out, int live)
{
    *out = NULL;
    struct mm_corr *ce = calloc(1, sizeof(*ce));
    if (ce == NULL) {
        return MM_ENOMEM;
    }
    ce->live = live;
    ce->tolerance_ns = CORR_TOLERANCE_NS;
    ce->hw_ns = CORR_TS_NONE;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ce->seed = fmix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uintptr_t)ce);
    ce->dels = calloc(CORR_MAX_DELS, sizeof(*ce->dels));
    ce->sev = malloc(sizeof(*ce->sev));
    ce->kcap = 256;
    ce->kbuf = malloc(ce->kcap);
    if (ce->dels == NULL || ce->sev == NULL || ce->kbuf == NULL) {
        mm_corr_free(ce);
        return MM_ENOMEM;
    }
    *out = ce;
    return MM_OK;
}

static void dels_clear(struct mm_corr *ce)
{
    for (size_t i = 0; i < ce->ndels; i++) {
        free(ce->dels[i].rule_id);
        free(ce->dels[i].key);
    }
    ce->ndels = 0;
}

void mm_corr_free(struct mm_corr *ce)
{
    if (ce == NULL) {
        return;
    }
    for (size_t i = 0; i < ce->ntabs; i++) {
        table_free(ce, ce->tabs[i]);
    }
    free(ce->tabs);
    if (ce->dels != NULL) {
        dels_clear(ce);
    }
    free(ce->dels);
    free(ce->sev);
    free(ce->kbuf);
    mm_ruleset_unref(ce->rs);
    free(ce);
}

enum mm_err mm_corr_bind(struct mm_corr *ce, struct mm_ruleset *rs)
{
    if (rs == ce->rs) {
        return MM_OK;
    }
    size_t n = rs != NULL ? rs->ncorrs : 0;
    struct ctable **tabs = calloc(n ? n : 1, sizeof(*tabs));
    if (tabs == NULL) {
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const struct mm_rule *r = rs->corrs[i];
        for (size_t j = 0; j < ce->ntabs; j++) {
            struct ctable *o = ce->tabs[j];
            if (o != NULL && o->shape == r->corr->shape && strcmp(o->rule_id, r->id) == 0) {
                tabs[i] = o;
                ce->tabs[j] = NULL;
                o->rule = r;
                break;
            }
        }
        if (tabs[i] == NULL && (tabs[i] = table_new(r)) == NULL) {
            for (size_t j = 0; j < i; j++) {
                table_free(ce, tabs[j]); /* state lost, but consistently */
            }
            free(tabs);
            return MM_ENOMEM;
        }
    }
    for (size_t j = 0; j < ce->ntabs; j++) {
        if (ce->tabs[j] != NULL) {
            ce->full = 1; /* a rule went away or changed: its saved rows must go */
            table_free(ce, ce->tabs[j]);
        }
    }
    free(ce->tabs);
    ce->tabs = tabs;
    ce->ntabs = n;
    if (rs != NULL) {
        mm_ruleset_ref(rs);
    }
    mm_ruleset_unref(ce->rs);
    ce->rs = rs;
    return MM_OK;
}

void mm_corr_get_stats(const struct mm_corr *ce, struct mm_corr_stats *st)
{
    *st = ce->st;
}

/* Build the group key of step `step` of co from ev into ce->kbuf; its length, or -1. */
static long build_key(struct mm_corr *ce, const struct corr *co, size_t step,
                      const struct mm_event *ev)
{
    const struct corr_step *st = &co->steps[step];
    size_t len = 0;
    for (size_t i = 0; i < co->ngroup_refs; i++) {
        struct mm_str v = mm_rules_fref_get(&st->group_refs[i], ev);
        uint32_t n = v.p != NULL ? v.n : 0;
        if (len + sizeof(n) + n > ce->kcap) {
            size_t cap = (len + sizeof(n) + n) * 2;
            unsigned char *nb = realloc(ce->kbuf, cap);
            if (nb == NULL) {
                return -1;
            }
            ce->kbuf = nb;
            ce->kcap = cap;
        }
        memcpy(ce->kbuf + len, &n, sizeof(n));
        len += sizeof(n);
        if (n > 0) {
            memcpy(ce->kbuf + len, v.p, n);
        }
        len += n;
    }
    return (long)len;
}

static void forget_window(struct mm_corr *ce, struct ctable *t, struct cgroup *g)
{
    const struct corr *co = t->rule->corr;
    const struct corr_kind *k = kinds[co->type];
    evidence_clear(ce, g);
    g->nevents = 0;
    g->first_ns = CORR_TS_NONE;
    if (!k->keep_values) {
        mm_corr_vset_clear(&g->vs);
        memset(g->kd, 0, t->kd_size);
        k->init(co, g);
    }
}

static void raise_alert(struct mm_corr *ce, struct ctable *t, struct cgroup *g,
                        const struct mm_event *ev, struct mm_alerter *al, mm_corr_emit_fn emit,
                        void *arg)
{
    const struct mm_rule *r = t->rule;
    if (r->silent || al == NULL || emit == NULL) {
        return;
    }
    struct mm_str vals[64];
    struct mm_str lines[CORR_NEV];
    size_t ng = r->ngroup < 64 ? r->ngroup : 64;
    key_values(g, ng, vals);
    size_t nl = evidence_get(g, lines);
    int64_t first = g->first_ns != CORR_TS_NONE ? g->first_ns : ev->ts_ns;
    uint64_t count = g->nevents ? g->nevents : 1;
    if (r->corr->type == CORR_ABSENCE) {
        first = g->last_ns; /* silent since the last event; one silence counts once */
        count = 1;
    }
    struct mm_alert *a = mm_alerter_fire_corr(al, r, ev, vals, lines, nl, count, first);
    if (a != NULL) {
        emit(arg, a);
    }
}

static void feed_use(struct mm_corr *ce, const struct mm_rule *cr, size_t step,
                     const struct mm_event *ev, struct mm_alerter *al, mm_corr_emit_fn emit,
                     void *arg, int depth);

/* cr fired for ev: feed the correlations that chain on it. */
static void chain(struct mm_corr *ce, const struct mm_rule *cr, const struct mm_event *ev,
                  struct mm_alerter *al, mm_corr_emit_fn emit, void *arg, int depth)
{
    for (size_t u = cr->nuses; u-- > 0;) {
        feed_use(ce, cr->uses[u].corr, cr->uses[u].step, ev, al, emit, arg, depth + 1);
    }
}

static void feed_use(struct mm_corr *ce, const struct mm_rule *cr, size_t step,
                     const struct mm_event *ev, struct mm_alerter *al, mm_corr_emit_fn emit,
                     void *arg, int depth)
{
    const struct corr *co = cr->corr;
    struct ctable *t = co->index < ce->ntabs ? ce->tabs[co->index] : NULL;
    if (t == NULL || depth > 16) {
        return;
    }
    long klen = build_key(ce, co, step, ev);
    if (klen < 0) {
        return;
    }
    uint64_t h = key_hash(ce, ce->kbuf, (size_t)klen);
    struct cgroup *g = lookup(t, h, ce->kbuf, (size_t)klen);
    const struct corr_step *st = &co->steps[step];
    int64_t ts = ev->ts_ns;
    if (g == NULL) {
        if (st->forbid) {
            return; /* nothing under way to abandon */
        }
        g = group_new(ce, t, h, ce->kbuf, (size_t)klen);
        if (g == NULL) {
            return;
        }
    } else if (g->last_ns != CORR_TS_NONE && ts < g->last_ns - ce->tolerance_ns) {
        ce->st.late++;
        return;
    }
    if (ts > ce->hw_ns) {
        ce->hw_ns = ts;
    }
    if (g->last_ns == CORR_TS_NONE || ts > g->last_ns) {
        g->last_ns = ts;
    }
    if (kinds[co->type]->keep_values || (co->type == CORR_ABSENCE && g->fired)) {
        /* new_value: the evidence is the event with the new value; absence: heard again */
        evidence_clear(ce, g);
        g->nevents = 0;
        g->first_ns = CORR_TS_NONE;
    }
    if (!st->forbid) {
        if (g->first_ns == CORR_TS_NONE || ts < g->first_ns) {
            g->first_ns = ts;
        }
        g->nevents++;
        evidence_add_event(ce, g, ev);
    }
    g->dirty = 1;
    if (t->newest != g) {
        lru_unlink(t, g);
        lru_push(t, g);
    }
    struct corr_hit hit = {ce, t, co, g, step, ts, ev};
    if (!kinds[co->type]->feed(&hit)) {
        return;
    }
    ce->st.fired++;
    raise_alert(ce, t, g, ev, al, emit, arg);
    chain(ce, cr, ev, al, emit, arg, depth);
    forget_window(ce, t, g);
}

void mm_corr_feed(struct mm_corr *ce, struct mm_ruleset *rs, const struct mm_event *ev,
                  const struct mm_rule *const *hits, size_t nhits, struct mm_alerter *al,
                  mm_corr_emit_fn emit, void *arg)
{
    if (rs != ce->rs && mm_corr_bind(ce, rs) != MM_OK) {
        return;
    }
    for (size_t i = 0; i < nhits; i++) {
        const struct mm_rule *r = hits[i];
        /* descending steps: one event must not complete two steps of one sequence */
        for (size_t u = r->nuses; u-- > 0;) {
            feed_use(ce, r->uses[u].corr, r->uses[u].step, ev, al, emit, arg, 0);
        }
    }
    sline_unref(feed_line); /* the groups that took the line keep it */
    feed_line = NULL;
}

/* An absence alert has no event of its own: make one from the group's values. */
static const struct mm_event *timer_event(struct mm_corr *ce, const struct ctable *t,
                                          const struct cgroup *g, int64_t now)
{
    struct mm_event *ev = ce->sev;
    const struct mm_rule *r = t->rule;
    struct mm_str lines[CORR_NEV];
    size_t nl = evidence_get(g, lines);
    const char *raw = nl > 0 ? lines[nl - 1].p : "";
    mm_event_reset(ev, raw != NULL ? raw : "", nl > 0 ? lines[nl - 1].n : 0, now);
    ev->ts_ns = now;
    ev->parser = "mimamori";
    struct mm_str vals[64];
    size_t ng = r->ngroup < 64 ? r->ngroup : 64;
    key_values(g, ng, vals);
    for (size_t i = 0; i < ng; i++) {
        const char *name = r->group_by[i];
        enum mm_field id = mm_field_lookup(name, strlen(name));
        if (id != MM_F__COUNT) {
            mm_event_set(ev, id, vals[i].p, vals[i].n);
        } else {
            (void)mm_event_add(ev, NULL, name, strlen(name), vals[i].p, vals[i].n);
        }
    }
    return ev;
}

void mm_corr_tick(struct mm_corr *ce, int64_t now_ns, struct mm_alerter *al, mm_corr_emit_fn emit,
                  void *arg)
{
    int64_t clock = ce->live ? ce->hw_ns : (now_ns > ce->hw_ns ? now_ns : ce->hw_ns);
    for (size_t i = 0; i < ce->ntabs; i++) {
        struct ctable *t = ce->tabs[i];
        const struct corr *co = t->rule->corr;
        if (co->type == CORR_ABSENCE) {
            for (struct cgroup *g = t->oldest; g != NULL; g = g->newer) {
                if (g->fired || g->seen_ns == CORR_TS_NONE ||
                    now_ns - g->seen_ns <= co->timespan_ns) {
                    continue;
                }
                g->fired = 1;
                g->dirty = 1;
                ce->st.fired++;
                const struct mm_event *ev = timer_event(ce, t, g, now_ns);
                raise_alert(ce, t, g, ev, al, emit, arg);
                /* evidence stays: the last lines before the silence */
                g->nevents = 0;
            }
            continue;
        }
        if (clock == CORR_TS_NONE || co->timespan_ns == 0) {
            continue; /* new_value without a forget time keeps everything (max-groups bounds it) */
        }
        /* windows that passed: the LRU's old end is the least recently updated */
        while (t->oldest != NULL &&
               t->oldest->last_ns <= clock - co->timespan_ns - ce->tolerance_ns) {
            group_remove(ce, t, t->oldest);
            ce->st.expired++;
        }
    }
}

/* ---- persistence ---- */

static enum mm_err put(struct mm_buf *b, const void *p, size_t n)
{
    return mm_buf_append(b, p, n);
}

static enum mm_err encode_group(const struct ctable *t, const struct cgroup *g, struct mm_buf *b)
{
    const struct corr *co = t->rule->corr;
    unsigned char hd[4] = {BLOB_VERSION, (unsigned char)co->type, g->fired, 0};
    enum mm_err rc = put(b, hd, sizeof(hd));
    int64_t tv[3] = {g->first_ns, g->last_ns, g->seen_ns};
    rc = rc == MM_OK ? put(b, &t->shape, sizeof(t->shape)) : rc;
    rc = rc == MM_OK ? put(b, tv, sizeof(tv)) : rc;
    rc = rc == MM_OK ? put(b, &g->nevents, sizeof(g->nevents)) : rc;
    struct mm_str lines[CORR_NEV];
    unsigned char nl = (unsigned char)evidence_get(g, lines);
    rc = rc == MM_OK ? put(b, &nl, 1) : rc;
    for (size_t i = 0; i < nl && rc == MM_OK; i++) {
        uint32_t n = lines[i].p != NULL ? lines[i].n : 0;
        rc = put(b, &n, sizeof(n));
        rc = rc == MM_OK && n > 0 ? put(b, lines[i].p, n) : rc;
    }
    uint32_t kd = (uint32_t)t->kd_size;
    rc = rc == MM_OK ? put(b, &kd, sizeof(kd)) : rc;
    rc = rc == MM_OK && kd > 0 ? put(b, g->kd, kd) : rc;
    uint32_t nv = g->vs.n;
    rc = rc == MM_OK ? put(b, &nv, sizeof(nv)) : rc;
    for (uint32_t i = 0; g->vs.s != NULL && i < g->vs.cap && rc == MM_OK; i++) {
        if (g->vs.s[i].h != 0) {
            rc = put(b, &g->vs.s[i], sizeof(g->vs.s[i]));
        }
    }
    return rc;
}

struct rd {
    const unsigned char *p;
    size_t n, off;
    int bad;
};

static void get(struct rd *r, void *dst, size_t n)
{
    if (r->bad || r->off + n > r->n) {
        r->bad = 1;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, r->p + r->off, n);
    r->off += n;
}

static enum mm_err decode_group(struct mm_corr *ce, struct ctable *t, struct cgroup *g,
                                const void *blob, size_t blen)
{
    const struct corr *co = t->rule->corr;
    struct rd r = {blob, blen, 0, 0};
    unsigned char hd[4];
    uint64_t shape;
    int64_t tv[3];
    get(&r, hd, sizeof(hd));
    get(&r, &shape, sizeof(shape));
    if (r.bad || hd[0] != BLOB_VERSION || hd[1] != (unsigned char)co->type || shape != t->shape) {
        return MM_EPARSE;
    }
    get(&r, tv, sizeof(tv));
    get(&r, &g->nevents, sizeof(g->nevents));
    g->fired = hd[2];
    g->first_ns = tv[0];
    g->last_ns = tv[1];
    g->seen_ns = tv[2];
    unsigned char nl = 0;
    get(&r, &nl, 1);
    for (size_t i = 0; i < nl && !r.bad; i++) {
        uint32_t n = 0;
        get(&r, &n, sizeof(n));
        if (r.bad || n > CORR_EV_LINE || r.off + n > r.n) {
            r.bad = 1;
            break;
        }
        evidence_add_copy(ce, g, (const char *)r.p + r.off, n);
        r.off += n;
    }
    uint32_t kd = 0;
    get(&r, &kd, sizeof(kd));
    if (r.bad || kd != t->kd_size) {
        return MM_EPARSE;
    }
    get(&r, g->kd, kd);
    uint32_t nv = 0;
    get(&r, &nv, sizeof(nv));
    uint32_t cap = co->type == CORR_NEW_VALUE ? (uint32_t)co->max_values : (uint32_t)co->cond.lo;
    for (uint32_t i = 0; i < nv && !r.bad; i++) {
        struct vslot v;
        get(&r, &v, sizeof(v));
        if (!r.bad && v.h != 0 && mm_corr_vset_touch(ce, &g->vs, v.h, v.ts, cap ? cap : 1) < 0) {
            return MM_ENOMEM;
        }
    }
    return r.bad || r.off != r.n ? MM_EPARSE : MM_OK;
}

static struct ctable *table_by_id(struct mm_corr *ce, const char *id)
{
    for (size_t i = 0; i < ce->ntabs; i++) {
        if (strcmp(ce->tabs[i]->rule_id, id) == 0) {
            return ce->tabs[i];
        }
    }
    return NULL;
}

enum mm_err mm_corr_restore(struct mm_corr *ce, const struct mm_corr_record *rec, int64_t now_ns)
{
    struct ctable *t = rec->rule_id != NULL ? table_by_id(ce, rec->rule_id) : NULL;
    ce->full = 1; /* rows that are not restored must leave the database at the next save */
    if (t == NULL) {
        return MM_ENOTFOUND;
    }
    if (rec->klen == 1 && ((const unsigned char *)rec->key)[0] == META_KEY) {
        struct rd r = {rec->blob, rec->blen, 0, 0};
        uint64_t shape;
        int64_t first;
        get(&r, &shape, sizeof(shape));
        get(&r, &first, sizeof(first));
        if (r.bad || shape != t->shape) {
            return MM_EPARSE;
        }
        t->meta_first_ns = first;
        return MM_OK;
    }
    uint64_t h = key_hash(ce, rec->key, rec->klen);
    if (lookup(t, h, rec->key, rec->klen) != NULL) {
        return MM_EINVAL;
    }
    struct cgroup *g = group_new(ce, t, h, rec->key, rec->klen);
    if (g == NULL) {
        return MM_ENOMEM;
    }
    enum mm_err rc = decode_group(ce, t, g, rec->blob, rec->blen);
    if (rc != MM_OK) {
        g->saved = 0;
        group_remove(ce, t, g);
        return rc;
    }
    if (ce->live && t->rule->corr->type == CORR_ABSENCE && g->seen_ns < now_ns) {
        g->seen_ns = now_ns; /* silence is counted from the restart, not across the downtime */
    }
    if (g->last_ns > ce->hw_ns) {
        ce->hw_ns = g->last_ns;
    }
    g->saved = 1;
    return MM_OK;
}

enum mm_err mm_corr_save(struct mm_corr *ce, int full, mm_corr_save_fn fn, void *arg)
{
    struct mm_buf b;
    mm_buf_init(&b, 0);
    enum mm_err rc = MM_OK;
    full = full || ce->full;
    if (full) {
        struct mm_corr_record all = {NULL, NULL, 0, NULL, 0, 0};
        rc = fn(arg, &all);
    } else {
        for (size_t i = 0; i < ce->ndels && rc == MM_OK; i++) {
            struct mm_corr_record del = {
                ce->dels[i].rule_id, ce->dels[i].key, ce->dels[i].klen, NULL, 0, 0};
            rc = fn(arg, &del);
        }
    }
    for (size_t i = 0; i < ce->ntabs && rc == MM_OK; i++) {
        struct ctable *t = ce->tabs[i];
        if (t->meta_first_ns != 0 && (full || t->meta_dirty)) {
            unsigned char key = META_KEY;
            unsigned char blob[16];
            memcpy(blob, &t->shape, 8);
            memcpy(blob + 8, &t->meta_first_ns, 8);
            struct mm_corr_record m = {t->rule_id, &key, 1, blob, sizeof(blob), t->meta_first_ns};
            rc = fn(arg, &m);
            t->meta_dirty = 0;
        }
        for (struct cgroup *g = t->oldest; g != NULL && rc == MM_OK; g = g->newer) {
            if (!full && !g->dirty) {
                continue;
            }
            mm_buf_reset(&b);
            rc = encode_group(t, g, &b);
            if (rc != MM_OK) {
                break;
            }
            struct mm_corr_record rec = {t->rule_id, g->key, g->klen, b.p, b.len, g->last_ns};
            rc = fn(arg, &rec);
            if (rc == MM_OK) {
                g->dirty = 0;
                g->saved = 1;
            }
        }
    }
    mm_buf_free(&b);
    if (rc == MM_OK) {
        dels_clear(ce);
        ce->full = 0;
    } else {
        ce->full = 1; /* what was handed over is incomplete: start over next time */
    }
    return rc;
}
