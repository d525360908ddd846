/*
 * Tests for src/core/alert.c: severity names, dup/free, evidence, the JSON
 * shape, delta updates merged into stored JSON and folded together.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimamori/alert.h"

static void test_severity(void **state)
{
    (void)state;
    assert_string_equal(mm_severity_name(MM_SEV_INFORMATIONAL), "informational");
    assert_string_equal(mm_severity_name(MM_SEV_CRITICAL), "critical");
    assert_int_equal(mm_severity_parse("high"), MM_SEV_HIGH);
    assert_int_equal(mm_severity_parse("Medium"), MM_SEV_MEDIUM);
    assert_int_equal(mm_severity_parse("info"), MM_SEV_INFORMATIONAL);
    assert_int_equal(mm_severity_parse("severe"), -1);
    assert_int_equal(mm_severity_parse(NULL), -1);
}

static struct mm_alert *sample(void)
{
    struct mm_alert *a = calloc(1, sizeof(*a));
    assert_non_null(a);
    a->id = 0x1a2b3c4d5e6fULL;
    a->rule_id = strdup("r-1");
    a->rule_title = strdup("SSH \"login\" failed");
    a->tags_json = strdup("[\"attack.t1110\"]");
    a->severity = MM_SEV_HIGH;
    a->count = 3;
    a->ts_ns = 1700000000123000000LL;
    a->first_seen_ns = 1700000000000000000LL;
    a->last_seen_ns = 1700000000123000000LL;
    a->group_key = strdup("source.ip=203.0.113.9");
    a->group_json = strdup("{\"source.ip\":\"203.0.113.9\"}");
    a->fields_json = strdup("{\"source.ip\":\"203.0.113.9\",\"source.port\":4242}");
    return a;
}

static void test_json_shape(void **state)
{
    (void)state;
    struct mm_alert *a = sample();
    assert_int_equal(mm_alert_add_evidence(a, "line \"one\"", 10), MM_OK);
    assert_int_equal(mm_alert_add_evidence(a, "bad \xff\xfe byte\ttab", 16), MM_OK);
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_alert_to_json(a, &b), MM_OK);
    assert_string_equal(b.p,
                        "{\"@timestamp\":\"2023-11-14T22:13:20.123Z\",\"id\":\"00001a2b3c4d5e6f\","
                        "\"rule\":{\"id\":\"r-1\",\"title\":\"SSH \\\"login\\\" failed\","
                        "\"tags\":[\"attack.t1110\"]},\"severity\":\"high\",\"count\":3,"
                        "\"first_seen\":\"2023-11-14T22:13:20.000Z\","
                        "\"last_seen\":\"2023-11-14T22:13:20.123Z\","
                        "\"group\":{\"source.ip\":\"203.0.113.9\"},"
                        "\"fields\":{\"source.ip\":\"203.0.113.9\",\"source.port\":4242},"
                        "\"evidence\":[\"line \\\"one\\\"\",\"bad \\u00ff\\u00fe byte\\ttab\"]}");
    assert_null(strchr(b.p, '\n'));

    /* the rule's description (what to do) travels inside "rule" */
    a->rule_description = strdup("Block \"it\".");
    assert_non_null(a->rule_description);
    mm_buf_reset(&b);
    assert_int_equal(mm_alert_to_json(a, &b), MM_OK);
    assert_non_null(strstr(b.p, "\"tags\":[\"attack.t1110\"],"
                                "\"description\":\"Block \\\"it\\\".\"},\"severity\""));
    struct mm_alert *d = mm_alert_dup(a);
    assert_non_null(d);
    assert_string_equal(d->rule_description, a->rule_description);
    mm_alert_free(d);
    mm_buf_free(&b);
    mm_alert_free(a);
}

static void test_json_defaults(void **state)
{
    (void)state;
    struct mm_alert *a = calloc(1, sizeof(*a));
    assert_non_null(a);
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_alert_to_json(a, &b), MM_OK);
    assert_non_null(strstr(b.p, "\"rule\":{\"id\":\"\",\"title\":\"\",\"tags\":[]}"));
    assert_non_null(strstr(b.p, "\"group\":{},\"fields\":{},\"evidence\":[]}"));
    mm_buf_free(&b);
    mm_alert_free(a);
}

