/*
 * dispatch.c - which rules can match an event, without testing them all.
 *
 * Two filters, both built once at load:
 *
 *  1. Logsource gates.  Rules with the same mapped logsource share a gate;
 *     each gate is tested once per event.  A rule without a mappable
 *     logsource has no gate.
 *
 *  2. Required keys.  From the condition we take a set of keys such that
 *     the rule can only match when the event has one of them: (field,
 *     value) for an equality, (field, prefix) for startswith or a wildcard
 *     value with a literal head, (field, literal) for contains, endswith,
 *     keywords, a glob's literal run and a regex's required literal
 *     (prefilter.c), (field, prefix) for cidr (ipcache.c).  `and` takes the
 *     cheaper side, `or` / `1 of` need keys on every side (union), `not`
 *     gives none.  Values and prefixes go into one open-addressing hash
 *     (each field read once, looked up whole and per distinct prefix
 *     length); literals into one Aho-Corasick automaton per field (one pass
 *     over the value); cidr prefixes into a sorted table per field and
 *     prefix length (the address parsed once per event).
 *
 *  A rule with no usable key is "always" tested (after its gate).  Cost per
 *  event is therefore (gates + keyed fields + hits + always-rules), not the
 *  number of rules.  A field whose keyed rules all sit behind gates that
 *  failed is not read at all.  The candidates are a bitmap over rules, so
 *  they come out in load order with no sorting.
 */
#include "rules_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kkind {
    K_EXACT,  /* the whole value (hash) */
    K_PREFIX, /* a prefix of the value (hash, per distinct length) */
    K_SUBSTR, /* anywhere in the value (automaton) */
    K_SUFFIX, /* at the end of the value (automaton) */
    K_CIDR    /* the value is an address in a prefix (ipcache.c) */
};

