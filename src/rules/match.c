/*
 * match.c - evaluating compiled rules against an event.
 *
 * mm_ruleset_match() asks dispatch.c for the candidate rules of the event
 * (logsource gates and required literals), then evaluates each candidate's
 * condition in rule load order.  It uses the ruleset's scratch (PCRE2 match
 * data, candidate bitmap), so it must be called from one thread at a time
 * per ruleset: the pipeline thread.
 *
 * String comparisons are ASCII case-insensitive unless the value was
 * compiled with |cased; compiled values are already lowercased, so only the
 * event side is folded, byte by byte, without copies.
 *
 * Addresses (cidr, ip in_list) come from the per-event cache of ipcache.c,
 * so a field is parsed once however many rules test it.
 *
 * Named captures of `re` values are added to the event when (and only when)
 * the rule as a whole matched.  When the group name with '_' read as '.' is
 * a well-known ECS field ("source_ip" -> source.ip, "user_name" ->
 * user.name), it sets that field if the event lacks it (a parser's value
 * wins); any other name becomes an extra field named exactly like the group
 * ("vpn_gateway").  Either way group-by and later rules can read it.
 */
#include "rules_int.h"
#include "lists_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static inline int bytes_eq(const char *ev, const char *pat, size_t n, int cased)
{
    if (cased) {
        return memcmp(ev, pat, n) == 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (lc((unsigned char)ev[i]) != (unsigned char)pat[i]) {
            return 0;
        }
    }
    return 1;
}

static int contains(const char *h, size_t hn, const char *nd, size_t nn, int cased)
{
    if (nn == 0) {
        return 1;
    }
    if (nn > hn) {
        return 0;
    }
    if (cased) {
        return memmem(h, hn, nd, nn) != NULL;
    }
    unsigned char first = (unsigned char)nd[0];
    for (size_t i = 0; i + nn <= hn; i++) {
        if (lc((unsigned char)h[i]) == first && bytes_eq(h + i + 1, nd + 1, nn - 1, 0)) {
            return 1;
        }
    }
    return 0;
}

/* Anchored glob: wild[i] is '*' (any run), '?' (any one byte) or 0 (literal s[i]). */
static int glob(const char *s, size_t sn, const char *p, const uint8_t *w, size_t pn, int cased)
{
    size_t si = 0, pi = 0, star = SIZE_MAX, mark = 0;
    while (si < sn) {
        if (pi < pn && w[pi] == '*') {
            star = pi++;
            mark = si;
            continue;
        }
        if (pi < pn &&
            (w[pi] == '?' ||
             (cased ? s[si] == p[pi] : lc((unsigned char)s[si]) == (unsigned char)p[pi]))) {
            pi++;
            si++;
            continue;
        }
        if (star == SIZE_MAX) {
            return 0;
        }
        pi = star + 1;
        si = ++mark;
    }
    while (pi < pn && w[pi] == '*') {
        pi++;
    }
    return pi == pn;
}

static int to_number(struct mm_str v, double *out)
{
    char buf[64];
    if (v.n == 0 || v.n >= sizeof(buf)) {
        return -1;
    }
    memcpy(buf, v.p, v.n);
    buf[v.n] = '\0';
    char *end = NULL;
    errno = 0;
    double d = strtod(buf, &end);
    if (end != buf + v.n || errno != 0 || !isfinite(d)) {
        return -1;
    }
    *out = d;
    return 0;
}

struct vstate {
    int addr_state; /* 0 not parsed, 1 ok, -1 not an address */
    struct mm_addr addr;
    int num_state;
    double num;
};

/* The address of f's value v into st, through the per-event cache (ipcache.c). */
static void addr_state(const struct mm_ruleset *rs, const struct fcond *f, struct mm_str v,
                       struct vstate *st)
{
    if (st->addr_state == 0) {
        st->addr_state = mm_rules_addr_of(rs, &f->f, v, &st->addr) ? 1 : -1;
    }
}

