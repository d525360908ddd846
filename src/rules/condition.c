/*
 * condition.c - the Sigma condition grammar, by recursive descent:
 *
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' expr ')' | quant | NAME
 *   quant   := ('1' | 'any' | 'all') 'of' (PATTERN | 'them')
 *
 * so `not` binds tighter than `and`, which binds tighter than `or`.  PATTERN
 * may use '*'; `them` means every selection whose name does not start with
 * '_'.  Names are resolved against the rule's selections here, so matching
 * works on indices.  A list of conditions is their `or` (old Sigma form).
 * Aggregations ("| count() by ...") are refused: they are correlation rules.
 */
#include "rules_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_OF, T_THEM, T_ONE, T_ALL, T_NAME, T_PIPE };

struct cparser {
    const struct mm_rule *r;
    const struct mm_ynode *node;
    const char *file;
    struct mm_diag *d;
    const char *s;
    size_t n, pos;
    enum tok t;
    size_t tstart, tlen;
    int failed;
    int depth;
};

static void perr(struct cparser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void perr(struct cparser *p, size_t off, const char *fmt, ...)
{
    if (p->failed) {
        return; /* one error per condition: the rest would be noise */
    }
    p->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    int col = p->node->col + (int)off + (p->node->plain ? 0 : 1);
    mm_diag_error(p->d, p->file, p->node->line, col, "%s", msg);
}

static int word_eq(const char *a, size_t n, const char *kw)
{
    return strlen(kw) == n && strncmp(a, kw, n) == 0;
}

static void next(struct cparser *p)
{
    while (p->pos < p->n && isspace((unsigned char)p->s[p->pos])) {
        p->pos++;
    }
    p->tstart = p->pos;
    p->tlen = 0;
    if (p->pos >= p->n) {
        p->t = T_END;
        return;
    }
    char ch = p->s[p->pos];
    if (ch == '(' || ch == ')' || ch == '|') {
        p->t = ch == '(' ? T_LP : ch == ')' ? T_RP : T_PIPE;
        p->pos++;
        p->tlen = 1;
        return;
    }
    while (p->pos < p->n && !isspace((unsigned char)p->s[p->pos]) && p->s[p->pos] != '(' &&
           p->s[p->pos] != ')' && p->s[p->pos] != '|') {
        p->pos++;
    }
    p->tlen = p->pos - p->tstart;
    const char *w = p->s + p->tstart;
    size_t l = p->tlen;
    if (word_eq(w, l, "and")) {
        p->t = T_AND;
    } else if (word_eq(w, l, "or")) {
        p->t = T_OR;
    } else if (word_eq(w, l, "not")) {
        p->t = T_NOT;
    } else if (word_eq(w, l, "of")) {
        p->t = T_OF;
    } else if (word_eq(w, l, "them")) {
        p->t = T_THEM;
    } else if (word_eq(w, l, "1") || word_eq(w, l, "any")) {
        p->t = T_ONE;
    } else if (word_eq(w, l, "all")) {
        p->t = T_ALL;
    } else {
        p->t = T_NAME;
    }
}

static struct cnode *node_new(struct cparser *p, enum cnode_type t)
{
    struct cnode *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        perr(p, p->tstart, "out of memory");
        return NULL;
    }
    c->type = t;
    return c;
}

void mm_rules_cnode_free(struct cnode *c)
{
    if (c == NULL) {
        return;
    }
    mm_rules_cnode_free(c->a);
    mm_rules_cnode_free(c->b);
    free(c->sels);
    free(c);
}

