/*
 * corr_load.c - the `correlation:` section of a rule document (Sigma
 * correlation rules, plus mimamori's kinds `absence` and `new_value`), and
 * the whole-set resolution that runs after every file is loaded: references
 * by name or id, aliases, consumer lists, cycles, and Sigma's `generate`.
 *
 * Sigma semantics kept: `rules` name rules by `name` or `id`; `group-by`
 * fields may be alias names (`aliases: {alias: {rule: field}}`); `condition`
 * is a map of gt/gte/lt/lte/eq (several = a range, AND), and carries `field`
 * for value_count; a rule referenced by a correlation does not raise alerts
 * of its own unless a correlation referencing it says `generate: true`.
 *
 * mimamori extensions (documented in docs/rules.md): a temporal_ordered step
 * may be `{rule: x, count: {gte: 10}}` or `{not: x}` (x between the steps
 * around it abandons the sequence); `max-groups:` / `max-values:` bound the
 * state; new_value takes `learning:`.
 */
#include "rules_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct cctx {
    const char *file;
    struct mm_diag *d;
    size_t errors;
};

#define CERR(c, n, ...)                                                                            \
    do {                                                                                           \
        mm_diag_error((c)->d, (c)->file, (n) ? (n)->line : 0, (n) ? (n)->col : 0, __VA_ARGS__);    \
        (c)->errors++;                                                                             \
    } while (0)

static const struct {
    const char *name;
    enum corr_type type;
} types[] = {
    {"event_count", CORR_EVENT_COUNT}, {"value_count", CORR_VALUE_COUNT},
    {"temporal", CORR_TEMPORAL},       {"temporal_ordered", CORR_TEMPORAL_ORDERED},
    {"absence", CORR_ABSENCE},         {"new_value", CORR_NEW_VALUE},
};

void mm_corr_free_rule(struct corr *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->nsteps; i++) {
        free(c->steps[i].ref);
        if (c->steps[i].group_refs != NULL) {
            for (size_t k = 0; k < c->ngroup_refs; k++) {
                mm_rules_fref_free(&c->steps[i].group_refs[k]);
            }
            free(c->steps[i].group_refs);
        }
    }
    free(c->steps);
    mm_rules_fref_free(&c->field);
    for (size_t i = 0; i < c->naliases; i++) {
        struct corr_alias *a = &c->aliases[i];
        for (size_t k = 0; k < a->n; k++) {
            free(a->rules[k]);
            free(a->fields[k]);
        }
        free(a->rules);
        free(a->fields);
        free(a->name);
    }
    free(c->aliases);
    free(c);
}

int mm_corr_parse_duration(const char *s, int64_t *ns, int max_days)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno != 0 || v < 0 || !isdigit((unsigned char)s[0])) {
        return -1;
    }
    int64_t unit;
    if (strcmp(end, "s") == 0) {
        unit = 1;
    } else if (strcmp(end, "m") == 0) {
        unit = 60;
    } else if (strcmp(end, "h") == 0) {
        unit = 3600;
    } else if (strcmp(end, "d") == 0) {
        unit = 86400;
    } else if (*end == '\0' && v == 0) {
        unit = 1;
    } else {
        return -1;
    }
    if (v > (long long)max_days * 86400 / unit) {
        return -1;
    }
    *ns = (int64_t)v * unit * 1000000000LL;
    return 0;
}

