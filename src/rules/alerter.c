/*
 * alerter.c - from rule matches to alerts, with per-group suppression.
 *
 * The group of a match is the rule id plus the values of the rule's group-by
 * fields (a missing field counts as the empty value); with no group-by the
 * rule has one group.  While a group's window is open (event time of the
 * match < first_seen + suppress), a match updates the group's alert in place
 * (same id, count + 1, last_seen, evidence; "fields" stay those of the event
 * that raised it) and marks it dirty: mm_alerter_flush() hands out one
 * update per dirty incident (mm_alerter_flush_due() at most one per incident
 * per interval, an interval that grows while the incident stays busy, so that
 * many busy incidents are spread over time), so a flood of repeats costs the
 * store one row write per flush, not one per line; after the window, the next match opens
 * a new alert (the old incident's last unflushed state is kept for the next
 * flush, as it is when a dirty group is evicted).  The window is
 * anchored at the first event so that a brute force lasting hours produces
 * one alert per window, not one endless incident.  suppress 0 = every match
 * is a new alert and nothing is kept.
 *
 * The table is bounded by max_groups: when full, the least recently updated
 * group is dropped (counted in evictions); it only means that its next match
 * opens a new alert a little early.  Owned by one thread.
 *
 * Delta mode (mm_alerter_set_delta, the daemon's pipeline): an incident keeps
 * only its scalars and the evidence lines offered since the last flush; its
 * new alert goes out whole, every later version as a delta update that the
 * store writer merges into the stored row.  So an open incident costs a few
 * hundred bytes instead of its fields and ten lines, and a flush moves the
 * pending lines instead of copying the whole alert.  Without it (replay)
 * every flush hands out a full copy.
 *
 * Alert ids are (wall-clock ms << 20) | counter, kept strictly increasing in
 * the process, so ids of different runs do not collide either.
 *
 * Correlation rules come in through mm_alerter_fire_corr(): the group values
 * are given (aliases make them come from different fields per base rule), the
 * evidence is the contributing events' lines, and the count is how many
 * events contributed; a repeat within suppress adds to the same incident.
 */
#include "rules_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_GROUPS 65536
#define FIELDS_JSON_MAX (256u * 1024u)

struct group {
    char *key;          /* binary: rule id, NUL, then (u32 len, bytes) per field (owned) */
    size_t klen;
    uint64_t hash;
    struct mm_alert *alert; /* the incident's current state (owned) */
    struct group *older, *newer; /* LRU list, oldest at al->oldest */
    struct group *hnext;
    struct group *dnext; /* dirty list (valid while dirty) */
    int dirty;           /* the alert changed since the last flush */
    int64_t flushed_ns;  /* mm_alerter_flush_due: when it last went out (0: not yet) */
    int64_t gap_ns;      /* ... and its interval now (0: min_ns) */
};

/* States of incidents that left the table with changes not yet flushed. */
struct pending {
    struct mm_alert *alert;
    struct pending *next;
};

struct mm_alerter {
    struct group **buckets;
    size_t nbuckets;    /* power of two */
    size_t n, max;
    struct group *oldest, *newest;
    struct group *dirty;       /* groups with unflushed updates */
    uint64_t failures;         /* repeats that could not be recorded (out of memory) */
    struct pending *pending;   /* finished incidents with unflushed updates */
    uint64_t evictions;
    int delta; /* updates as deltas (see the top) */
};

static _Atomic uint64_t last_id;

/*
 * Alert ids: wall-clock milliseconds << 20, then 8 bits that differ between
 * processes (so `import` and a daemon starting in the same millisecond do not
 * hand out the same id), then a 12-bit counter; strictly increasing within a
 * process.
 */
static uint64_t process_salt(void)
{
    static _Atomic uint64_t salt; /* 0 = not chosen yet; stored as value + 1 */
    uint64_t s = atomic_load(&salt);
    if (s == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        s = ((((uint64_t)getpid() * 2654435761u) ^ (uint64_t)ts.tv_nsec) & 0xff) + 1;
        uint64_t expected = 0;
        if (!atomic_compare_exchange_strong(&salt, &expected, s)) {
            s = expected;
        }
    }
    return s - 1;
}

