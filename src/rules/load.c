/*
 * load.c - one YAML document into one rule: Sigma metadata, mimamori's
 * custom attributes (suppress, group-by, examples, translations), then the
 * detection.
 *
 * Unknown top-level keys are errors (a typo must not silently disable a
 * rule) unless they start with "x-".  A document with `correlation:` is a
 * correlation rule: the metadata is read here, the rest by corr_load.c.
 */
#include "rules_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lctx {
    const char *file;
    struct mm_diag *d;
    size_t errors;
};

#define LERR(c, n, ...)                                                                            \
    do {                                                                                           \
        mm_diag_error((c)->d, (c)->file, (n)->line, (n)->col, __VA_ARGS__);                        \
        (c)->errors++;                                                                             \
    } while (0)

static const char *const known_keys[] = {
    "title",      "id",          "name",     "status",     "description", "author",
    "date",       "modified",    "references", "level",    "tags",        "logsource",
    "detection",  "falsepositives", "fields", "license",   "related",     "taxonomy",
    "scope",      "suppress",    "group-by", "examples",    "translations",
    /* correlation rules only (corr_load.c) */
    "correlation", "generate", "max-groups", "max-values", NULL};

static int corr_only_key(const char *key)
{
    return strcmp(key, "correlation") == 0 || strcmp(key, "generate") == 0 ||
           strcmp(key, "max-groups") == 0 || strcmp(key, "max-values") == 0;
}

/*
 * Languages a rule's `translations:` may give (English is the rule itself).
 * Only languages mimamori's outputs speak: a text in any other would never
 * be shown, so its key is more likely a typo ("jp").
 */
static const char *const languages[] = {"ja", NULL};

static const char *const statuses[] = {"stable",     "test",        "experimental",
                                       "deprecated", "unsupported", NULL};

void mm_rule_free(struct mm_rule *r)
{
    if (r == NULL) {
        return;
    }
    free(r->id);
    free(r->name);
    free(r->title);
    free(r->description);
    free(r->file);
    free(r->tags_json);
    for (size_t i = 0; i < r->ngroup; i++) {
        free(r->group_by[i]);
        if (r->group_refs != NULL) {
            mm_rules_fref_free(&r->group_refs[i]);
        }
    }
    free(r->group_by);
    free(r->group_refs);
    free(r->ls_product);
    free(r->ls_service);
    free(r->ls_category);
    for (size_t i = 0; i < r->nsels; i++) {
        mm_rules_selection_free(&r->sels[i]);
    }
    free(r->sels);
    mm_rules_cnode_free(r->cond);
    for (size_t i = 0; i < r->nex; i++) {
        free(r->ex[i].line);
    }
    free(r->ex);
    mm_corr_free_rule(r->corr);
    free(r->uses);
    for (size_t i = 0; i < r->ntr; i++) {
        free(r->tr[i].title);
        free(r->tr[i].description);
    }
    free(r->tr);
    free(r);
}

/* A non-empty scalar copied into *out. */
static int get_str(struct lctx *c, const struct mm_ynode *n, const char *what, char **out)
{
    if (n->type != MM_Y_SCALAR) {
        LERR(c, n, "'%s' must be a string, not %s", what, mm_yaml_type_name(n->type));
        return -1;
    }
    if (n->len == 0 || mm_yaml_is_null(n)) {
        LERR(c, n, "'%s' must not be empty", what);
        return -1;
    }
    if (memchr(n->str, '\0', n->len) != NULL) {
        LERR(c, n, "'%s' contains a NUL byte", what);
        return -1;
    }
    *out = strdup(n->str);
    if (*out == NULL) {
        LERR(c, n, "out of memory");
        return -1;
    }
    return 0;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    if (d != NULL) {
        for (char *p = d; *p != '\0'; p++) {
            *p = (char)tolower((unsigned char)*p);
        }
    }
    return d;
}

