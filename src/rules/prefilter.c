/*
 * prefilter.c - required literals: which ones a rule needs, and finding all
 * of a field's literals in one pass over its value.
 *
 * Literals come from `contains`, `endswith`, keywords, the longest literal
 * run of a wildcard value, and from `re` patterns (mm_rules_re_literals:
 * a literal that every match must contain).  dispatch.c decides which
 * literal a rule is keyed on; here each field with literals gets one
 * Aho-Corasick automaton, compiled into a DFA over byte classes (bytes that
 * occur in no literal share class 0), ASCII case-folded: a `cased` value is
 * found case-insensitively here and compared exactly when the rule is
 * evaluated, so the prefilter only ever says "maybe".
 *
 * Cost per event: one table step per byte of each field that has an
 * automaton (at the root, positions whose first two bytes start no literal
 * are skipped without one), plus the rules of the literals that occur.  Memory: states x
 * classes x 4 bytes; an automaton above MAX_DELTA entries is not built, and
 * then every rule keyed on it is a candidate whenever its gate passes.
 */
#include "rules_int.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

/* trie node while rules are added: children as a sibling list */
struct actrie {
    uint32_t child;     /* first child, 0 none (the root is never a child) */
    uint32_t sibling;   /* next child of the parent, 0 none */
    int32_t lit;        /* literal ending here, -1 none */
    unsigned char byte; /* edge from the parent (folded) */
};

#define MAX_DELTA (8u << 20) /* transitions per automaton: 32 MiB */
#define RE_MAX_ALTS 16       /* literals per regex (one per branch of an alternation) */

static inline unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* ---- literals of a PCRE2 pattern ---- */

/*
 * A requirement: the subject contains at least one of these literals.  A
 * sequence keeps its best requirement (the one whose shortest literal is
 * longest); an alternation needs one from every branch and takes the union.
 */
struct req {
    char *s[RE_MAX_ALTS]; /* owned */
    size_t n[RE_MAX_ALTS];
    size_t k; /* 0: none */
};

struct rex {
    const char *p;
    size_t n, pos;
    int fail; /* a construct we do not model: no literal for the pattern */
    int depth;
};

static void req_clear(struct req *r)
{
    for (size_t i = 0; i < r->k; i++) {
        free(r->s[i]);
    }
    r->k = 0;
}

static size_t req_score(const struct req *r)
{
    if (r->k == 0) {
        return 0;
    }
    size_t m = SIZE_MAX;
    for (size_t i = 0; i < r->k; i++) {
        m = r->n[i] < m ? r->n[i] : m;
    }
    return m;
}

/* Keep the better of best and cand in best; cand is emptied. */
static void req_keep(struct req *best, struct req *cand)
{
    size_t sb = req_score(best), sc = req_score(cand);
    if (sc > sb || (sc == sb && sc > 0 && cand->k < best->k)) {
        req_clear(best);
        *best = *cand;
        cand->k = 0;
    } else {
        req_clear(cand);
    }
}