static uint64_t next_id(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t base = (((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u) << 20) |
                    (process_salt() << 12);
    uint64_t cur = atomic_load(&last_id);
    for (;;) {
        uint64_t id = base > cur ? base : cur + 1;
        if (atomic_compare_exchange_weak(&last_id, &cur, id)) {
            return id;
        }
    }
}

enum mm_err mm_alerter_new(struct mm_alerter **out, size_t max_groups)
{
    *out = NULL;
    struct mm_alerter *al = calloc(1, sizeof(*al));
    if (al == NULL) {
        return MM_ENOMEM;
    }
    al->max = max_groups ? max_groups : DEFAULT_MAX_GROUPS;
    size_t nb = 16;
    while (nb < al->max && nb < (1u << 20)) {
        nb *= 2;
    }
    al->nbuckets = nb;
    al->buckets = calloc(nb, sizeof(*al->buckets));
    if (al->buckets == NULL) {
        free(al);
        return MM_ENOMEM;
    }
    *out = al;
    return MM_OK;
}

static void group_free(struct group *g)
{
    if (g != NULL) {
        free(g->key);
        mm_alert_free(g->alert);
        free(g);
    }
}

void mm_alerter_free(struct mm_alerter *al)
{
    if (al == NULL) {
        return;
    }
    struct group *g = al->oldest;
    while (g != NULL) {
        struct group *n = g->newer;
        group_free(g);
        g = n;
    }
    while (al->pending != NULL) {
        struct pending *p = al->pending;
        al->pending = p->next;
        mm_alert_free(p->alert);
        free(p);
    }
    free(al->buckets);
    free(al);
}

void mm_alerter_set_delta(struct mm_alerter *al, int on)
{
    al->delta = on != 0;
}

uint64_t mm_alerter_evictions(const struct mm_alerter *al)
{
    return al->evictions;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 31);
}

static void lru_unlink(struct mm_alerter *al, struct group *g)
{
    if (g->older != NULL) {
        g->older->newer = g->newer;
    } else {
        al->oldest = g->newer;
    }
    if (g->newer != NULL) {
        g->newer->older = g->older;
    } else {
        al->newest = g->older;
    }
    g->older = g->newer = NULL;
}

static void lru_push(struct mm_alerter *al, struct group *g)
{
    g->older = al->newest;
    g->newer = NULL;
    if (al->newest != NULL) {
        al->newest->newer = g;
    } else {
        al->oldest = g;
    }
    al->newest = g;
}

static void dirty_unlink(struct mm_alerter *al, struct group *g)
{
    if (!g->dirty) {
        return;
    }
    struct group **pp = &al->dirty;
    while (*pp != NULL && *pp != g) {
        pp = &(*pp)->dnext;
    }
    if (*pp == g) {
        *pp = g->dnext;
    }
    g->dirty = 0;
    g->dnext = NULL;
}

/*
 * g's incident is leaving (window closed, evicted): if it has changes not yet
 * flushed, keep a copy of its final state for the next flush.
 */
static void retire(struct mm_alerter *al, struct group *g)
{
    if (!g->dirty) {
        return;
    }
    dirty_unlink(al, g);
    struct pending *p = malloc(sizeof(*p));
    if (p == NULL) {
        return; /* only the last count update of an incident is lost, never an alert */
    }
    p->alert = g->alert;
    g->alert = NULL;
    p->next = al->pending;
    al->pending = p;
}

static void table_remove(struct mm_alerter *al, struct group *g)
{
    struct group **pp = &al->buckets[g->hash & (al->nbuckets - 1)];
    while (*pp != NULL && *pp != g) {
        pp = &(*pp)->hnext;
    }
    if (*pp == g) {
        *pp = g->hnext;
    }
    lru_unlink(al, g);
    dirty_unlink(al, g);
    al->n--;
}

