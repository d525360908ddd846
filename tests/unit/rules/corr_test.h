/* corr_test.h - helpers shared by the correlation unit tests (not a test itself). */
#ifndef MM_CORR_TEST_H
#define MM_CORR_TEST_H

#include "rules_test.h"

#define SEC(x) ((int64_t)(x)*1000000000LL)
#define T0 SEC(1800000000) /* an event-time origin */
#define CT_MAX 512

/* Base rules used by the correlation tests: keyword matches on the raw line. */
#define CT_BASE                                                                                    \
    "title: failed\nid: id-failed\nname: failed\nlevel: low\nlogsource: {product: test}\n"         \
    "detection:\n  s: ['failed']\n  condition: s\n---\n"                                           \
    "title: accepted\nid: id-ok\nname: accepted\nlevel: low\nlogsource: {product: test}\n"         \
    "detection:\n  s: ['accepted']\n  condition: s\n---\n"                                         \
    "title: admin\nid: id-admin\nname: admin_created\nlevel: low\nlogsource: {product: test}\n"    \
    "detection:\n  s: ['admin-created']\n  condition: s\n---\n"                                    \
    "title: logout\nid: id-logout\nname: logout\nlevel: low\nlogsource: {product: test}\n"         \
    "detection:\n  s: ['logout']\n  condition: s\n---\n"

struct ct {
    struct mm_ruleset *rs;
    struct mm_corr *ce;
    struct mm_alerter *al;
    struct mm_alert *alerts[CT_MAX]; /* every alert handed out, in order (updates too) */
    size_t n;
    struct mm_event ev;
    char raw[512];
    int64_t recv; /* receive time of the next event; 0 = event time + 5 s */
};

static inline void ct_emit(void *arg, struct mm_alert *a)
{
    struct ct *t = arg;
    assert_true(t->n < CT_MAX);
    t->alerts[t->n++] = a;
}

static inline void ct_init(struct ct *t, const char *yaml, int live)
{
    memset(t, 0, sizeof(*t));
    t->rs = t_load_ok(yaml);
    assert_int_equal(mm_corr_new(&t->ce, live), MM_OK);
    assert_int_equal(mm_corr_bind(t->ce, t->rs), MM_OK);
    assert_int_equal(mm_alerter_new(&t->al, 1000), MM_OK);
}

static inline void ct_clear(struct ct *t)
{
    for (size_t i = 0; i < t->n; i++) {
        mm_alert_free(t->alerts[i]);
    }
    t->n = 0;
}

static inline void ct_free(struct ct *t)
{
    ct_clear(t);
    mm_corr_free(t->ce);
    mm_alerter_free(t->al);
    mm_ruleset_unref(t->rs);
}

/*
 * One event at event time ts with raw line `raw` and fields "k=v k=v",
 * through match, the engine and (like the pipeline) the base rules' own alerts.
 */
static inline void ct_send(struct ct *t, int64_t ts, const char *raw, const char *fields)
{
    snprintf(t->raw, sizeof(t->raw), "%s", raw);
    t_event(&t->ev, t->raw, t->recv != 0 ? t->recv : ts + SEC(5));
    t->ev.ts_ns = ts;
    const char *f = fields != NULL ? fields : "";
    while (*f != '\0') {
        while (*f == ' ') {
            f++;
        }
        const char *eq = strchr(f, '=');
        if (*f == '\0' || eq == NULL) {
            break;
        }
        const char *end = strchr(eq, ' ');
        end = end != NULL ? end : eq + strlen(eq);
        /* names and values must outlive the call: copy them into the event's scratch */
        char *k = mm_event_copy(&t->ev, f, (size_t)(eq - f) + 1);
        char *v = mm_event_copy(&t->ev, eq + 1, (size_t)(end - eq - 1));
        assert_non_null(k);
        assert_non_null(v);
        size_t kn = (size_t)(eq - f);
        k[kn] = '\0';
        size_t vn = (size_t)(end - eq - 1);
        enum mm_field id = mm_field_lookup(k, kn);
        if (id != MM_F__COUNT) {
            mm_event_set(&t->ev, id, v, vn);
        } else {
            mm_event_add(&t->ev, NULL, k, kn, v, vn);
        }
        f = end;
    }
    const struct mm_rule *hits[16];
    size_t nh = mm_ruleset_match(t->rs, &t->ev, hits, 16);
    mm_corr_feed(t->ce, t->rs, &t->ev, hits, nh, t->al, ct_emit, t);
    for (size_t i = 0; i < nh; i++) {
        if (mm_rule_alerts(hits[i])) {
            struct mm_alert *a = mm_alerter_fire(t->al, hits[i], &t->ev);
            if (a != NULL) {
                ct_emit(t, a);
            }
        }
    }
    /* as the pipeline does a few times a second: updated incidents */
    mm_alerter_flush(t->al, ct_emit, t);
}

static inline void ct_tick(struct ct *t, int64_t now)
{
    mm_corr_tick(t->ce, now, t->al, ct_emit, t);
    mm_alerter_flush(t->al, ct_emit, t);
}

/* New alerts (not updates) of rule id. */
static inline size_t ct_new(const struct ct *t, const char *id)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        k += strcmp(t->alerts[i]->rule_id, id) == 0 && !t->alerts[i]->is_update;
    }
    return k;
}

/* The latest alert (new or update) of rule id, or NULL. */
static inline const struct mm_alert *ct_last(const struct ct *t, const char *id)
{
    for (size_t i = t->n; i-- > 0;) {
        if (strcmp(t->alerts[i]->rule_id, id) == 0) {
            return t->alerts[i];
        }
    }
    return NULL;
}

#endif