static int val_match(const struct mm_ruleset *rs, const struct fcond *f, const struct cval *c,
                     struct mm_str v, struct vstate *st)
{
    switch (c->op) {
    case OP_NULL:
        return v.p == NULL || v.n == 0;
    case OP_EXISTS:
        return (v.p != NULL) == (c->num != 0);
    default:
        break;
    }
    if (v.p == NULL) {
        return 0;
    }
    switch (c->op) {
    case OP_EQ:
        return v.n == c->n && bytes_eq(v.p, c->s, c->n, c->cased);
    case OP_STARTS:
        return v.n >= c->n && bytes_eq(v.p, c->s, c->n, c->cased);
    case OP_ENDS:
        return v.n >= c->n && bytes_eq(v.p + v.n - c->n, c->s, c->n, c->cased);
    case OP_CONTAINS:
        return contains(v.p, v.n, c->s, c->n, c->cased);
    case OP_GLOB:
        return glob(v.p, v.n, c->s, c->wild, c->n, c->cased);
    case OP_RE:
        return pcre2_match(c->re, (PCRE2_SPTR)v.p, v.n, 0, 0, rs->md, rs->mctx) >= 0;
    case OP_IN_LIST: {
        if (c->list == NULL) {
            return 0;
        }
        if (st->addr_state == 0 && !f->keyword) {
            const struct ipent *e = mm_rules_addr_peek(rs, &f->f, v);
            if (e != NULL) {
                st->addr_state = e->state;
                st->addr = e->addr;
            }
        }
        int known = st->addr_state;
        int m = mm_rlist_has(c->list, v, &st->addr_state, &st->addr);
        if (known == 0 && st->addr_state != 0 && !f->keyword) {
            mm_rules_addr_put(rs, &f->f, v, st->addr_state, &st->addr);
        }
        return m;
    }
    case OP_CIDR:
        addr_state(rs, f, v, st);
        return st->addr_state == 1 && mm_cidr_contains(&c->cidr, &st->addr);
    case OP_GT:
    case OP_GTE:
    case OP_LT:
    case OP_LTE:
        if (st->num_state == 0) {
            st->num_state = to_number(v, &st->num) == 0 ? 1 : -1;
        }
        if (st->num_state != 1) {
            return 0;
        }
        return c->op == OP_GT ? st->num > c->num : c->op == OP_GTE ? st->num >= c->num
                                               : c->op == OP_LT    ? st->num < c->num
                                                                   : st->num <= c->num;
    default:
        return 0;
    }
}

static struct mm_str fcond_value(const struct mm_ruleset *rs, const struct fcond *f,
                                 const struct mm_event *ev)
{
    if (f->keyword) {
        struct mm_str m = ev->f[MM_F_MESSAGE];
        if (m.p == NULL && ev->raw != NULL) {
            m.p = ev->raw;
            m.n = ev->rawlen;
        }
        return m;
    }
    if (f->f.virt != VF_NONE) {
        return mm_rules_field_value(rs->env, &f->f, ev); /* calendar, GeoIP */
    }
    return mm_rules_fref_get(&f->f, ev);
}

static int fcond_match(const struct mm_ruleset *rs, const struct fcond *f,
                       const struct mm_event *ev)
{
    struct mm_str v = fcond_value(rs, f, ev);
    struct vstate st = {0, {{0}}, 0, 0};
    for (size_t i = 0; i < f->nv; i++) {
        int m = val_match(rs, f, &f->v[i], v, &st);
        if (f->all && !m) {
            return 0;
        }
        if (!f->all && m) {
            return 1;
        }
    }
    return f->all;
}