/* The group of r: vals when given (correlations), else r's group-by fields read from ev. */
static enum mm_err build_key(const struct mm_rule *r, const struct mm_event *ev,
                             const struct mm_str *vals, struct mm_buf *key, struct mm_buf *text,
                             struct mm_buf *json)
{
    enum mm_err rc = mm_buf_append(key, r->id, strlen(r->id) + 1);
    if (rc == MM_OK) {
        rc = mm_buf_putc(json, '{');
    }
    for (size_t i = 0; i < r->ngroup && rc == MM_OK; i++) {
        struct mm_str v = vals != NULL ? vals[i] : mm_rules_fref_get(&r->group_refs[i], ev);
        const char *p = v.p ? v.p : "";
        uint32_t n = v.p ? v.n : 0;
        rc = mm_buf_append(key, &n, sizeof(n));
        if (rc == MM_OK) {
            rc = mm_buf_append(key, p, n);
        }
        if (rc == MM_OK && i > 0) {
            rc = mm_buf_putc(text, ',');
        }
        if (rc == MM_OK) {
            rc = mm_buf_printf(text, "%s=", r->group_by[i]);
        }
        if (rc == MM_OK) {
            rc = mm_buf_append(text, p, n);
        }
        if (rc == MM_OK && i > 0) {
            rc = mm_buf_putc(json, ',');
        }
        if (rc == MM_OK) {
            rc = mm_buf_json_str(json, r->group_by[i], strlen(r->group_by[i]));
        }
        if (rc == MM_OK) {
            rc = mm_buf_putc(json, ':');
        }
        if (rc == MM_OK) {
            rc = mm_buf_json_str(json, p, n);
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_putc(json, '}');
    }
    if (rc == MM_OK) {
        rc = mm_buf_puts(text, ""); /* make sure text.p exists even when empty */
    }
    return rc;
}

/*
 * The buffer's text in an allocation of its own size: JSON escaping reserves
 * six bytes per input byte, and an incident keeps these strings for minutes.
 */
static char *steal_fit(struct mm_buf *b)
{
    size_t len = b->len;
    char *s = mm_buf_steal(b);
    char *fit = s != NULL ? realloc(s, len + 1) : NULL;
    return fit != NULL ? fit : s;
}

static char *fields_json(const struct mm_event *ev)
{
    struct mm_buf b;
    mm_buf_init(&b, FIELDS_JSON_MAX);
    enum mm_err rc = mm_buf_putc(&b, '{');
    if (rc == MM_OK) {
        rc = mm_event_json_fields(ev, &b);
    }
    if (rc == MM_OK) {
        rc = mm_buf_putc(&b, '}');
    }
    if (rc != MM_OK) {
        /* too many fields for the ceiling: an empty object rather than broken JSON */
        mm_buf_reset(&b);
        rc = mm_buf_puts(&b, "{}");
    }
    char *s = rc == MM_OK ? steal_fit(&b) : NULL;
    mm_buf_free(&b);
    return s;
}

/* What a firing adds to an incident: the event's own line, or a correlation's. */
struct contrib {
    const struct mm_str *lines; /* NULL: ev->raw */
    size_t nlines;
    uint64_t count;
    int64_t first_ns;
};

static enum mm_err add_lines(struct mm_alert *a, const struct mm_event *ev, const struct contrib *k)
{
    if (k->lines == NULL) {
        return mm_alert_add_evidence(a, ev->raw ? ev->raw : "", ev->raw ? ev->rawlen : 0);
    }
    for (size_t i = 0; i < k->nlines; i++) {
        enum mm_err rc = mm_alert_add_evidence(a, k->lines[i].p ? k->lines[i].p : "",
                                               k->lines[i].p ? k->lines[i].n : 0);
        if (rc != MM_OK) {
            return rc;
        }
    }
    return MM_OK;
}

static struct mm_alert *alert_new(const struct mm_rule *r, const struct mm_event *ev,
                                  const struct contrib *k, struct mm_buf *text, struct mm_buf *json)
{
    struct mm_alert *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return NULL;
    }
    a->id = next_id();
    a->severity = r->severity;
    a->count = k->count;
    a->ts_ns = ev->ts_ns;
    a->first_seen_ns = k->first_ns < ev->ts_ns ? k->first_ns : ev->ts_ns;
    a->last_seen_ns = ev->ts_ns;
    a->recv_ns = ev->recv_ns;
    a->rule_id = strdup(r->id);
    a->rule_title = strdup(r->title);
    a->tags_json = strdup(r->tags_json ? r->tags_json : "[]");
    if (r->description != NULL) {
        a->rule_description = strdup(r->description); /* NULL on failure: only a hint */
    }
    a->group_key = steal_fit(text);
    a->group_json = steal_fit(json);
    a->fields_json = fields_json(ev);
    if (a->rule_id == NULL || a->rule_title == NULL || a->tags_json == NULL ||
        a->group_key == NULL || a->group_json == NULL || a->fields_json == NULL ||
        add_lines(a, ev, k) != MM_OK) {
        mm_alert_free(a);
        return NULL;
    }
    return a;
}