static void req_lit(struct rex *x, struct req *best, const char *run, size_t n)
{
    if (n == 0) {
        return;
    }
    struct req c = {{NULL}, {0}, 0};
    c.s[0] = malloc(n + 1);
    if (c.s[0] == NULL) {
        x->fail = 1;
        return;
    }
    memcpy(c.s[0], run, n);
    c.s[0][n] = '\0';
    c.n[0] = n;
    c.k = 1;
    req_keep(best, &c);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A quantifier at x->pos: consume it (and a lazy or possessive suffix) and
 * return 1 with *min; 0 when there is none.  A '{' that is not a plain
 * {n}, {n,}, {n,m} or {,m} ends the extraction.
 */
static int quantifier(struct rex *x, unsigned *min)
{
    if (x->pos >= x->n) {
        return 0;
    }
    char c = x->p[x->pos];
    if (c == '*' || c == '?') {
        *min = 0;
        x->pos++;
    } else if (c == '+') {
        *min = 1;
        x->pos++;
    } else if (c == '{') {
        size_t i = x->pos + 1;
        unsigned v = 0;
        size_t nd = 0;
        while (i < x->n && is_digit(x->p[i]) && nd < 6) {
            v = v * 10 + (unsigned)(x->p[i] - '0');
            i++;
            nd++;
        }
        int comma = 0;
        if (i < x->n && x->p[i] == ',') {
            comma = 1;
            i++;
            size_t nd2 = 0;
            while (i < x->n && is_digit(x->p[i]) && nd2 < 6) {
                i++;
                nd2++;
            }
            if (nd == 0 && nd2 == 0) {
                x->fail = 1;
                return 0;
            }
        }
        if (i >= x->n || x->p[i] != '}' || (nd == 0 && !comma)) {
            x->fail = 1; /* literal '{' or something newer: do not guess */
            return 0;
        }
        *min = nd == 0 ? 0 : v;
        x->pos = i + 1;
    } else {
        return 0;
    }
    if (x->pos < x->n && (x->p[x->pos] == '?' || x->p[x->pos] == '+')) {
        x->pos++;
    }
    return 1;
}

/* Skip a character class (x->pos is just past '['). */
static void skip_class(struct rex *x)
{
    if (x->pos < x->n && x->p[x->pos] == '^') {
        x->pos++;
    }
    if (x->pos < x->n && x->p[x->pos] == ']') {
        x->pos++;
    }
    while (x->pos < x->n) {
        char c = x->p[x->pos];
        if (c == '\\') {
            if (x->pos + 1 < x->n && (x->p[x->pos + 1] == 'Q' || x->p[x->pos + 1] == 'E')) {
                x->fail = 1;
                return;
            }
            x->pos += 2;
            continue;
        }
        if (c == '[' && x->pos + 1 < x->n &&
            (x->p[x->pos + 1] == ':' || x->p[x->pos + 1] == '.' || x->p[x->pos + 1] == '=')) {
            char t = x->p[x->pos + 1];
            size_t i = x->pos + 2;
            while (i + 1 < x->n && !(x->p[i] == t && x->p[i + 1] == ']')) {
                i++;
            }
            if (i + 1 >= x->n) {
                x->fail = 1;
                return;
            }
            x->pos = i + 2;
            continue;
        }
        x->pos++;
        if (c == ']') {
            return;
        }
    }
    x->fail = 1; /* unterminated */
}

static void parse_alt(struct rex *x, struct req *out);

/*
 * After '(': the group's requirement into *g; *zero_width for lookarounds,
 * comments and option settings, which require nothing.  Sets x->fail on
 * anything not modelled.
 */
static void parse_group(struct rex *x, struct req *g, int *zero_width)
{
    *zero_width = 0;
    if (x->pos < x->n && x->p[x->pos] == '*') {
        x->fail = 1; /* (*VERB) / (*UTF) ... */
        return;
    }
    if (x->pos < x->n && x->p[x->pos] == '?') {
        x->pos++;
        if (x->pos >= x->n) {
            x->fail = 1;
            return;
        }
        char c = x->p[x->pos];
        if (c == ':' || c == '>' || c == '|') {
            x->pos++;
        } else if (c == '=' || c == '!') {
            x->pos++;
            *zero_width = 1;
        } else if (c == '<' && x->pos + 1 < x->n &&
                   (x->p[x->pos + 1] == '=' || x->p[x->pos + 1] == '!')) {
            x->pos += 2;
            *zero_width = 1;
        } else if (c == '<' || c == '\'' ||
                   (c == 'P' && x->pos + 1 < x->n && x->p[x->pos + 1] == '<')) {
            /* named group */
            char close = c == '\'' ? '\'' : '>';
            x->pos += c == 'P' ? 2 : 1;
            while (x->pos < x->n && x->p[x->pos] != close) {
                if (!is_alnum(x->p[x->pos]) && x->p[x->pos] != '_') {
                    x->fail = 1;
                    return;
                }
                x->pos++;
            }
            if (x->pos >= x->n) {
                x->fail = 1;
                return;
            }
            x->pos++;
        } else if (c == '#') {
            while (x->pos < x->n && x->p[x->pos] != ')') {
                x->pos++;
            }
            if (x->pos >= x->n) {
                x->fail = 1;
                return;
            }
            x->pos++;
            *zero_width = 1;
            return;
        } else {
            /* option setting (?i) (?-i) (?i:...): x changes what a space means */
            while (x->pos < x->n && x->p[x->pos] != ')' && x->p[x->pos] != ':') {
                char o = x->p[x->pos];
                if (!(o == 'i' || o == 'm' || o == 's' || o == 'n' || o == 'U' || o == 'J' ||
                      o == '-' || o == '^')) {
                    x->fail = 1; /* x, recursion, conditionals, callouts, backrefs */
                    return;
                }
                x->pos++;
            }
            if (x->pos >= x->n) {
                x->fail = 1;
                return;
            }
            if (x->p[x->pos] == ')') {
                x->pos++;
                *zero_width = 1;
                return;
            }
            x->pos++; /* ':' */
        }
    }
    parse_alt(x, g);
    if (x->fail) {
        return;
    }
    if (x->pos >= x->n || x->p[x->pos] != ')') {
        x->fail = 1;
        return;
    }
    x->pos++;
    if (*zero_width) {
        req_clear(g);
    }
}

/* One branch: until '|', ')' or the end.  The best requirement into *best. */
static void parse_seq(struct rex *x, struct req *best)
{
    char run[256];
    size_t rn = 0;
    while (!x->fail && x->pos < x->n) {
        char c = x->p[x->pos];
        if (c == '|' || c == ')') {
            break;
        }
        int lit = -1; /* a literal byte, or -1 for any other atom */
        struct req g = {{NULL}, {0}, 0};
        int is_group = 0;
        x->pos++;
        if (c == '\\') {
            if (x->pos >= x->n) {
                x->fail = 1;
                break;
            }
            char e = x->p[x->pos++];
            if (!is_alnum(e)) {
                lit = (unsigned char)e < 0x80 ? lc((unsigned char)e) : -1;
            } else if (strchr("dDwWsShHvVRXbBAZzGKtnrfea", e) != NULL ||
                       (e == 'N' && !(x->pos < x->n && x->p[x->pos] == '{'))) {
                lit = -1; /* a class, an anchor or a control character */
            } else {
                x->fail = 1; /* \Q \E \x \o \c \g \k \p digits ...: arguments we do not model */
                break;
            }
        } else if (c == '[') {
            skip_class(x);
        } else if (c == '(') {
            if (++x->depth > 32) {
                x->fail = 1;
                break;
            }
            int zw = 0;
            parse_group(x, &g, &zw);
            x->depth--;
            is_group = !zw;
            if (zw && !x->fail) {
                /* zero width: ends the run, takes no quantifier we care about */
                req_lit(x, best, run, rn);
                rn = 0;
                unsigned m;
                (void)quantifier(x, &m);
                continue;
            }
        } else if (c == '.' || c == '^' || c == '$') {
            lit = -1;
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            x->fail = 1; /* a quantifier with nothing before it */
            break;
        } else {
            lit = (unsigned char)c < 0x80 && c != '\0' ? lc((unsigned char)c) : -1;
        }
        if (x->fail) {
            req_clear(&g);
            break;
        }
        unsigned min = 1;
        int q = quantifier(x, &min);
        if (x->fail) {
            req_clear(&g);
            break;
        }
        if (is_group) {
            req_lit(x, best, run, rn);
            rn = 0;
            if (min > 0) {
                req_keep(best, &g);
            } else {
                req_clear(&g);
            }
            continue;
        }
        if (lit < 0) {
            req_lit(x, best, run, rn);
            rn = 0;
            continue;
        }
        if (q && min == 0) {
            req_lit(x, best, run, rn);
            rn = 0;
            continue;
        }
        if (rn == sizeof(run)) {
            req_lit(x, best, run, rn);
            rn = 0;
        }
        run[rn++] = (char)lit;
        if (q) {
            /* a repeated byte is required once, but what follows is not adjacent */
            req_lit(x, best, run, rn);
            rn = 0;
        }
    }
    req_lit(x, best, run, rn);
}

static void parse_alt(struct rex *x, struct req *out)
{
    struct req acc = {{NULL}, {0}, 0};
    int none = 0;
    for (;;) {
        struct req b = {{NULL}, {0}, 0};
        parse_seq(x, &b);
        if (x->fail) {
            req_clear(&b);
            break;
        }
        if (b.k == 0 || acc.k + b.k > RE_MAX_ALTS) {
            none = 1;
        }
        if (!none) {
            for (size_t i = 0; i < b.k; i++) {
                acc.s[acc.k] = b.s[i];
                acc.n[acc.k++] = b.n[i];
            }
            b.k = 0;
        }
        req_clear(&b);
        if (x->pos < x->n && x->p[x->pos] == '|') {
            x->pos++;
            continue;
        }
        break;
    }
    if (none || x->fail) {
        req_clear(&acc);
    }
    *out = acc;
}

enum mm_err mm_rules_re_literals(const char *pat, size_t n, char ***lit, size_t *nlit)
{
    *lit = NULL;
    *nlit = 0;
    struct rex x = {pat, n, 0, 0, 0};
    struct req r = {{NULL}, {0}, 0};
    parse_alt(&x, &r);
    if (x.fail || x.pos != x.n || r.k == 0) {
        req_clear(&r);
        return MM_OK; /* nothing known: the rule is tested without a literal */
    }
    char **v = calloc(r.k, sizeof(*v));
    if (v == NULL) {
        req_clear(&r);
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < r.k; i++) {
        v[i] = r.s[i];
    }
    *lit = v;
    *nlit = r.k;
    return MM_OK;
}

/* ---- the automaton ---- */

static int push_rule(size_t **v, size_t *n, size_t rule)
{
    if (*n > 0 && (*v)[*n - 1] == rule) {
        return 0;
    }
    size_t *nv = realloc(*v, (*n + 1) * sizeof(*nv));
    if (nv == NULL) {
        return -1;
    }
    *v = nv;
    (*v)[(*n)++] = rule;
    return 0;
}

static uint32_t trie_node(struct acfield *ac, unsigned char b)
{
    if (ac->ntrie == ac->captrie) {
        size_t cap = ac->captrie ? ac->captrie * 2 : 64;
        struct actrie *nt = realloc(ac->trie, cap * sizeof(*nt));
        if (nt == NULL) {
            return 0;
        }
        ac->trie = nt;
        ac->captrie = cap;
    }
    if (ac->ntrie >= UINT32_MAX - 1) {
        return 0;
    }
    struct actrie *t = &ac->trie[ac->ntrie];
    t->child = t->sibling = 0;
    t->lit = -1;
    t->byte = b;
    return (uint32_t)ac->ntrie++;
}

enum mm_err mm_rules_ac_add(struct acfield *ac, const char *s, size_t n, int suffix, size_t rule)
{
    if (ac->ntrie == 0 && trie_node(ac, 0) != 0) {
        return MM_ENOMEM;
    }
    if (ac->ntrie == 0) {
        return MM_ENOMEM;
    }
    uint32_t at = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = lc((unsigned char)s[i]);
        uint32_t c = ac->trie[at].child;
        while (c != 0 && ac->trie[c].byte != b) {
            c = ac->trie[c].sibling;
        }
        if (c == 0) {
            c = trie_node(ac, b);
            if (c == 0) {
                return MM_ENOMEM;
            }
            ac->trie[c].sibling = ac->trie[at].child;
            ac->trie[at].child = c;
        }
        at = c;
    }
    if (ac->trie[at].lit < 0) {
        if (ac->nlits == ac->caplits) {
            size_t cap = ac->caplits ? ac->caplits * 2 : 8;
            struct aclit *nl = realloc(ac->lits, cap * sizeof(*nl));
            if (nl == NULL) {
                return MM_ENOMEM;
            }
            ac->lits = nl;
            ac->caplits = cap;
        }
        if (ac->nlits >= INT32_MAX) {
            return MM_ENOMEM;
        }
        memset(&ac->lits[ac->nlits], 0, sizeof(ac->lits[0]));
        ac->trie[at].lit = (int32_t)ac->nlits++;
    }
    struct aclit *l = &ac->lits[ac->trie[at].lit];
    int rc = suffix ? push_rule(&l->suf, &l->nsuf, rule) : push_rule(&l->sub, &l->nsub, rule);
    return rc == 0 ? MM_OK : MM_ENOMEM;
}