/* "30s", "5m", "1h", "2d" (also "0"); at most 30 days. */
static int parse_duration(const char *s, int64_t *ns)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno != 0 || v < 0) {
        return -1;
    }
    int64_t unit;
    if (*end == '\0' && v == 0) {
        unit = 1;
    } else if (strcmp(end, "s") == 0) {
        unit = 1;
    } else if (strcmp(end, "m") == 0) {
        unit = 60;
    } else if (strcmp(end, "h") == 0) {
        unit = 3600;
    } else if (strcmp(end, "d") == 0) {
        unit = 86400;
    } else {
        return -1;
    }
    if (v > 30LL * 86400 / unit) {
        return -1;
    }
    *ns = (int64_t)v * unit * 1000000000LL;
    return 0;
}

static void load_tags(struct lctx *c, const struct mm_ynode *n, struct mm_rule *r)
{
    struct mm_buf b;
    mm_buf_init(&b, 0);
    enum mm_err rc = mm_buf_putc(&b, '[');
    if (n != NULL && n->type != MM_Y_SEQ) {
        LERR(c, n, "'tags' must be a list, not %s", mm_yaml_type_name(n->type));
    } else if (n != NULL) {
        for (size_t i = 0; i < n->nkids && rc == MM_OK; i++) {
            const struct mm_ynode *t = n->kids[i];
            if (t->type != MM_Y_SCALAR || t->len == 0) {
                LERR(c, t, "a tag must be a non-empty string");
                continue;
            }
            if (b.len > 1) {
                rc = mm_buf_putc(&b, ',');
            }
            if (rc == MM_OK) {
                rc = mm_buf_json_str(&b, t->str, t->len);
            }
        }
    }
    if (rc == MM_OK) {
        rc = mm_buf_putc(&b, ']');
    }
    if (rc != MM_OK) {
        LERR(c, n, "out of memory");
        mm_buf_free(&b);
        return;
    }
    r->tags_json = mm_buf_steal(&b);
    if (r->tags_json == NULL) {
        c->errors++;
    }
}

static void load_logsource(struct lctx *c, const struct mm_ynode *n, struct mm_rule *r)
{
    if (n->type != MM_Y_MAP) {
        LERR(c, n, "'logsource' must be a mapping, not %s", mm_yaml_type_name(n->type));
        return;
    }
    for (size_t i = 0; i < mm_ymap_size(n); i++) {
        const struct mm_ynode *k = mm_ymap_key(n, i);
        const struct mm_ynode *v = mm_ymap_val(n, i);
        char **slot = NULL;
        if (strcmp(k->str, "product") == 0) {
            slot = &r->ls_product;
        } else if (strcmp(k->str, "service") == 0) {
            slot = &r->ls_service;
        } else if (strcmp(k->str, "category") == 0) {
            slot = &r->ls_category;
        } else if (strcmp(k->str, "definition") != 0) {
            LERR(c, k, "unknown logsource key '%s' (category, product, service, definition)",
                 k->str);
            continue;
        }
        char *s = NULL;
        if (get_str(c, v, k->str, &s) != 0) {
            continue;
        }
        if (slot != NULL) {
            free(*slot);
            *slot = lower_dup(s);
            if (*slot == NULL) {
                LERR(c, v, "out of memory");
            }
        }
        free(s);
    }
}

