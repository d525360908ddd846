/*
 * compile.c - a Sigma `detection:` mapping into selections of field
 * conditions: modifiers, wildcards, value types, PCRE2.
 *
 * Every problem is reported with the position of the key or value that
 * caused it, and compilation goes on so that all errors of a rule appear at
 * once.  Values are normalized here (lowercased unless |cased, wildcards
 * split out, numbers and prefixes parsed) so that matching does no parsing.
 */
#include "rules_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum mod_flags {
    MF_ALL = 1,
    MF_CASED = 2,
    MF_RE_I = 4,
    MF_RE_M = 8,
    MF_RE_S = 16
};

struct mods {
    int op;       /* -1 none, else enum val_op (CONTAINS/STARTS/ENDS/RE/CIDR/GT../EXISTS) */
    const char *opname;
    int flags;
};

struct cctx {
    const char *file;
    struct mm_diag *d;
    size_t errors;
};

static void err_at(struct cctx *c, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void err_at(struct cctx *c, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mm_diag_error(c->d, c->file, line, col, "%s", msg);
    c->errors++;
}

static void cval_free(struct cval *v)
{
    free(v->s);
    free(v->wild);
    pcre2_code_free(v->re);
    for (size_t i = 0; i < v->nlit; i++) {
        free(v->lit[i]);
    }
    free(v->lit);
}

static void fcond_free(struct fcond *f)
{
    for (size_t i = 0; i < f->nv; i++) {
        cval_free(&f->v[i]);
    }
    free(f->v);
    mm_rules_fref_free(&f->f);
}

void mm_rules_selection_free(struct selection *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->nalts; i++) {
        for (size_t j = 0; j < s->alts[i].nc; j++) {
            fcond_free(&s->alts[i].c[j]);
        }
        free(s->alts[i].c);
    }
    free(s->alts);
    free(s->name);
}

/* Column of byte `off` inside a scalar key/value (quoted scalars start one later). */
static int col_of(const struct mm_ynode *n, size_t off)
{
    return n->col + (int)off + (n->plain ? 0 : 1);
}

static const char *const unsupported_mods[] = {
    "base64", "base64offset", "windash", "expand", "utf16", "utf16le", "utf16be",
    "wide",   "fieldref",     "neq",     NULL};