static void mark_pair(uint64_t *pairs, unsigned char a, unsigned char b)
{
    unsigned char as[2] = {a, a}, bs[2] = {b, b};
    if (a >= 'a' && a <= 'z') {
        as[1] = (unsigned char)(a - 32);
    }
    if (b >= 'a' && b <= 'z') {
        bs[1] = (unsigned char)(b - 32);
    }
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            unsigned v = (unsigned)as[i] | (unsigned)bs[j] << 8;
            pairs[v / 64] |= 1ULL << (v % 64);
        }
    }
}

static int have_vec_skip(void);

/*
 * The vector test's tables: pair number k is in bucket k % 8; a byte of the pair sets
 * its bucket's bit at its low nibble and at its high nibble, in both cases when it is
 * a letter.  A position passes when some bucket has all four nibbles, which every
 * real pair does; the exact pair table then rejects the few that only alias.
 */
static void nib_add(struct acfield *ac, unsigned k, unsigned char a, unsigned char b)
{
    uint8_t bit = (uint8_t)(1u << (k % 8));
    unsigned char v[2] = {a, b};
    for (int at = 0; at < 2; at++) {
        unsigned char c = v[at];
        unsigned char cs[2] = {c, c};
        if (c >= 'a' && c <= 'z') {
            cs[1] = (unsigned char)(c - 32);
        }
        for (int u = 0; u < 2; u++) {
            ac->nib[at][0][cs[u] & 15] |= bit;
            ac->nib[at][1][cs[u] >> 4] |= bit;
        }
    }
}