static void test_evidence_and_dup(void **state)
{
    (void)state;
    struct mm_alert *a = sample();
    char line[32];
    for (int i = 0; i < 13; i++) {
        int n = snprintf(line, sizeof(line), "l%d", i);
        assert_int_equal(mm_alert_add_evidence(a, line, (size_t)n), MM_OK);
    }
    assert_int_equal(a->nevidence, MM_ALERT_MAX_EVIDENCE);
    assert_int_equal(a->evidence_seen, 13);
    assert_string_equal(a->evidence[0], "l0");
    assert_string_equal(a->evidence[4], "l4");
    assert_string_equal(a->evidence[5], "l8");
    assert_string_equal(a->evidence[9], "l12");
    /* long lines are cut */
    char *big = malloc(MM_ALERT_MAX_LINE * 2);
    assert_non_null(big);
    memset(big, 'a', MM_ALERT_MAX_LINE * 2);
    assert_int_equal(mm_alert_add_evidence(a, big, MM_ALERT_MAX_LINE * 2), MM_OK);
    assert_int_equal(strlen(a->evidence[9]), MM_ALERT_MAX_LINE);
    free(big);

    struct mm_alert *d = mm_alert_dup(a);
    assert_non_null(d);
    assert_true(d->id == a->id);
    assert_string_equal(d->rule_title, a->rule_title);
    assert_ptr_not_equal(d->rule_title, a->rule_title);
    assert_int_equal(d->nevidence, a->nevidence);
    assert_string_equal(d->evidence[5], "l9");
    struct mm_buf x, y;
    mm_buf_init(&x, 0);
    mm_buf_init(&y, 0);
    assert_int_equal(mm_alert_to_json(a, &x), MM_OK);
    assert_int_equal(mm_alert_to_json(d, &y), MM_OK);
    assert_string_equal(x.p, y.p);
    mm_buf_free(&x);
    mm_buf_free(&y);
    mm_alert_free(d);
    mm_alert_free(a);
    mm_alert_free(NULL);
}

/* ---- delta updates: merged into the stored JSON, folded in a batch ---- */

/* A line for step i: escapes and odd bytes now and then, so the copy must be exact. */
static size_t odd_line(unsigned i, char *buf, size_t cap)
{
    int n;
    switch (i % 5) {
    case 0:
        n = snprintf(buf, cap, "plain %u", i);
        break;
    case 1:
        n = snprintf(buf, cap, "quote \"%u\" \\ back", i);
        break;
    case 2:
        n = snprintf(buf, cap, "bad \xff%u\xfe", i);
        break;
    case 3:
        n = snprintf(buf, cap, "tab\t%u\nnl", i);
        break;
    default:
        n = snprintf(buf, cap, "}],\"evidence\":[\"%u\"", i);
        break;
    }
    return (size_t)n;
}

/* A delta of a's incident: its scalars with count and times moved on. */
static struct mm_alert *delta_of(const struct mm_alert *a, uint64_t count)
{
    struct mm_alert *d = calloc(1, sizeof(*d));
    assert_non_null(d);
    d->id = a->id;
    d->is_update = 1;
    d->delta = 1;
    d->severity = a->severity;
    d->count = count;
    d->first_seen_ns = a->first_seen_ns - 1000000;
    d->last_seen_ns = a->last_seen_ns + (int64_t)count * 1000000;
    d->ts_ns = d->last_seen_ns;
    return d;
}

static void sync_scalars(struct mm_alert *full, const struct mm_alert *d)
{
    full->count = d->count;
    full->first_seen_ns = d->first_seen_ns;
    full->last_seen_ns = d->last_seen_ns;
    full->ts_ns = d->ts_ns;
}

/*
 * Property: the stored JSON updated by deltas of k lines each (every delta
 * keeping only the first and latest of its own lines) is byte for byte the
 * JSON of one alert that was given every line.
 */
static void test_json_update_equals_full(void **state)
{
    (void)state;
    static const unsigned steps[][4] = {{0, 1, 1, 1},  {2, 3, 0, 4}, {4, 9, 1, 12},
                                        {1, 0, 25, 3}, {7, 7, 7, 7}, {11, 1, 2, 0},
                                        {6, 12, 3, 8}, {6, 12, 3, 8}, {3, 2, 14, 6},
                                        {3, 2, 14, 6}};
    char line[128];
    for (size_t c = 0; c < sizeof(steps) / sizeof(steps[0]); c++) {
        struct mm_alert *full = sample();
        full->rule_description = strdup("text with },\"severity\":\" and ,\"group\": inside");
        free(full->fields_json);
        full->fields_json = strdup("{\"message\":\"x,\\\"evidence\\\":[y\"}");
        unsigned k = 0;
        for (unsigned i = 0; i < steps[c][0]; i++, k++) {
            assert_int_equal(mm_alert_add_evidence(full, line, odd_line(k, line, sizeof(line))),
                             MM_OK);
        }
        struct mm_buf stored, want;
        mm_buf_init(&stored, 0);
        mm_buf_init(&want, 0);
        assert_int_equal(mm_alert_to_json(full, &stored), MM_OK);
        for (size_t s = 1; s < 4; s++) {
            struct mm_alert *d = delta_of(full, full->count + steps[c][s]);
            /* every other case: once the stored row has its first half of lines,
             * the delta keeps only its latest half (as the daemon's alerter does) */
            d->evidence_tail = c % 2 == 1 && k >= MM_ALERT_MAX_EVIDENCE / 2;
            for (unsigned i = 0; i < steps[c][s]; i++, k++) {
                size_t n = odd_line(k, line, sizeof(line));
                assert_int_equal(mm_alert_add_evidence(full, line, n), MM_OK);
                assert_int_equal(mm_alert_add_evidence(d, line, n), MM_OK);
            }
            if (d->evidence_tail) {
                assert_true(d->nevidence <= MM_ALERT_MAX_EVIDENCE / 2);
            }
            sync_scalars(full, d);
            struct mm_buf next;
            mm_buf_init(&next, 0);
            assert_int_equal(mm_alert_to_json_update(d, stored.p, stored.len, &next), MM_OK);
            mm_buf_reset(&want);
            assert_int_equal(mm_alert_to_json(full, &want), MM_OK);
            assert_string_equal(next.p, want.p);
            mm_buf_free(&stored);
            stored = next;
            mm_alert_free(d);
        }
        mm_buf_free(&stored);
        mm_buf_free(&want);
        mm_alert_free(full);
    }
}

