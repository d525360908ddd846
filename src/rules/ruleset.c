/*
 * ruleset.c - a ruleset from files and directories: load every document,
 * check the set as a whole (unique ids and names), then build the logsource
 * gates, the dispatch index and the match scratch.
 *
 * Directories are read in name order; sub-directories are descended into
 * (also in name order, at most 8 levels) so that a Sigma-style tree such as
 * rules/linux/sshd.yml loads from its top directory.  Hidden entries are
 * skipped.  Any error anywhere fails the whole set.
 */
#include "rules_int.h"
#include "lists_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIR_DEPTH 8

static void ruleset_free(struct mm_ruleset *rs)
{
    if (rs == NULL) {
        return;
    }
    for (size_t i = 0; i < rs->n; i++) {
        mm_rule_free(rs->rules[i]);
    }
    free(rs->rules);
    free(rs->gates);
    mm_rules_dispatch_free(&rs->disp);
    pcre2_match_data_free(rs->md);
    pcre2_match_context_free(rs->mctx);
    free(rs->cand);
    free(rs->gate_res);
    for (size_t i = 0; i < rs->ncorrs; i++) {
        mm_rule_free(rs->corrs[i]); /* correlation rules (corr_load.c) */
    }
    free(rs->corrs);
    mm_rules_env_free(rs->env);
    free(rs);
}

void mm_ruleset_ref(struct mm_ruleset *rs)
{
    atomic_fetch_add(&rs->refs, 1);
}

void mm_ruleset_unref(struct mm_ruleset *rs)
{
    if (rs != NULL && atomic_fetch_sub(&rs->refs, 1) == 1) {
        ruleset_free(rs);
    }
}

size_t mm_ruleset_count(const struct mm_ruleset *rs)
{
    return rs->n;
}

const struct mm_rule *mm_ruleset_rule(const struct mm_ruleset *rs, size_t i)
{
    return i < rs->n ? rs->rules[i] : NULL;
}

const struct mm_rule *mm_ruleset_find(const struct mm_ruleset *rs, const char *id)
{
    if (rs == NULL || id == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < rs->n; i++) {
        if (strcmp(rs->rules[i]->id, id) == 0) {
            return rs->rules[i];
        }
    }
    for (size_t i = 0; i < rs->ncorrs; i++) {
        if (strcmp(rs->corrs[i]->id, id) == 0) {
            return rs->corrs[i];
        }
    }
    return NULL;
}

static int has_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static void load_file(struct mm_ruleset *rs, const char *path, struct mm_diag *d)
{
    struct mm_ystream *ys = NULL;
    size_t before = mm_diag_errors(d);
    if (mm_yaml_load_file(&ys, path, d) != MM_OK) {
        if (mm_diag_errors(d) == before) {
            mm_diag_error(d, path, 0, 0, "cannot load");
        }
        return;
    }
    mm_rules_load_stream(rs, ys, d);
    mm_yaml_free(ys);
}

static int skip_dot(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static void load_path(struct mm_ruleset *rs, const char *path, int depth, int explicit_file,
                      struct mm_diag *d)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        mm_diag_error(d, path, 0, 0, "cannot open: %s", strerror(errno));
        return;
    }
    if (S_ISREG(st.st_mode)) {
        if (explicit_file || has_ext(path)) {
            load_file(rs, path, d);
        }
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (explicit_file) {
            mm_diag_error(d, path, 0, 0, "not a file or directory");
        }
        return;
    }
    if (depth > MAX_DIR_DEPTH) {
        mm_diag_error(d, path, 0, 0, "directories nested deeper than %d levels", MAX_DIR_DEPTH);
        return;
    }
    struct dirent **ents = NULL;
    int n = scandir(path, &ents, skip_dot, alphasort);
    if (n < 0) {
        mm_diag_error(d, path, 0, 0, "cannot read directory: %s", strerror(errno));
        return;
    }
    for (int i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;
        char *sub = malloc(len);
        if (sub == NULL) {
            mm_diag_error(d, path, 0, 0, "out of memory");
        } else {
            snprintf(sub, len, "%s/%s", path, ents[i]->d_name);
            load_path(rs, sub, depth + 1, 0, d);
            free(sub);
        }
        free(ents[i]);
    }
    free(ents);
}

