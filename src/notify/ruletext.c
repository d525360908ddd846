/*
 * ruletext.c - rule titles and descriptions in a channel's language.
 *
 * An alert carries its rule's English title and description.  A channel
 * with `locale: ja` shows the rule's `translations: {ja: {title,
 * description}}` instead (docs/rules.md), read here from the rule files of
 * the configuration.  Only those keys are read, leniently: the rules module
 * validates the files (the daemon does not start with a broken rule), and
 * this module does not link it.  Files and directories are walked as the
 * rules module does (name order, sub-directories up to 8 levels, hidden
 * entries skipped, *.yml and *.yaml).
 */
#include "notify/notify_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mimamori/diag.h"
#include "mimamori/yaml.h"

#define MAX_DIR_DEPTH 8

struct rtext {
    char *id, *title, *description; /* owned; title / description may be NULL */
};

struct mm_notify_texts {
    struct rtext *v; /* sorted by id */
    size_t n, cap;
};

void mm_notify_texts_free(struct mm_notify_texts *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].id);
        free(t->v[i].title);
        free(t->v[i].description);
    }
    free(t->v);
    free(t);
}

/* The text of a non-empty scalar, else NULL. */
static const char *scalar(const struct mm_ynode *n)
{
    return n != NULL && n->type == MM_Y_SCALAR && n->len > 0 && !mm_yaml_is_null(n) ? n->str : NULL;
}

static enum mm_err add_doc(struct mm_notify_texts *t, const struct mm_ynode *doc, const char *lang)
{
    const char *id = scalar(mm_ymap_get(doc, "id"));
    const struct mm_ynode *tr = mm_ymap_get(mm_ymap_get(doc, "translations"), lang);
    const char *title = scalar(mm_ymap_get(tr, "title"));
    const char *descr = scalar(mm_ymap_get(tr, "description"));
    if (id == NULL || (title == NULL && descr == NULL)) {
        return MM_OK;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct rtext *nv = realloc(t->v, cap * sizeof(*nv));
        if (nv == NULL) {
            return MM_ENOMEM;
        }
        t->v = nv;
        t->cap = cap;
    }
    struct rtext *x = &t->v[t->n];
    x->id = strdup(id);
    x->title = title != NULL ? strdup(title) : NULL;
    x->description = descr != NULL ? strdup(descr) : NULL;
    /* a folded description (`>`) ends with a newline: the message adds its own */
    for (size_t n = x->description != NULL ? strlen(x->description) : 0;
         n > 0 && (x->description[n - 1] == '\n' || x->description[n - 1] == ' '); n--) {
        x->description[n - 1] = '\0';
    }
    if (x->id == NULL || (title != NULL && x->title == NULL) ||
        (descr != NULL && x->description == NULL)) {
        free(x->id);
        free(x->title);
        free(x->description);
        return MM_ENOMEM;
    }
    t->n++;
    return MM_OK;
}

static int has_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static int skip_dot(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* A file that does not parse is skipped: its rules keep their English words. */
static enum mm_err add_path(struct mm_notify_texts *t, const char *path, int depth, int explicit,
                            const char *lang)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        return MM_OK;
    }
    if (S_ISREG(st.st_mode)) {
        if (!explicit && !has_ext(path)) {
            return MM_OK;
        }
        struct mm_diag d;
        struct mm_ystream *ys = NULL;
        enum mm_err rc = MM_OK;
        mm_diag_init(&d);
        if (mm_yaml_load_file(&ys, path, &d) == MM_OK) {
            for (size_t i = 0; i < ys->ndocs && rc == MM_OK; i++) {
                rc = add_doc(t, ys->docs[i], lang);
            }
            mm_yaml_free(ys);
        }
        mm_diag_free(&d);
        return rc;
    }
    if (!S_ISDIR(st.st_mode) || depth > MAX_DIR_DEPTH) {
        return MM_OK;
    }
    struct dirent **ents = NULL;
    int n = scandir(path, &ents, skip_dot, alphasort);
    enum mm_err rc = MM_OK;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;
        char *sub = malloc(len);
        if (sub == NULL) {
            rc = MM_ENOMEM;
        } else if (rc == MM_OK) {
            snprintf(sub, len, "%s/%s", path, ents[i]->d_name);
            rc = add_path(t, sub, depth + 1, 0, lang);
        }
        free(sub);
        free(ents[i]);
    }
    free(ents);
    return rc;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct rtext *)a)->id, ((const struct rtext *)b)->id);
}

enum mm_err mm_notify_texts_load(struct mm_notify_texts **out, const char *const *paths,
                                 size_t npaths, const char *lang)
{
    *out = NULL;
    struct mm_notify_texts *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MM_ENOMEM;
    }
    enum mm_err rc = MM_OK;
    for (size_t i = 0; i < npaths && rc == MM_OK; i++) {
        rc = add_path(t, paths[i], 0, 1, lang);
    }
    if (rc != MM_OK) {
        mm_notify_texts_free(t);
        return rc;
    }
    if (t->n > 1) {
        qsort(t->v, t->n, sizeof(*t->v), by_id);
    }
    *out = t;
    return MM_OK;
}

static const struct rtext *find(const struct mm_notify_texts *t, const char *rule_id)
{
    if (t == NULL || rule_id == NULL || t->n == 0) {
        return NULL;
    }
    struct rtext key = {(char *)rule_id, NULL, NULL};
    return bsearch(&key, t->v, t->n, sizeof(*t->v), by_id);
}

size_t mm_notify_texts_count(const struct mm_notify_texts *t)
{
    return t != NULL ? t->n : 0;
}

void mm_notify_alert_translate(struct mm_notify_alert *a, const struct mm_notify_texts *t)
{
    const struct rtext *x = find(t, a->rule_id);
    if (x == NULL) {
        return;
    }
    if (x->title != NULL) {
        a->title = x->title;
    }
    if (x->description != NULL) {
        a->description = x->description;
    }
}
