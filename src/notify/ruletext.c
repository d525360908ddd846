/*
 * ruletext.c - rule titles and descriptions in a channel's language.
 *
 * An alert carries its rule's English title and description.  A channel
 * with `locale: ja` shows the rule's `translations: {ja: {title,
 * description}}` instead (docs/rules.md).  This module does not read rule
 * files and does not link the rules module: the table is filled by whoever
 * holds the loaded ruleset (the daemon, through mm_ruleset_texts() and
 * mm_notify_texts_add()) and handed to the sender, which only looks ids up.
 * So the messages always speak with the rules in force: a SIGHUP reload that
 * succeeds brings its texts, one that fails leaves the running ones.
 *
 * The table is a sorted array of copies, independent of the ruleset it was
 * built from (which may be freed by a reload while the table lives on).
 */
#include "mimamori/notify.h"

#include <stdlib.h>
#include <string.h>

#include "notify/notify_int.h"

struct rtext {
    char *id, *title, *description; /* owned; title / description may be NULL */
};

struct mm_notify_texts {
    char *lang;      /* owned */
    struct rtext *v; /* sorted by id, ids unique */
    size_t n, cap;
};

enum mm_err mm_notify_texts_new(struct mm_notify_texts **out, const char *lang)
{
    *out = NULL;
    struct mm_notify_texts *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MM_ENOMEM;
    }
    t->lang = strdup(lang != NULL ? lang : "");
    if (t->lang == NULL) {
        free(t);
        return MM_ENOMEM;
    }
    *out = t;
    return MM_OK;
}

static void rtext_free(struct rtext *x)
{
    free(x->id);
    free(x->title);
    free(x->description);
}

void mm_notify_texts_free(struct mm_notify_texts *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        rtext_free(&t->v[i]);
    }
    free(t->v);
    free(t->lang);
    free(t);
}

const char *mm_notify_texts_lang(const struct mm_notify_texts *t)
{
    return t != NULL ? t->lang : NULL;
}

size_t mm_notify_texts_count(const struct mm_notify_texts *t)
{
    return t != NULL ? t->n : 0;
}

/* The index of id in t->v, or where it would go (*found 0). */
static size_t locate(const struct mm_notify_texts *t, const char *id, int *found)
{
    size_t lo = 0, hi = t->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->v[mid].id, id);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* A copy of a non-empty text, NULL for NULL or "" (*rc MM_ENOMEM when the copy failed). */
static char *copy_text(const char *s, int trim, enum mm_err *rc)
{
    if (s == NULL || s[0] == '\0') {
        return NULL;
    }
    char *p = strdup(s);
    if (p == NULL) {
        *rc = MM_ENOMEM;
        return NULL;
    }
    /* a folded description (`>`) ends with a newline: the message adds its own */
    for (size_t n = trim ? strlen(p) : 0; n > 0 && (p[n - 1] == '\n' || p[n - 1] == ' '); n--) {
        p[n - 1] = '\0';
    }
    return p;
}

enum mm_err mm_notify_texts_add(struct mm_notify_texts *t, const char *rule_id, const char *title,
                                const char *description)
{
    if (rule_id == NULL || rule_id[0] == '\0') {
        return MM_EINVAL;
    }
    enum mm_err rc = MM_OK;
    struct rtext x = {NULL, NULL, NULL};
    x.title = copy_text(title, 0, &rc);
    x.description = copy_text(description, 1, &rc);
    if (rc == MM_OK && x.title == NULL && x.description == NULL) {
        return MM_OK; /* nothing to say in this language */
    }
    x.id = strdup(rule_id);
    if (rc != MM_OK || x.id == NULL) {
        rtext_free(&x);
        return MM_ENOMEM;
    }
    int found;
    size_t at = locate(t, rule_id, &found);
    if (found) {
        /* ids are unique in a ruleset; should one come twice, the last one wins */
        rtext_free(&t->v[at]);
        t->v[at] = x;
        return MM_OK;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct rtext *nv = realloc(t->v, cap * sizeof(*nv));
        if (nv == NULL) {
            rtext_free(&x);
            return MM_ENOMEM;
        }
        t->v = nv;
        t->cap = cap;
    }
    /* kept sorted as it grows: a few hundred rules, built once per (re)load */
    memmove(&t->v[at + 1], &t->v[at], (t->n - at) * sizeof(*t->v));
    t->v[at] = x;
    t->n++;
    return MM_OK;
}

void mm_notify_alert_translate(struct mm_notify_alert *a, const struct mm_notify_texts *t)
{
    if (t == NULL || a->rule_id == NULL || t->n == 0) {
        return;
    }
    int found;
    const struct rtext *x = &t->v[locate(t, a->rule_id, &found)];
    if (!found) {
        return;
    }
    if (x->title != NULL) {
        a->title = x->title;
    }
    if (x->description != NULL) {
        a->description = x->description;
    }
}
