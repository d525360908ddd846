/*
 * rule.c - read-only accessors of a compiled rule (strings are owned by the
 * ruleset), and a ruleset's texts in a language (mm_ruleset_texts).
 */
#include "rules_int.h"

#include <string.h>

const char *mm_rule_id(const struct mm_rule *r)
{
    return r->id;
}

const char *mm_rule_name(const struct mm_rule *r)
{
    return r->name;
}

const char *mm_rule_title(const struct mm_rule *r)
{
    return r->title;
}

const char *mm_rule_description(const struct mm_rule *r)
{
    return r->description != NULL ? r->description : "";
}

enum mm_severity mm_rule_severity(const struct mm_rule *r)
{
    return r->severity;
}

const char *mm_rule_tags_json(const struct mm_rule *r)
{
    return r->tags_json != NULL ? r->tags_json : "[]";
}

int64_t mm_rule_suppress_ns(const struct mm_rule *r)
{
    return r->suppress_ns;
}

size_t mm_rule_group_by(const struct mm_rule *r, const char *const **fields)
{
    *fields = (const char *const *)r->group_by;
    return r->ngroup;
}

const char *mm_rule_file(const struct mm_rule *r)
{
    return r->file;
}

int mm_rule_line(const struct mm_rule *r)
{
    return r->line;
}

/* The rule's translation into lang, NULL when it has none. */
static const struct rule_tr *tr_of(const struct mm_rule *r, const char *lang)
{
    if (lang == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < r->ntr; i++) {
        if (strcmp(r->tr[i].lang, lang) == 0) {
            return &r->tr[i];
        }
    }
    return NULL;
}

const char *mm_rule_title_lang(const struct mm_rule *r, const char *lang)
{
    const struct rule_tr *t = tr_of(r, lang);
    return t != NULL && t->title != NULL ? t->title : mm_rule_title(r);
}

const char *mm_rule_description_lang(const struct mm_rule *r, const char *lang)
{
    const struct rule_tr *t = tr_of(r, lang);
    return t != NULL && t->description != NULL ? t->description : mm_rule_description(r);
}

static enum mm_err texts_of(struct mm_rule *const *rules, size_t n, const char *lang,
                            mm_rule_text_fn fn, void *arg)
{
    for (size_t i = 0; i < n; i++) {
        const struct rule_tr *t = tr_of(rules[i], lang);
        if (t == NULL) {
            continue;
        }
        enum mm_err rc = fn(arg, rules[i]->id, t->title, t->description);
        if (rc != MM_OK) {
            return rc;
        }
    }
    return MM_OK;
}

enum mm_err mm_ruleset_texts(const struct mm_ruleset *rs, const char *lang, mm_rule_text_fn fn,
                             void *arg)
{
    if (rs == NULL) {
        return MM_OK;
    }
    enum mm_err rc = texts_of(rs->rules, rs->n, lang, fn, arg);
    if (rc == MM_OK) {
        rc = texts_of(rs->corrs, rs->ncorrs, lang, fn, arg);
    }
    return rc;
}