struct bkey {
    const struct fref *f;
    int keyword; /* the value is the keyword text (message, else the raw line) */
    enum kkind kind;
    const char *s; /* borrowed from a compiled value; may be mixed case when |cased */
    size_t n;
    const struct mm_cidr *cidr; /* K_CIDR (borrowed) */
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

/*
 * How often a key is expected to let a rule through (lower is better), in
 * the same units for every kind: exact and prefix keys as before, a literal
 * by its length (a short one occurs in many values), a cidr by its length.
 */
static size_t key_cost(const struct bkey *k)
{
    size_t c;
    switch (k->kind) {
    case K_EXACT:
        return low_cardinality(k->f) ? 16 : 1;
    case K_PREFIX:
        return (low_cardinality(k->f) ? 16 : 1) + 1;
    case K_SUBSTR:
    case K_SUFFIX:
        c = k->n >= 8 ? 2 : k->n >= 5 ? 4 : k->n >= 3 ? 12 : 32;
        return k->kind == K_SUFFIX && c > 2 ? c - 1 : c;
    case K_CIDR: {
        unsigned bits = k->cidr->bits;
        int v4 = bits >= 96; /* IPv4 prefixes are 96 + n; a v6 one this long is as selective */
        unsigned len = v4 ? bits - 96 : bits;
        unsigned full = v4 ? 32 : 128;
        return len * 4 >= full * 3 ? 2 : len * 2 >= full ? 6 : len > 0 ? 16 : 64;
    }
    }
    return 64;
}

static size_t cost(const struct bset *b)
{
    if (!b->ok) {
        return SIZE_MAX;
    }
    size_t c = 0;
    for (size_t i = 0; i < b->n; i++) {
        c += key_cost(&b->k[i]);
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

/* The longest run of literal bytes of a glob (every match contains each run). */
static size_t glob_run(const struct cval *v, size_t *at)
{
    size_t best = 0;
    *at = 0;
    for (size_t i = 0; i < v->n;) {
        if (v->wild[i] != 0) {
            i++;
            continue;
        }
        size_t st = i;
        while (i < v->n && v->wild[i] == 0) {
            i++;
        }
        if (i - st > best) {
            best = i - st;
            *at = st;
        }
    }
    return best;
}

/*
 * The keys of one value: one of them is in the event whenever the value
 * matches.  Several keys only for a regex with alternatives (a set: any).
 */
static int value_keys(const struct fcond *f, const struct cval *v, struct bset *out)
{
    struct bkey k = {&f->f, f->keyword, K_EXACT, v->s, v->n, NULL};
    switch (v->op) {
    case OP_EQ:
        break;
    case OP_STARTS:
        if (v->n == 0) {
            return -1;
        }
        k.kind = K_PREFIX;
        break;
    case OP_CONTAINS:
    case OP_ENDS:
        if (v->n == 0) {
            return -1;
        }
        k.kind = v->op == OP_ENDS ? K_SUFFIX : K_SUBSTR;
        break;
    case OP_GLOB: {
        size_t i = 0;
        while (i < v->n && v->wild[i] == 0) {
            i++;
        }
        if (i > 0) {
            k.kind = K_PREFIX;
            k.n = i;
            break;
        }
        size_t at = 0;
        k.n = glob_run(v, &at);
        if (k.n == 0) {
            return -1;
        }
        k.kind = K_SUBSTR;
        k.s = v->s + at;
        break;
    }
    case OP_RE:
        if (v->nlit == 0) {
            return -1;
        }
        for (size_t i = 0; i < v->nlit; i++) {
            struct bkey r = {&f->f, f->keyword, K_SUBSTR, v->lit[i], strlen(v->lit[i]), NULL};
            if (bset_push(out, &r) != 0) {
                return -1;
            }
        }
        return 0;
    case OP_CIDR:
        k.kind = K_CIDR;
        k.cidr = &v->cidr;
        break;
    default:
        return -1;
    }
    if (f->keyword && (k.kind == K_EXACT || k.kind == K_PREFIX)) {
        return -1; /* keywords are substrings; the hash does not read the keyword text */
    }
    return bset_push(out, &k);
}

static struct bset fcond_keys(const struct fcond *f)
{
    struct bset b = {NULL, 0, 0, 0};
    if (f->f.virt != 0) {
        return b; /* pseudo-fields (calendar, GeoIP) are computed, not read: no key */
    }
    if (f->all) {
        /* every value must hold: the keys of any one of them do; take the cheapest */
        for (size_t i = 0; i < f->nv; i++) {
            struct bset k = {NULL, 0, 0, 1};
            if (value_keys(f, &f->v[i], &k) != 0) {
                bset_free(&k);
                continue;
            }
            keep_best(&b, &k);
        }
        return b;
    }
    b.ok = f->nv > 0;
    for (size_t i = 0; i < f->nv && b.ok; i++) {
        if (value_keys(f, &f->v[i], &b) != 0) {
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
    for (size_t i = 0; i < dp->nac; i++) {
        mm_rules_ac_free(&dp->ac[i]);
    }
    free(dp->ac);
    for (size_t i = 0; i < dp->ncs; i++) {
        mm_rules_cidr_free(&dp->cs[i]);
    }
    free(dp->cs);
    free(dp->rgate);
    free(dp->epoch);
    free(dp->ipc);
    free(dp->cand2);
    memset(dp, 0, sizeof(*dp));
}

static int same_field(const struct fref *a, const struct fref *b)
{
    return a->nlen == b->nlen && memcmp(a->name, b->name, a->nlen) == 0;
}

static void gmask_add(struct gmask *m, size_t gate)
{
    if (gate == SIZE_MAX || gate >= 64) {
        m->other = 1;
    } else {
        m->gates |= 1ULL << gate;
    }
}

static size_t slot_of(struct dispatch *dp, const struct fref *f)
{
    for (size_t i = 0; i < dp->nslots; i++) {
        if (same_field(&dp->slots[i].f, f)) {
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

static struct acfield *ac_of(struct dispatch *dp, const struct fref *f, int keyword)
{
    for (size_t i = 0; i < dp->nac; i++) {
        if (dp->ac[i].keyword == keyword && same_field(&dp->ac[i].f, f)) {
            return &dp->ac[i];
        }
    }
    struct acfield *na = realloc(dp->ac, (dp->nac + 1) * sizeof(*na));
    if (na == NULL) {
        return NULL;
    }
    dp->ac = na;
    memset(&dp->ac[dp->nac], 0, sizeof(*na));
    dp->ac[dp->nac].f = *f; /* borrowed */
    dp->ac[dp->nac].keyword = keyword;
    return &dp->ac[dp->nac++];
}

static struct cslot *cs_of(struct dispatch *dp, const struct fref *f)
{
    for (size_t i = 0; i < dp->ncs; i++) {
        if (same_field(&dp->cs[i].f, f)) {
            return &dp->cs[i];
        }
    }
    struct cslot *nc = realloc(dp->cs, (dp->ncs + 1) * sizeof(*nc));
    if (nc == NULL) {
        return NULL;
    }
    dp->cs = nc;
    memset(&dp->cs[dp->ncs], 0, sizeof(*nc));
    dp->cs[dp->ncs].f = *f; /* borrowed */
    return &dp->cs[dp->ncs++];
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

static enum mm_err insert_hash(struct dispatch *dp, const struct bkey *k, size_t rule, size_t gate)
{
    size_t slot = slot_of(dp, k->f);
    if (slot == SIZE_MAX) {
        return MM_ENOMEM;
    }
    int prefix = k->kind == K_PREFIX;
    gmask_add(&dp->slots[slot].gm, gate);
    if (prefix) {
        if (add_plen(&dp->slots[slot], k->n) != 0) {
            return MM_ENOMEM;
        }
    } else {
        dp->slots[slot].has_exact = 1;
    }
    if ((dp->used + 1) * 2 > dp->cap && grow(dp) != MM_OK) {
        return MM_ENOMEM;
    }
    uint64_t h = hash_lc(seed(slot, prefix), k->s, k->n);
    struct dentry *e = find(dp, slot, prefix, k->s, k->n, h);
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
        e->prefix = prefix;
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

static enum mm_err insert(struct dispatch *dp, const struct bkey *k, size_t rule, size_t gate)
{
    switch (k->kind) {
    case K_EXACT:
    case K_PREFIX:
        return insert_hash(dp, k, rule, gate);
    case K_SUBSTR:
    case K_SUFFIX: {
        struct acfield *ac = ac_of(dp, k->f, k->keyword);
        if (ac == NULL) {
            return MM_ENOMEM;
        }
        gmask_add(&ac->gm, gate);
        enum mm_err rc = mm_rules_ac_add(ac, k->s, k->n, k->kind == K_SUFFIX, rule);
        if (rc != MM_OK || !k->keyword) {
            return rc;
        }
        /* the keyword text is the message when there is one: its literals join the
         * message automaton, so that text is scanned once (see keyword_text) */
        struct acfield *mac = ac_of(dp, k->f, 0);
        if (mac == NULL) {
            return MM_ENOMEM;
        }
        gmask_add(&mac->gm, gate);
        return mm_rules_ac_add(mac, k->s, k->n, k->kind == K_SUFFIX, rule);
    }
    case K_CIDR: {
        struct cslot *cs = cs_of(dp, k->f);
        if (cs == NULL) {
            return MM_ENOMEM;
        }
        gmask_add(&cs->gm, gate);
        return mm_rules_cidr_add(cs, k->cidr, rule);
    }
    }
    return MM_EINVAL;
}

enum mm_err mm_rules_dispatch_build(struct mm_ruleset *rs)
{
    struct dispatch *dp = &rs->disp;
    dp->nwords = (rs->n + 63) / 64;
    size_t rows = rs->ngates + 1; /* one per gate, then the ungated row */
    size_t nw = dp->nwords ? dp->nwords : 1;
    dp->always = calloc(rows * nw, sizeof(uint64_t));
    rs->cand = calloc(nw, sizeof(uint64_t));
    dp->cand2 = calloc(nw, sizeof(uint64_t));
    dp->rgate = calloc(rs->n ? rs->n : 1, sizeof(*dp->rgate));
    dp->epoch = calloc(1, sizeof(*dp->epoch));
    dp->ipc = calloc(MM_F__COUNT, sizeof(*dp->ipc));
    if (dp->always == NULL || rs->cand == NULL || dp->cand2 == NULL || dp->rgate == NULL ||
        dp->epoch == NULL || dp->ipc == NULL) {
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < rs->n; i++) {
        dp->rgate[i] = rs->rules[i]->gate;
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct mm_rule *r = rs->rules[i];
        struct bset b = node_keys(r, r->cond);
        enum mm_err rc = MM_OK;
        if (b.ok && b.n > 0) {
            int pre = 0;
            for (size_t k = 0; k < b.n && rc == MM_OK; k++) {
                rc = insert(dp, &b.k[k], i, r->gate);
                pre |= b.k[k].kind != K_EXACT && b.k[k].kind != K_PREFIX;
            }
            dp->nindexed++;
            dp->nprefilter += pre;
        } else {
            size_t row = r->gate == SIZE_MAX ? rs->ngates : r->gate;
            dp->always[row * dp->nwords + i / 64] |= 1ULL << (i % 64);
        }
        bset_free(&b);
        if (rc != MM_OK) {
            return rc;
        }
    }
    for (size_t i = 0; i < dp->nac; i++) {
        enum mm_err rc = mm_rules_ac_build(&dp->ac[i]);
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

/* Can a rule of a slot with mask m be a candidate, given the gates that passed? */
static int gm_live(const struct gmask *m, uint64_t passed)
{
    return m->other || (m->gates & passed) != 0;
}

static struct mm_str keyword_text(const struct mm_event *ev)
{
    struct mm_str m = ev->f[MM_F_MESSAGE];
    if (m.p == NULL && ev->raw != NULL) {
        m.p = ev->raw;
        m.n = ev->rawlen;
    }
    return m;
}

void mm_rules_dispatch_candidates(const struct mm_ruleset *rs, const struct mm_event *ev,
                                  uint64_t *cand)
{
    const struct dispatch *dp = &rs->disp;
    size_t nw = dp->nwords;
    uint64_t passed = 0;
    /* ungated always-rules, then those of each passing gate */
    memcpy(cand, dp->always + rs->ngates * nw, nw * sizeof(uint64_t));
    for (size_t g = 0; g < rs->ngates; g++) {
        rs->gate_res[g] = (signed char)mm_rules_gate_pass(rs, g, ev);
        if (rs->gate_res[g] == 1) {
            const uint64_t *row = dp->always + g * nw;
            for (size_t w = 0; w < nw; w++) {
                cand[w] |= row[w];
            }
            if (g < 64) {
                passed |= 1ULL << g;
            }
        }
    }
    for (size_t s = 0; s < dp->nslots; s++) {
        const struct dslot *sl = &dp->slots[s];
        if (!gm_live(&sl->gm, passed)) {
            continue;
        }
        struct mm_str v = mm_rules_fref_get(&sl->f, ev);
        if (v.p == NULL) {
            continue;
        }
        if (sl->has_exact) {
            struct dentry *e = find(dp, s, 0, v.p, v.n, hash_lc(seed(s, 0), v.p, v.n));
            if (e->s != NULL) {
                mm_rules_dispatch_hit(rs, cand, e->rules, e->nrules);
            }
        }
        for (size_t k = 0; k < sl->nplens && sl->plens[k] <= v.n; k++) {
            size_t n = sl->plens[k];
            struct dentry *e = find(dp, s, 1, v.p, n, hash_lc(seed(s, 1), v.p, n));
            if (e->s != NULL) {
                mm_rules_dispatch_hit(rs, cand, e->rules, e->nrules);
            }
        }
    }
    for (size_t i = 0; i < dp->nac; i++) {
        const struct acfield *ac = &dp->ac[i];
        if (!gm_live(&ac->gm, passed)) {
            continue;
        }
        if (ac->keyword && ev->f[MM_F_MESSAGE].p != NULL) {
            continue; /* its literals are in the message automaton too (insert) */
        }
        struct mm_str v = ac->keyword ? keyword_text(ev) : mm_rules_fref_get(&ac->f, ev);
        if (v.p != NULL) {
            mm_rules_ac_scan(rs, ac, v, *dp->epoch, cand);
        }
    }
    for (size_t i = 0; i < dp->ncs; i++) {
        const struct cslot *cs = &dp->cs[i];
        if (!gm_live(&cs->gm, passed)) {
            continue;
        }
        struct mm_str v = mm_rules_fref_get(&cs->f, ev);
        if (v.p != NULL) {
            mm_rules_cidr_scan(rs, cs, v, cand);
        }
    }
}
