/*
 * dispatch.c - which rules can match an event, without testing them all.
 *
 * Two filters, both built once at load:
 *
 *  1. Logsource gates.  Rules with the same mapped logsource share a gate;
 *     each gate is tested once per event.  A rule without a mappable
 *     logsource has no gate.
 *
 *  2. Required literals.  From the condition we take a set of keys such that
 *     the rule can only match when the event has one of them: a key is
 *     (field, lowercased value) for an equality, or (field, lowercased
 *     prefix) for startswith or a wildcard value with a literal head.  `and`
 *     takes the cheaper side, `or` / `1 of` need keys on every side (union),
 *     `not` gives none.  Keys go into one open-addressing hash; at match time
 *     each indexed field of the event is read once and looked up (its whole
 *     value, then each distinct prefix length used by that field).
 *
 *  A rule with no usable key is "always" tested (after its gate).  Cost per
 *  event is therefore (gates + indexed fields + hits + always-rules), not the
 *  number of rules: 500 rules that key on event.action / logid cost about
 *  what 50 do.  The candidates are a bitmap over rules, so they come out in
 *  load order with no sorting.
 */
#include "rules_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct bkey {
    const struct fref *f;
    int prefix;
    const char *s; /* borrowed from a compiled value; may be mixed case when |cased */
    size_t n;
};

struct bset {
    struct bkey *k;
    size_t n, cap;
    int ok; /* 1 when this is a usable key set */
};

static void bset_free(struct bset *b)
{
    free(b->k);
    b->k = NULL;
    b->n = b->cap = 0;
}

static int bset_push(struct bset *b, const struct bkey *k)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        struct bkey *nk = realloc(b->k, cap * sizeof(*nk));
        if (nk == NULL) {
            return -1;
        }
        b->k = nk;
        b->cap = cap;
    }
    b->k[b->n++] = *k;
    return 0;
}

/* Fields whose values are shared by many events: a poor key. */
static int low_cardinality(const struct fref *f)
{
    switch (f->id) {
    case MM_F_EVENT_OUTCOME:
    case MM_F_EVENT_CATEGORY:
    case MM_F_EVENT_KIND:
    case MM_F_EVENT_TYPE:
    case MM_F_NETWORK_TRANSPORT:
    case MM_F_NETWORK_DIRECTION:
    case MM_F_NETWORK_PROTOCOL:
    case MM_F_OBSERVER_VENDOR:
    case MM_F_OBSERVER_PRODUCT:
    case MM_F_OBSERVER_TYPE:
    case MM_F_SYSLOG_SEVERITY:
    case MM_F_SYSLOG_FACILITY:
    case MM_F_SYSLOG_PRIORITY:
    case MM_F_PROCESS_NAME:
    case MM_F_SYSLOG_APPNAME:
        return 1;
    default:
        return 0;
    }
}

static size_t cost(const struct bset *b)
{
    if (!b->ok) {
        return SIZE_MAX;
    }
    size_t c = 0;
    for (size_t i = 0; i < b->n; i++) {
        c += (low_cardinality(b->k[i].f) ? 16 : 1) + (b->k[i].prefix ? 1 : 0);
    }
    return c;
}

/* Keep the cheaper of a and b in a; free the other. */
static void keep_best(struct bset *a, struct bset *b)
{
    if (cost(b) < cost(a)) {
        bset_free(a);
        *a = *b;
    } else {
        bset_free(b);
    }
    b->k = NULL;
}

/* a := a union b; not ok unless both are */
static void unite(struct bset *a, struct bset *b)
{
    if (!a->ok || !b->ok) {
        bset_free(a);
        bset_free(b);
        a->ok = 0;
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        if (bset_push(a, &b->k[i]) != 0) {
            a->ok = 0;
            break;
        }
    }
    bset_free(b);
}

static int value_key(const struct fcond *f, const struct cval *v, struct bkey *k)
{
    k->f = &f->f;
    k->s = v->s;
    switch (v->op) {
    case OP_EQ:
        k->prefix = 0;
        k->n = v->n;
        return 0;
    case OP_STARTS:
        k->prefix = 1;
        k->n = v->n;
        return v->n > 0 ? 0 : -1;
    case OP_GLOB: {
        size_t i = 0;
        while (i < v->n && v->wild[i] == 0) {
            i++;
        }
        k->prefix = 1;
        k->n = i;
        return i > 0 ? 0 : -1;
    }
    default:
        return -1;
    }
}