/* The pair filter from the trie's first two levels; none when a literal is one byte. */
static enum mm_err build_pairs(struct acfield *ac)
{
    for (uint32_t c = ac->trie[0].child; c != 0; c = ac->trie[c].sibling) {
        if (ac->trie[c].lit >= 0) {
            return MM_OK;
        }
    }
    ac->pairs = calloc(65536 / 64, sizeof(uint64_t));
    if (ac->pairs == NULL) {
        return MM_ENOMEM;
    }
    memset(ac->nib, 0, sizeof(ac->nib));
    unsigned k = 0;
    for (uint32_t c = ac->trie[0].child; c != 0; c = ac->trie[c].sibling) {
        for (uint32_t d = ac->trie[c].child; d != 0; d = ac->trie[d].sibling) {
            mark_pair(ac->pairs, ac->trie[c].byte, ac->trie[d].byte);
            nib_add(ac, k++, ac->trie[c].byte, ac->trie[d].byte);
        }
    }
    ac->vec = have_vec_skip();
    return MM_OK;
}

enum mm_err mm_rules_ac_build(struct acfield *ac)
{
    enum mm_err rc = MM_ENOMEM;
    uint32_t *fail = NULL, *queue = NULL;
    memset(ac->cls, 0, sizeof(ac->cls));
    ac->ncls = 1;
    for (size_t i = 1; i < ac->ntrie; i++) {
        unsigned char b = ac->trie[i].byte;
        if (ac->cls[b] == 0) {
            ac->cls[b] = (uint8_t)ac->ncls++;
        }
    }
    for (unsigned b = 'A'; b <= 'Z'; b++) {
        ac->cls[b] = ac->cls[b + 32];
    }
    ac->nstates = (uint32_t)ac->ntrie;
    ac->seen = calloc(ac->nlits ? ac->nlits : 1, sizeof(*ac->seen));
    if (ac->seen == NULL) {
        goto out;
    }
    if ((uint64_t)ac->nstates * ac->ncls > MAX_DELTA) {
        rc = MM_OK; /* too big: every literal counts as seen (mm_rules_ac_scan) */
        goto out;
    }
    size_t ns = ac->nstates, nc = ac->ncls;
    ac->delta = calloc(ns * nc, sizeof(*ac->delta));
    ac->own = malloc(ns * sizeof(*ac->own));
    ac->report = calloc(ns, sizeof(*ac->report));
    ac->dnext = calloc(ns, sizeof(*ac->dnext));
    fail = calloc(ns, sizeof(*fail));
    queue = malloc(ns * sizeof(*queue));
    if (ac->delta == NULL || ac->own == NULL || ac->report == NULL || ac->dnext == NULL ||
        fail == NULL || queue == NULL) {
        goto out;
    }
    for (size_t i = 0; i < ns; i++) {
        ac->own[i] = ac->trie[i].lit;
    }
    /* breadth first: a state's fail state is shallower, so it is complete before it is used */
    size_t qh = 0, qt = 0;
    for (uint32_t c = ac->trie[0].child; c != 0; c = ac->trie[c].sibling) {
        ac->delta[ac->cls[ac->trie[c].byte]] = c;
        fail[c] = 0;
        queue[qt++] = c;
    }
    while (qh < qt) {
        uint32_t u = queue[qh++];
        uint32_t *row = ac->delta + (size_t)u * nc;
        memcpy(row, ac->delta + (size_t)fail[u] * nc, nc * sizeof(*row));
        for (uint32_t c = ac->trie[u].child; c != 0; c = ac->trie[c].sibling) {
            uint32_t k = ac->cls[ac->trie[c].byte];
            fail[c] = ac->delta[(size_t)fail[u] * nc + k];
            row[k] = c;
            queue[qt++] = c;
        }
        ac->dnext[u] = ac->report[fail[u]];
        ac->report[u] = ac->own[u] >= 0 ? u : ac->report[fail[u]];
    }
    /* state indices -> row offsets with the hit bit (see struct acfield) */
    for (size_t i = 0; i < ns * nc; i++) {
        uint32_t t = ac->delta[i];
        ac->delta[i] = (uint32_t)(((size_t)t * nc) << 1) | (ac->report[t] != 0);
    }
    for (unsigned b = 0; b < 256; b++) {
        ac->start[b] = ac->delta[ac->cls[b]] != 0;
    }
    if (build_pairs(ac) != MM_OK) {
        goto out;
    }
    rc = MM_OK;
out:
    free(fail);
    free(queue);
    free(ac->trie);
    ac->trie = NULL;
    ac->ntrie = ac->captrie = 0;
    return rc;
}

