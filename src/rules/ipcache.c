/*
 * ipcache.c - addresses parsed once per event, and rules keyed by cidr.
 *
 * `cidr` and ip `in_list` values need the field's text as an address.  A
 * rule set tests the same source.ip against many rules, so the address of
 * each well-known field is parsed at most once per event and kept in the
 * ruleset's match scratch (one thread, see rules_int.h), valid for the
 * event's epoch and the exact slice it came from.
 *
 * The cidr index: per field, the prefixes rules require, grouped by prefix
 * length and sorted, so an event's address is masked once per distinct
 * length and found by binary search.  dispatch.c chooses these keys like
 * any other (a rule matches only if the address is in one of them).
 */
#include "rules_int.h"

#include <stdlib.h>
#include <string.h>

static struct ipent *entry(const struct mm_ruleset *rs, const struct fref *f)
{
    if (f->id == MM_F__COUNT || f->virt != 0 || rs->disp.ipc == NULL) {
        return NULL;
    }
    return &rs->disp.ipc[f->id];
}

const struct ipent *mm_rules_addr_peek(const struct mm_ruleset *rs, const struct fref *f,
                                       struct mm_str v)
{
    const struct ipent *e = entry(rs, f);
    if (e == NULL || e->epoch != *rs->disp.epoch || e->p != v.p || e->n != v.n) {
        return NULL;
    }
    return e;
}

void mm_rules_addr_put(const struct mm_ruleset *rs, const struct fref *f, struct mm_str v,
                       int state, const struct mm_addr *a)
{
    struct ipent *e = entry(rs, f);
    if (e == NULL || v.p == NULL) {
        return;
    }
    e->epoch = *rs->disp.epoch;
    e->p = v.p;
    e->n = v.n;
    e->state = state;
    if (state == 1) {
        e->addr = *a;
    }
}

int mm_rules_addr_of(const struct mm_ruleset *rs, const struct fref *f, struct mm_str v,
                     struct mm_addr *out)
{
    if (v.p == NULL) {
        return 0;
    }
    const struct ipent *e = mm_rules_addr_peek(rs, f, v);
    if (e != NULL) {
        if (e->state == 1) {
            *out = e->addr;
        }
        return e->state == 1;
    }
    int ok = mm_addr_parse(out, v.p, v.n) == MM_OK; /* a dotted quad is its fast path */
    mm_rules_addr_put(rs, f, v, ok ? 1 : -1, out);
    return ok;
}

/* ---- cidr index ---- */

static void mask(struct mm_addr *out, const struct mm_addr *a, unsigned bits)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned lo = i * 8;
        if (lo >= bits) {
            out->a[i] = 0;
        } else if (lo + 8 > bits) {
            out->a[i] = (uint8_t)(a->a[i] & (0xff << (8 - (bits - lo))));
        } else {
            out->a[i] = a->a[i];
        }
    }
}

/* Index of the first key >= net. */
static size_t lower_bound(const struct clen *l, const struct mm_addr *net)
{
    size_t lo = 0, hi = l->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(l->keys[mid].net.a, net->a, 16) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

enum mm_err mm_rules_cidr_add(struct cslot *cs, const struct mm_cidr *c, size_t rule)
{
    size_t li = 0;
    while (li < cs->nlens && cs->lens[li].bits != c->bits) {
        li++;
    }
    if (li == cs->nlens) {
        struct clen *nl = realloc(cs->lens, (cs->nlens + 1) * sizeof(*nl));
        if (nl == NULL) {
            return MM_ENOMEM;
        }
        cs->lens = nl;
        memset(&cs->lens[cs->nlens], 0, sizeof(*nl));
        cs->lens[cs->nlens++].bits = c->bits;
    }
    struct clen *l = &cs->lens[li];
    struct mm_addr net;
    mask(&net, &c->addr, c->bits);
    size_t at = lower_bound(l, &net);
    if (at == l->nkeys || memcmp(l->keys[at].net.a, net.a, 16) != 0) {
        struct ckey *nk = realloc(l->keys, (l->nkeys + 1) * sizeof(*nk));
        if (nk == NULL) {
            return MM_ENOMEM;
        }
        l->keys = nk;
        memmove(&l->keys[at + 1], &l->keys[at], (l->nkeys - at) * sizeof(*nk));
        memset(&l->keys[at], 0, sizeof(*nk));
        l->keys[at].net = net;
        l->nkeys++;
    }
    struct ckey *k = &l->keys[at];
    if (k->nrules > 0 && k->rules[k->nrules - 1] == rule) {
        return MM_OK;
    }
    size_t *nr = realloc(k->rules, (k->nrules + 1) * sizeof(*nr));
    if (nr == NULL) {
        return MM_ENOMEM;
    }
    k->rules = nr;
    k->rules[k->nrules++] = rule;
    return MM_OK;
}

void mm_rules_cidr_free(struct cslot *cs)
{
    for (size_t i = 0; i < cs->nlens; i++) {
        for (size_t k = 0; k < cs->lens[i].nkeys; k++) {
            free(cs->lens[i].keys[k].rules);
        }
        free(cs->lens[i].keys);
    }
    free(cs->lens);
    memset(cs, 0, sizeof(*cs));
}

void mm_rules_cidr_scan(const struct mm_ruleset *rs, const struct cslot *cs, struct mm_str v,
                        uint64_t *cand)
{
    struct mm_addr a;
    if (!mm_rules_addr_of(rs, &cs->f, v, &a)) {
        return;
    }
    for (size_t i = 0; i < cs->nlens; i++) {
        const struct clen *l = &cs->lens[i];
        struct mm_addr net;
        mask(&net, &a, l->bits);
        size_t at = lower_bound(l, &net);
        if (at < l->nkeys && memcmp(l->keys[at].net.a, net.a, 16) == 0) {
            mm_rules_dispatch_hit(rs, cand, l->keys[at].rules, l->keys[at].nrules);
        }
    }
}