static void load_group_by(struct lctx *c, const struct mm_ynode *n, struct mm_rule *r)
{
    const struct mm_ynode *const *items = (const struct mm_ynode *const *)&n;
    size_t cnt = 1;
    if (n->type == MM_Y_SEQ) {
        items = (const struct mm_ynode *const *)n->kids;
        cnt = n->nkids;
    } else if (n->type != MM_Y_SCALAR) {
        LERR(c, n, "'group-by' must be a list of field names, not %s",
             mm_yaml_type_name(n->type));
        return;
    }
    if (cnt == 0) {
        return;
    }
    r->group_by = calloc(cnt, sizeof(*r->group_by));
    r->group_refs = calloc(cnt, sizeof(*r->group_refs));
    if (r->group_by == NULL || r->group_refs == NULL) {
        LERR(c, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < cnt; i++) {
        char *s = NULL;
        if (get_str(c, items[i], "group-by", &s) != 0) {
            continue;
        }
        struct fref f;
        if (mm_rules_fref_init(&f, s, strlen(s)) != MM_OK) {
            free(s);
            LERR(c, items[i], "out of memory");
            continue;
        }
        free(s);
        r->group_by[r->ngroup] = strdup(f.name);
        if (r->group_by[r->ngroup] == NULL) {
            mm_rules_fref_free(&f);
            LERR(c, items[i], "out of memory");
            continue;
        }
        r->group_refs[r->ngroup++] = f;
    }
}

static void load_examples(struct lctx *c, const struct mm_ynode *n, struct mm_rule *r)
{
    if (n->type != MM_Y_MAP) {
        LERR(c, n, "'examples' must be a mapping with 'match' and 'nomatch' lists");
        return;
    }
    size_t total = 0;
    for (size_t i = 0; i < mm_ymap_size(n); i++) {
        const struct mm_ynode *v = mm_ymap_val(n, i);
        total += v->type == MM_Y_SEQ ? v->nkids : 1;
    }
    r->ex = calloc(total ? total : 1, sizeof(*r->ex));
    if (r->ex == NULL) {
        LERR(c, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < mm_ymap_size(n); i++) {
        const struct mm_ynode *k = mm_ymap_key(n, i);
        const struct mm_ynode *v = mm_ymap_val(n, i);
        int want;
        if (strcmp(k->str, "match") == 0) {
            want = 1;
        } else if (strcmp(k->str, "nomatch") == 0) {
            want = 0;
        } else {
            LERR(c, k, "unknown examples key '%s' (match, nomatch)", k->str);
            continue;
        }
        if (v->type != MM_Y_SEQ) {
            LERR(c, v, "'examples.%s' must be a list of log lines", k->str);
            continue;
        }
        for (size_t j = 0; j < v->nkids; j++) {
            const struct mm_ynode *e = v->kids[j];
            if (e->type != MM_Y_SCALAR) {
                LERR(c, e, "an example must be a log line, not %s", mm_yaml_type_name(e->type));
                continue;
            }
            struct example *x = &r->ex[r->nex];
            x->line = malloc(e->len + 1);
            if (x->line == NULL) {
                LERR(c, e, "out of memory");
                continue;
            }
            memcpy(x->line, e->str, e->len + 1);
            x->len = e->len;
            x->want_match = want;
            x->line_no = e->line;
            x->col = e->col;
            x->n = j + 1;
            r->nex++;
        }
    }
}

/* translations: {ja: {title: ..., description: ...}} */
static void load_translations(struct lctx *c, const struct mm_ynode *n, struct mm_rule *r)
{
    if (n->type != MM_Y_MAP) {
        LERR(c, n, "'translations' must be a mapping of languages, not %s",
             mm_yaml_type_name(n->type));
        return;
    }
    size_t cnt = mm_ymap_size(n);
    if (cnt == 0) {
        return;
    }
    r->tr = calloc(cnt, sizeof(*r->tr));
    if (r->tr == NULL) {
        LERR(c, n, "out of memory");
        return;
    }
    for (size_t i = 0; i < cnt; i++) {
        const struct mm_ynode *k = mm_ymap_key(n, i);
        const struct mm_ynode *v = mm_ymap_val(n, i);
        const char *lang = NULL;
        for (size_t j = 0; languages[j] != NULL && lang == NULL; j++) {
            lang = strcmp(k->str, languages[j]) == 0 ? languages[j] : NULL;
        }
        if (lang == NULL) {
            LERR(c, k, "unknown language '%s' in 'translations' (ja)", k->str);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < r->ntr && !dup; j++) {
            dup = r->tr[j].lang == lang;
        }
        if (dup) {
            LERR(c, k, "duplicate language '%s' in 'translations'", lang);
            continue;
        }
        if (v->type != MM_Y_MAP || mm_ymap_size(v) == 0) {
            LERR(c, v, "'translations.%s' must be a mapping with 'title' and 'description'",
                 lang);
            continue;
        }
        struct rule_tr *t = &r->tr[r->ntr++];
        t->lang = lang;
        for (size_t j = 0; j < mm_ymap_size(v); j++) {
            const struct mm_ynode *tk = mm_ymap_key(v, j);
            const struct mm_ynode *tv = mm_ymap_val(v, j);
            char **slot = NULL;
            if (strcmp(tk->str, "title") == 0) {
                slot = &t->title;
            } else if (strcmp(tk->str, "description") == 0) {
                slot = &t->description;
            } else {
                LERR(c, tk, "unknown key '%s' in 'translations.%s' (title, description)",
                     tk->str, lang);
                continue;
            }
            if (*slot != NULL) {
                LERR(c, tk, "duplicate key '%s' in 'translations.%s'", tk->str, lang);
                continue;
            }
            char what[64];
            snprintf(what, sizeof(what), "translations.%s.%s", lang, tk->str);
            (void)get_str(c, tv, what, slot);
        }
    }
}

static void load_rule(struct mm_ruleset *rs, const struct mm_ynode *doc, const char *file,
                      struct mm_diag *d)
{
    struct lctx c = {file, d, 0};
    struct mm_rule *r = NULL;
    if (doc->type != MM_Y_MAP) {
        LERR(&c, doc, "a rule must be a mapping, not %s", mm_yaml_type_name(doc->type));
        return;
    }
    int is_corr = mm_ymap_get(doc, "correlation") != NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL || (r->file = strdup(file)) == NULL) {
        LERR(&c, doc, "out of memory");
        goto out;
    }
    r->line = doc->line;
    r->col = doc->col;
    r->gate = SIZE_MAX;
    int level_seen = 0;
    for (size_t i = 0; i < mm_ymap_size(doc); i++) {
        const struct mm_ynode *k = mm_ymap_key(doc, i);
        const struct mm_ynode *v = mm_ymap_val(doc, i);
        const char *key = k->str;
        int known = strncmp(key, "x-", 2) == 0;
        for (size_t j = 0; !known && known_keys[j] != NULL; j++) {
            known = strcmp(key, known_keys[j]) == 0;
        }
        if (!known) {
            LERR(&c, k, "unknown key '%s'", key);
            continue;
        }
        if (!is_corr && corr_only_key(key)) {
            LERR(&c, k, "'%s' is only for correlation rules", key);
            continue;
        }
        if (is_corr && (strcmp(key, "logsource") == 0 || strcmp(key, "detection") == 0 ||
                        strcmp(key, "group-by") == 0 || strcmp(key, "examples") == 0)) {
            LERR(&c, k, "a correlation rule has no top-level '%s'%s", key,
                 strcmp(key, "group-by") == 0 ? " (it goes inside 'correlation:')" : "");
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = strcmp(mm_ymap_key(doc, j)->str, key) == 0;
        }
        if (dup) {
            LERR(&c, k, "duplicate key '%s'", key);
            continue;
        }
        if (strcmp(key, "title") == 0) {
            (void)get_str(&c, v, key, &r->title);
        } else if (strcmp(key, "id") == 0) {
            (void)get_str(&c, v, key, &r->id);
        } else if (strcmp(key, "name") == 0) {
            (void)get_str(&c, v, key, &r->name);
        } else if (strcmp(key, "description") == 0) {
            if (v->type != MM_Y_SCALAR) {
                LERR(&c, v, "'description' must be a string");
            } else if (!mm_yaml_is_null(v) && (r->description = strdup(v->str)) == NULL) {
                LERR(&c, v, "out of memory");
            }
        } else if (strcmp(key, "status") == 0) {
            int ok = 0;
            for (size_t j = 0; v->type == MM_Y_SCALAR && statuses[j] != NULL; j++) {
                ok |= strcmp(v->str, statuses[j]) == 0;
            }
            if (!ok) {
                LERR(&c, v,
                     "'status' must be stable, test, experimental, deprecated or unsupported");
            }
        } else if (strcmp(key, "level") == 0) {
            level_seen = 1;
            int sev = v->type == MM_Y_SCALAR ? mm_severity_parse(v->str) : -1;
            if (sev < 0) {
                LERR(&c, v, "'level' must be informational, low, medium, high or critical");
            } else {
                r->severity = (enum mm_severity)sev;
            }
        } else if (strcmp(key, "tags") == 0) {
            load_tags(&c, v, r);
        } else if (strcmp(key, "logsource") == 0) {
            load_logsource(&c, v, r);
        } else if (strcmp(key, "suppress") == 0) {
            if (v->type != MM_Y_SCALAR || parse_duration(v->str, &r->suppress_ns) != 0) {
                LERR(&c, v, "'suppress' must be a duration like 30s, 5m, 1h or 2d (at most 30d)");
            }
        } else if (strcmp(key, "group-by") == 0) {
            load_group_by(&c, v, r);
        } else if (strcmp(key, "examples") == 0) {
            load_examples(&c, v, r);
        } else if (strcmp(key, "translations") == 0) {
            load_translations(&c, v, r);
        }
        /* other Sigma metadata (author, date, references, ...) is accepted and not kept */
    }
    if (r->title == NULL && mm_ymap_get(doc, "title") == NULL) {
        LERR(&c, doc, "missing required key 'title'");
    }
    if (r->id == NULL && mm_ymap_get(doc, "id") == NULL) {
        LERR(&c, doc, "missing required key 'id'");
    }
    if (is_corr) {
        /* Sigma: level is optional on a correlation rule */
        r->severity = level_seen ? r->severity : MM_SEV_MEDIUM;
        if (r->tags_json == NULL && c.errors == 0) {
            load_tags(&c, NULL, r);
        }
        c.errors += mm_corr_load(r, doc, file, d);
        if (c.errors == 0 && mm_corr_add(rs, r) != 0) {
            LERR(&c, doc, "out of memory");
        } else if (c.errors == 0) {
            r = NULL;
        }
        goto out;
    }
    if (!level_seen) {
        LERR(&c, doc, "missing required key 'level'");
    }
    if (mm_ymap_get(doc, "logsource") == NULL) {
        LERR(&c, doc, "missing required key 'logsource'");
    }
    if (r->tags_json == NULL && c.errors == 0) {
        load_tags(&c, NULL, r);
    }
    const struct mm_ynode *det = mm_ymap_get(doc, "detection");
    if (det == NULL) {
        LERR(&c, doc, "missing required key 'detection'");
    } else {
        c.errors += mm_rules_compile_detection(r, det, file, d);
    }
    if (c.errors == 0) {
        if (rs->n == rs->cap) {
            size_t cap = rs->cap ? rs->cap * 2 : 16;
            struct mm_rule **nr = realloc(rs->rules, cap * sizeof(*nr));
            if (nr == NULL) {
                LERR(&c, doc, "out of memory");
                goto out;
            }
            rs->rules = nr;
            rs->cap = cap;
        }
        r->index = rs->n;
        rs->rules[rs->n++] = r;
        r = NULL;
    }
out:
    mm_rule_free(r);
}

void mm_rules_load_stream(struct mm_ruleset *rs, const struct mm_ystream *ys, struct mm_diag *d)
{
    for (size_t i = 0; i < ys->ndocs; i++) {
        load_rule(rs, ys->docs[i], ys->file, d);
    }
}