static int cmp_id(const void *a, const void *b)
{
    const struct mm_rule *ra = *(const struct mm_rule *const *)a;
    const struct mm_rule *rb = *(const struct mm_rule *const *)b;
    int c = strcmp(ra->id, rb->id);
    if (c != 0) {
        return c;
    }
    return ra->index < rb->index ? -1 : ra->index > rb->index;
}

static int cmp_name(const void *a, const void *b)
{
    const struct mm_rule *ra = *(const struct mm_rule *const *)a;
    const struct mm_rule *rb = *(const struct mm_rule *const *)b;
    int c = strcmp(ra->name ? ra->name : "", rb->name ? rb->name : "");
    if (c != 0) {
        return c;
    }
    return ra->index < rb->index ? -1 : ra->index > rb->index;
}

/* Duplicate ids, and duplicate names (a correlation must name one rule). */
static void check_unique(struct mm_ruleset *rs, struct mm_diag *d)
{
    if (rs->n < 2) {
        return;
    }
    struct mm_rule **v = malloc(rs->n * sizeof(*v));
    if (v == NULL) {
        mm_diag_error(d, NULL, 0, 0, "out of memory");
        return;
    }
    memcpy(v, rs->rules, rs->n * sizeof(*v));
    qsort(v, rs->n, sizeof(*v), cmp_id);
    for (size_t i = 1; i < rs->n; i++) {
        if (strcmp(v[i]->id, v[i - 1]->id) == 0) {
            mm_diag_error(d, v[i]->file, v[i]->line, v[i]->col,
                          "duplicate rule id '%s' (first used at %s:%d:%d)", v[i]->id,
                          v[i - 1]->file, v[i - 1]->line, v[i - 1]->col);
        }
    }
    qsort(v, rs->n, sizeof(*v), cmp_name);
    for (size_t i = 1; i < rs->n; i++) {
        if (v[i]->name != NULL && v[i - 1]->name != NULL &&
            strcmp(v[i]->name, v[i - 1]->name) == 0) {
            mm_diag_error(d, v[i]->file, v[i]->line, v[i]->col,
                          "duplicate rule name '%s' (first used at %s:%d:%d)", v[i]->name,
                          v[i - 1]->file, v[i - 1]->line, v[i - 1]->col);
        }
    }
    free(v);
}

static enum mm_err build_gates(struct mm_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        struct mm_rule *r = rs->rules[i];
        struct gate g;
        if (!mm_rules_logsource_map(r->ls_product, r->ls_service, r->ls_category, &g.parsers,
                                    &g.services, &g.categories)) {
            r->gate = SIZE_MAX;
            continue;
        }
        size_t k;
        for (k = 0; k < rs->ngates; k++) {
            if (rs->gates[k].parsers == g.parsers && rs->gates[k].services == g.services &&
                rs->gates[k].categories == g.categories) {
                break;
            }
        }
        if (k == rs->ngates) {
            struct gate *ng = realloc(rs->gates, (rs->ngates + 1) * sizeof(*ng));
            if (ng == NULL) {
                return MM_ENOMEM;
            }
            rs->gates = ng;
            rs->gates[rs->ngates++] = g;
        }
        r->gate = k;
    }
    rs->gate_res = calloc(rs->ngates ? rs->ngates : 1, 1);
    return rs->gate_res == NULL ? MM_ENOMEM : MM_OK;
}

static enum mm_err build_scratch(struct mm_ruleset *rs)
{
    uint32_t maxcap = 0;
    for (size_t i = 0; i < rs->n; i++) {
        struct mm_rule *r = rs->rules[i];
        for (size_t s = 0; s < r->nsels; s++) {
            for (size_t a = 0; a < r->sels[s].nalts; a++) {
                for (size_t c = 0; c < r->sels[s].alts[a].nc; c++) {
                    const struct fcond *f = &r->sels[s].alts[a].c[c];
                    for (size_t v = 0; v < f->nv; v++) {
                        if (f->v[v].re == NULL) {
                            continue;
                        }
                        uint32_t cc = 0;
                        pcre2_pattern_info(f->v[v].re, PCRE2_INFO_CAPTURECOUNT, &cc);
                        maxcap = cc > maxcap ? cc : maxcap;
                        if (f->v[v].ncaptures > 0) {
                            r->has_captures = 1;
                        }
                    }
                }
            }
        }
    }
    rs->max_ovec = maxcap + 1;
    rs->md = pcre2_match_data_create(rs->max_ovec, NULL);
    rs->mctx = pcre2_match_context_create(NULL);
    if (rs->md == NULL || rs->mctx == NULL) {
        return MM_ENOMEM;
    }
    pcre2_set_match_limit(rs->mctx, MM_RE_MATCH_LIMIT);
    pcre2_set_depth_limit(rs->mctx, MM_RE_DEPTH_LIMIT);
    return MM_OK;
}

