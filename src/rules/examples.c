/*
 * examples.c - a rule's own `examples:` run through the real parser and the
 * real match path (dispatch included), so a rule that no longer matches its
 * log lines - because the parser changed or the rule was edited - fails
 * `mimamori check` with the position of the example.
 */
#include "rules_int.h"

#include <stdlib.h>
#include <time.h>

#include "mimamori/parse.h"

size_t mm_ruleset_check_examples(const struct mm_ruleset *rs, struct mm_parse_ctx *ctx,
                                 struct mm_diag *d)
{
    size_t failures = 0;
    struct mm_event *ev = malloc(sizeof(*ev));
    const struct mm_rule **out = calloc(rs->n ? rs->n : 1, sizeof(*out));
    if (ev == NULL || out == NULL) {
        mm_diag_error(d, NULL, 0, 0, "out of memory while checking examples");
        failures++;
        goto out;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    for (size_t i = 0; i < rs->n; i++) {
        const struct mm_rule *r = rs->rules[i];
        if (r->lists_undefined && r->nex > 0) {
            /* its |in_list cannot match: the load warned; the examples would only repeat it */
            mm_diag_warn(d, r->file, r->line, r->col,
                         "examples of rule %s not run: it uses a list the configuration lacks",
                         r->id);
            continue;
        }
        for (size_t e = 0; e < r->nex; e++) {
            const struct example *x = &r->ex[e];
            mm_event_reset(ev, x->line, x->len, now_ns);
            ev->source = "example";
            mm_parse_event(ctx, ev, now_ns);
            size_t n = mm_ruleset_match(rs, ev, out, rs->n);
            int matched = 0;
            for (size_t k = 0; k < n; k++) {
                matched |= out[k] == r;
            }
            if (matched != x->want_match) {
                mm_diag_error(d, r->file, x->line_no, x->col,
                              "example %zu of rule %s should %s", x->n, r->id,
                              x->want_match ? "match but did not" : "not match but did");
                failures++;
            }
        }
    }
out:
    free(out);
    free(ev);
    return failures;
}