/* Delta mode: a's scalars only (no strings, no evidence), as a delta update. */
static struct mm_alert *scalars_copy(const struct mm_alert *a)
{
    struct mm_alert *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        return NULL;
    }
    n->id = a->id;
    n->is_update = a->is_update;
    n->severity = a->severity;
    n->count = a->count;
    n->ts_ns = a->ts_ns;
    n->first_seen_ns = a->first_seen_ns;
    n->last_seen_ns = a->last_seen_ns;
    n->recv_ns = a->recv_ns;
    n->delta = 1;
    /* once a version with half the evidence has gone out, the stored row's first
     * half is full: later deltas need only their latest lines (half the memory) */
    n->evidence_tail = a->evidence_tail || a->nevidence >= MM_ALERT_MAX_EVIDENCE / 2;
    return n;
}

/* What the incident keeps of its new alert a, handed out whole as *ret. */
static struct mm_alert *incident_state(const struct mm_alerter *al, struct mm_alert *a,
                                       struct mm_alert **ret)
{
    *ret = al->delta ? a : mm_alert_dup(a);
    if (*ret == NULL) {
        return NULL;
    }
    if (!al->delta) {
        return a;
    }
    struct mm_alert *st = scalars_copy(a);
    if (st == NULL) {
        *ret = NULL;
    }
    return st;
}

static enum mm_err update(struct mm_alerter *al, struct group *g, const struct mm_event *ev,
                          const struct contrib *k)
{
    struct mm_alert *a = g->alert;
    enum mm_err rc = add_lines(a, ev, k);
    if (rc != MM_OK) {
        return rc;
    }
    a->is_update = 1;
    a->count += k->count;
    if (ev->ts_ns > a->last_seen_ns) {
        a->last_seen_ns = ev->ts_ns;
    }
    if (k->first_ns < a->first_seen_ns) {
        a->first_seen_ns = k->first_ns;
    }
    a->ts_ns = a->last_seen_ns;
    a->recv_ns = ev->recv_ns;
    if (!g->dirty) {
        g->dirty = 1;
        g->dnext = al->dirty;
        al->dirty = g;
    }
    return MM_OK;
}

static struct mm_alert *fire(struct mm_alerter *al, const struct mm_rule *r,
                             const struct mm_event *ev, const struct mm_str *vals,
                             const struct contrib *k)
{
    struct mm_buf key, text, json;
    struct mm_alert *ret = NULL;
    struct group *g = NULL;
    mm_buf_init(&key, 0);
    mm_buf_init(&text, 0);
    mm_buf_init(&json, 0);
    if (build_key(r, ev, vals, &key, &text, &json) != MM_OK) {
        goto out;
    }
    if (r->suppress_ns <= 0) {
        ret = alert_new(r, ev, k, &text, &json);
        goto out;
    }
    uint64_t h = hash_bytes(key.p, key.len);
    struct group **bucket = &al->buckets[h & (al->nbuckets - 1)];
    for (g = *bucket; g != NULL; g = g->hnext) {
        if (g->hash == h && g->klen == key.len && memcmp(g->key, key.p, key.len) == 0) {
            break;
        }
    }
    if (g != NULL && g->alert != NULL && ev->ts_ns - g->alert->first_seen_ns < r->suppress_ns) {
        if (update(al, g, ev, k) != MM_OK) {
            al->failures++;
        }
        lru_unlink(al, g);
        lru_push(al, g);
        g = NULL;
        goto out; /* absorbed: the next flush reports it */
    }
    struct mm_alert *full = alert_new(r, ev, k, &text, &json);
    struct mm_alert *a = full != NULL ? incident_state(al, full, &ret) : NULL;
    if (a == NULL) {
        mm_alert_free(full); /* nothing went out, so no incident either */
        g = NULL;
        goto out;
    }
    if (g != NULL) {
        /* the window closed: the group starts a new incident */
        retire(al, g);
        mm_alert_free(g->alert);
        g->alert = a;
        lru_unlink(al, g);
        lru_push(al, g);
        g = NULL;
        goto out;
    }
    if (al->n >= al->max && al->oldest != NULL) {
        struct group *old = al->oldest;
        retire(al, old);
        table_remove(al, old);
        group_free(old);
        al->evictions++;
    }
    g = calloc(1, sizeof(*g));
    if (g == NULL) {
        mm_alert_free(a);
        goto out; /* the alert is still returned; only its suppression is lost */
    }
    g->alert = a;
    g->hash = h;
    g->klen = key.len;
    g->key = mm_buf_steal(&key);
    if (g->key == NULL) {
        group_free(g);
        g = NULL;
        goto out;
    }
    g->hnext = *bucket;
    *bucket = g;
    lru_push(al, g);
    al->n++;
    g = NULL;
out:
    mm_buf_free(&key);
    mm_buf_free(&text);
    mm_buf_free(&json);
    return ret;
}