static int parse_u64(const struct mm_ynode *n, uint64_t *out)
{
    if (n->type != MM_Y_SCALAR || !n->plain || n->len == 0 || !isdigit((unsigned char)n->str[0])) {
        return -1;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(n->str, &end, 10);
    if (errno != 0 || *end != '\0' || v > UINT32_MAX) {
        return -1;
    }
    *out = v;
    return 0;
}

static char *dup_scalar(struct cctx *c, const struct mm_ynode *n, const char *what)
{
    if (n->type != MM_Y_SCALAR || n->len == 0 || mm_yaml_is_null(n) ||
        memchr(n->str, '\0', n->len) != NULL) {
        CERR(c, n, "'%s' must be a non-empty string", what);
        return NULL;
    }
    char *s = strdup(n->str);
    if (s == NULL) {
        CERR(c, n, "out of memory");
    }
    return s;
}

/*
 * {gt|gte|lt|lte|eq: N, ...} into inclusive bounds; `field` (Sigma puts the
 * value_count field here) goes to *field.
 */
static void load_cond(struct cctx *c, const struct mm_ynode *n, struct corr_cond *cc,
                      const struct mm_ynode **field)
{
    cc->lo = 0;
    cc->hi = UINT64_MAX;
    if (n->type != MM_Y_MAP || mm_ymap_size(n) == 0) {
        CERR(c, n, "'condition' must be a mapping like {gte: 10}");
        return;
    }
    int any = 0;
    for (size_t i = 0; i < mm_ymap_size(n); i++) {
        const struct mm_ynode *k = mm_ymap_key(n, i);
        const struct mm_ynode *v = mm_ymap_val(n, i);
        if (strcmp(k->str, "field") == 0) {
            if (field != NULL) {
                *field = v;
            } else {
                CERR(c, k, "'field' is not allowed here");
            }
            continue;
        }
        uint64_t x;
        if (parse_u64(v, &x) != 0) {
            CERR(c, v, "'%s' must be a whole number (0 to 4294967295)", k->str);
            continue;
        }
        any = 1;
        if (strcmp(k->str, "gt") == 0) {
            cc->lo = x + 1 > cc->lo ? x + 1 : cc->lo;
        } else if (strcmp(k->str, "gte") == 0) {
            cc->lo = x > cc->lo ? x : cc->lo;
        } else if (strcmp(k->str, "lt") == 0) {
            if (x == 0) {
                CERR(c, v, "'lt: 0' can never hold");
                continue;
            }
            cc->hi = x - 1 < cc->hi ? x - 1 : cc->hi;
        } else if (strcmp(k->str, "lte") == 0) {
            cc->hi = x < cc->hi ? x : cc->hi;
        } else if (strcmp(k->str, "eq") == 0) {
            cc->lo = x > cc->lo ? x : cc->lo;
            cc->hi = x < cc->hi ? x : cc->hi;
        } else {
            CERR(c, k, "unknown condition '%s' (gt, gte, lt, lte, eq%s)", k->str,
                 field != NULL ? ", field" : "");
        }
    }
    if (!any) {
        CERR(c, n, "'condition' needs one of gt, gte, lt, lte, eq");
    } else if (cc->lo > cc->hi) {
        CERR(c, n, "'condition' can never hold (the range is empty)");
    }
}

static void load_steps(struct cctx *c, const struct mm_ynode *n, struct corr *co)
{
    if (n->type == MM_Y_SCALAR) {
        CERR(c, n, "'rules' must be a list of rule names or ids");
        return;
    }
    if (n->type != MM_Y_SEQ || n->nkids == 0) {
        CERR(c, n, "'rules' must be a non-empty list of rule names or ids");
        return;
    }
    if (n->nkids > CORR_MAX_STEPS) {
        CERR(c, n, "'rules' lists %zu rules; at most %d", n->nkids, CORR_MAX_STEPS);
        return;
    }
    co->steps = calloc(n->nkids, sizeof(*co->steps));
    if (co->steps == NULL) {
        CERR(c, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const struct mm_ynode *e = n->kids[i];
        struct corr_step *st = &co->steps[co->nsteps];
        st->line = e->line;
        st->col = e->col;
        st->count.lo = 1;
        st->count.hi = UINT64_MAX;
        if (e->type == MM_Y_SCALAR) {
            st->ref = dup_scalar(c, e, "rules");
        } else if (e->type == MM_Y_MAP) {
            const struct mm_ynode *rule = mm_ymap_get(e, "rule");
            const struct mm_ynode *not = mm_ymap_get(e, "not");
            const struct mm_ynode *count = mm_ymap_get(e, "count");
            for (size_t k = 0; k < mm_ymap_size(e); k++) {
                const char *key = mm_ymap_key(e, k)->str;
                if (strcmp(key, "rule") != 0 && strcmp(key, "not") != 0 &&
                    strcmp(key, "count") != 0) {
                    CERR(c, mm_ymap_key(e, k), "unknown step key '%s' (rule, count, not)", key);
                }
            }
            if ((rule == NULL) == (not == NULL)) {
                CERR(c, e, "a step is {rule: name} (with an optional count) or {not: name}");
                continue;
            }
            if (co->type != CORR_TEMPORAL_ORDERED) {
                CERR(c, e, "steps with 'rule:', 'count:' or 'not:' are only for temporal_ordered");
                continue;
            }
            if (not != NULL) {
                if (count != NULL) {
                    CERR(c, count, "a 'not:' step takes no count");
                }
                st->forbid = 1;
                st->ref = dup_scalar(c, not, "not");
            } else {
                st->ref = dup_scalar(c, rule, "rule");
                if (count != NULL) {
                    load_cond(c, count, &st->count, NULL);
                    if (st->count.lo == 0) {
                        CERR(c, count, "a step count needs a lower bound (gte, gt or eq)");
                    } else if (st->count.lo > CORR_MAX_RING) {
                        CERR(c, count, "a step count is at most %d", CORR_MAX_RING);
                    }
                }
            }
        } else {
            CERR(c, e, "a rules entry must be a rule name or id, not %s",
                 mm_yaml_type_name(e->type));
            continue;
        }
        if (st->ref == NULL) {
            continue;
        }
        co->nsteps++;
    }
}

static void load_group_by(struct cctx *c, const struct mm_ynode *n, struct mm_rule *r)
{
    if (n->type != MM_Y_SEQ) {
        CERR(c, n, "'group-by' must be a list of field names");
        return;
    }
    if (n->nkids == 0) {
        return;
    }
    r->group_by = calloc(n->nkids, sizeof(*r->group_by));
    if (r->group_by == NULL) {
        CERR(c, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        char *s = dup_scalar(c, n->kids[i], "group-by");
        if (s == NULL) {
            continue;
        }
        /* a Sigma alias name (e.g. user_name) stays as written; a field gets its ECS name */
        const char *ecs = mm_rules_alias(s, strlen(s));
        if (ecs != NULL) {
            char *e = strdup(ecs);
            free(s);
            s = e;
            if (s == NULL) {
                CERR(c, n->kids[i], "out of memory");
                continue;
            }
        }
        r->group_by[r->ngroup++] = s;
    }
}

static void load_aliases(struct cctx *c, const struct mm_ynode *n, struct corr *co)
{
    if (n->type != MM_Y_MAP) {
        CERR(c, n, "'aliases' must be a mapping {alias: {rule: field}}");
        return;
    }
    size_t cnt = mm_ymap_size(n);
    co->aliases = calloc(cnt ? cnt : 1, sizeof(*co->aliases));
    if (co->aliases == NULL) {
        CERR(c, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < cnt; i++) {
        const struct mm_ynode *k = mm_ymap_key(n, i);
        const struct mm_ynode *v = mm_ymap_val(n, i);
        if (v->type != MM_Y_MAP || mm_ymap_size(v) == 0) {
            CERR(c, v, "alias '%s' must map rule names to fields", k->str);
            continue;
        }
        struct corr_alias *a = &co->aliases[co->naliases];
        a->line = k->line;
        a->col = k->col;
        a->name = strdup(k->str);
        a->rules = calloc(mm_ymap_size(v), sizeof(*a->rules));
        a->fields = calloc(mm_ymap_size(v), sizeof(*a->fields));
        co->naliases++;
        if (a->name == NULL || a->rules == NULL || a->fields == NULL) {
            CERR(c, k, "out of memory");
            continue;
        }
        for (size_t j = 0; j < mm_ymap_size(v); j++) {
            char *f = dup_scalar(c, mm_ymap_val(v, j), "alias field");
            char *rn = f != NULL ? strdup(mm_ymap_key(v, j)->str) : NULL;
            if (f == NULL || rn == NULL) {
                free(f);
                continue;
            }
            a->rules[a->n] = rn;
            a->fields[a->n] = f;
            a->n++;
        }
    }
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211ULL;
    }
    return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
    return mix(h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

static uint64_t shape_of(const struct mm_rule *r, const struct corr *co)
{
    uint64_t h = 1469598103934665603ULL;
    h = mix(h, &co->type, sizeof(co->type));
    h = mix(h, &co->timespan_ns, sizeof(co->timespan_ns));
    h = mix(h, &co->cond, sizeof(co->cond));
    h = mix_str(h, co->field.name);
    h = mix(h, &co->max_values, sizeof(co->max_values));
    for (size_t i = 0; i < co->nsteps; i++) {
        h = mix_str(h, co->steps[i].ref);
        h = mix(h, &co->steps[i].forbid, sizeof(co->steps[i].forbid));
        h = mix(h, &co->steps[i].count, sizeof(co->steps[i].count));
    }
    for (size_t i = 0; i < r->ngroup; i++) {
        h = mix_str(h, r->group_by[i]);
    }
    return h ^ (h >> 29);
}

static const char *const corr_keys[] = {"type",  "rules",   "group-by", "timespan", "condition",
                                        "field", "aliases", "generate", "learning", NULL};

size_t mm_corr_load(struct mm_rule *r, const struct mm_ynode *doc, const char *file,
                    struct mm_diag *d)
{
    struct cctx c = {file, d, 0};
    const struct mm_ynode *sec = mm_ymap_get(doc, "correlation");
    struct corr *co = calloc(1, sizeof(*co));
    if (co == NULL) {
        CERR(&c, doc, "out of memory");
        return c.errors;
    }
    r->corr = co;
    co->max_groups = CORR_DEFAULT_MAX_GROUPS;
    co->max_values = CORR_DEFAULT_MAX_VALUES;
    co->cond.hi = UINT64_MAX;
    if (sec == NULL || sec->type != MM_Y_MAP) {
        CERR(&c, sec != NULL ? sec : doc, "'correlation' must be a mapping");
        return c.errors;
    }
    for (size_t i = 0; i < mm_ymap_size(sec); i++) {
        const struct mm_ynode *k = mm_ymap_key(sec, i);
        int known = 0;
        for (size_t j = 0; corr_keys[j] != NULL && !known; j++) {
            known = strcmp(k->str, corr_keys[j]) == 0;
        }
        if (!known) {
            CERR(&c, k, "unknown correlation key '%s'", k->str);
        }
    }
    const struct mm_ynode *t = mm_ymap_get(sec, "type");
    int typed = 0;
    for (size_t i = 0; t != NULL && t->type == MM_Y_SCALAR && i < sizeof(types) / sizeof(types[0]);
         i++) {
        if (strcmp(t->str, types[i].name) == 0) {
            co->type = types[i].type;
            typed = 1;
        }
    }
    if (!typed) {
        CERR(&c, t != NULL ? t : sec,
             "'correlation.type' must be event_count, value_count, temporal, temporal_ordered, "
             "absence or new_value");
        return c.errors;
    }
    const struct mm_ynode *n = mm_ymap_get(sec, "rules");
    if (n == NULL) {
        CERR(&c, sec, "missing 'correlation.rules'");
    } else {
        load_steps(&c, n, co);
    }
    if ((n = mm_ymap_get(sec, "group-by")) != NULL) {
        load_group_by(&c, n, r);
    }
    if ((n = mm_ymap_get(sec, "aliases")) != NULL) {
        load_aliases(&c, n, co);
    }
    n = mm_ymap_get(sec, "timespan");
    if (n != NULL) {
        if (n->type != MM_Y_SCALAR || mm_corr_parse_duration(n->str, &co->timespan_ns, 365) != 0 ||
            co->timespan_ns == 0) {
            CERR(&c, n, "'timespan' must be a duration like 30s, 5m, 1h or 3d (at most 365d)");
        }
    } else if (co->type != CORR_NEW_VALUE) {
        CERR(&c, sec, "missing 'correlation.timespan'");
    }
    const struct mm_ynode *field = mm_ymap_get(sec, "field");
    const struct mm_ynode *cfield = NULL;
    n = mm_ymap_get(sec, "condition");
    if (n != NULL) {
        if (co->type == CORR_ABSENCE || co->type == CORR_NEW_VALUE) {
            CERR(&c, n, "a %s correlation takes no condition", t->str);
        } else {
            load_cond(&c, n, &co->cond, &cfield);
        }
    } else if (co->type == CORR_EVENT_COUNT || co->type == CORR_VALUE_COUNT) {
        CERR(&c, sec, "missing 'correlation.condition' (for example {gte: 10})");
    }
    if (cfield != NULL && field != NULL) {
        CERR(&c, field, "'field' is given twice (here and in the condition)");
    }
    field = field != NULL ? field : cfield;
    if (co->type == CORR_VALUE_COUNT || co->type == CORR_NEW_VALUE) {
        char *f = field != NULL ? dup_scalar(&c, field, "field") : NULL;
        if (field == NULL) {
            CERR(&c, sec, "a %s correlation needs 'field'", t->str);
        } else if (f != NULL && mm_rules_fref_init(&co->field, f, strlen(f)) != MM_OK) {
            CERR(&c, field, "out of memory");
        }
        free(f);
    } else if (field != NULL) {
        CERR(&c, field, "'field' is only for value_count and new_value");
    }
    if ((n = mm_ymap_get(sec, "learning")) != NULL) {
        if (co->type != CORR_NEW_VALUE) {
            CERR(&c, n, "'learning' is only for new_value");
        } else if (n->type != MM_Y_SCALAR ||
                   mm_corr_parse_duration(n->str, &co->learning_ns, 365) != 0) {
            CERR(&c, n, "'learning' must be a duration like 7d");
        }
    }
    /* Sigma has `generate` at the top level (schema) and in the section (pySigma): take both */
    const struct mm_ynode *gens[2] = {mm_ymap_get(sec, "generate"), mm_ymap_get(doc, "generate")};
    for (size_t i = 0; i < 2; i++) {
        if (gens[i] == NULL) {
            continue;
        }
        if (gens[i]->type == MM_Y_SCALAR && strcmp(gens[i]->str, "true") == 0) {
            co->generate = 1;
        } else if (gens[i]->type != MM_Y_SCALAR || strcmp(gens[i]->str, "false") != 0) {
            CERR(&c, gens[i], "'generate' must be true or false");
        }
    }
    const char *lim[2] = {"max-groups", "max-values"};
    size_t *dst[2] = {&co->max_groups, &co->max_values};
    for (size_t i = 0; i < 2; i++) {
        uint64_t v;
        if ((n = mm_ymap_get(doc, lim[i])) == NULL) {
            continue;
        }
        if (parse_u64(n, &v) != 0 || v == 0 || v > 10000000) {
            CERR(&c, n, "'%s' must be a number from 1 to 10000000", lim[i]);
        } else {
            *dst[i] = (size_t)v;
        }
    }
    /* kind-specific checks */
    size_t nreal = 0;
    for (size_t i = 0; i < co->nsteps; i++) {
        nreal += !co->steps[i].forbid;
    }
    switch (co->type) {
    case CORR_EVENT_COUNT:
    case CORR_VALUE_COUNT:
        if (n = mm_ymap_get(sec, "condition"), n != NULL && co->cond.lo == 0) {
            CERR(&c, n,
                 "the condition needs a lower bound (gte, gt or eq): a stream cannot wait for "
                 "'fewer than' (use type: absence for silence)");
        } else if (co->type == CORR_EVENT_COUNT && co->cond.lo > CORR_MAX_RING) {
            CERR(&c, n, "an event_count threshold is at most %d", CORR_MAX_RING);
        }
        break;
    case CORR_TEMPORAL:
    case CORR_TEMPORAL_ORDERED:
        if (nreal < 2 && co->nsteps > 0) {
            CERR(&c, mm_ymap_get(sec, "rules"), "a %s correlation needs at least two rules",
                 t->str);
        }
        if (co->nsteps > 0 && (co->steps[0].forbid || co->steps[co->nsteps - 1].forbid)) {
            CERR(&c, mm_ymap_get(sec, "rules"), "a 'not:' step must stand between two steps");
        }
        if (mm_ymap_get(sec, "condition") == NULL) {
            co->cond.lo = nreal; /* all of them */
        } else if (co->cond.lo == 0 || co->cond.lo > nreal) {
            CERR(&c, mm_ymap_get(sec, "condition"),
                 "the condition counts distinct rules: a lower bound from 1 to %zu", nreal);
        }
        break;
    case CORR_ABSENCE:
    case CORR_NEW_VALUE:
        break;
    }
    co->shape = shape_of(r, co);
    return c.errors;
}

int mm_corr_add(struct mm_ruleset *rs, struct mm_rule *r)
{
    if (rs->ncorrs == rs->capcorrs) {
        size_t cap = rs->capcorrs ? rs->capcorrs * 2 : 8;
        struct mm_rule **nr = realloc(rs->corrs, cap * sizeof(*nr));
        if (nr == NULL) {
            return -1;
        }
        rs->corrs = nr;
        rs->capcorrs = cap;
    }
    r->corr->index = rs->ncorrs;
    r->index = rs->ncorrs;
    rs->corrs[rs->ncorrs++] = r;
    return 0;
}

/* ---- resolution ---- */

static struct mm_rule *find_rule(struct mm_ruleset *rs, const char *ref)
{
    for (size_t i = 0; i < rs->n; i++) {
        struct mm_rule *r = rs->rules[i];
        if ((r->name != NULL && strcmp(r->name, ref) == 0) || strcmp(r->id, ref) == 0) {
            return r;
        }
    }
    for (size_t i = 0; i < rs->ncorrs; i++) {
        struct mm_rule *r = rs->corrs[i];
        if ((r->name != NULL && strcmp(r->name, ref) == 0) || strcmp(r->id, ref) == 0) {
            return r;
        }
    }
    return NULL;
}

static int names_rule(const char *ref, const struct mm_rule *r)
{
    return (r->name != NULL && strcmp(r->name, ref) == 0) || strcmp(r->id, ref) == 0;
}

/* Follow correlation references from r; 1 when `target` is reachable (a cycle). */
static int reaches(const struct mm_rule *r, const struct mm_rule *target, int depth)
{
    if (r->corr == NULL || depth > 16) {
        return depth > 16;
    }
    for (size_t i = 0; i < r->corr->nsteps; i++) {
        const struct mm_rule *s = r->corr->steps[i].rule;
        if (s == NULL) {
            continue;
        }
        if (s == target || reaches(s, target, depth + 1)) {
            return 1;
        }
    }
    return 0;
}

static void resolve_one(struct mm_ruleset *rs, struct mm_rule *r, struct mm_diag *d)
{
    struct corr *co = r->corr;
    co->ngroup_refs = r->ngroup;
    for (size_t i = 0; i < co->nsteps; i++) {
        struct corr_step *st = &co->steps[i];
        struct mm_rule *t = find_rule(rs, st->ref);
        if (t == NULL) {
            mm_diag_error(d, r->file, st->line, st->col,
                          "correlation %s: no rule named '%s' (by name or id)", r->id, st->ref);
            continue;
        }
        if (t == r) {
            mm_diag_error(d, r->file, st->line, st->col, "correlation %s refers to itself", r->id);
            continue;
        }
        st->rule = t;
        st->group_refs = calloc(r->ngroup ? r->ngroup : 1, sizeof(*st->group_refs));
        if (st->group_refs == NULL) {
            mm_diag_error(d, r->file, st->line, st->col, "out of memory");
            continue;
        }
        for (size_t g = 0; g < r->ngroup; g++) {
            const char *fname = r->group_by[g];
            for (size_t a = 0; a < co->naliases; a++) {
                const struct corr_alias *al = &co->aliases[a];
                if (strcmp(al->name, r->group_by[g]) != 0) {
                    continue;
                }
                fname = NULL;
                for (size_t k = 0; k < al->n; k++) {
                    if (names_rule(al->rules[k], t)) {
                        fname = al->fields[k];
                    }
                }
                if (fname == NULL) {
                    mm_diag_error(d, r->file, al->line, al->col,
                                  "alias '%s' has no field for rule '%s'", al->name, st->ref);
                }
            }
            if (fname != NULL &&
                mm_rules_fref_init(&st->group_refs[g], fname, strlen(fname)) != MM_OK) {
                mm_diag_error(d, r->file, st->line, st->col, "out of memory");
            }
        }
        struct corr_use *nu = realloc(t->uses, (t->nuses + 1) * sizeof(*nu));
        if (nu == NULL) {
            mm_diag_error(d, r->file, st->line, st->col, "out of memory");
            continue;
        }
        t->uses = nu;
        t->uses[t->nuses].corr = r;
        t->uses[t->nuses].step = i;
        t->nuses++;
    }
    for (size_t a = 0; a < co->naliases; a++) {
        int used = 0;
        for (size_t g = 0; g < r->ngroup; g++) {
            used |= strcmp(co->aliases[a].name, r->group_by[g]) == 0;
        }
        if (!used) {
            mm_diag_error(d, r->file, co->aliases[a].line, co->aliases[a].col,
                          "alias '%s' is not in group-by", co->aliases[a].name);
        }
    }
}

void mm_corr_resolve(struct mm_ruleset *rs, struct mm_diag *d)
{
    /* ids and names are unique across detection and correlation rules */
    for (size_t i = 0; i < rs->ncorrs; i++) {
        struct mm_rule *r = rs->corrs[i];
        for (size_t j = 0; j < rs->n + i; j++) {
            const struct mm_rule *o = j < rs->n ? rs->rules[j] : rs->corrs[j - rs->n];
            if (strcmp(o->id, r->id) == 0) {
                mm_diag_error(d, r->file, r->line, r->col,
                              "duplicate rule id '%s' (first used at %s:%d:%d)", r->id, o->file,
                              o->line, o->col);
            }
            if (r->name != NULL && o->name != NULL && strcmp(o->name, r->name) == 0) {
                mm_diag_error(d, r->file, r->line, r->col,
                              "duplicate rule name '%s' (first used at %s:%d:%d)", r->name, o->file,
                              o->line, o->col);
            }
        }
    }
    for (size_t i = 0; i < rs->ncorrs; i++) {
        resolve_one(rs, rs->corrs[i], d);
    }
    for (size_t i = 0; i < rs->ncorrs; i++) {
        struct mm_rule *r = rs->corrs[i];
        if (reaches(r, r, 0)) {
            mm_diag_error(d, r->file, r->line, r->col,
                          "correlation %s: its rules lead back to it (a cycle, or chains deeper "
                          "than 16)",
                          r->id);
        }
    }
    /* Sigma generate: referenced rules are silent unless a referencing correlation says true */
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? rs->n : rs->ncorrs;
        for (size_t i = 0; i < n; i++) {
            struct mm_rule *r = pass == 0 ? rs->rules[i] : rs->corrs[i];
            int referenced = 0, generate = 0;
            for (size_t u = 0; u < r->nuses; u++) {
                const struct corr *uc = r->uses[u].corr->corr;
                if (uc->steps[r->uses[u].step].forbid) {
                    continue;
                }
                referenced = 1;
                generate |= uc->generate;
            }
            r->silent = referenced && !generate;
        }
    }
}