void mm_rules_ac_free(struct acfield *ac)
{
    for (size_t i = 0; i < ac->nlits; i++) {
        free(ac->lits[i].sub);
        free(ac->lits[i].suf);
    }
    free(ac->lits);
    free(ac->trie);
    free(ac->delta);
    free(ac->own);
    free(ac->report);
    free(ac->dnext);
    free(ac->seen);
    free(ac->pairs);
    memset(ac, 0, sizeof(*ac));
}

static void found(const struct mm_ruleset *rs, const struct acfield *ac, uint32_t lit, int at_end,
                  uint64_t epoch, uint64_t *cand)
{
    const struct aclit *l = &ac->lits[lit];
    if (ac->seen[lit] != epoch) {
        ac->seen[lit] = epoch;
        mm_rules_dispatch_hit(rs, cand, l->sub, l->nsub);
    }
    if (at_end) {
        mm_rules_dispatch_hit(rs, cand, l->suf, l->nsuf);
    }
}

static inline int pair_at(const uint64_t *pairs, const unsigned char *p)
{
    unsigned v = (unsigned)p[0] | (unsigned)p[1] << 8;
    return (int)((pairs[v / 64] >> (v % 64)) & 1);
}

#if defined(__x86_64__) || defined(__i386__)
/*
 * Sixteen positions at a time (the "Teddy" technique of multi-literal search):
 * pshufb looks up each byte's low and high nibble in the bucket tables, for the
 * pair's first byte at p + i and its second at p + i + 1; a position passes when
 * a bucket survives all four lookups.  Returns a bit per position.
 */