static int parse_mods(struct cctx *c, const struct mm_ynode *key, size_t bar, struct mods *m)
{
    int bad = 0;
    m->op = -1;
    m->opname = NULL;
    m->flags = 0;
    const char *s = key->str;
    size_t n = key->len;
    size_t i = bar;
    while (i < n) {
        size_t st = i + 1;
        size_t e = st;
        while (e < n && s[e] != '|') {
            e++;
        }
        char name[32];
        size_t ml = e - st;
        if (ml >= sizeof(name)) {
            ml = sizeof(name) - 1;
        }
        memcpy(name, s + st, ml);
        name[ml] = '\0';
        int line = key->line, col = col_of(key, st);
        int op = -1;
        if (strcmp(name, "contains") == 0) {
            op = OP_CONTAINS;
        } else if (strcmp(name, "startswith") == 0) {
            op = OP_STARTS;
        } else if (strcmp(name, "endswith") == 0) {
            op = OP_ENDS;
        } else if (strcmp(name, "re") == 0) {
            op = OP_RE;
        } else if (strcmp(name, "cidr") == 0) {
            op = OP_CIDR;
        } else if (strcmp(name, "gt") == 0) {
            op = OP_GT;
        } else if (strcmp(name, "gte") == 0) {
            op = OP_GTE;
        } else if (strcmp(name, "lt") == 0) {
            op = OP_LT;
        } else if (strcmp(name, "lte") == 0) {
            op = OP_LTE;
        } else if (strcmp(name, "exists") == 0) {
            op = OP_EXISTS;
        } else if (strcmp(name, "in_list") == 0) {
            op = OP_IN_LIST; /* mimamori: a named list of the configuration (lists.c) */
        } else if (strcmp(name, "all") == 0) {
            m->flags |= MF_ALL;
        } else if (strcmp(name, "cased") == 0) {
            m->flags |= MF_CASED;
        } else if (strcmp(name, "i") == 0 || strcmp(name, "m") == 0 || strcmp(name, "s") == 0) {
            if (m->op != OP_RE) {
                err_at(c, line, col, "modifier '%s' only applies after 're'", name);
                bad = 1;
            }
            m->flags |= name[0] == 'i' ? MF_RE_I : name[0] == 'm' ? MF_RE_M : MF_RE_S;
        } else {
            int unsup = 0;
            for (size_t k = 0; unsupported_mods[k] != NULL; k++) {
                if (strcmp(name, unsupported_mods[k]) == 0) {
                    unsup = 1;
                }
            }
            if (unsup) {
                err_at(c, line, col, "modifier '%s' is not supported", name);
            } else if (ml == 0) {
                err_at(c, line, col, "empty modifier");
            } else {
                err_at(c, line, col, "unknown modifier '%s'", name);
            }
            bad = 1;
        }
        if (op >= 0) {
            if (m->op >= 0) {
                err_at(c, line, col, "modifier '%s' cannot be combined with '%s'", name,
                       m->opname);
                bad = 1;
            } else {
                m->op = op;
                m->opname = (op == OP_CONTAINS)  ? "contains"
                            : (op == OP_STARTS)  ? "startswith"
                            : (op == OP_ENDS)    ? "endswith"
                            : (op == OP_RE)      ? "re"
                            : (op == OP_CIDR)    ? "cidr"
                            : (op == OP_EXISTS)  ? "exists"
                            : (op == OP_IN_LIST) ? "in_list"
                                                 : "gt/gte/lt/lte";
            }
        }
        i = e;
    }
    if ((m->flags & MF_CASED) && m->op >= 0 && m->op != OP_CONTAINS && m->op != OP_STARTS &&
        m->op != OP_ENDS) {
        err_at(c, key->line, key->col, "modifier 'cased' cannot be combined with '%s'",
               m->opname);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/*
 * Sigma string value: '*' and '?' are wildcards, backslash escapes '*', '?'
 * and itself; any other backslash is literal.  Fills s/n and wild (NULL when
 * there is no wildcard).
 */
static enum mm_err split_wild(const char *in, size_t len, int cased, struct cval *v)
{
    v->s = malloc(len + 3);
    v->wild = calloc(len + 3, 1);
    if (v->s == NULL || v->wild == NULL) {
        return MM_ENOMEM;
    }
    size_t o = 0;
    int any = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = in[i];
        if (ch == '\\' && i + 1 < len && (in[i + 1] == '*' || in[i + 1] == '?' ||
                                          in[i + 1] == '\\')) {
            v->s[o++] = in[++i];
            continue;
        }
        if (ch == '*' || ch == '?') {
            /* collapse "**" */
            if (ch == '*' && o > 0 && v->wild[o - 1] == '*') {
                continue;
            }
            v->wild[o] = (uint8_t)ch;
            v->s[o++] = ch;
            any = 1;
            continue;
        }
        v->s[o++] = cased ? ch : (char)tolower((unsigned char)ch);
    }
    v->s[o] = '\0';
    v->n = o;
    if (!any) {
        free(v->wild);
        v->wild = NULL;
    }
    return MM_OK;
}

/* Turn a wildcard value with an implicit op into an anchored glob. */
static enum mm_err to_glob(struct cval *v, int lead, int trail)
{
    size_t n = v->n + (size_t)lead + (size_t)trail;
    char *s = malloc(n + 1);
    uint8_t *w = calloc(n + 1, 1);
    if (s == NULL || w == NULL) {
        free(s);
        free(w);
        return MM_ENOMEM;
    }
    size_t o = 0;
    if (lead && !(v->n > 0 && v->wild[0] == '*')) {
        s[o] = '*';
        w[o++] = '*';
    }
    memcpy(s + o, v->s, v->n);
    memcpy(w + o, v->wild, v->n);
    o += v->n;
    if (trail && !(o > 0 && w[o - 1] == '*')) {
        s[o] = '*';
        w[o++] = '*';
    }
    s[o] = '\0';
    free(v->s);
    free(v->wild);
    v->s = s;
    v->wild = w;
    v->n = o;
    v->op = OP_GLOB;
    return MM_OK;
}

static int yaml_bool(const struct mm_ynode *n, int *out)
{
    if (n->type != MM_Y_SCALAR) {
        return -1;
    }
    if (strcasecmp(n->str, "true") == 0 || strcasecmp(n->str, "yes") == 0) {
        *out = 1;
        return 0;
    }
    if (strcasecmp(n->str, "false") == 0 || strcasecmp(n->str, "no") == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int compile_value(struct cctx *c, const struct mods *m, int keyword,
                         const struct mm_ynode *vn, struct cval *v)
{
    memset(v, 0, sizeof(*v));
    v->cased = (m->flags & MF_CASED) != 0;
    if (mm_yaml_is_null(vn)) {
        if (m->op >= 0 || keyword) {
            err_at(c, vn->line, vn->col, "a null value cannot be used with %s",
                   keyword ? "keywords" : m->opname);
            return -1;
        }
        v->op = OP_NULL;
        return 0;
    }
    if (vn->type != MM_Y_SCALAR) {
        err_at(c, vn->line, vn->col, "a value must be a scalar, not %s",
               mm_yaml_type_name(vn->type));
        return -1;
    }
    switch (m->op) {
    case OP_EXISTS: {
        int b;
        if (yaml_bool(vn, &b) != 0) {
            err_at(c, vn->line, vn->col, "'exists' takes true or false, not '%s'", vn->str);
            return -1;
        }
        v->op = OP_EXISTS;
        v->num = b;
        return 0;
    }
    case OP_GT:
    case OP_GTE:
    case OP_LT:
    case OP_LTE: {
        char *end = NULL;
        errno = 0;
        double d = strtod(vn->str, &end);
        if (vn->len == 0 || end != vn->str + vn->len || errno != 0 || !isfinite(d)) {
            err_at(c, vn->line, vn->col, "'%s' is not a number", vn->str);
            return -1;
        }
        v->op = (enum val_op)m->op;
        v->num = d;
        return 0;
    }
    case OP_IN_LIST:
        /* the name is bound to the configuration's list when the set is complete */
        if (vn->len == 0 || memchr(vn->str, '\0', vn->len) != NULL) {
            err_at(c, vn->line, vn->col, "'in_list' takes the name of a list");
            return -1;
        }
        v->s = strdup(vn->str);
        if (v->s == NULL) {
            err_at(c, vn->line, vn->col, "out of memory");
            return -1;
        }
        v->n = vn->len;
        v->op = OP_IN_LIST;
        return 0;
    case OP_CIDR:
        if (mm_cidr_parse(&v->cidr, vn->str, vn->len) != MM_OK) {
            err_at(c, vn->line, vn->col, "'%s' is not a CIDR prefix", vn->str);
            return -1;
        }
        v->op = OP_CIDR;
        return 0;
    case OP_RE: {
        uint32_t opts = 0;
        opts |= (m->flags & MF_RE_I) ? PCRE2_CASELESS : 0;
        opts |= (m->flags & MF_RE_M) ? PCRE2_MULTILINE : 0;
        opts |= (m->flags & MF_RE_S) ? PCRE2_DOTALL : 0;
        int ec = 0;
        PCRE2_SIZE eo = 0;
        v->re = pcre2_compile((PCRE2_SPTR)vn->str, vn->len, opts, &ec, &eo, NULL);
        if (v->re == NULL) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(ec, msg, sizeof(msg));
            mm_diag_error(c->d, c->file, vn->line, col_of(vn, (size_t)eo),
                          "bad regular expression: %s", (const char *)msg);
            c->errors++;
            return -1;
        }
        (void)pcre2_jit_compile(v->re, PCRE2_JIT_COMPLETE); /* interpreter when JIT fails */
        uint32_t names = 0;
        pcre2_pattern_info(v->re, PCRE2_INFO_NAMECOUNT, &names);
        v->ncaptures = names;
        v->op = OP_RE;
        /* what every match must contain: the dispatch prefilter's key (prefilter.c) */
        if (mm_rules_re_literals(vn->str, vn->len, &v->lit, &v->nlit) != MM_OK) {
            err_at(c, vn->line, vn->col, "out of memory");
            return -1;
        }
        return 0;
    }
    default:
        break;
    }
    /* string operators */
    enum val_op op = keyword ? OP_CONTAINS : m->op >= 0 ? (enum val_op)m->op : OP_EQ;
    if (split_wild(vn->str, vn->len, v->cased, v) != MM_OK) {
        mm_diag_error(c->d, c->file, vn->line, vn->col, "out of memory");
        c->errors++;
        return -1;
    }
    v->op = op;
    if (v->wild != NULL) {
        enum mm_err rc = to_glob(v, op == OP_CONTAINS || op == OP_ENDS,
                                 op == OP_CONTAINS || op == OP_STARTS);
        if (rc != MM_OK) {
            mm_diag_error(c->d, c->file, vn->line, vn->col, "out of memory");
            c->errors++;
            return -1;
        }
    }
    return 0;
}

/* key: "field|mod|mod" (field may be empty: keyword search); value: scalar or list. */
static int compile_fcond(struct cctx *c, const struct mm_ynode *key, const struct mm_ynode *val,
                         int keyword, struct fcond *f)
{
    memset(f, 0, sizeof(*f));
    f->line = key ? key->line : val->line;
    f->col = key ? key->col : val->col;
    struct mods m = {-1, NULL, 0};
    size_t bar = 0;
    if (key != NULL) {
        const char *p = memchr(key->str, '|', key->len);
        bar = p ? (size_t)(p - key->str) : key->len;
        if (parse_mods(c, key, bar, &m) != 0) {
            return -1;
        }
        if (bar == 0) {
            keyword = 1;
        }
    }
    f->keyword = keyword;
    f->all = (m.flags & MF_ALL) != 0;
    if (keyword && m.op >= 0 && m.op != OP_RE && m.op != OP_CONTAINS) {
        err_at(c, f->line, f->col, "keywords cannot take modifier '%s'", m.opname);
        return -1;
    }
    enum mm_err rc = keyword ? mm_rules_fref_init(&f->f, "message", 7)
                             : mm_rules_fref_init(&f->f, key->str, bar);
    if (rc == MM_EINVAL) {
        err_at(c, f->line, f->col,
               "unknown calendar field '%.*s' (mimamori.time.hour, minute, weekday, date, "
               "holiday, workday, business_hours)",
               (int)bar, key->str);
        return -1;
    }
    if (rc != MM_OK) {
        return -1;
    }
    const struct mm_ynode *const *items = (const struct mm_ynode *const *)&val;
    size_t nitems = 1;
    if (val->type == MM_Y_SEQ) {
        items = (const struct mm_ynode *const *)val->kids;
        nitems = val->nkids;
        if (nitems == 0) {
            err_at(c, val->line, val->col, "an empty list of values never matches");
            return -1;
        }
    } else if (val->type == MM_Y_MAP) {
        err_at(c, val->line, val->col, "a field takes a value or a list of values, not %s",
               mm_yaml_type_name(val->type));
        return -1;
    }
    f->v = calloc(nitems, sizeof(*f->v));
    if (f->v == NULL) {
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < nitems; i++) {
        if (compile_value(c, &m, keyword, items[i], &f->v[f->nv]) != 0) {
            cval_free(&f->v[f->nv]);
            bad = 1;
            continue;
        }
        f->nv++;
    }
    return bad ? -1 : 0;
}

static int push_fcond(struct alt *a, const struct fcond *f)
{
    struct fcond *nc = realloc(a->c, (a->nc + 1) * sizeof(*nc));
    if (nc == NULL) {
        return -1;
    }
    a->c = nc;
    a->c[a->nc++] = *f;
    return 0;
}

static int compile_map_alt(struct cctx *c, const struct mm_ynode *map, struct alt *a)
{
    int bad = 0;
    if (mm_ymap_size(map) == 0) {
        err_at(c, map->line, map->col, "an empty selection");
        return -1;
    }
    for (size_t i = 0; i < mm_ymap_size(map); i++) {
        struct fcond f;
        if (compile_fcond(c, mm_ymap_key(map, i), mm_ymap_val(map, i), 0, &f) != 0 ||
            push_fcond(a, &f) != 0) {
            fcond_free(&f);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

static int compile_selection(struct cctx *c, const struct mm_ynode *key,
                             const struct mm_ynode *val, struct selection *s)
{
    memset(s, 0, sizeof(*s));
    s->line = key->line;
    s->col = key->col;
    s->name = strdup(key->str);
    if (s->name == NULL) {
        return -1;
    }
    if (val->type == MM_Y_MAP) {
        s->alts = calloc(1, sizeof(*s->alts));
        if (s->alts == NULL) {
            return -1;
        }
        s->nalts = 1;
        return compile_map_alt(c, val, &s->alts[0]);
    }
    if (val->type == MM_Y_SCALAR && !mm_yaml_is_null(val)) {
        /* a single keyword */
        s->alts = calloc(1, sizeof(*s->alts));
        if (s->alts == NULL) {
            return -1;
        }
        s->nalts = 1;
        struct fcond f;
        if (compile_fcond(c, NULL, val, 1, &f) != 0 || push_fcond(&s->alts[0], &f) != 0) {
            fcond_free(&f);
            return -1;
        }
        return 0;
    }
    if (val->type != MM_Y_SEQ || val->nkids == 0) {
        err_at(c, val->line, val->col,
               "selection '%s' must be a mapping, a list of mappings or a list of keywords",
               s->name);
        return -1;
    }
    size_t nmaps = 0;
    for (size_t i = 0; i < val->nkids; i++) {
        nmaps += val->kids[i]->type == MM_Y_MAP;
    }
    if (nmaps == 0) {
        /* keywords: OR of substrings of the message */
        s->alts = calloc(1, sizeof(*s->alts));
        if (s->alts == NULL) {
            return -1;
        }
        s->nalts = 1;
        struct fcond f;
        if (compile_fcond(c, NULL, val, 1, &f) != 0 || push_fcond(&s->alts[0], &f) != 0) {
            fcond_free(&f);
            return -1;
        }
        return 0;
    }
    if (nmaps != val->nkids) {
        err_at(c, val->line, val->col,
               "selection '%s' mixes mappings and keywords in one list", s->name);
        return -1;
    }
    s->alts = calloc(val->nkids, sizeof(*s->alts));
    if (s->alts == NULL) {
        return -1;
    }
    s->nalts = val->nkids;
    int bad = 0;
    for (size_t i = 0; i < val->nkids; i++) {
        if (compile_map_alt(c, val->kids[i], &s->alts[i]) != 0) {
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

size_t mm_rules_compile_detection(struct mm_rule *r, const struct mm_ynode *det, const char *file,
                                  struct mm_diag *d)
{
    struct cctx c = {file, d, 0};
    if (det->type != MM_Y_MAP) {
        err_at(&c, det->line, det->col, "'detection' must be a mapping, not %s",
               mm_yaml_type_name(det->type));
        return c.errors;
    }
    const struct mm_ynode *cond = NULL;
    size_t n = mm_ymap_size(det);
    r->sels = calloc(n ? n : 1, sizeof(*r->sels));
    if (r->sels == NULL) {
        err_at(&c, det->line, det->col, "out of memory");
        return c.errors;
    }
    for (size_t i = 0; i < n; i++) {
        const struct mm_ynode *k = mm_ymap_key(det, i);
        const struct mm_ynode *v = mm_ymap_val(det, i);
        if (strcmp(k->str, "condition") == 0) {
            cond = v;
            continue;
        }
        if (strcmp(k->str, "timeframe") == 0) {
            err_at(&c, k->line, k->col,
                   "'timeframe' is not supported; use a correlation rule");
            continue;
        }
        for (size_t j = 0; j < r->nsels; j++) {
            if (strcmp(r->sels[j].name, k->str) == 0) {
                err_at(&c, k->line, k->col, "duplicate selection '%s'", k->str);
            }
        }
        size_t before = c.errors;
        if (compile_selection(&c, k, v, &r->sels[r->nsels]) != 0 && c.errors == before) {
            err_at(&c, k->line, k->col, "cannot compile selection '%s'", k->str);
        }
        r->nsels++; /* kept even when bad, so the condition can name it */
    }
    if (cond == NULL) {
        err_at(&c, det->line, det->col, "'detection' has no 'condition'");
        return c.errors;
    }
    if (r->nsels == 0) {
        err_at(&c, det->line, det->col, "'detection' has no selections");
        return c.errors;
    }
    size_t before = mm_diag_errors(d);
    r->cond = mm_rules_parse_condition(r, cond, file, d);
    c.errors += mm_diag_errors(d) - before;
    if (r->cond == NULL && mm_diag_errors(d) == before) {
        err_at(&c, cond->line, cond->col, "cannot compile the condition");
    }
    return c.errors;
}