static struct bset fcond_keys(const struct fcond *f)
{
    struct bset b = {NULL, 0, 0, 0};
    if (f->keyword || f->f.virt != 0) {
        return b; /* pseudo-fields (calendar, GeoIP) are computed, not read: no key */
    }
    if (f->all) {
        /* any one value must hold: take the longest usable one */
        struct bkey best = {NULL, 0, NULL, 0};
        for (size_t i = 0; i < f->nv; i++) {
            struct bkey k;
            if (value_key(f, &f->v[i], &k) == 0 && (best.f == NULL || k.n > best.n)) {
                best = k;
            }
        }
        if (best.f != NULL) {
            b.ok = bset_push(&b, &best) == 0;
        }
        return b;
    }
    b.ok = f->nv > 0;
    for (size_t i = 0; i < f->nv && b.ok; i++) {
        struct bkey k;
        if (value_key(f, &f->v[i], &k) != 0 || bset_push(&b, &k) != 0) {
            b.ok = 0;
        }
    }
    if (!b.ok) {
        bset_free(&b);
    }
    return b;
}

static struct bset sel_keys(const struct selection *s)
{
    struct bset acc = {NULL, 0, 0, s->nalts > 0};
    for (size_t a = 0; a < s->nalts && acc.ok; a++) {
        struct bset best = {NULL, 0, 0, 0};
        for (size_t c = 0; c < s->alts[a].nc; c++) {
            struct bset k = fcond_keys(&s->alts[a].c[c]);
            keep_best(&best, &k);
        }
        unite(&acc, &best);
    }
    return acc;
}

static struct bset node_keys(const struct mm_rule *r, const struct cnode *c)
{
    struct bset a = {NULL, 0, 0, 0};
    switch (c->type) {
    case CN_SEL:
        return sel_keys(&r->sels[c->sel]);
    case CN_AND: {
        a = node_keys(r, c->a);
        struct bset b = node_keys(r, c->b);
        keep_best(&a, &b);
        return a;
    }
    case CN_OR: {
        a = node_keys(r, c->a);
        struct bset b = node_keys(r, c->b);
        unite(&a, &b);
        return a;
    }
    case CN_NOT:
        return a;
    case CN_ONE_OF:
        a.ok = 1;
        for (size_t i = 0; i < c->nsels && a.ok; i++) {
            struct bset b = sel_keys(&r->sels[c->sels[i]]);
            unite(&a, &b);
        }
        return a;
    case CN_ALL_OF:
        for (size_t i = 0; i < c->nsels; i++) {
            struct bset b = sel_keys(&r->sels[c->sels[i]]);
            keep_best(&a, &b);
        }
        return a;
    }
    return a;
}

/* ---- hash ---- */

static inline unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static uint64_t seed(size_t slot, int prefix)
{
    uint64_t h = 1469598103934665603ULL ^ ((uint64_t)slot * 0x9E3779B97F4A7C15ULL);
    return h ^ (uint64_t)(prefix + 1);
}

static uint64_t hash_lc(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= lc((unsigned char)s[i]);
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

void mm_rules_dispatch_free(struct dispatch *dp)
{
    for (size_t i = 0; i < dp->nslots; i++) {
        free(dp->slots[i].plens);
    }
    free(dp->slots);
    for (size_t i = 0; i < dp->cap; i++) {
        free(dp->tab[i].s);
        free(dp->tab[i].rules);
    }
    free(dp->tab);
    free(dp->always);
    memset(dp, 0, sizeof(*dp));
}

static size_t slot_of(struct dispatch *dp, const struct fref *f)
{
    for (size_t i = 0; i < dp->nslots; i++) {
        if (dp->slots[i].f.nlen == f->nlen && memcmp(dp->slots[i].f.name, f->name, f->nlen) == 0) {
            return i;
        }
    }
    struct dslot *ns = realloc(dp->slots, (dp->nslots + 1) * sizeof(*ns));
    if (ns == NULL) {
        return SIZE_MAX;
    }
    dp->slots = ns;
    memset(&dp->slots[dp->nslots], 0, sizeof(*ns));
    dp->slots[dp->nslots].f = *f; /* borrowed: name stays owned by the rule */
    return dp->nslots++;
}

static int add_plen(struct dslot *s, size_t n)
{
    size_t i = 0;
    while (i < s->nplens && s->plens[i] < n) {
        i++;
    }
    if (i < s->nplens && s->plens[i] == n) {
        return 0;
    }
    size_t *np = realloc(s->plens, (s->nplens + 1) * sizeof(*np));
    if (np == NULL) {
        return -1;
    }
    s->plens = np;
    memmove(&s->plens[i + 1], &s->plens[i], (s->nplens - i) * sizeof(*np));
    s->plens[i] = n;
    s->nplens++;
    return 0;
}

static struct dentry *find(const struct dispatch *dp, size_t slot, int prefix, const char *s,
                           size_t n, uint64_t h)
{
    size_t mask = dp->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct dentry *e = &dp->tab[i];
        if (e->s == NULL) {
            return e;
        }
        if (e->hash == h && e->slot == slot && e->prefix == prefix && e->n == n) {
            size_t j = 0;
            while (j < n && lc((unsigned char)s[j]) == (unsigned char)e->s[j]) {
                j++;
            }
            if (j == n) {
                return e;
            }
        }
    }
}