__attribute__((target("ssse3"))) static unsigned vec_pass(const struct acfield *ac,
                                                          const unsigned char *p)
{
    const __m128i low = _mm_set1_epi8(0x0f);
    __m128i r = _mm_set1_epi8(-1);
    for (int at = 0; at < 2; at++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + at));
        __m128i lo = _mm_and_si128(x, low);
        __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), low);
        __m128i tl = _mm_loadu_si128((const __m128i *)(const void *)ac->nib[at][0]);
        __m128i th = _mm_loadu_si128((const __m128i *)(const void *)ac->nib[at][1]);
        r = _mm_and_si128(r, _mm_and_si128(_mm_shuffle_epi8(tl, lo), _mm_shuffle_epi8(th, hi)));
    }
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(r, _mm_setzero_si128())) ^ 0xffffu;
}

static int have_vec_skip(void)
{
    return __builtin_cpu_supports("ssse3");
}
#else
static unsigned vec_pass(const struct acfield *ac, const unsigned char *p)
{
    (void)ac;
    (void)p;
    return 0xffffu;
}

static int have_vec_skip(void)
{
    return 0;
}
#endif

/* From position i, the first position at which a literal may start (its first two bytes
 * are a pair of the filter), or n - 1 when none can. */
static size_t skip_to_pair(const struct acfield *ac, const unsigned char *p, size_t i, size_t n)
{
    if (ac->vec) {
        while (i + 17 <= n) {
            unsigned m = vec_pass(ac, p + i);
            while (m != 0) {
                size_t j = i + (size_t)__builtin_ctz(m);
                if (pair_at(ac->pairs, p + j)) {
                    return j;
                }
                m &= m - 1;
            }
            i += 16;
        }
    }
    while (i + 1 < n && !pair_at(ac->pairs, p + i)) {
        i++;
    }
    return i;
}