/* '*' only, as Sigma allows in condition names */
static int name_glob(const char *pat, size_t pn, const char *s)
{
    size_t sn = strlen(s), pi = 0, si = 0, star = SIZE_MAX, mark = 0;
    while (si < sn) {
        if (pi < pn && pat[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < pn && pat[pi] == s[si]) {
            pi++;
            si++;
        } else if (star != SIZE_MAX) {
            pi = star + 1;
            si = ++mark;
        } else {
            return 0;
        }
    }
    while (pi < pn && pat[pi] == '*') {
        pi++;
    }
    return pi == pn;
}

static struct cnode *parse_expr(struct cparser *p);

static struct cnode *parse_quant(struct cparser *p, int all)
{
    size_t at = p->tstart;
    next(p);
    if (p->t != T_OF) {
        perr(p, p->tstart, "expected 'of' after '%.*s'", (int)(p->tstart - at), p->s + at);
        return NULL;
    }
    next(p);
    if (p->t != T_THEM && p->t != T_NAME) {
        perr(p, p->tstart, "expected a selection pattern or 'them'");
        return NULL;
    }
    struct cnode *c = node_new(p, all ? CN_ALL_OF : CN_ONE_OF);
    if (c == NULL) {
        return NULL;
    }
    c->sels = calloc(p->r->nsels ? p->r->nsels : 1, sizeof(*c->sels));
    if (c->sels == NULL) {
        perr(p, p->tstart, "out of memory");
        free(c);
        return NULL;
    }
    for (size_t i = 0; i < p->r->nsels; i++) {
        const char *nm = p->r->sels[i].name;
        int take = p->t == T_THEM ? nm[0] != '_' : name_glob(p->s + p->tstart, p->tlen, nm);
        if (take) {
            c->sels[c->nsels++] = i;
        }
    }
    if (c->nsels == 0) {
        perr(p, p->tstart, "no selection matches '%.*s'", (int)p->tlen, p->s + p->tstart);
        mm_rules_cnode_free(c);
        return NULL;
    }
    next(p);
    return c;
}

static struct cnode *parse_unary(struct cparser *p)
{
    if (++p->depth > 64) {
        perr(p, p->tstart, "condition nested too deeply");
        return NULL;
    }
    struct cnode *c = NULL;
    switch (p->t) {
    case T_NOT: {
        next(p);
        struct cnode *a = parse_unary(p);
        if (a == NULL) {
            break;
        }
        c = node_new(p, CN_NOT);
        if (c == NULL) {
            mm_rules_cnode_free(a);
            break;
        }
        c->a = a;
        break;
    }
    case T_LP: {
        size_t at = p->tstart;
        next(p);
        c = parse_expr(p);
        if (c == NULL) {
            break;
        }
        if (p->t != T_RP) {
            perr(p, at, "unbalanced '('");
            mm_rules_cnode_free(c);
            c = NULL;
            break;
        }
        next(p);
        break;
    }
    case T_ONE:
    case T_ALL:
        c = parse_quant(p, p->t == T_ALL);
        break;
    case T_NAME: {
        size_t i;
        for (i = 0; i < p->r->nsels; i++) {
            if (word_eq(p->s + p->tstart, p->tlen, p->r->sels[i].name)) {
                break;
            }
        }
        if (i == p->r->nsels) {
            perr(p, p->tstart, "unknown selection '%.*s'", (int)p->tlen, p->s + p->tstart);
            break;
        }
        c = node_new(p, CN_SEL);
        if (c != NULL) {
            c->sel = i;
            next(p);
        }
        break;
    }
    case T_END:
        perr(p, p->tstart, "unexpected end of condition");
        break;
    case T_PIPE:
        perr(p, p->tstart,
             "aggregations ('|') are not supported; use a correlation rule");
        break;
    default:
        perr(p, p->tstart, "unexpected '%.*s'", (int)p->tlen, p->s + p->tstart);
        break;
    }
    p->depth--;
    return c;
}

static struct cnode *parse_binary(struct cparser *p, enum tok op)
{
    struct cnode *l = op == T_OR ? parse_binary(p, T_AND) : parse_unary(p);
    while (l != NULL && p->t == op) {
        next(p);
        struct cnode *r = op == T_OR ? parse_binary(p, T_AND) : parse_unary(p);
        if (r == NULL) {
            mm_rules_cnode_free(l);
            return NULL;
        }
        struct cnode *c = node_new(p, op == T_OR ? CN_OR : CN_AND);
        if (c == NULL) {
            mm_rules_cnode_free(l);
            mm_rules_cnode_free(r);
            return NULL;
        }
        c->a = l;
        c->b = r;
        l = c;
    }
    return l;
}

static struct cnode *parse_expr(struct cparser *p)
{
    return parse_binary(p, T_OR);
}

static struct cnode *parse_one(const struct mm_rule *r, const struct mm_ynode *node,
                               const char *file, struct mm_diag *d)
{
    struct cparser p;
    memset(&p, 0, sizeof(p));
    p.r = r;
    p.node = node;
    p.file = file;
    p.d = d;
    if (node->type != MM_Y_SCALAR) {
        mm_diag_error(d, file, node->line, node->col, "a condition must be a string, not %s",
                      mm_yaml_type_name(node->type));
        return NULL;
    }
    p.s = node->str;
    p.n = node->len;
    next(&p);
    struct cnode *c = parse_expr(&p);
    if (c != NULL && p.t != T_END) {
        if (p.t == T_PIPE) {
            perr(&p, p.tstart,
                 "aggregations ('|') are not supported; use a correlation rule");
        } else {
            perr(&p, p.tstart, "unexpected '%.*s'", (int)p.tlen, p.s + p.tstart);
        }
        mm_rules_cnode_free(c);
        c = NULL;
    }
    return c;
}

struct cnode *mm_rules_parse_condition(const struct mm_rule *r, const struct mm_ynode *cond,
                                       const char *file, struct mm_diag *d)
{
    if (cond->type != MM_Y_SEQ) {
        return parse_one(r, cond, file, d);
    }
    if (cond->nkids == 0) {
        mm_diag_error(d, file, cond->line, cond->col, "an empty list of conditions");
        return NULL;
    }
    struct cnode *acc = NULL;
    int bad = 0;
    for (size_t i = 0; i < cond->nkids; i++) {
        struct cnode *c = parse_one(r, cond->kids[i], file, d);
        if (c == NULL) {
            bad = 1;
            continue;
        }
        if (acc == NULL) {
            acc = c;
            continue;
        }
        struct cnode *o = calloc(1, sizeof(*o));
        if (o == NULL) {
            mm_rules_cnode_free(c);
            bad = 1;
            continue;
        }
        o->type = CN_OR;
        o->a = acc;
        o->b = c;
        acc = o;
    }
    if (bad) {
        mm_rules_cnode_free(acc);
        return NULL;
    }
    return acc;
}