static enum mm_err grow(struct dispatch *dp)
{
    size_t ncap = dp->cap ? dp->cap * 2 : 64;
    struct dentry *old = dp->tab;
    size_t ocap = dp->cap;
    dp->tab = calloc(ncap, sizeof(*dp->tab));
    if (dp->tab == NULL) {
        dp->tab = old;
        return MM_ENOMEM;
    }
    dp->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (old[i].s != NULL) {
            struct dentry *e = find(dp, old[i].slot, old[i].prefix, old[i].s, old[i].n,
                                    old[i].hash);
            *e = old[i];
        }
    }
    free(old);
    return MM_OK;
}

static enum mm_err insert(struct dispatch *dp, const struct bkey *k, size_t rule)
{
    size_t slot = slot_of(dp, k->f);
    if (slot == SIZE_MAX) {
        return MM_ENOMEM;
    }
    if (k->prefix) {
        if (add_plen(&dp->slots[slot], k->n) != 0) {
            return MM_ENOMEM;
        }
    } else {
        dp->slots[slot].has_exact = 1;
    }
    if ((dp->used + 1) * 2 > dp->cap && grow(dp) != MM_OK) {
        return MM_ENOMEM;
    }
    uint64_t h = hash_lc(seed(slot, k->prefix), k->s, k->n);
    struct dentry *e = find(dp, slot, k->prefix, k->s, k->n, h);
    if (e->s == NULL) {
        char *s = malloc(k->n + 1);
        if (s == NULL) {
            return MM_ENOMEM;
        }
        for (size_t i = 0; i < k->n; i++) {
            s[i] = (char)lc((unsigned char)k->s[i]);
        }
        s[k->n] = '\0';
        e->s = s;
        e->n = k->n;
        e->slot = slot;
        e->prefix = k->prefix;
        e->hash = h;
        dp->used++;
    }
    if (e->nrules > 0 && e->rules[e->nrules - 1] == rule) {
        return MM_OK;
    }
    size_t *nr = realloc(e->rules, (e->nrules + 1) * sizeof(*nr));
    if (nr == NULL) {
        return MM_ENOMEM;
    }
    e->rules = nr;
    e->rules[e->nrules++] = rule;
    return MM_OK;
}

enum mm_err mm_rules_dispatch_build(struct mm_ruleset *rs)
{
    struct dispatch *dp = &rs->disp;
    dp->nwords = (rs->n + 63) / 64;
    size_t rows = rs->ngates + 1; /* one per gate, then the ungated row */
    dp->always = calloc(rows * (dp->nwords ? dp->nwords : 1), sizeof(uint64_t));
    rs->cand = calloc(dp->nwords ? dp->nwords : 1, sizeof(uint64_t));
    if (dp->always == NULL || rs->cand == NULL) {
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct mm_rule *r = rs->rules[i];
        struct bset b = node_keys(r, r->cond);
        enum mm_err rc = MM_OK;
        if (b.ok && b.n > 0) {
            for (size_t k = 0; k < b.n && rc == MM_OK; k++) {
                rc = insert(dp, &b.k[k], i);
            }
            dp->nindexed++;
        } else {
            size_t row = r->gate == SIZE_MAX ? rs->ngates : r->gate;
            dp->always[row * dp->nwords + i / 64] |= 1ULL << (i % 64);
        }
        bset_free(&b);
        if (rc != MM_OK) {
            return rc;
        }
    }
    return MM_OK;
}