static void test_json_update_refuses_other_text(void **state)
{
    (void)state;
    struct mm_alert *a = sample();
    struct mm_alert *d = delta_of(a, 2);
    mm_alert_free(a);
    struct mm_buf b;
    mm_buf_init(&b, 0);
    assert_int_equal(mm_alert_to_json_update(d, "{}", 2, &b), MM_EINVAL);
    const char *cut =
        "{\"@timestamp\":\"x\",\"id\":\"1\",\"rule\":{\"id\":\"r\"},\"severity\":\"low\","
        "\"group\":{},\"fields\":{},\"evidence\":[\"unterminated";
    assert_int_equal(mm_alert_to_json_update(d, cut, strlen(cut), &b), MM_EINVAL);
    assert_int_equal(mm_alert_to_json_update(d, NULL, 0, &b), MM_EINVAL);
    mm_buf_free(&b);
    mm_alert_free(d);
}

/* Versions coalesced in a batch: a delta folded onto a full alert or another delta. */
static void test_fold(void **state)
{
    (void)state;
    char line[128];
    struct mm_alert *ref = sample();
    struct mm_alert *older = sample();
    for (unsigned k = 0; k < 3; k++) {
        size_t n = odd_line(k, line, sizeof(line));
        assert_int_equal(mm_alert_add_evidence(ref, line, n), MM_OK);
        assert_int_equal(mm_alert_add_evidence(older, line, n), MM_OK);
    }
    struct mm_alert *d1 = delta_of(older, 9);
    struct mm_alert *d2 = delta_of(older, 30);
    for (unsigned k = 3; k < 40; k++) {
        size_t n = odd_line(k, line, sizeof(line));
        assert_int_equal(mm_alert_add_evidence(ref, line, n), MM_OK);
        assert_int_equal(mm_alert_add_evidence(k < 12 ? d1 : d2, line, n), MM_OK);
    }
    mm_alert_fold(d1, d2); /* two deltas: still a delta, with d1's lines first */
    assert_int_equal(d2->delta, 1);
    assert_null(d2->fields_json);
    mm_alert_free(d1);
    mm_alert_fold(older, d2); /* onto the full version: a full alert again */
    assert_int_equal(d2->delta, 0);
    assert_string_equal(d2->fields_json, ref->fields_json);
    assert_null(older->fields_json);
    assert_int_equal(older->nevidence, 0);
    mm_alert_free(older);
    sync_scalars(ref, d2);
    struct mm_buf x, y;
    mm_buf_init(&x, 0);
    mm_buf_init(&y, 0);
    assert_int_equal(mm_alert_to_json(ref, &x), MM_OK);
    assert_int_equal(mm_alert_to_json(d2, &y), MM_OK);
    assert_string_equal(x.p, y.p);
    assert_true(mm_alert_bytes(d2) > sizeof(*d2) + strlen(d2->fields_json));

    /* a full newer version supersedes: nothing moves */
    struct mm_alert *n = sample();
    mm_alert_fold(d2, n);
    assert_int_equal(n->nevidence, 0);
    assert_int_equal(d2->nevidence, MM_ALERT_MAX_EVIDENCE);
    mm_alert_free(n);
    mm_buf_free(&x);
    mm_buf_free(&y);
    mm_alert_free(d2);
    mm_alert_free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_severity),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_json_defaults),
        cmocka_unit_test(test_evidence_and_dup),
        cmocka_unit_test(test_json_update_equals_full),
        cmocka_unit_test(test_json_update_refuses_other_text),
        cmocka_unit_test(test_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