static int sel_match(const struct mm_ruleset *rs, const struct selection *s,
                     const struct mm_event *ev)
{
    for (size_t a = 0; a < s->nalts; a++) {
        const struct alt *al = &s->alts[a];
        size_t c;
        for (c = 0; c < al->nc; c++) {
            if (!fcond_match(rs, &al->c[c], ev)) {
                break;
            }
        }
        if (c == al->nc) {
            return 1;
        }
    }
    return 0;
}

static int cond_eval(const struct mm_ruleset *rs, const struct mm_rule *r, const struct cnode *c,
                     const struct mm_event *ev)
{
    switch (c->type) {
    case CN_SEL:
        return sel_match(rs, &r->sels[c->sel], ev);
    case CN_AND:
        return cond_eval(rs, r, c->a, ev) && cond_eval(rs, r, c->b, ev);
    case CN_OR:
        return cond_eval(rs, r, c->a, ev) || cond_eval(rs, r, c->b, ev);
    case CN_NOT:
        return !cond_eval(rs, r, c->a, ev);
    case CN_ONE_OF:
        for (size_t i = 0; i < c->nsels; i++) {
            if (sel_match(rs, &r->sels[c->sels[i]], ev)) {
                return 1;
            }
        }
        return 0;
    case CN_ALL_OF:
        for (size_t i = 0; i < c->nsels; i++) {
            if (!sel_match(rs, &r->sels[c->sels[i]], ev)) {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

static int eval(const struct mm_ruleset *rs, const struct mm_rule *r, const struct mm_event *ev)
{
    return r->cond != NULL && cond_eval(rs, r, r->cond, ev);
}

static void next_epoch(const struct mm_ruleset *rs);

int mm_rules_eval(const struct mm_ruleset *rs, const struct mm_rule *r, const struct mm_event *ev)
{
    next_epoch(rs); /* a caller's event may reuse the last one's buffer: nothing cached */
    return eval(rs, r, ev);
}

static void add_captures_of(const struct mm_ruleset *rs, const struct fcond *f,
                            struct mm_event *ev)
{
    struct mm_str v = fcond_value(rs, f, ev);
    if (v.p == NULL) {
        return;
    }
    for (size_t i = 0; i < f->nv; i++) {
        const struct cval *c = &f->v[i];
        if (c->op != OP_RE || c->ncaptures == 0) {
            continue;
        }
        if (pcre2_match(c->re, (PCRE2_SPTR)v.p, v.n, 0, 0, rs->md, rs->mctx) < 0) {
            continue;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rs->md);
        uint32_t novec = pcre2_get_ovector_count(rs->md);
        uint32_t count = 0, esize = 0;
        PCRE2_SPTR table = NULL;
        pcre2_pattern_info(c->re, PCRE2_INFO_NAMECOUNT, &count);
        pcre2_pattern_info(c->re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
        pcre2_pattern_info(c->re, PCRE2_INFO_NAMETABLE, &table);
        for (uint32_t k = 0; k < count; k++) {
            const unsigned char *ent = table + (size_t)k * esize;
            uint32_t grp = ((uint32_t)ent[0] << 8) | ent[1];
            if (grp >= novec || ov[2 * grp] == PCRE2_UNSET) {
                continue;
            }
            const char *name = (const char *)ent + 2;
            size_t nl = strlen(name);
            const char *val = v.p + ov[2 * grp];
            size_t vl = ov[2 * grp + 1] - ov[2 * grp];
            /* "source_ip" -> source.ip: a well-known field, set when the event lacks it */
            char dotted[64];
            enum mm_field id = MM_F__COUNT;
            if (nl < sizeof(dotted)) {
                for (size_t j = 0; j < nl; j++) {
                    dotted[j] = name[j] == '_' ? '.' : name[j];
                }
                id = mm_field_lookup(dotted, nl);
            }
            if (id != MM_F__COUNT) {
                if (ev->f[id].p == NULL) {
                    mm_event_set(ev, id, val, vl);
                }
                continue;
            }
            char *key = mm_event_copy(ev, name, nl);
            if (key == NULL) {
                ev->nx_dropped++;
                continue;
            }
            (void)mm_event_add(ev, NULL, key, nl, val, vl);
        }
    }
}

static void add_captures(const struct mm_ruleset *rs, const struct mm_rule *r,
                         struct mm_event *ev)
{
    for (size_t s = 0; s < r->nsels; s++) {
        for (size_t a = 0; a < r->sels[s].nalts; a++) {
            for (size_t c = 0; c < r->sels[s].alts[a].nc; c++) {
                add_captures_of(rs, &r->sels[s].alts[a].c[c], ev);
            }
        }
    }
}

/* A new event for the per-event caches (ipcache.c, the automata's seen marks). */
static void next_epoch(const struct mm_ruleset *rs)
{
    if (rs->disp.epoch != NULL) {
        (*rs->disp.epoch)++;
    }
}

/*
 * Rule `done` matched and its captures may have set fields: add the rules
 * after it that are candidates now.  A rule that was one stays one (the
 * full scan would test it too), so this only ever widens the set.
 */
static void recandidate(const struct mm_ruleset *rs, const struct mm_event *ev, size_t done)
{
    uint64_t *c2 = rs->disp.cand2;
    next_epoch(rs);
    mm_rules_dispatch_candidates(rs, ev, c2);
    size_t w0 = done / 64;
    uint64_t above = (done % 64) == 63 ? 0 : ~0ULL << (done % 64 + 1);
    rs->cand[w0] |= c2[w0] & above;
    for (size_t w = w0 + 1; w < rs->disp.nwords; w++) {
        rs->cand[w] |= c2[w];
    }
}

size_t mm_ruleset_match(const struct mm_ruleset *rs, struct mm_event *ev,
                        const struct mm_rule **out, size_t max)
{
    size_t k = 0;
    mm_rules_geo_begin(rs->env);
    next_epoch(rs);
    mm_rules_dispatch_candidates(rs, ev, rs->cand);
    for (size_t w = 0; w < rs->disp.nwords; w++) {
        uint64_t bits = rs->cand[w];
        while (bits != 0) {
            size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            const struct mm_rule *r = rs->rules[i];
            if (!eval(rs, r, ev)) {
                continue;
            }
            if (r->has_captures) {
                uint32_t nx = ev->nx;
                struct mm_str before[MM_F__COUNT];
                memcpy(before, ev->f, sizeof(before));
                add_captures(rs, r, ev);
                if (ev->nx != nx || memcmp(before, ev->f, sizeof(before)) != 0) {
                    recandidate(rs, ev, i);
                    bits = rs->cand[w] & ~((2ULL << (i % 64)) - 1); /* those after i */
                }
            }
            if (k < max) {
                out[k++] = r;
            }
        }
    }
    /* countries a rule looked up, or that a group-by / correlation reads: into the event */
    mm_rules_geo_enrich(rs->env, ev, k > 0 && rs->env != NULL ? rs->env->geo_always : 0);
    return k;
}

size_t mm_rules_match_all(const struct mm_ruleset *rs, struct mm_event *ev,
                          const struct mm_rule **out, size_t max)
{
    size_t k = 0;
    mm_rules_geo_begin(rs->env);
    for (size_t i = 0; i < rs->n; i++) {
        const struct mm_rule *r = rs->rules[i];
        next_epoch(rs); /* no cache across rules: the reference parses as it always did */
        if (r->gate != SIZE_MAX && !mm_rules_gate_pass(rs, r->gate, ev)) {
            continue;
        }
        if (!eval(rs, r, ev)) {
            continue;
        }
        if (r->has_captures) {
            add_captures(rs, r, ev);
        }
        if (k < max) {
            out[k++] = r;
        }
    }
    mm_rules_geo_enrich(rs->env, ev, k > 0 && rs->env != NULL ? rs->env->geo_always : 0);
    return k;
}
