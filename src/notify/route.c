/*
 * route.c - which alerts a channel gets, beyond min_severity: rule id and tag
 * include/exclude lists of shell patterns (fnmatch, "attack.t1110*").
 *
 * Evaluated by the store writer when it creates outbox rows, so an alert that
 * a channel does not want never has a row there.  An exclude wins over an
 * include; an empty include list means "every rule" (or "every tag").
 */
#include "notify/notify_int.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"

struct mm_notify_route {
    struct mm_strlist inc_rules, exc_rules, inc_tags, exc_tags; /* owned copies */
};

static int copy_list(struct mm_strlist *dst, const struct mm_strlist *src)
{
    if (src->n == 0) {
        return 0;
    }
    dst->v = calloc(src->n, sizeof(*dst->v));
    if (dst->v == NULL) {
        return -1;
    }
    for (size_t i = 0; i < src->n; i++) {
        dst->v[i] = strdup(src->v[i]);
        if (dst->v[i] == NULL) {
            return -1;
        }
        dst->n = i + 1;
    }
    return 0;
}

void mm_notify_route_free(struct mm_notify_route *r)
{
    if (r == NULL) {
        return;
    }
    mm_strlist_free(&r->inc_rules);
    mm_strlist_free(&r->exc_rules);
    mm_strlist_free(&r->inc_tags);
    mm_strlist_free(&r->exc_tags);
    free(r);
}

struct mm_notify_route *mm_notify_route_new(const struct mm_notify_conf *nc, enum mm_err *rc)
{
    *rc = MM_OK;
    if (nc->include_rules.n + nc->exclude_rules.n + nc->include_tags.n + nc->exclude_tags.n ==
        0) {
        return NULL;
    }
    struct mm_notify_route *r = calloc(1, sizeof(*r));
    if (r == NULL || copy_list(&r->inc_rules, &nc->include_rules) != 0 ||
        copy_list(&r->exc_rules, &nc->exclude_rules) != 0 ||
        copy_list(&r->inc_tags, &nc->include_tags) != 0 ||
        copy_list(&r->exc_tags, &nc->exclude_tags) != 0) {
        mm_notify_route_free(r);
        *rc = MM_ENOMEM;
        return NULL;
    }
    return r;
}

static int any_match(const struct mm_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (fnmatch(l->v[i], s, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

int mm_notify_route_match_parts(const struct mm_notify_route *r, const char *rule_id,
                                const char *tags_json)
{
    if (r == NULL) {
        return 1;
    }
    rule_id = rule_id ? rule_id : "";
    if (any_match(&r->exc_rules, rule_id)) {
        return 0;
    }
    if (r->inc_rules.n > 0 && !any_match(&r->inc_rules, rule_id)) {
        return 0;
    }
    if (r->inc_tags.n == 0 && r->exc_tags.n == 0) {
        return 1;
    }
    enum mm_err rc;
    const char *tj = tags_json ? tags_json : "[]";
    struct mm_json *tags = mm_json_parse(tj, strlen(tj), &rc);
    int inc = r->inc_tags.n == 0, exc = 0;
    for (size_t i = 0; tags != NULL && tags->type == MM_JSON_ARR && i < tags->nkids; i++) {
        const char *t = tags->kids[i].str;
        if (t == NULL) {
            continue;
        }
        exc |= any_match(&r->exc_tags, t);
        inc |= any_match(&r->inc_tags, t);
    }
    mm_json_free(tags);
    /* tags that cannot be read: included only when nothing is asked of them */
    return inc && !exc;
}

int mm_notify_route_match(const struct mm_notify_route *r, const struct mm_alert *a)
{
    return mm_notify_route_match_parts(r, a->rule_id, a->tags_json);
}
