/* rules_test.h - helpers shared by the rules unit tests (not a test itself). */
#ifndef MM_RULES_TEST_H
#define MM_RULES_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/event.h"
#include "mimamori/rules.h"
#include "rules/rules_int.h"

/* Load YAML text as the rule file "t.yml"; NULL when it fails (errors in d). */
static inline struct mm_ruleset *t_load(const char *yaml, struct mm_diag *d)
{
    struct mm_ruleset *rs = NULL;
    (void)mm_ruleset_load_mem(&rs, "t.yml", yaml, strlen(yaml), d);
    return rs;
}

/* Does any message of d contain s? */
static inline int t_diag_has(const struct mm_diag *d, const char *s)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strstr(d->msgs[i], s) != NULL) {
            return 1;
        }
    }
    return 0;
}

/* Load text that must fail, with an error (at least) whose message contains msg. */
static inline void t_load_fails(const char *yaml, const char *msg)
{
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = t_load(yaml, &d);
    if (rs != NULL || !t_diag_has(&d, msg)) {
        fprintf(stderr, "wanted an error containing [%s], got:\n", msg);
        mm_diag_print(&d, stderr);
    }
    assert_null(rs);
    assert_true(mm_diag_errors(&d) > 0);
    assert_true(t_diag_has(&d, msg));
    mm_diag_free(&d);
}

/* Load text that must load cleanly. */
static inline struct mm_ruleset *t_load_ok(const char *yaml)
{
    struct mm_diag d;
    mm_diag_init(&d);
    struct mm_ruleset *rs = t_load(yaml, &d);
    if (rs == NULL || mm_diag_errors(&d) != 0) {
        mm_diag_print(&d, stderr);
    }
    assert_non_null(rs);
    assert_int_equal(mm_diag_errors(&d), 0);
    mm_diag_free(&d);
    return rs;
}


static inline void t_set(struct mm_event *ev, const char *name, const char *val)
{
    enum mm_field id = mm_field_lookup(name, strlen(name));
    if (id != MM_F__COUNT) {
        mm_event_set(ev, id, val, strlen(val));
    } else {
        const char *dot = strchr(name, '.');
        if (dot != NULL && strncmp(name, "fortinet.", 9) == 0) {
            mm_event_add(ev, "fortinet", dot + 1, strlen(dot + 1), val, strlen(val));
        } else {
            mm_event_add(ev, NULL, name, strlen(name), val, strlen(val));
        }
    }
}

/* A fresh event over raw with message = raw. */
static inline void t_event(struct mm_event *ev, const char *raw, int64_t ts)
{
    mm_event_reset(ev, raw, strlen(raw), ts);
    mm_event_set(ev, MM_F_MESSAGE, raw, strlen(raw));
    ev->parser = "syslog";
}

/* Did rule `id` match ev (through the dispatch path)? */
static inline int t_matches(const struct mm_ruleset *rs, struct mm_event *ev, const char *id)
{
    const struct mm_rule *out[64];
    size_t n = mm_ruleset_match(rs, ev, out, 64);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(mm_rule_id(out[i]), id) == 0) {
            return 1;
        }
    }
    return 0;
}

#define T_HEAD(id) "title: T " id "\nid: " id "\nlevel: low\nlogsource: {product: test}\n"

#endif