struct mm_alert *mm_alerter_fire(struct mm_alerter *al, const struct mm_rule *r,
                                 const struct mm_event *ev)
{
    struct contrib k = {NULL, 0, 1, ev->ts_ns};
    return fire(al, r, ev, NULL, &k);
}

struct mm_alert *mm_alerter_fire_corr(struct mm_alerter *al, const struct mm_rule *r,
                                      const struct mm_event *ev, const struct mm_str *group,
                                      const struct mm_str *lines, size_t nlines, uint64_t count,
                                      int64_t first_ns)
{
    struct contrib k = {lines, nlines, count ? count : 1, first_ns};
    return fire(al, r, ev, group, &k);
}

/*
 * The version of g's incident a flush hands out: a full copy, or (delta mode)
 * the state itself with its pending lines, g keeping a fresh scalar copy.
 */
static struct mm_alert *flush_copy(struct mm_alerter *al, struct group *g)
{
    if (!al->delta) {
        return mm_alert_dup(g->alert);
    }
    struct mm_alert *next = scalars_copy(g->alert);
    if (next == NULL) {
        return NULL;
    }
    struct mm_alert *out = g->alert;
    g->alert = next;
    return out;
}

/* Finished incidents with unflushed changes: always handed out. */
static size_t flush_pending(struct mm_alerter *al, mm_alert_emit_fn emit, void *arg)
{
    size_t n = 0;
    while (al->pending != NULL) {
        struct pending *p = al->pending;
        al->pending = p->next;
        emit(arg, p->alert); /* ownership passes on */
        free(p);
        n++;
    }
    return n;
}

/* Hand out one dirty group's update (it has left the dirty list). */
static size_t flush_group(struct mm_alerter *al, struct group *g, mm_alert_emit_fn emit,
                          void *arg)
{
    g->dirty = 0;
    g->dnext = NULL;
    struct mm_alert *a = g->alert != NULL ? flush_copy(al, g) : NULL;
    if (a == NULL) {
        al->failures++;
        return 0;
    }
    a->is_update = 1;
    emit(arg, a);
    return 1;
}

size_t mm_alerter_flush(struct mm_alerter *al, mm_alert_emit_fn emit, void *arg)
{
    size_t n = flush_pending(al, emit, arg);
    while (al->dirty != NULL) {
        struct group *g = al->dirty;
        al->dirty = g->dnext;
        n += flush_group(al, g, emit, arg);
    }
    return n;
}

size_t mm_alerter_flush_due(struct mm_alerter *al, int64_t now_ns, int64_t min_ns,
                            int64_t max_ns, mm_alert_emit_fn emit, void *arg)
{
    size_t n = flush_pending(al, emit, arg);
    max_ns = max_ns > min_ns ? max_ns : min_ns;
    struct group **pp = &al->dirty;
    while (*pp != NULL) {
        struct group *g = *pp;
        int64_t gap = g->gap_ns > 0 ? g->gap_ns : min_ns;
        int64_t since = now_ns - g->flushed_ns;
        if (g->flushed_ns != 0 && since < gap) {
            pp = &g->dnext; /* went out less than its interval ago: stays dirty */
            continue;
        }
        /* busy (due again within twice its interval): the interval doubles */
        int busy = g->flushed_ns != 0 && since < 2 * gap;
        g->gap_ns = !busy ? min_ns : (gap < max_ns / 2 ? 2 * gap : max_ns);
        *pp = g->dnext;
        g->flushed_ns = now_ns;
        n += flush_group(al, g, emit, arg);
    }
    return n;
}

int mm_alerter_dirty(const struct mm_alerter *al)
{
    return al->dirty != NULL || al->pending != NULL;
}