/* ---- per event ---- */

static int eq_any(struct mm_str v, const char *const *list)
{
    if (v.p == NULL) {
        return 0;
    }
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strlen(list[i]) == v.n && strncasecmp(list[i], v.p, v.n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* event.category may hold several values ("network,authentication") */
static int token_any(struct mm_str v, const char *const *list)
{
    size_t i = 0;
    while (v.p != NULL && i < v.n) {
        while (i < v.n && !((v.p[i] >= 'a' && v.p[i] <= 'z') || (v.p[i] >= 'A' && v.p[i] <= 'Z') ||
                            v.p[i] == '_')) {
            i++;
        }
        size_t st = i;
        while (i < v.n && ((v.p[i] >= 'a' && v.p[i] <= 'z') || (v.p[i] >= 'A' && v.p[i] <= 'Z') ||
                           v.p[i] == '_')) {
            i++;
        }
        if (i > st) {
            struct mm_str t = {v.p + st, (uint32_t)(i - st)};
            if (eq_any(t, list)) {
                return 1;
            }
        }
    }
    return 0;
}

int mm_rules_gate_pass(const struct mm_ruleset *rs, size_t gate, const struct mm_event *ev)
{
    const struct gate *g = &rs->gates[gate];
    if (g->parsers != NULL) {
        struct mm_str p = {ev->parser, ev->parser ? (uint32_t)strlen(ev->parser) : 0};
        if (!eq_any(p, g->parsers) && !eq_any(ev->f[MM_F_OBSERVER_VENDOR], g->parsers) &&
            !eq_any(ev->f[MM_F_OBSERVER_PRODUCT], g->parsers)) {
            return 0;
        }
    }
    if (g->services != NULL && !eq_any(ev->f[MM_F_PROCESS_NAME], g->services) &&
        !eq_any(ev->f[MM_F_SYSLOG_APPNAME], g->services)) {
        return 0;
    }
    if (g->categories != NULL && !token_any(ev->f[MM_F_EVENT_CATEGORY], g->categories)) {
        return 0;
    }
    return 1;
}

static void hit(const struct mm_ruleset *rs, const struct dentry *e)
{
    for (size_t i = 0; i < e->nrules; i++) {
        size_t ri = e->rules[i];
        size_t g = rs->rules[ri]->gate;
        if (g != SIZE_MAX && rs->gate_res[g] != 1) {
            continue;
        }
        rs->cand[ri / 64] |= 1ULL << (ri % 64);
    }
}

void mm_rules_dispatch_candidates(const struct mm_ruleset *rs, const struct mm_event *ev)
{
    const struct dispatch *dp = &rs->disp;
    size_t nw = dp->nwords;
    /* ungated always-rules, then those of each passing gate */
    memcpy(rs->cand, dp->always + rs->ngates * nw, nw * sizeof(uint64_t));
    for (size_t g = 0; g < rs->ngates; g++) {
        rs->gate_res[g] = (signed char)mm_rules_gate_pass(rs, g, ev);
        if (rs->gate_res[g] == 1) {
            const uint64_t *row = dp->always + g * nw;
            for (size_t w = 0; w < nw; w++) {
                rs->cand[w] |= row[w];
            }
        }
    }
    if (dp->used == 0) {
        return;
    }
    for (size_t s = 0; s < dp->nslots; s++) {
        const struct dslot *sl = &dp->slots[s];
        struct mm_str v = mm_rules_fref_get(&sl->f, ev);
        if (v.p == NULL) {
            continue;
        }
        if (sl->has_exact) {
            struct dentry *e = find(dp, s, 0, v.p, v.n, hash_lc(seed(s, 0), v.p, v.n));
            if (e->s != NULL) {
                hit(rs, e);
            }
        }
        for (size_t k = 0; k < sl->nplens && sl->plens[k] <= v.n; k++) {
            size_t n = sl->plens[k];
            struct dentry *e = find(dp, s, 1, v.p, n, hash_lc(seed(s, 1), v.p, n));
            if (e->s != NULL) {
                hit(rs, e);
            }
        }
    }
}