void mm_rules_ac_scan(const struct mm_ruleset *rs, const struct acfield *ac, struct mm_str v,
                      uint64_t epoch, uint64_t *cand)
{
    if (ac->delta == NULL) {
        for (size_t i = 0; i < ac->nlits; i++) {
            mm_rules_dispatch_hit(rs, cand, ac->lits[i].sub, ac->lits[i].nsub);
            mm_rules_dispatch_hit(rs, cand, ac->lits[i].suf, ac->lits[i].nsuf);
        }
        return;
    }
    const uint32_t *delta = ac->delta;
    const uint8_t *cls = ac->cls;
    const uint8_t *start = ac->start;
    const uint64_t *pairs = ac->pairs;
    size_t nc = ac->ncls;
    const unsigned char *p = (const unsigned char *)v.p;
    size_t n = v.n;
    uint32_t off = 0; /* row offset of the current state; 0 is the root */
    for (size_t i = 0; i < n; i++) {
        if (off == 0 && pairs != NULL) {
            /* at the root most positions start nothing: skip them without the table walk */
            i = skip_to_pair(ac, p, i, n);
            if (i + 1 >= n) {
                break; /* one byte left, and every literal has two or more */
            }
        } else if (off == 0) {
            while (i < n && !start[p[i]]) {
                i++;
            }
            if (i == n) {
                break;
            }
        }
        uint32_t e = delta[off + cls[p[i]]];
        off = e >> 1;
        if (e & 1u) {
            for (uint32_t t = ac->report[off / nc]; t != 0; t = ac->dnext[t]) {
                found(rs, ac, (uint32_t)ac->own[t], i + 1 == n, epoch, cand);
            }
        }
    }
}