/* A set with its environment (lists, calendar, GeoIP: errors go to d); NULL when out of memory. */
static struct mm_ruleset *ruleset_new(const struct mm_config *cfg, struct mm_diag *d)
{
    struct mm_ruleset *rs = calloc(1, sizeof(*rs));
    if (rs == NULL) {
        return NULL;
    }
    atomic_init(&rs->refs, 1);
    if (mm_rules_env_new(&rs->env, cfg, d) != MM_OK) {
        ruleset_free(rs);
        return NULL;
    }
    return rs;
}

/* After loading: whole-set checks, then the structures matching needs. */
static enum mm_err finish(struct mm_ruleset **out, struct mm_ruleset *rs, size_t errors_before,
                          struct mm_diag *d)
{
    enum mm_err rc = MM_OK;
    check_unique(rs, d);
    mm_corr_resolve(rs, d); /* correlation references: needs every file loaded */
    mm_rules_lists_bind(rs, d); /* |in_list names -> the lists of rs->env */
    if (mm_diag_errors(d) != errors_before) {
        rc = MM_ERULE;
        goto fail;
    }
    rc = build_gates(rs);
    if (rc == MM_OK) {
        rc = build_scratch(rs);
    }
    if (rc == MM_OK) {
        rc = mm_rules_dispatch_build(rs);
    }
    if (rc != MM_OK) {
        mm_diag_error(d, NULL, 0, 0, "cannot build the ruleset: %s", mm_strerror(rc));
        goto fail;
    }
    *out = rs;
    return MM_OK;
fail:
    ruleset_free(rs);
    return rc;
}

enum mm_err mm_ruleset_load(struct mm_ruleset **out, const char *const *paths, size_t npaths,
                            struct mm_diag *d)
{
    return mm_ruleset_load_cfg(out, NULL, paths, npaths, d);
}

enum mm_err mm_ruleset_load_cfg(struct mm_ruleset **out, const struct mm_config *cfg,
                                const char *const *paths, size_t npaths, struct mm_diag *d)
{
    *out = NULL;
    size_t before = mm_diag_errors(d);
    struct mm_ruleset *rs = ruleset_new(cfg, d);
    if (rs == NULL) {
        return MM_ENOMEM;
    }
    for (size_t i = 0; i < npaths; i++) {
        load_path(rs, paths[i], 0, 1, d);
    }
    return finish(out, rs, before, d);
}

enum mm_err mm_ruleset_load_mem(struct mm_ruleset **out, const char *name, const char *buf,
                                size_t len, struct mm_diag *d)
{
    return mm_ruleset_load_mem_cfg(out, NULL, name, buf, len, d);
}

enum mm_err mm_ruleset_load_mem_cfg(struct mm_ruleset **out, const struct mm_config *cfg,
                                    const char *name, const char *buf, size_t len,
                                    struct mm_diag *d)
{
    *out = NULL;
    size_t before = mm_diag_errors(d);
    struct mm_ruleset *rs = ruleset_new(cfg, d);
    if (rs == NULL) {
        return MM_ENOMEM;
    }
    struct mm_ystream *ys = NULL;
    if (mm_yaml_load_mem(&ys, name, buf, len, d) == MM_OK) {
        mm_rules_load_stream(rs, ys, d);
        mm_yaml_free(ys);
    } else if (mm_diag_errors(d) == before) {
        mm_diag_error(d, name, 0, 0, "cannot load");
    }
    return finish(out, rs, before, d);
}
